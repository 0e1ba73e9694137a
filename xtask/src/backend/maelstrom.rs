//! The real Maelstrom backend: finding the `maelstrom` program, running a suite's exact command
//! line in a folder of its own under `store/maelstrom/<suite id>/` (Maelstrom writes its `store/`
//! into its working folder), and reading the `results.edn` it leaves.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::catalog::Entry;
use crate::edn;
use crate::outcome::RunInfo;
use crate::project::Project;

/// How to get Maelstrom, for every message that needs it.
pub const INSTALL_HINT: &str = "To run suites on the real Maelstrom, install Java 17 \
    (e.g. `apt-get install openjdk-17-jre-headless`), gnuplot and graphviz (`apt-get install \
    gnuplot graphviz`; without graphviz Elle's transaction checkers end in `unknown`), unpack \
    maelstrom.tar.bz2 of v0.2.4 from https://github.com/jepsen-io/maelstrom/releases into \
    ./maelstrom/ (so that ./maelstrom/maelstrom exists) or set $MAELSTROM to its `maelstrom` \
    script, then run `cargo xtask test ... --backend maelstrom`.";

/// Finds Maelstrom: `--maelstrom PATH`, then `$MAELSTROM`, then `maelstrom` on `PATH`, then
/// `<root>/maelstrom/maelstrom`. A flag or variable that names no executable is an error rather
/// than a silent fall-through, since the user asked for that program.
pub fn discover(
    flag: Option<&Path>,
    env: Option<&OsStr>,
    path_var: Option<&OsStr>,
    root: &Path,
) -> Result<Option<PathBuf>> {
    if let Some(program) = flag {
        return named_program(program, "--maelstrom").map(Some);
    }
    if let Some(program) = env.filter(|v| !v.is_empty()) {
        return named_program(Path::new(program), "$MAELSTROM").map(Some);
    }
    if let Some(found) = path_var
        .into_iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("maelstrom"))
        .find(|candidate| is_executable(candidate))
    {
        return Ok(Some(found));
    }
    let bundled = root.join("maelstrom").join("maelstrom");
    Ok(is_executable(&bundled).then_some(bundled))
}

fn named_program(program: &Path, source: &str) -> Result<PathBuf> {
    if !is_executable(program) {
        bail!(
            "{source} names {}, which is not an executable file; point it at the `maelstrom` \
             script of an unpacked Maelstrom release. {INSTALL_HINT}",
            program.display()
        );
    }
    std::path::absolute(program)
        .with_context(|| format!("could not make {} absolute", program.display()))
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `test -w <workload> --bin <node> <suite options...>`: the published command line with the
/// node link in place of the Go binary.
pub fn test_args(entry: &Entry, node: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        "test".into(),
        "-w".into(),
        entry.suite.workload.clone().into(),
        "--bin".into(),
        node.into(),
    ];
    args.extend(entry.suite.args.iter().map(OsString::from));
    args
}

/// The folder Maelstrom runs in for one suite; its own `store/` lands inside.
pub fn work_dir(project: &Project, entry: &Entry) -> PathBuf {
    project.store_dir().join("maelstrom").join(&entry.suite.id)
}

/// Runs one suite on Maelstrom and reads its results.
pub fn run(
    program: &Path,
    project: &Project,
    entry: &Entry,
    node: &Path,
) -> Result<(Value, RunInfo)> {
    let cwd = work_dir(project, entry);
    fs::create_dir_all(&cwd).with_context(|| format!("could not create {}", cwd.display()))?;
    let log_path = cwd.join("console.log");
    let log = File::create(&log_path)
        .with_context(|| format!("could not create {}", log_path.display()))?;
    let args = test_args(entry, node);
    eprintln!(
        "suite {}: running Maelstrom; console in {}",
        entry.suite.id,
        log_path.display()
    );
    let started = SystemTime::now();
    let status = Command::new(program)
        .args(&args)
        .current_dir(&cwd)
        .stdin(Stdio::null())
        .stdout(log.try_clone().context("could not share the console log")?)
        .stderr(log)
        .status()
        .with_context(|| format!("could not start Maelstrom at {}", program.display()))?;
    // 0 valid, 1 invalid, 2 unknown all leave results; anything else is a crash or bad options.
    if !matches!(status.code(), Some(0..=2)) {
        bail!(
            "Maelstrom failed on suite {} ({status}); see {} for why",
            entry.suite.id,
            log_path.display()
        );
    }
    let results = find_results(&cwd, &entry.suite.workload, started)?;
    let text = fs::read_to_string(&results)
        .with_context(|| format!("could not read {}", results.display()))?;
    let tree =
        edn::to_json(&text).with_context(|| format!("could not parse {}", results.display()))?;
    let store = results
        .parent()
        .map(fs::canonicalize)
        .transpose()?
        .unwrap_or(cwd.clone());
    let info = RunInfo {
        backend: "maelstrom",
        store,
        seed: None,
        replay: replay_command(&cwd, program, &args),
    };
    Ok((tree, info))
}

/// `store/<workload>/latest/results.edn`, else `store/latest/results.edn`, under `cwd`; written
/// by this run (not left over from an earlier one).
pub fn find_results(cwd: &Path, workload: &str, started: SystemTime) -> Result<PathBuf> {
    let candidates = [
        cwd.join("store")
            .join(workload)
            .join("latest")
            .join("results.edn"),
        cwd.join("store").join("latest").join("results.edn"),
    ];
    // File times can be coarse; a second of slack still tells this run from the previous one,
    // which ended at least a whole test earlier.
    let fresh = |path: &Path| {
        fs::metadata(path)
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified + Duration::from_secs(1) >= started)
    };
    candidates
        .iter()
        .find(|p| fresh(p))
        .cloned()
        .with_context(|| {
            format!(
                "Maelstrom finished but wrote no fresh results: looked for {} and {}; see {}",
                candidates[0].display(),
                candidates[1].display(),
                cwd.join("console.log").display()
            )
        })
}

/// A shell line that reruns the suite: `cd <cwd> && <maelstrom> test ...`.
fn replay_command(cwd: &Path, program: &Path, args: &[OsString]) -> String {
    let mut words = vec![
        quote(cwd.as_os_str()),
        "&&".to_string(),
        quote(program.as_os_str()),
    ];
    words.extend(args.iter().map(|a| quote(a)));
    format!("cd {}", words.join(" "))
}

/// Quotes a word for a POSIX shell when it holds anything but plain characters.
fn quote(word: &OsStr) -> String {
    let word = word.to_string_lossy();
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./,:=+@%".contains(c));
    if plain {
        word.into_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::tests::catalog;
    use crate::project::tests::SPAWN_LOCK;

    /// Writes an executable (or not) file standing in for a Maelstrom program.
    fn fake(path: &Path, executable: bool) -> PathBuf {
        script(path, "#!/bin/sh\nexit 0\n", executable)
    }

    fn script(path: &Path, text: &str, executable: bool) -> PathBuf {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        let mode = if executable { 0o755 } else { 0o644 };
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
        path.to_path_buf()
    }

    fn entry(id: &str) -> Entry {
        catalog().select(&[id.to_string()]).unwrap().remove(0)
    }

    #[test]
    fn discovery_prefers_flag_then_env_then_path_then_checkout() {
        let temp = tempfile::tempdir().unwrap();
        let t = temp.path();
        let flag = fake(&t.join("flag/maelstrom"), true);
        let env = fake(&t.join("env/maelstrom"), true);
        fake(&t.join("bin2/maelstrom"), true);
        fake(&t.join("bin1/maelstrom"), false); // not executable: PATH search skips it
        let bundled = fake(&t.join("root/maelstrom/maelstrom"), true);
        let path_var =
            std::env::join_paths([t.join("empty"), t.join("bin1"), t.join("bin2")]).unwrap();
        let root = t.join("root");
        let find = |flag: Option<&Path>, env: Option<&OsStr>, path: Option<&OsStr>| {
            discover(flag, env, path, &root).unwrap()
        };

        assert_eq!(
            find(Some(&flag), Some(env.as_os_str()), Some(&path_var)),
            Some(flag)
        );
        assert_eq!(
            find(None, Some(env.as_os_str()), Some(&path_var)),
            Some(env)
        );
        assert_eq!(
            find(None, Some(OsStr::new("")), Some(&path_var)),
            Some(t.join("bin2/maelstrom"))
        );
        assert_eq!(
            find(None, None, Some(OsStr::new(""))),
            Some(bundled.clone())
        );
        fs::remove_file(&bundled).unwrap();
        assert_eq!(find(None, None, None), None);
    }

    #[test]
    fn a_flag_or_variable_naming_no_program_is_an_error_naming_it() {
        let temp = tempfile::tempdir().unwrap();
        let missing = temp.path().join("nope");
        let message = format!(
            "{:#}",
            discover(Some(&missing), None, None, temp.path()).unwrap_err()
        );
        assert!(
            message.contains("--maelstrom names") && message.contains("nope"),
            "{message}"
        );
        let plain = fake(&temp.path().join("plain"), false);
        let message = format!(
            "{:#}",
            discover(None, Some(plain.as_os_str()), None, temp.path()).unwrap_err()
        );
        assert!(
            message.contains("$MAELSTROM names") && message.contains("Java 17"),
            "{message}"
        );
    }

    #[test]
    fn the_command_line_is_the_published_one_with_our_node() {
        let args = test_args(&entry("3d"), Path::new("/t/release/nodes/broadcast"));
        let args: Vec<&str> = args.iter().map(|a| a.to_str().unwrap()).collect();
        assert_eq!(
            args,
            [
                "test",
                "-w",
                "broadcast",
                "--bin",
                "/t/release/nodes/broadcast",
                "--node-count",
                "25",
                "--time-limit",
                "20",
                "--rate",
                "100",
                "--latency",
                "100"
            ]
        );
        let project = Project {
            root: "/repo".into(),
            target_dir: "/t".into(),
        };
        assert_eq!(
            work_dir(&project, &entry("3d")),
            Path::new("/repo/store/maelstrom/3d")
        );
    }

    #[test]
    fn the_replay_line_quotes_what_a_shell_would_split() {
        let args: Vec<OsString> = ["test", "-w", "txn-rw-register", "–-nemesis", "it's"]
            .into_iter()
            .map(OsString::from)
            .collect();
        assert_eq!(
            replay_command(Path::new("/s/m/6c"), Path::new("/opt/maelstrom"), &args),
            r"cd /s/m/6c && /opt/maelstrom test -w txn-rw-register '–-nemesis' 'it'\''s'"
        );
    }

    #[test]
    fn results_are_found_under_the_workload_or_the_top_latest_and_must_be_fresh() {
        let temp = tempfile::tempdir().unwrap();
        let cwd = temp.path();
        let before = SystemTime::now() - Duration::from_secs(3600);
        assert!(find_results(cwd, "echo", before).is_err());
        let top = cwd.join("store/latest/results.edn");
        fs::create_dir_all(top.parent().unwrap()).unwrap();
        fs::write(&top, "{:valid? true}").unwrap();
        assert_eq!(find_results(cwd, "echo", before).unwrap(), top);
        let by_workload = cwd.join("store/echo/latest/results.edn");
        fs::create_dir_all(by_workload.parent().unwrap()).unwrap();
        fs::write(&by_workload, "{:valid? true}").unwrap();
        assert_eq!(find_results(cwd, "echo", before).unwrap(), by_workload);
        let later = SystemTime::now() + Duration::from_secs(3600);
        let message = format!("{:#}", find_results(cwd, "echo", later).unwrap_err());
        assert!(message.contains("no fresh results"), "{message}");
    }

    /// A stand-in Maelstrom that records its arguments and working folder, writes a results
    /// file where the real one does, and exits 1 (invalid) as the real one would.
    const FAKE_MAELSTROM: &str = r#"#!/bin/sh
printf '%s\n' "$PWD" "$@" > invoked.txt
mkdir -p store/echo/20260101T000000.000
ln -sfn 20260101T000000.000 store/echo/latest
printf '{:valid? false, :stats {:count 3}, :workload {:valid? false, :errors ([1 2])}}' \
  > store/echo/latest/results.edn
exit 1
"#;

    #[test]
    fn a_run_reads_the_results_maelstrom_leaves_in_the_suite_folder() {
        let temp = tempfile::tempdir().unwrap();
        let project = Project {
            root: temp.path().join("repo"),
            target_dir: temp.path().join("t"),
        };
        let _spawning = SPAWN_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let program = script(&temp.path().join("bin/maelstrom"), FAKE_MAELSTROM, true);
        let node = project.node("echo");

        let (tree, info) = run(&program, &project, &entry("1"), &node).unwrap();

        let cwd = project.root.join("store/maelstrom/1");
        let invoked = fs::read_to_string(cwd.join("invoked.txt")).unwrap();
        let expected = format!(
            "{}\ntest\n-w\necho\n--bin\n{}\n--node-count\n1\n--time-limit\n10\n",
            fs::canonicalize(&cwd).unwrap().display(),
            node.display()
        );
        assert_eq!(invoked, expected);
        assert_eq!(tree["valid?"], serde_json::json!(false));
        assert_eq!(tree["workload"]["errors"], serde_json::json!([[1, 2]]));
        assert_eq!(info.backend, "maelstrom");
        assert_eq!(info.seed, None);
        assert_eq!(
            info.store,
            fs::canonicalize(cwd.join("store/echo/20260101T000000.000")).unwrap()
        );
        assert!(
            info.replay
                .starts_with(&format!("cd {} && ", cwd.display())),
            "{}",
            info.replay
        );
    }

    #[test]
    fn a_crashed_run_points_at_its_console_log() {
        let temp = tempfile::tempdir().unwrap();
        let project = Project {
            root: temp.path().join("repo"),
            target_dir: temp.path().join("t"),
        };
        let _spawning = SPAWN_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let crash = "#!/bin/sh\necho 'java: not found' >&2\nexit 255\n";
        let program = script(&temp.path().join("bin/maelstrom"), crash, true);
        let error = run(&program, &project, &entry("1"), &project.node("echo")).unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains("Maelstrom failed on suite 1"), "{message}");
        let log = project.root.join("store/maelstrom/1/console.log");
        assert!(message.contains(&log.display().to_string()), "{message}");
        assert_eq!(fs::read_to_string(log).unwrap(), "java: not found\n");
    }
}
