//! End-to-end regression tests for the ways a candidate's private data could
//! leak, be lost or hang the program: terminal injection, paste, the story
//! editor, lost records, terminals that cannot draw.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod review_support;

use std::process::Stdio;

use common::{Plain, Sandbox, Spawn, TIMEOUT};
use stardrill::domain::session::{Outcome, SessionLog};

const ATTACK: &str = "Q \u{1b}]0;PWNED\u{7} \u{1b}]52;c;cHduZWQ=\u{7} \u{1b}[2J";

/// A sandbox whose data dir holds the review fixtures, the first one's
/// question and notes carrying terminal escapes.
fn attacked_sandbox() -> (Sandbox, SessionLog) {
    let sandbox = Sandbox::new();
    let mut logs = review_support::logs();
    logs[0].question.text = ATTACK.into();
    logs[0].notes = format!("notes {ATTACK}");
    review_support::write_logs(&sandbox.data_dir(), &logs);
    (sandbox, logs.remove(0))
}

/// What a terminal would have been told: the raw bytes written to it.
fn raw(pty: &common::Pty) -> String {
    String::from_utf8_lossy(&pty.raw_since(0)).into_owned()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn term_dumb_or_unset_is_refused_with_a_clear_message() {
    for term in ["dumb", ""] {
        let mut pty = Spawn::new(["--seed", "1"]).env("TERM", term).start();
        let status = pty.wait_exit(TIMEOUT);
        assert_eq!(status.exit_code(), 2, "TERM={term:?}");
        let raw = pty.raw_since(0);
        assert!(
            contains(&raw, "full screen"),
            "{}",
            String::from_utf8_lossy(&raw)
        );
        assert!(
            !contains(&raw, "\x1b[?1049h"),
            "TERM={term:?}: the alternate screen was entered"
        );
    }
}

/// A 200 KB paste used to cost a redraw per character (minutes, with a
/// signal waiting behind it). Now keys that arrive together are handled
/// before the next frame, and a bracketed paste is one message; either way
/// the text lands whole and SIGTERM right after saves all of it.
#[test]
fn a_large_paste_lands_whole_and_a_signal_right_after_keeps_it() {
    let line = "Cut p99 latency by 40%, owned the rollout across three teams\n";
    let text = line.repeat(200_000 / line.len()) + "end of the paste";
    for bracketed in [false, true] {
        let mut pty = Spawn::new(["--seed", "5"]).start();
        pty.wait_for_text(" left ");
        pty.send("\t");
        pty.wait_for_text("Notes (Tab: back)");
        if bracketed {
            pty.send(format!("\x1b[200~{text}\x1b[201~"));
        } else {
            // As a terminal without bracketed paste sends it: keys, Enter
            // for each line break.
            pty.send(text.replace('\n', "\r"));
        }
        pty.wait_for_text("end of the paste");
        pty.kill_with(libc::SIGTERM);
        assert!(pty.wait_exit(TIMEOUT).success());
        let logs = pty.sandbox.logs();
        assert_eq!(logs.len(), 1);
        assert_eq!(logs[0].outcome, Outcome::Abandoned);
        let notes = &logs[0].notes;
        assert!(
            *notes == text,
            "bracketed: {bracketed}: {} of {} bytes kept",
            notes.len(),
            text.len()
        );
    }
}

#[test]
fn ctrl_c_in_the_story_form_saves_the_story_typed_so_far() {
    let mut pty = Spawn::new(["stories"]).start();
    pty.wait_for_text("a add");
    pty.send("a");
    pty.wait_for_text("Ctrl-S save");
    pty.send("Migration that slipped");
    pty.wait_for_text("Migration that slipped");
    pty.send("\x03");
    let status = pty.wait_exit(TIMEOUT);
    assert!(status.success(), "{status:?}\n{}", pty.screen());
    let saved = std::fs::read_to_string(pty.sandbox.data_dir().join("stories.toml"))
        .expect("stories.toml was written");
    assert!(saved.contains("Migration that slipped"), "{saved}");
}

/// With `loops` a file, the loop's record cannot be written: it is printed
/// on stderr and the exit code says so, like an unsaved session log.
#[test]
fn a_lost_loop_record_is_printed_and_the_exit_code_is_not_zero() {
    let sandbox = Sandbox::new();
    std::fs::create_dir_all(sandbox.data_dir()).unwrap();
    std::fs::write(sandbox.data_dir().join("loops"), "not a folder").unwrap();
    let mut pty =
        Spawn::new(["loop", "--rounds", "1", "--seed", "3", "--no-bell"]).start_in(sandbox);
    pty.wait_for_text("Round 1 of 1");
    pty.send("\r");
    pty.wait_for_text(" left ");
    pty.send("q");
    let status = pty.wait_exit(TIMEOUT);
    assert_eq!(status.exit_code(), 1, "{}", pty.screen());
    let raw = String::from_utf8_lossy(&pty.raw_since(0)).into_owned();
    assert!(
        raw.contains("could not save the interview loop's record"),
        "{raw}"
    );
    assert!(raw.contains("# stardrill interview loop"), "{raw}");
    assert_eq!(pty.sandbox.logs().len(), 1, "the session itself was saved");
}

/// With the editor open, stories imported from another shell used to be
/// lost at the editor's next save. Now its change is laid over the file.
#[test]
fn an_import_while_the_editor_is_open_survives_the_editors_save() {
    let mut pty = Spawn::new(["stories"]).start();
    pty.wait_for_text("No stories yet");
    pty.send("a");
    pty.wait_for_text("New story");
    pty.send("Checkout bug fix");
    pty.send("\x13");
    pty.wait_for_text("Saved");

    // Meanwhile, in another shell.
    let csv = pty.sandbox.root().join("grid.csv");
    std::fs::write(
        &csv,
        "title,principles\nVendor pick,\"Are Right, A Lot; Frugality\"\n",
    )
    .unwrap();
    let import = common::Plain::run(
        &pty.sandbox,
        &["stories", "--import", csv.to_str().unwrap()],
    );
    assert_eq!(import.code(), Some(0), "{}", import.stderr);

    // The editor edits its own story and saves again.
    pty.send("e");
    pty.wait_for_text("Edit story");
    pty.send(" (2024)");
    pty.send("\x13");
    pty.wait_for_text("Saved");
    pty.wait_for_text("Vendor pick");
    pty.send("q");
    assert!(pty.wait_exit(TIMEOUT).success());
    let saved = std::fs::read_to_string(pty.sandbox.data_dir().join("stories.toml")).unwrap();
    assert!(saved.contains("Checkout bug fix (2024)"), "{saved}");
    assert!(
        saved.contains("Vendor pick"),
        "the import was kept: {saved}"
    );
    assert!(saved.contains("\"are-right-a-lot\""), "{saved}");
}

/// Export to a terminal, review --check and stories --export used to print
/// question text, notes, story fields and file names raw: a log or a bank
/// from someone else could retitle the terminal or set the clipboard.
#[test]
fn printed_reports_show_escapes_on_a_terminal_and_keep_data_exact_in_files() {
    for format in ["markdown", "csv", "json"] {
        let (sandbox, _) = attacked_sandbox();
        let mut pty = Spawn::new(["export", "--format", format]).start_in(sandbox);
        assert!(pty.wait_exit(TIMEOUT).success(), "{format}");
        let shown = raw(&pty);
        assert!(!shown.contains("\u{1b}]0;PWNED"), "{format}: {shown:?}");
        assert!(!shown.contains("\u{1b}]52;"), "{format}: clipboard set");
        // JSON escapes control characters itself; the others show them.
        let visible = if format == "json" {
            "\\u001b]0;PWNED"
        } else {
            "␛]0;PWNED␇"
        };
        assert!(shown.contains(visible), "{format}: {shown:?}");
    }

    // -o FILE keeps the data exactly as logged.
    let (sandbox, log) = attacked_sandbox();
    let out = sandbox.root().join("journal.md");
    let plain = Plain::run(
        &sandbox,
        &[
            "export",
            "--format",
            "markdown",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(plain.code(), Some(0), "{}", plain.stderr);
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        written.contains(&log.question.text),
        "the file holds the data exactly"
    );

    // A file in sessions/ whose name holds an escape, reported by --check.
    let sandbox = Sandbox::new();
    let sessions = sandbox.sessions_dir();
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(sessions.join("\u{1b}]0;EVIL\u{7}.toml"), "not a log").unwrap();
    let mut pty = Spawn::new(["review", "--check"]).start_in(sandbox);
    assert_eq!(pty.wait_exit(TIMEOUT).exit_code(), 1);
    let shown = raw(&pty);
    assert!(!shown.contains("\u{1b}]0;EVIL"), "{shown:?}");
    assert!(shown.contains("␛]0;EVIL␇.toml"), "{shown:?}");

    // A story field with escapes, exported as CSV to a terminal.
    let sandbox = Sandbox::new();
    std::fs::create_dir_all(sandbox.data_dir()).unwrap();
    std::fs::write(
        sandbox.data_dir().join("stories.toml"),
        "[[story]]\nid = \"s\"\ntitle = \"T\"\nnumbers = \"\\u001b]0;PWNED\\u0007\"\n",
    )
    .unwrap();
    let mut pty = Spawn::new(["stories", "--export"]).start_in(sandbox);
    assert!(pty.wait_exit(TIMEOUT).success());
    let shown = raw(&pty);
    assert!(
        !shown.contains("\u{1b}]0;PWNED") && shown.contains("␛]0;PWNED␇"),
        "{shown:?}"
    );
}

#[test]
fn the_sessions_csv_guards_every_text_cell_against_formulas() {
    let sandbox = Sandbox::new();
    let mut logs = review_support::logs();
    logs[0].question.text = "=HYPERLINK(\"http://x\",\"click\")".into();
    logs[0].notes = "@SUM(1+1)".into();
    logs[0].framework = "+star".into();
    review_support::write_logs(&sandbox.data_dir(), &logs);
    let plain = Plain::run(&sandbox, &["export", "--format", "csv"]);
    assert_eq!(plain.code(), Some(0), "{}", plain.stderr);
    assert!(
        plain.stdout.contains("\"'=HYPERLINK(\"\"http://x\"\""),
        "{}",
        plain.stdout
    );
    assert!(plain.stdout.contains(",'@SUM(1+1),"), "{}", plain.stdout);
    assert!(plain.stdout.contains(",'+star,"), "{}", plain.stdout);
}

#[cfg(unix)]
#[test]
fn folders_are_private_and_exports_never_replace_or_follow_unasked() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;

    let mut pty = Spawn::new(["--seed", "1"]).start();
    pty.wait_for_text(" left ");
    pty.send("q");
    assert!(pty.wait_exit(TIMEOUT).success());
    let sandbox = &pty.sandbox;
    assert_eq!(mode(&sandbox.data_dir()), 0o700, "data dir");
    assert_eq!(mode(&sandbox.sessions_dir()), 0o700, "sessions/");
    let config = Plain::run(sandbox, &["config", "--init"]);
    assert_eq!(config.code(), Some(0), "{}", config.stderr);
    assert_eq!(
        mode(&sandbox.home().join(".config/stardrill")),
        0o700,
        "config folder"
    );

    let existing = sandbox.root().join("old.csv");
    std::fs::write(&existing, "keep me").unwrap();
    let plain = Plain::run(
        sandbox,
        &[
            "export",
            "--format",
            "csv",
            "-o",
            existing.to_str().unwrap(),
        ],
    );
    assert_eq!(plain.code(), Some(2));
    assert!(plain.stderr.contains("already exists"), "{}", plain.stderr);
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");
    let plain = Plain::run(
        sandbox,
        &[
            "export",
            "--format",
            "csv",
            "-o",
            existing.to_str().unwrap(),
            "--force",
        ],
    );
    assert_eq!(plain.code(), Some(0), "{}", plain.stderr);
    assert!(
        std::fs::read_to_string(&existing)
            .unwrap()
            .starts_with("started_at,")
    );

    let target = sandbox.root().join("target.txt");
    std::fs::write(&target, "not yours").unwrap();
    let link = sandbox.root().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let plain = Plain::run(
        sandbox,
        &["export", "--format", "csv", "-o", link.to_str().unwrap()],
    );
    assert_eq!(plain.code(), Some(2));
    assert!(plain.stderr.contains("symbolic link"), "{}", plain.stderr);
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "not yours",
        "not followed"
    );
}

/// A save cut short by a crash leaves a hidden temp file: a whole log in it
/// is put back under its own name, anything else is reported with what to do.
#[test]
fn temp_files_left_by_a_crash_are_recovered_or_reported() {
    let sandbox = Sandbox::new();
    let logs = review_support::logs();
    review_support::write_logs(&sandbox.data_dir(), &logs[1..]);
    let sessions = sandbox.sessions_dir();
    let whole = sessions.join(".stardrill-a1b2c3.tmp");
    std::fs::write(&whole, logs[0].to_toml().unwrap()).unwrap();
    let partial = sessions.join(".stardrill-d4e5f6.tmp");
    std::fs::write(&partial, "schema_version = 1\nid = \"d4e").unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for temp in [&whole, &partial] {
        std::fs::File::options()
            .write(true)
            .open(temp)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
    }
    let check = Plain::run(&sandbox, &["review", "--check"]);
    assert_eq!(check.code(), Some(1), "{}", check.stdout);
    assert!(
        check.stdout.contains("recovered whole as"),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stdout
            .contains(".stardrill-d4e5f6.tmp: left by a save cut short"),
        "{}",
        check.stdout
    );
    assert!(
        sessions.join(logs[0].file_name()).is_file(),
        "the log is back"
    );
    assert!(!whole.exists());
}

/// A FIFO named like a log, a link to /dev/zero, a bank that is a device:
/// each used to hang the program or eat all memory.
#[cfg(unix)]
#[test]
fn special_files_never_hang_or_exhaust_memory() {
    let fifo = |path: &std::path::Path| {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(status.success());
    };
    let sandbox = Sandbox::new();
    let sessions = sandbox.sessions_dir();
    let loops = sandbox.data_dir().join("loops");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::create_dir_all(&loops).unwrap();
    fifo(&sessions.join("20990101T000000Z-aaaaaa.toml"));
    fifo(&loops.join("20990101T000000Z-bbbbbb.toml"));
    std::os::unix::fs::symlink("/dev/zero", loops.join("20990102T000000Z-cccccc.toml")).unwrap();

    let mut pty = Spawn::new(["stories"]).start_in(sandbox);
    pty.wait_for_text("Story bank");
    pty.send("q");
    assert!(pty.wait_exit(TIMEOUT).success());
    let sandbox = std::mem::take(&mut pty.sandbox);
    let mut pty = Spawn::new(["review"]).start_in(sandbox);
    pty.wait_for_text("stardrill review");
    pty.send("q");
    assert!(pty.wait_exit(TIMEOUT).success());

    let sandbox = Sandbox::new();
    let bank_fifo = sandbox.root().join("bank.toml");
    fifo(&bank_fifo);
    for bank in ["/dev/zero", bank_fifo.to_str().unwrap()] {
        let plain = Plain::run(&sandbox, &["questions", "--check", bank]);
        assert_eq!(plain.code(), Some(2), "{bank}");
        assert!(
            plain.stderr.contains("not a regular file"),
            "{bank}: {}",
            plain.stderr
        );
    }
}

/// Output to a closed pipe or a full disk used to panic (exit 101).
#[cfg(target_os = "linux")]
#[test]
fn a_closed_pipe_ends_quietly_and_a_full_disk_is_one_line() {
    let sandbox = Sandbox::new();
    review_support::write_logs(&sandbox.data_dir(), &review_support::logs());
    let mut child = common::command(&sandbox)
        .args(["export", "--format", "markdown"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read nothing and close the pipe, as `| head -0` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.code() != Some(101),
        "panicked: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));

    for args in [
        vec!["stats"],
        vec!["completions", "bash"],
        vec!["review", "--check"],
    ] {
        let full = std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = common::command(&sandbox)
            .args(&args)
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("could not write to standard output"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn places_that_are_taken_are_named_not_file_exists() {
    // A data dir that is a link to nothing.
    let sandbox = Sandbox::new();
    std::os::unix::fs::symlink(sandbox.root().join("gone"), sandbox.data_dir()).unwrap();
    let mut pty = Spawn::new(["--seed", "1"]).start_in(sandbox);
    assert_eq!(pty.wait_exit(TIMEOUT).exit_code(), 2);
    let shown = raw(&pty);
    assert!(shown.contains("which does not exist"), "{shown}");
    assert!(!shown.contains("os error 17"), "{shown}");

    // sessions/ that is a file.
    let sandbox = Sandbox::new();
    std::fs::create_dir_all(sandbox.data_dir()).unwrap();
    std::fs::write(sandbox.sessions_dir(), "").unwrap();
    let mut pty = Spawn::new(["--seed", "1"]).start_in(sandbox);
    assert_eq!(pty.wait_exit(TIMEOUT).exit_code(), 2);
    assert!(
        raw(&pty).contains("sessions is a file, not a folder"),
        "{}",
        raw(&pty)
    );

    // STARDRILL_CONFIG pointing through a dangling link.
    let sandbox = Sandbox::new();
    let config = sandbox.root().join("config.toml");
    std::os::unix::fs::symlink(sandbox.root().join("missing.toml"), &config).unwrap();
    let out = common::command(&sandbox)
        .args(["config", "--init"])
        .env("STARDRILL_CONFIG", &config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("which does not exist"), "{stderr}");
}

/// A rating of 0, a NaN time, a start in 9999: reported by --check and left
/// out of stats instead of averaged in.
#[test]
fn out_of_range_values_are_reported_and_kept_out_of_stats() {
    let sandbox = Sandbox::new();
    let mut logs = review_support::logs();
    logs[0].rating = Some(0);
    logs[1].answer_secs = -40.0;
    review_support::write_logs(&sandbox.data_dir(), &logs);
    let check = Plain::run(&sandbox, &["review", "--check"]);
    assert_eq!(check.code(), Some(1));
    assert!(
        check.stdout.contains("rating 0 is out of range"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("answer_secs -40 is out of range"),
        "{}",
        check.stdout
    );
    let stats = Plain::run(&sandbox, &["stats", "--today", "2026-01-05"]);
    assert!(
        stats
            .stdout
            .contains(&format!("{} sessions", logs.len() - 2)),
        "{}",
        stats.stdout
    );
}
