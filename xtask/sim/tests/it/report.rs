//! The run folder's `index.html`: written at the end of every run, explaining an invalid
//! verdict in words with the operations' nodes found in the journal, and, in a real headless
//! Chromium, drawing the message diagram and the timeline. The browser test needs a
//! `chromium` on PATH: without one it says so and passes locally, but fails under CI
//! (`CI=true`), whose script installs it.

use crate::support::run;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// How long Chromium may take over one page before the test gives up on it.
const BROWSER_DEADLINE: Duration = Duration::from_secs(120);

fn page(folder: &Path) -> String {
    std::fs::read_to_string(folder.join("index.html")).expect("the run wrote index.html")
}

#[test]
fn an_invalid_run_s_report_says_which_value_was_lost_where() {
    let ran = run(
        "broadcast_drop.py",
        "-w broadcast --node-count 3 --time-limit 3 --rate 30",
        14,
    );
    let html = page(&ran.report().store_dir);
    assert!(html.contains("INVALID: workload (INVALID) did not pass."));
    let lost = ran.report().results["workload"]["lost"][0].to_string();
    assert!(
        html.contains(&format!("workload: value {lost} lost")),
        "the first lost value has a finding"
    );
    // The journal names the node that acknowledged it and the nodes whose reads lacked it.
    let sentence = html
        .split(&format!("Value {lost}: acknowledged at "))
        .nth(1)
        .expect("the finding explains the value");
    let sentence = &sentence[..sentence.find("</p>").unwrap()];
    assert!(sentence.contains(" by n"), "{sentence}");
    assert!(sentence.contains("did not contain it"), "{sentence}");
    assert!(
        html.contains("data-spans=\""),
        "operations link to the diagram"
    );
    assert!(html.contains("id=\"report-data\""));
}

#[test]
fn reports_render_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        let message = "no chromium on PATH (apt-get install chromium)";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must run the browser test: {message}"
        );
        eprintln!("skipping the browser test: {message}");
        return;
    };
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let valid = run(
        "broadcast_gossip.py",
        "-w broadcast --node-count 3 --time-limit 3 --rate 20 --latency 20 --nemesis partition --nemesis-interval 1",
        15,
    );
    let invalid = run(
        "broadcast_drop.py",
        "-w broadcast --node-count 3 --time-limit 3 --rate 30",
        14,
    );
    for (name, ran) in [("valid", &valid), ("invalid", &invalid)] {
        let folder = &ran.report().store_dir;
        let url = format!("file://{}", folder.join("index.html").display());
        let dom = browse(&chromium, &["--dump-dom", &url]);
        // The script ran: it filled the diagram and the timeline and counted what it drew.
        let drawn = attribute(&dom, "id=\"diagram\"", "data-drawn")
            .unwrap_or_else(|| panic!("{name}: the diagram was not drawn:\n{dom}"));
        assert!(
            drawn.parse::<u64>().unwrap() > 0,
            "{name}: {drawn} messages"
        );
        // A run this small is drawn as one arrow per message, not aggregated.
        let mode = attribute(&dom, "id=\"diagram\"", "data-mode");
        assert_eq!(mode.as_deref(), Some("arrows"), "{name}");
        let arrows = attribute(&dom, "id=\"diagram\"", "data-arrows").expect("arrows counted");
        assert_eq!(
            arrows, drawn,
            "{name}: every message in the window is an arrow"
        );
        let ops = attribute(&dom, "id=\"timeline\"", "data-drawn").expect("timeline drawn");
        assert!(ops.parse::<u64>().unwrap() > 0, "{name}: {ops} operations");
        assert!(
            dom.contains("message(s) in 0.000 s"),
            "{name}: the diagram's note"
        );
        let wanted = if name == "invalid" {
            // `Value 3: acknowledged at 0.4 s by n1; ...`: the value depends on the seed.
            dom.contains("id=\"explanation\"") && dom.contains(": acknowledged at ")
        } else {
            dom.contains("valid: every checker passed.")
        };
        assert!(wanted, "{name}: the verdict's explanation is missing");
        if name == "invalid" {
            // The first finding's link, opened directly: its operations' messages stand out.
            let spans = attribute(&dom, "show these operations", "data-spans").expect("a link");
            let focused = browse(&chromium, &["--dump-dom", &format!("{url}#focus={spans}")]);
            let highlighted = attribute(&focused, "id=\"diagram\"", "data-highlighted").unwrap();
            assert!(
                highlighted.parse::<u64>().unwrap() >= 2,
                "{highlighted} highlighted"
            );
        }
        let shot = shots.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&shot);
        browse(
            &chromium,
            &[
                &format!("--screenshot={}", shot.display()),
                "--window-size=1400,1000",
                &url,
            ],
        );
        let png = std::fs::read(&shot).expect("the screenshot was saved");
        assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
        eprintln!("screenshot: {}", shot.display());
    }
}

/// The first of Chromium's usual names found on PATH.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .map(|name| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Runs headless Chromium with a fresh profile and `args`; returns its stdout.
fn browse(chromium: &Path, args: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = match rx.recv_timeout(BROWSER_DEADLINE) {
        Ok(output) => output.expect("chromium ran"),
        Err(_) => {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
            panic!("chromium did not finish within {BROWSER_DEADLINE:?}: {args:?}");
        }
    };
    assert!(
        output.status.success(),
        "chromium {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The value of `name` in the tag that holds `marker`, in its attributes or as its first text.
fn attribute(dom: &str, marker: &str, name: &str) -> Option<String> {
    let at = dom.find(marker)?;
    let start = dom[..at].rfind('<')?;
    let end = at + dom[at..].find('>')?;
    let tag = &dom[start..end];
    let value = tag.split(&format!("{name}=\"")).nth(1)?;
    Some(value[..value.find('"')?].to_string())
}
