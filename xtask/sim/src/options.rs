//! Maelstrom's `test` command line (spec §4.2), parsed into the options of one run.
//!
//! Options are spelled and defaulted exactly as Maelstrom's, so a Fly.io command line works
//! with `./maelstrom test` replaced; `--seed` is ours. Options take their value as the next
//! word or after `=`. Words that are not options, and every word after `--`, are passed to
//! the node binary, as Maelstrom does. One published command line (challenge 6c) spells
//! `--nemesis` with an en dash; Maelstrom silently passes it to the binary, we read it as
//! the option and say so in [`Options::notes`]. `--maelstrom-version 0.2.3|0.2.4` is ours too:
//! which release's generators and checker output to reproduce.

use crate::version::MaelstromVersion;
use std::fmt;
use std::path::PathBuf;

/// How per-message latency is drawn (`--latency-dist`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatencyDist {
    Constant,
    Uniform,
    Exponential,
}

/// The broadcast workload's `--topology`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopologyKind {
    Line,
    Grid,
    Total,
    /// A tree whose inner nodes have this many children (`tree` = `tree2`).
    Tree(usize),
}

/// `--availability`: the fraction of invocations that must succeed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Availability {
    Total,
    AtLeast(f64),
}

impl Availability {
    /// The required ok fraction, as the availability checker takes it.
    pub fn fraction(self) -> f64 {
        match self {
            Availability::Total => 1.0,
            Availability::AtLeast(a) => a,
        }
    }
}

/// Everything one run needs to know from its command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub workload: String,
    pub bin: PathBuf,
    /// Positional arguments, passed to every node process after the binary.
    pub node_args: Vec<String>,
    /// Server node ids in test order.
    pub nodes: Vec<String>,
    /// Number of client worker threads (`--concurrency`, `Nn` resolved).
    pub concurrency: usize,
    /// Seconds of main phase.
    pub time_limit: u64,
    /// Mean operations per second over all workers.
    pub rate: f64,
    /// Mean one-way latency in ms of messages between non-clients.
    pub latency: u64,
    pub latency_dist: LatencyDist,
    pub partition: bool,
    /// Mean seconds between nemesis operations.
    pub nemesis_interval: f64,
    pub topology: TopologyKind,
    pub availability: Option<Availability>,
    pub consistency_models: Vec<String>,
    pub key_count: Option<u64>,
    pub max_txn_length: u64,
    pub max_writes_per_key: u64,
    pub log_stderr: bool,
    pub log_net_send: bool,
    pub log_net_recv: bool,
    pub seed: Option<u64>,
    /// The Maelstrom release whose generators and checker output are reproduced.
    pub maelstrom_version: MaelstromVersion,
    /// Things the parser normalised or ignored, to print before the run.
    pub notes: Vec<String>,
}

/// A command line the simulator cannot run; the CLI exits 254 with this message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError {
    /// The option at fault, e.g. `--rate`.
    pub flag: String,
    pub message: String,
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.flag, self.message)
    }
}

impl std::error::Error for ArgError {}

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Run(Box<Options>),
    Help,
}

/// The largest value each option may take. Beyond these a run would overflow a clock or a
/// counter (seconds and milliseconds turned into deadlines), or exhaust the machine before
/// its first operation (a thread per client, a process per node, a vector per key, a
/// transaction's micro-ops); each is far past any test Maelstrom's own suites run.
const LIMITS: &[(&str, u64, &str)] = &[
    ("--time-limit", 365 * 24 * 3600, "seconds (a year)"),
    ("--node-count", 256, "nodes, each a process of its own"),
    ("--concurrency", 1024, "clients, each a thread of its own"),
    ("--rate", 1_000_000, "operations a second"),
    ("--latency", 3_600_000, "milliseconds (an hour)"),
    ("--nemesis-interval", 365 * 24 * 3600, "seconds (a year)"),
    ("--key-count", 1_000_000, "keys"),
    ("--max-txn-length", 100_000, "micro-ops"),
];

/// Refuses `value` for `flag` when it passes the flag's entry in [`LIMITS`].
fn within_limit(flag: &str, value: f64) -> Result<(), ArgError> {
    let Some(&(_, max, unit)) = LIMITS.iter().find(|(name, _, _)| *name == flag) else {
        return Ok(());
    };
    if value <= max as f64 {
        return Ok(());
    }
    Err(err(
        flag,
        format!("must be at most {max} {unit}, got {value}"),
    ))
}

fn err(flag: &str, message: impl Into<String>) -> ArgError {
    ArgError {
        flag: flag.to_string(),
        message: message.into(),
    }
}

/// Options that take a value; every other known option is a flag.
const VALUED: &[&str] = &[
    "--workload",
    "--bin",
    "--node-count",
    "--node",
    "--nodes",
    "--nodes-file",
    "--concurrency",
    "--time-limit",
    "--rate",
    "--latency",
    "--latency-dist",
    "--nemesis",
    "--nemesis-interval",
    "--topology",
    "--availability",
    "--consistency-models",
    "--key-count",
    "--max-txn-length",
    "--max-writes-per-key",
    "--test-count",
    "--seed",
    "--maelstrom-version",
    "--username",
    "--password",
    "--ssh-private-key",
];
const FLAGS: &[&str] = &[
    "--log-stderr",
    "--log-net-send",
    "--log-net-recv",
    "--help",
    "--leave-db-running",
    "--logging-json",
    "--strict-host-key-checking",
    "--no-ssh",
];

/// The long form of an option word, with the en-dash spelling normalised (noted in `notes`).
fn long_name(word: &str, notes: &mut Vec<String>) -> Option<String> {
    let short = match word {
        "-w" => Some("--workload"),
        "-n" => Some("--node"),
        "-h" => Some("--help"),
        _ => None,
    };
    if let Some(long) = short {
        return Some(long.to_string());
    }
    if word.starts_with("--") && word.len() > 2 {
        return Some(word.to_string());
    }
    for dash in ["\u{2013}-", "\u{2013}"] {
        if let Some(rest) = word.strip_prefix(dash) {
            let normal = format!("--{rest}");
            let name = normal.split('=').next().unwrap_or_default();
            if VALUED.contains(&name) || FLAGS.contains(&name) {
                notes.push(format!(
                    "read {word:?} (starts with an en dash, U+2013) as {normal:?}; real Maelstrom \
                     would pass it to the node as an argument and ignore it"
                ));
                return Some(normal);
            }
        }
    }
    None
}

/// Parses Maelstrom `test` arguments (without the leading `test`).
pub fn parse(args: &[String]) -> Result<Parsed, ArgError> {
    let mut notes = Vec::new();
    let mut values: Vec<(String, String)> = Vec::new();
    let mut flags: Vec<String> = Vec::new();
    let mut positional = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        if word == "--" {
            positional.extend(words.by_ref().cloned());
            break;
        }
        let Some(long) = long_name(word, &mut notes) else {
            if word.starts_with('-') && word.len() > 1 && !word.starts_with("--") {
                return Err(err(word, "unknown option"));
            }
            positional.push(word.clone());
            continue;
        };
        let (name, inline) = match long.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (long.clone(), None),
        };
        if FLAGS.contains(&name.as_str()) {
            if inline.is_some() {
                return Err(err(&name, "takes no value"));
            }
            flags.push(name);
        } else if VALUED.contains(&name.as_str()) {
            let value = match inline {
                Some(v) => v,
                None => words
                    .next()
                    .cloned()
                    .ok_or_else(|| err(&name, "needs a value"))?,
            };
            values.push((name, value));
        } else {
            return Err(err(&name, "unknown option"));
        }
    }
    if flags.iter().any(|f| f == "--help") {
        return Ok(Parsed::Help);
    }
    build(values, flags, positional, notes).map(|o| Parsed::Run(Box::new(o)))
}

fn build(
    values: Vec<(String, String)>,
    flags: Vec<String>,
    node_args: Vec<String>,
    mut notes: Vec<String>,
) -> Result<Options, ArgError> {
    let last = |name: &str| {
        values
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let all = |name: &str| -> Vec<&str> {
        values
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let flag = |name: &str| flags.iter().any(|f| f == name);

    let bin = PathBuf::from(last("--bin").ok_or_else(|| err("--bin", "is required"))?);
    let workload = last("--workload")
        .unwrap_or(crate::workload::DEFAULT_WORKLOAD)
        .to_string();
    let nodes = node_list(
        last("--node-count"),
        all("--node"),
        last("--nodes"),
        last("--nodes-file"),
    )?;
    within_limit("--node-count", nodes.len() as f64)?;
    let concurrency = concurrency(last("--concurrency").unwrap_or("1n"), nodes.len())?;
    within_limit("--concurrency", concurrency as f64)?;
    let time_limit = positive_int("--time-limit", last("--time-limit").unwrap_or("60"))?;
    within_limit("--time-limit", time_limit as f64)?;
    let rate = number("--rate", last("--rate").unwrap_or("5"))?;
    if rate < 0.0 {
        return Err(err("--rate", "must not be negative"));
    }
    within_limit("--rate", rate)?;
    let latency = int("--latency", last("--latency").unwrap_or("0"))?;
    within_limit("--latency", latency as f64)?;
    let latency_dist = match last("--latency-dist").unwrap_or("constant") {
        "constant" => LatencyDist::Constant,
        "uniform" => LatencyDist::Uniform,
        "exponential" => LatencyDist::Exponential,
        other => {
            return Err(err(
                "--latency-dist",
                format!("must be constant, uniform or exponential, got {other:?}"),
            ))
        }
    };
    if latency_dist == LatencyDist::Exponential && latency == 0 {
        return Err(err(
            "--latency-dist",
            "exponential needs --latency > 0 (Maelstrom would divide by zero)",
        ));
    }
    let mut partition = false;
    for fault in all("--nemesis")
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        match fault {
            "partition" => partition = true,
            other => {
                return Err(err(
                    "--nemesis",
                    format!("the only fault is partition, got {other:?}"),
                ))
            }
        }
    }
    let nemesis_interval = number(
        "--nemesis-interval",
        last("--nemesis-interval").unwrap_or("10"),
    )?;
    if nemesis_interval <= 0.0 {
        return Err(err("--nemesis-interval", "must be positive"));
    }
    within_limit("--nemesis-interval", nemesis_interval)?;
    let topology = match last("--topology").unwrap_or("grid") {
        "line" => TopologyKind::Line,
        "grid" => TopologyKind::Grid,
        "total" => TopologyKind::Total,
        "tree" | "tree2" => TopologyKind::Tree(2),
        "tree3" => TopologyKind::Tree(3),
        "tree4" => TopologyKind::Tree(4),
        other => {
            return Err(err(
                "--topology",
                format!("must be line, grid, tree, tree2, tree3, tree4 or total, got {other:?}"),
            ))
        }
    };
    let availability = match last("--availability") {
        None => None,
        Some("total") => Some(Availability::Total),
        Some(text) => {
            let a = number("--availability", text)?;
            if !(0.0..=1.0).contains(&a) {
                return Err(err(
                    "--availability",
                    "must be total or a number between 0 and 1",
                ));
            }
            Some(Availability::AtLeast(a))
        }
    };
    let consistency_models =
        split_models(last("--consistency-models").unwrap_or("strict-serializable"));
    let key_count = last("--key-count")
        .map(|v| positive_int("--key-count", v))
        .transpose()?;
    if let Some(count) = key_count {
        within_limit("--key-count", count as f64)?;
    }
    let max_txn_length = positive_int("--max-txn-length", last("--max-txn-length").unwrap_or("4"))?;
    within_limit("--max-txn-length", max_txn_length as f64)?;
    let max_writes_per_key = positive_int(
        "--max-writes-per-key",
        last("--max-writes-per-key").unwrap_or("16"),
    )?;
    if positive_int("--test-count", last("--test-count").unwrap_or("1"))? != 1 {
        return Err(err(
            "--test-count",
            "the built-in simulator runs one test per invocation",
        ));
    }
    let seed = last("--seed")
        .map(|v| {
            v.parse::<u64>().map_err(|_| {
                err(
                    "--seed",
                    format!("must be a non-negative integer, got {v:?}"),
                )
            })
        })
        .transpose()?;
    let maelstrom_version = match last("--maelstrom-version") {
        None => MaelstromVersion::default(),
        Some(text) => MaelstromVersion::parse(text).ok_or_else(|| {
            err(
                "--maelstrom-version",
                format!(
                    "must be {}, got {text:?}",
                    MaelstromVersion::NAMES.join(" or ")
                ),
            )
        })?,
    };
    for ignored in ["--username", "--password", "--ssh-private-key"] {
        if last(ignored).is_some() {
            notes.push(format!("{ignored} has no effect in Maelstrom or here"));
        }
    }
    Ok(Options {
        workload,
        bin,
        node_args,
        nodes,
        concurrency,
        time_limit,
        rate,
        latency,
        latency_dist,
        partition,
        nemesis_interval,
        topology,
        availability,
        consistency_models,
        key_count,
        max_txn_length,
        max_writes_per_key,
        log_stderr: flag("--log-stderr"),
        log_net_send: flag("--log-net-send"),
        log_net_recv: flag("--log-net-recv"),
        seed,
        maelstrom_version,
        notes,
    })
}

/// `--node-count` wins; else `--node`s, `--nodes`, `--nodes-file`; else Jepsen's `n1`..`n5`.
fn node_list(
    count: Option<&str>,
    node: Vec<&str>,
    nodes: Option<&str>,
    file: Option<&str>,
) -> Result<Vec<String>, ArgError> {
    if let Some(count) = count {
        let n = positive_int("--node-count", count)?;
        // Checked before the list is built: a count of 2^64 - 1 would not fit in memory.
        within_limit("--node-count", n as f64)?;
        return Ok((0..n).map(|i| format!("n{i}")).collect());
    }
    let mut list: Vec<String> = node.into_iter().map(String::from).collect();
    if let Some(nodes) = nodes {
        list.extend(
            nodes
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
        );
    }
    if let Some(file) = file {
        let text = std::fs::read_to_string(file)
            .map_err(|e| err("--nodes-file", format!("cannot read {file}: {e}")))?;
        list.extend(text.split_whitespace().map(String::from));
    }
    if list.is_empty() {
        list = (1..=5).map(|i| format!("n{i}")).collect();
    }
    Ok(list)
}

/// `N` or `Nn` (N times the node count).
fn concurrency(text: &str, node_count: usize) -> Result<usize, ArgError> {
    let (digits, per_node) = match text.strip_suffix('n') {
        Some(d) => (d, true),
        None => (text, false),
    };
    let n = positive_int("--concurrency", digits)?;
    let total = if per_node {
        n.checked_mul(node_count as u64)
    } else {
        Some(n)
    };
    total
        .and_then(|total| usize::try_from(total).ok())
        .ok_or_else(|| {
            err(
                "--concurrency",
                format!("{text} clients is more than can be counted"),
            )
        })
}

/// Maelstrom splits on the regex `\s+,\s+` (whitespace required around the comma).
fn split_models(text: &str) -> Vec<String> {
    let mut models = Vec::new();
    let mut rest = text;
    loop {
        let split = rest.char_indices().find_map(|(i, c)| {
            if c != ',' {
                return None;
            }
            let before = rest[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace);
            let after = rest[i + 1..]
                .chars()
                .next()
                .is_some_and(char::is_whitespace);
            (before && after).then_some(i)
        });
        match split {
            Some(i) => {
                models.push(rest[..i].trim_end().to_string());
                rest = rest[i + 1..].trim_start();
            }
            None => {
                models.push(rest.to_string());
                return models;
            }
        }
    }
}

fn int(flag: &str, text: &str) -> Result<u64, ArgError> {
    text.parse::<u64>().map_err(|_| {
        err(
            flag,
            format!("must be a non-negative integer, got {text:?}"),
        )
    })
}

fn positive_int(flag: &str, text: &str) -> Result<u64, ArgError> {
    match int(flag, text)? {
        0 => Err(err(flag, "must be positive")),
        n => Ok(n),
    }
}

fn number(flag: &str, text: &str) -> Result<f64, ArgError> {
    text.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| err(flag, format!("must be a number, got {text:?}")))
}

/// The option summary printed by `--help`.
pub const USAGE: &str = "\
cargo xtask sim [-w WORKLOAD] --bin PATH [options] [-- node args]

Maelstrom `test` options:
  -w, --workload NAME       lin-kv (the default, as Maelstrom's), echo, unique-ids, broadcast,
                            g-set, g-counter, pn-counter, kafka, txn-rw-register,
                            txn-list-append
      --bin PATH            the node program, spawned once per node
      --node-count N        nodes n0..n(N-1) (default: n1..n5; or -n/--node, --nodes, --nodes-file)
      --concurrency N|Nn    client threads; Nn = N per node (default 1n; lin-kv needs a
                            multiple of 2n)
      --time-limit S        seconds of operations (default 60)
      --rate R              mean operations per second (default 5)
      --latency MS          mean one-way latency between non-clients (default 0)
      --latency-dist D      constant, uniform or exponential (default constant)
      --nemesis partition   inject network partitions
      --nemesis-interval S  mean seconds between faults (default 10)
      --topology T          grid, line, total, tree, tree2, tree3, tree4 (default grid)
      --availability A      total or a fraction of ops that must succeed
      --consistency-models M, --key-count N, --max-txn-length N, --max-writes-per-key N
      --log-stderr          copy node stderr to the console
  our own:
      --seed N              replay the random choices of an earlier run
      --maelstrom-version V 0.2.3 or 0.2.4 (default): whose kafka generator and Elle
                            output to reproduce
";

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(String::from).collect()
    }

    fn run(line: &str) -> Options {
        match parse(&words(line)).unwrap() {
            Parsed::Run(o) => *o,
            Parsed::Help => panic!("unexpected help"),
        }
    }

    #[test]
    fn maelstrom_defaults() {
        let o = run("--bin x");
        assert_eq!(o.workload, "lin-kv");
        assert_eq!(o.nodes, ["n1", "n2", "n3", "n4", "n5"]);
        assert_eq!(
            (o.concurrency, o.time_limit, o.rate, o.latency),
            (5, 60, 5.0, 0)
        );
        assert_eq!(
            (o.latency_dist, o.partition, o.nemesis_interval),
            (LatencyDist::Constant, false, 10.0)
        );
        assert_eq!(o.topology, TopologyKind::Grid);
        assert_eq!(
            (o.max_txn_length, o.max_writes_per_key, o.key_count),
            (4, 16, None)
        );
        assert_eq!(o.consistency_models, ["strict-serializable"]);
        assert!(o.node_args.is_empty() && o.notes.is_empty() && o.availability.is_none());
    }

    #[test]
    fn a_fly_io_command_line() {
        let o = run("-w txn-rw-register --bin /b --node-count 2 --concurrency 2n --time-limit 20 --rate 1000 --consistency-models read-committed --availability total --nemesis partition --seed 9");
        assert_eq!(o.workload, "txn-rw-register");
        assert_eq!(o.nodes, ["n0", "n1"]);
        assert_eq!(o.concurrency, 4);
        assert_eq!((o.time_limit, o.rate), (20, 1000.0));
        assert_eq!(o.availability, Some(Availability::Total));
        assert!(o.partition);
        assert_eq!(o.seed, Some(9));
    }

    #[test]
    fn en_dash_nemesis_is_read_as_the_option_with_a_note() {
        let o = run("-w txn-rw-register --bin /b --node-count 2 \u{2013}-nemesis partition");
        assert!(o.partition);
        assert!(o.node_args.is_empty());
        assert_eq!(o.notes.len(), 1);
        assert!(o.notes[0].contains("--nemesis"), "{}", o.notes[0]);
    }

    #[test]
    fn positional_words_go_to_the_node() {
        let o = run("--bin /b echo --node-count 1 -- --verbose -x");
        assert_eq!(o.node_args, ["echo", "--verbose", "-x"]);
        assert_eq!(o.nodes, ["n0"]);
    }

    #[test]
    fn values_after_equals_and_other_spellings() {
        let o = run("--bin=/b --rate=2.5 --latency 100 --latency-dist uniform --topology tree --availability 0.99 --concurrency 3");
        assert_eq!(
            (o.rate, o.latency, o.latency_dist),
            (2.5, 100, LatencyDist::Uniform)
        );
        assert_eq!(o.topology, TopologyKind::Tree(2));
        assert_eq!(o.availability, Some(Availability::AtLeast(0.99)));
        assert_eq!(o.concurrency, 3);
        let o = run("--bin /b -n a -n b --nodes c,d");
        assert_eq!(o.nodes, ["a", "b", "c", "d"]);
    }

    #[test]
    fn consistency_models_split_only_on_spaced_commas() {
        assert_eq!(split_models("read-committed"), ["read-committed"]);
        assert_eq!(split_models("a , b"), ["a", "b"]);
        assert_eq!(split_models("a,b"), ["a,b"]);
    }

    #[test]
    fn bad_arguments_name_the_flag() {
        let bad = |line: &str| parse(&words(line)).unwrap_err().flag;
        assert_eq!(bad("-w echo"), "--bin");
        assert_eq!(bad("--bin /b --rate fast"), "--rate");
        assert_eq!(bad("--bin /b --time-limit 0"), "--time-limit");
        assert_eq!(bad("--bin /b --time-limit 1.5"), "--time-limit");
        assert_eq!(bad("--bin /b --nemesis kill"), "--nemesis");
        assert_eq!(bad("--bin /b --topology star"), "--topology");
        assert_eq!(bad("--bin /b --availability 2"), "--availability");
        assert_eq!(bad("--bin /b --concurrency xn"), "--concurrency");
        assert_eq!(bad("--bin /b --bogus 1"), "--bogus");
        assert_eq!(bad("--bin /b --latency-dist exponential"), "--latency-dist");
        assert_eq!(bad("--bin /b --rate"), "--rate");
        assert_eq!(bad("--bin /b -q"), "-q");
        assert_eq!(
            bad("--bin /b --maelstrom-version 0.3"),
            "--maelstrom-version"
        );
    }

    #[test]
    fn values_that_would_overflow_or_exhaust_the_machine_name_the_flag() {
        let bad = |line: &str| parse(&words(line)).unwrap_err();
        let max = u64::MAX;
        for (line, flag) in [
            (format!("--bin /b --time-limit {max}"), "--time-limit"),
            ("--bin /b --concurrency 100000".to_owned(), "--concurrency"),
            (format!("--bin /b --concurrency {max}n"), "--concurrency"),
            ("--bin /b --node-count 100000".to_owned(), "--node-count"),
            (format!("--bin /b --node-count {max}"), "--node-count"),
            ("--bin /b --rate 1e300".to_owned(), "--rate"),
            (format!("--bin /b --latency {max}"), "--latency"),
            (
                "--bin /b --nemesis-interval 1e300".to_owned(),
                "--nemesis-interval",
            ),
            (format!("--bin /b --key-count {max}"), "--key-count"),
            (
                format!("--bin /b --max-txn-length {max}"),
                "--max-txn-length",
            ),
        ] {
            let error = bad(&line);
            assert_eq!(error.flag, flag, "{line}");
            assert!(
                error.message.contains("at most") || error.message.contains("counted"),
                "{error}"
            );
        }
        let largest = run("--bin /b --time-limit 31536000 --concurrency 1024 --node-count 256");
        assert_eq!(
            (largest.time_limit, largest.concurrency),
            (31_536_000, 1024)
        );
    }

    #[test]
    fn the_maelstrom_version_defaults_to_0_2_4() {
        assert_eq!(run("--bin /b").maelstrom_version, MaelstromVersion::V0_2_4);
        assert_eq!(
            run("--bin /b --maelstrom-version 0.2.3").maelstrom_version,
            MaelstromVersion::V0_2_3
        );
    }

    #[test]
    fn help_is_recognised() {
        assert_eq!(parse(&words("-h")).unwrap(), Parsed::Help);
    }
}
