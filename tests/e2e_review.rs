//! End to end in a pseudo-terminal: a seeded data dir with a corrupt and a
//! foreign file; open review, navigate, search, filter, delete one session,
//! and check it went to trash/ while the bad files stayed as they were.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod review_support;

use common::{Spawn, TIMEOUT};
use review_support::{CORRUPT_BODY, CORRUPT_NAME, FOREIGN_BODY, FOREIGN_NAME};

/// `stardrill review` on `data` in a `cols`×`rows` terminal, sandboxed like
/// every end-to-end run (HOME, XDG dirs and settings of its own).
fn review(data: &str, cols: u16, rows: u16) -> common::Pty {
    Spawn::new(["review", "--data-dir", data])
        .size(cols, rows)
        .env("NO_COLOR", "1")
        .start()
}

const DOWN: &str = "\x1b[B";
const RIGHT: &str = "\x1b[C";
const END: &str = "\x1b[F";
const ENTER: &str = "\r";

#[test]
fn browse_filter_delete_in_a_terminal() {
    let dir = review_support::seeded_dir();
    let data = dir.path().to_string_lossy().into_owned();
    let mut term = review(&data, 100, 30);

    term.wait_for_text("8 sessions");
    term.wait_for_text("2 files skipped");
    assert!(term.in_alternate_screen());

    // Navigate: the detail pane follows the selection.
    term.send("j");
    term.wait_for_text("20260104T080500Z-000007.toml");

    // Search question text and notes, live.
    term.send("/customer");
    term.wait_for_text("3 of 8 sessions");
    term.send(ENTER);
    // Esc clears the search.
    term.send("\x1b");
    term.wait_for_text("Filters and search cleared");
    term.wait_for_text("8 sessions");

    // Filter: outcome = completed.
    term.send("f");
    term.wait_for_text("Filter");
    term.send(DOWN);
    term.send(RIGHT);
    term.wait_for_text("‹ completed ›");
    term.send(ENTER);
    term.wait_for_text("6 of 8 sessions");

    // Delete the oldest completed session.
    term.send(END);
    term.wait_for_text("20251220T071500Z-000001.toml");
    term.send("d");
    term.wait_for_text("Delete this session?");
    term.send("y");
    term.wait_for_text("Moved to");
    term.wait_for_text("5 of 7 sessions");

    term.send("q");
    let status = term.wait_exit(TIMEOUT);
    assert!(status.success(), "{status:?}");
    assert!(!term.in_alternate_screen(), "terminal restored");

    let trash = dir
        .path()
        .join("trash")
        .join("20251220T071500Z-000001.toml");
    assert!(trash.is_file(), "not in trash/");
    let sessions = dir.path().join("sessions");
    assert!(!sessions.join("20251220T071500Z-000001.toml").exists());
    assert_eq!(
        std::fs::read_to_string(sessions.join(CORRUPT_NAME)).unwrap_or_default(),
        CORRUPT_BODY
    );
    assert_eq!(
        std::fs::read_to_string(sessions.join(FOREIGN_NAME)).unwrap_or_default(),
        FOREIGN_BODY
    );
    assert_eq!(
        std::fs::read_dir(&sessions).map(|d| d.count()).unwrap_or(0),
        9
    );
}

#[test]
fn empty_data_dir_shows_how_to_start() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().to_string_lossy().into_owned();
    let mut term = review(&data, 80, 24);
    term.wait_for_text("No sessions yet");
    term.send("q");
    assert!(term.wait_exit(TIMEOUT).success());
}
