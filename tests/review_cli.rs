//! Golden tests of `stardrill stats`, `stardrill export` and `review --check`,
//! run as a user would, on a seeded data dir with a corrupt and a foreign file.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod review_support;

use std::path::Path;
use std::process::Output;

use stardrill::domain::session::SessionLog;

fn stardrill(args: &[&str], data_dir: &Path) -> Output {
    common::command(&common::Sandbox::new())
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .unwrap_or_else(|e| panic!("run stardrill: {e}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn stats_golden() {
    let dir = review_support::seeded_dir();
    let out = stardrill(&["stats", "--today", "2026-01-05"], dir.path());
    assert!(out.status.success(), "{out:?}");
    insta::assert_snapshot!("stats_text", stdout(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 file(s) skipped"));
}

#[test]
fn export_goldens() {
    let dir = review_support::seeded_dir();
    for (format, name) in [
        ("markdown", "export_markdown"),
        ("csv", "export_csv"),
        ("json", "export_json"),
    ] {
        let out = stardrill(&["export", "--format", format], dir.path());
        assert!(out.status.success(), "{format}: {out:?}");
        insta::assert_snapshot!(name, stdout(&out));
    }
}

#[test]
fn json_export_has_the_log_fields() {
    let dir = review_support::seeded_dir();
    let out = stardrill(&["export", "--format", "json"], dir.path());
    let logs: Vec<SessionLog> =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    // Oldest first, every field as written by the drill, but the names of
    // the recordings: the figures go out, nothing about the audio does.
    let mut want = review_support::logs();
    for log in &mut want {
        log.audio = None;
    }
    assert!(want.iter().any(|l| l.delivery.is_some()));
    assert_eq!(logs, want);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(".ogg"));
}

#[test]
fn export_filters_and_writes_a_file() {
    let dir = review_support::seeded_dir();
    let out = stardrill(
        &[
            "export",
            "--format",
            "csv",
            "--since",
            "2025-12-21",
            "--until",
            "2026-01-04",
            "--principle",
            "Dive Deep",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    // Header plus dd-02 twice and bfa-03 (tagged dive-deep too).
    assert_eq!(text.lines().count(), 4, "{text}");

    let file = dir.path().join("journal.md");
    let out = stardrill(
        &[
            "export",
            "--format",
            "markdown",
            "-o",
            file.to_str().unwrap_or(""),
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).is_empty());
    let journal = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(journal.starts_with("# stardrill practice journal"));

    let out = stardrill(
        &["export", "--format", "csv", "-p", "dive-deeep"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean \"dive-deep\""));
}

#[test]
fn check_lists_skipped_files_and_fails() {
    let dir = review_support::seeded_dir();
    let out = stardrill(&["review", "--check"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out).replace(&dir.path().display().to_string(), "[DATA]");
    insta::assert_snapshot!("check_report", text);

    let clean = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    review_support::write_logs(clean.path(), &review_support::logs());
    let out = stardrill(&["review", "--check"], clean.path());
    assert!(out.status.success());
    assert!(stdout(&out).ends_with("8 session logs, all readable\n"));

    // A transcript that cannot be read is named, and fails the check; the
    // stats go on without its cues.
    let logs = review_support::logs();
    let name = logs[0].file_name();
    let transcripts = clean.path().join("transcripts");
    std::fs::create_dir_all(&transcripts).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(transcripts.join(&name), "schema_version = 1\nwords = 3\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let out = stardrill(&["review", "--check"], clean.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.contains("transcript left out: ") && text.contains(&name),
        "{text}"
    );
    let out = stardrill(&["stats", "--today", "2026-01-05"], clean.path());
    assert!(out.status.success(), "{out:?}");
    assert!(!stdout(&out).contains("What was said"));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("transcript left out"),
        "{out:?}"
    );
}

#[test]
fn missing_data_dir_is_exit_2_before_any_terminal() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let missing = dir.path().join("nowhere");
    for args in [&["review"][..], &["stats"], &["export", "--format", "json"]] {
        let out = stardrill(args, &missing);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: terminal touched");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("does not exist"), "{err}");
    }
    // Not a terminal: review says so instead of drawing.
    let seeded = review_support::seeded_dir();
    let out = stardrill(&["review"], seeded.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("interactive terminal"));
}
