//! What each kind of anomaly means, in a sentence, for the checkers whose results name
//! anomalies by kind only: Jepsen's kafka checker and Elle. Kinds not listed here get a
//! sentence that says the checker reported them without a description.

/// A kafka error type (checkers.md §2.6) in words.
pub fn kafka_error(kind: &str) -> String {
    let text = match kind {
        "lost-write" => {
            "An acknowledged send was never seen by a poll, although polls read past its offset."
        }
        "poll-skip" => "A process's successive polls skipped over offsets that hold messages.",
        "nonmonotonic-poll" => "A process polled an offset lower than one it had already polled.",
        "nonmonotonic-send" => "A process's successive sends to one key got decreasing offsets.",
        "duplicate" => "One message appears at more than one offset of a key.",
        "inconsistent-offsets" => "Two different messages were read at the same offset of a key.",
        "unseen" => "Acknowledged messages were still unseen by any poll when the test ended.",
        "aborted-read" => "A poll read a message whose send failed.",
        "int-poll-skip" | "int-nonmonotonic-poll" | "int-send-skip" | "int-nonmonotonic-send" => {
            "Offsets within a single operation skip or go backwards."
        }
        "G0" | "G1c" | "G-single" | "G2" | "G1a" | "G1b" => {
            return elle_anomaly(kind);
        }
        "precommitted-read" => "A poll read a message before its send was invoked.",
        _ => return format!("The kafka checker reported {kind} (no description here)."),
    };
    text.to_string()
}

/// An Elle anomaly type (checkers.md §4) in words.
pub fn elle_anomaly(kind: &str) -> String {
    let base = kind
        .strip_suffix("-realtime")
        .or_else(|| kind.strip_suffix("-process"))
        .or_else(|| kind.strip_suffix("-cycle-exists"))
        .unwrap_or(kind);
    let text = match base {
        "G0" => "Write cycle: transactions overwrote each other's writes in a cycle.",
        "G1a" => "Aborted read: a transaction read a value written by a transaction that failed.",
        "G1b" => "Intermediate read: a transaction read a value that its writer later overwrote within the same transaction.",
        "G1c" => "Circular information flow: transactions read from and wrote after each other in a cycle.",
        "G1" => "Read committed is violated: one of aborted read, intermediate read or circular information flow.",
        "G-single" => "Read skew: a cycle with exactly one anti-dependency (a read that missed a later write).",
        "G-nonadjacent" => "A cycle whose anti-dependencies are never adjacent.",
        "G2" | "G2-item" => "Anti-dependency cycle: transactions each missed another's writes in a cycle.",
        "PL-1" | "PL-2" | "PL-SI" | "PL-SS" => "Elle found a cycle that this consistency model forbids.",
        "lost-update" => "Lost update: two transactions read the same version of a key and both wrote it.",
        "internal" => "Internal inconsistency: a transaction's read contradicts its own earlier writes or reads.",
        "dirty-update" => "Dirty update: a write built on a value from a transaction that failed.",
        "duplicate-elements" => "A list read holds the same element twice.",
        "incompatible-order" => "Two reads of one key show orders of its elements that cannot both be true.",
        "future-read" => "A transaction read a value that a later transaction wrote.",
        "empty-transaction-graph" => "No transaction depends on another, so nothing could be checked.",
        "cycle-search-timeout" => "The cycle search ran out of time, so the verdict is unknown.",
        _ => return format!("Elle reported {kind} (no description here)."),
    };
    if kind.ends_with("-realtime") {
        format!("{text} The cycle includes real-time order.")
    } else if kind.ends_with("-process") {
        format!("{text} The cycle includes process order.")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_kinds_have_sentences_and_unknown_ones_say_so() {
        assert!(kafka_error("lost-write").starts_with("An acknowledged send"));
        assert!(kafka_error("G1c").starts_with("Circular"));
        assert!(kafka_error("weird").contains("weird"));
        assert!(elle_anomaly("G-single-realtime").ends_with("real-time order."));
        assert!(elle_anomaly("G1a").starts_with("Aborted read"));
        assert!(elle_anomaly("X9").contains("X9"));
    }
}
