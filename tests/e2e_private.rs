//! End-to-end regression tests for the ways a candidate's private data could
//! leak, be lost or hang the program: terminal injection, paste, the story
//! editor, lost records, terminals that cannot draw.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Sandbox, Spawn, TIMEOUT};
use stardrill::domain::session::Outcome;

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
