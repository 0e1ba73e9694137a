# `make <challenge>` runs that Gossip Glomers challenge's Maelstrom suites, under the target
# names of the project's founding README; `make help` (or plain `make`) lists them. Each
# target runs one cargo line, so the xtask stays the one place that knows the suites
# (`cargo xtask list`), and a test (workloads/tests/it/makefile.rs) fails when a target
# names a suite that is gone.

.DEFAULT_GOAL := help
.PHONY: help all test echoer unique-id snb mnb ftb eb-one eb-two goc sn-kafka mn-kafka eff-kafka txn-ru txn-rc txn-strict lin-kv

# Prints each documented target, its `##` note and the line it runs.
help:
	@awk -F':.*## ' '/^[a-z][a-z0-9-]*:.*## / { name = $$1; note = $$2; getline; sub(/^\t/, ""); printf "  make %-10s  %-38s  %s\n", name, note, $$0 }' $(firstword $(MAKEFILE_LIST))

all: ## every suite
	cargo xtask test all
test: ## the tests
	cargo test --workspace

echoer: ## 1, echo
	cargo xtask test 1
unique-id: ## 2, unique ID generation
	cargo xtask test 2
snb: ## 3a, single-node broadcast
	cargo xtask test 3a
mnb: ## 3b, multi-node broadcast
	cargo xtask test 3b
ftb: ## 3c, fault-tolerant broadcast
	cargo xtask test 3c
eb-one: ## 3d, efficient broadcast, part I
	cargo xtask test 3d
eb-two: ## 3e, efficient broadcast, part II
	cargo xtask test 3e
goc: ## 4, grow-only counter
	cargo xtask test 4
sn-kafka: ## 5a, single-node kafka-style log
	cargo xtask test 5a
mn-kafka: ## 5b, multi-node kafka-style log
	cargo xtask test 5b
eff-kafka: ## 5c, efficient kafka-style log
	cargo xtask test 5c
txn-ru: ## 6a 6b, read-uncommitted transactions
	cargo xtask test 6a 6b
txn-rc: ## 6c, read-committed transactions
	cargo xtask test 6c
txn-strict: ## strict-serializable txns on Raft
	cargo xtask test txn-list-append txn-rw-register-strict
lin-kv: ## lin-kv on Raft (Maelstrom's default)
	cargo xtask test lin-kv
