//! The relay's decisions one at a time, on hand-made traffic: when a message goes straight,
//! enveloped or around, what an arriving envelope becomes, and when relaying stops.

use std::time::Duration;

use tokio::time::Instant;

use super::{Envelope, Inbound, Relay, RelayConfig, Route};

const SILENCE: Duration = Duration::from_millis(200);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Node `id` of n0..n(size-1).
fn relay(id: &str, size: usize) -> Relay {
    let ids: Vec<String> = (0..size).map(|n| format!("n{n}")).collect();
    Relay::new(id, &ids, RelayConfig { silence: SILENCE })
}

fn envelope(origin: &str, target: &str, deaf: bool) -> Envelope<()> {
    Envelope {
        origin: origin.to_owned(),
        target: target.to_owned(),
        deaf,
        body: (),
    }
}

fn around(deaf: bool, via: &[&str]) -> Route {
    Route::Enveloped {
        deaf,
        via: via.iter().map(|node| (*node).to_owned()).collect(),
    }
}

#[test]
fn messages_go_straight_while_peers_answer_within_the_silence() {
    let t0 = Instant::now();
    let mut n0 = relay("n0", 3);
    for step in 0..20 {
        let now = t0 + ms(150) * step;
        assert_eq!(n0.route("n1", now), Route::Direct);
        n0.heard_plain("n1", now + ms(20));
    }
    assert_eq!(n0.route("c1", t0 + ms(10_000)), Route::Direct, "not a peer");
    assert_eq!(
        n0.route("n2", t0 + ms(10_000)),
        Route::Direct,
        "a peer never written to is taken for sound"
    );
}

#[test]
fn a_peer_silent_after_a_send_is_told_so_and_relayed_to_once_it_complains() {
    let t0 = Instant::now();
    let mut n0 = relay("n0", 3);
    assert_eq!(n0.route("n1", t0), Route::Direct);
    assert_eq!(n0.route("n1", t0 + SILENCE - ms(1)), Route::Direct);
    // Deaf to n1 (nothing came straight): n0 says so, but silence alone is no cut.
    assert_eq!(n0.route("n1", t0 + SILENCE), around(true, &[]));
    let complaint = envelope("n1", "n0", true);
    let later = t0 + SILENCE + ms(1);
    assert_eq!(
        n0.heard_envelope("n1", &complaint, Some(1), later),
        Inbound::Deliver
    );
    assert_eq!(n0.route("n1", later), around(false, &["n2"]));
}

#[test]
fn a_deaf_node_complains_straight_and_the_peer_relays_toward_it() {
    let t0 = Instant::now();
    // The link n0 -> n1 is cut; n1 -> n0 works.
    let mut n1 = relay("n1", 3);
    n1.route("n0", t0);
    // Something of n0's arrived at n1 around the cut, so n1 knows that n0 hears it, but
    // nothing came straight: n1's message goes straight, saying that it is deaf.
    let delivered = n1.heard_envelope("n2", &envelope("n0", "n1", false), Some(1), t0 + ms(50));
    assert_eq!(delivered, Inbound::Deliver);
    assert_eq!(n1.route("n0", t0 + SILENCE), around(true, &[]));
    // n0 hears n1 straight, and so would send straight, but for the complaint.
    let mut n0 = relay("n0", 3);
    let complaint = n0.heard_envelope("n1", &envelope("n1", "n0", true), Some(7), t0);
    assert_eq!(complaint, Inbound::Deliver);
    assert_eq!(n0.route("n1", t0 + ms(1)), around(false, &["n2"]));
    // The complaint holds for one silence unless renewed; then n1's answer decides.
    assert_eq!(n0.route("n1", t0 + SILENCE), Route::Direct);
}

#[test]
fn a_relayed_message_is_delivered_once_as_from_its_origin() {
    let t0 = Instant::now();
    let mut n2 = relay("n2", 3);
    let sent = envelope("n0", "n2", true);
    assert_eq!(
        n2.heard_envelope("n1", &sent, Some(3), t0),
        Inbound::Deliver
    );
    assert_eq!(
        n2.heard_envelope("n0", &sent, Some(3), t0 + ms(5)),
        Inbound::Drop,
        "the straight copy of the same message"
    );
    assert_eq!(
        n2.heard_envelope("n0", &sent, Some(4), t0),
        Inbound::Deliver
    );
}

#[test]
fn an_envelope_is_passed_on_only_on_its_first_hop() {
    let t0 = Instant::now();
    let mut n1 = relay("n1", 4);
    let for_n2 = envelope("n0", "n2", false);
    assert_eq!(
        n1.heard_envelope("n0", &for_n2, Some(1), t0),
        Inbound::Forward("n2".to_owned())
    );
    assert_eq!(
        n1.heard_envelope("n3", &for_n2, Some(1), t0),
        Inbound::Drop,
        "already relayed once by n3"
    );
    let nonsense = [
        ("n0", envelope("n0", "c1", false)),
        ("n0", envelope("n0", "n0", false)),
        ("n0", envelope("n1", "n1", false)),
        ("c2", envelope("c2", "n2", false)),
        ("n2", envelope("n9", "n1", false)),
    ];
    for (from, envelope) in nonsense {
        assert_eq!(
            n1.heard_envelope(from, &envelope, Some(2), t0),
            Inbound::Drop,
            "{from}: {envelope:?}"
        );
    }
}

#[test]
fn relaying_stops_once_the_peer_is_heard_straight_and_hears_us() {
    let t0 = Instant::now();
    let mut n0 = relay("n0", 3);
    n0.route("n1", t0);
    n0.heard_envelope("n1", &envelope("n1", "n0", true), Some(1), t0 + ms(10));
    assert_eq!(n0.route("n1", t0 + SILENCE), around(false, &["n2"]));
    // A plain message straight from n1: n0 hears it, and n1 hears n0.
    n0.heard_plain("n1", t0 + SILENCE);
    assert_eq!(n0.route("n1", t0 + SILENCE + ms(1)), Route::Direct);
    // A peer heard straight that still complains keeps being relayed to, until it stops.
    let complaint = envelope("n1", "n0", true);
    n0.heard_envelope("n1", &complaint, Some(9), t0 + ms(300));
    assert_eq!(n0.route("n1", t0 + ms(301)), around(false, &["n2"]));
    n0.heard_plain("n1", t0 + ms(302));
    assert_eq!(n0.route("n1", t0 + ms(302)), Route::Direct);
}

#[test]
fn copies_go_through_peers_that_seem_reachable_or_through_all() {
    let t0 = Instant::now();
    let mut n0 = relay("n0", 5);
    for peer in ["n1", "n2", "n3", "n4"] {
        n0.route(peer, t0);
    }
    // n2 and n4 were heard, but not lately: n0 does not reach a majority both ways.
    n0.heard_plain("n2", t0);
    n0.heard_plain("n4", t0);
    let later = t0 + SILENCE;
    let complaint = envelope("n1", "n0", true);
    n0.heard_envelope("n1", &complaint, Some(1), later);
    assert_eq!(n0.route("n1", later), around(false, &["n2", "n4"]));
    let mut lonely = relay("n0", 3);
    lonely.route("n1", t0);
    lonely.route("n2", t0);
    lonely.heard_envelope("n1", &complaint, Some(1), later);
    assert_eq!(
        lonely.route("n1", later),
        around(false, &["n2"]),
        "every other peer seems cut too: try them all"
    );
}

#[test]
fn a_node_that_reaches_a_majority_both_ways_relays_nothing_but_still_complains() {
    let t0 = Instant::now();
    let mut n0 = relay("n0", 5);
    for peer in ["n1", "n2", "n3", "n4"] {
        n0.route(peer, t0);
    }
    let later = t0 + SILENCE;
    n0.heard_plain("n2", later);
    n0.heard_plain("n3", later);
    // n1 and n4 are beyond a cut, but n0, n2 and n3 are a majority: no copies around.
    assert_eq!(n0.route("n1", later), around(true, &[]));
    assert_eq!(n0.route("n2", later), Route::Direct);
    // With n3 not heard lately, n0 still talks with n2: silence alone is no reason to
    // relay then, a complaint is, and copies go through the peers that seem to get them.
    let much_later = later + SILENCE;
    n0.heard_plain("n2", much_later);
    assert_eq!(n0.route("n1", much_later), around(true, &[]));
    let complaint = envelope("n1", "n0", true);
    n0.heard_envelope("n1", &complaint, Some(4), much_later);
    assert_eq!(n0.route("n1", much_later), around(false, &["n2", "n3"]));
}
