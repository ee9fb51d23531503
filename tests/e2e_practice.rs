//! End-to-end tests of the practice features: the interview loop, the story
//! bank, weak mode and settings, in a pseudo-terminal or as plain commands.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Plain, Sandbox, Spawn, TIMEOUT};
use stardrill::domain::interview_loop::{LoopOutcome, LoopRecord};
use stardrill::domain::session::{Outcome, SessionLog};

fn wait_for_any(pty: &common::Pty, needles: &[&str]) -> String {
    pty.wait_until(&format!("one of {needles:?}"), TIMEOUT, |screen| {
        let text = screen.contents();
        needles.iter().any(|n| text.contains(n))
    });
    pty.screen()
}

#[test]
fn a_two_round_loop_with_short_timers_leaves_its_record_and_sessions() {
    let mut pty = Spawn::new([
        "loop",
        "--rounds",
        "2",
        "--seconds",
        "10",
        "--follow-up-secs",
        "10",
        "--seed",
        "3",
        "--no-bell",
    ])
    .start();
    pty.wait_for_text("Round 1 of 2");
    let mut answered = 0;
    loop {
        let screen = wait_for_any(
            &pty,
            &[
                "Enter begin",
                "Enter next question",
                "Loop summary",
                "Your questions",
                " left ",
                "Follow-up probe",
                "Wrap-up",
            ],
        );
        if screen.contains("Loop summary") {
            break;
        }
        if screen.contains("Your questions") {
            pty.send("\r");
            pty.wait_for_text("Loop summary");
        } else if let Some(title) = screen
            .lines()
            .find_map(|l| l.split(" Follow-up probe ").nth(1))
            .map(|rest| {
                format!(
                    "Follow-up probe {}",
                    rest.split(" ─").next().unwrap_or(rest)
                )
            })
        {
            // The next probe on the same story, or the wrap-up card.
            pty.send("\r");
            pty.wait_for_text_gone(title.trim_end());
        } else if screen.contains("Wrap-up") {
            pty.send("4");
            pty.wait_for_text("4: strong");
            pty.send("\r");
            answered += 1;
            pty.wait_until("the wrap-up card to close", TIMEOUT, |s| {
                !s.contents().contains("Wrap-up")
            });
        } else if screen.contains(" left ") {
            pty.send("\r");
            pty.wait_for_text("Follow-up probe 1 of");
        } else {
            pty.send("\r");
            pty.wait_until("the next question", TIMEOUT, |s| {
                s.contents().contains(" left ")
            });
        }
        assert!(
            answered <= 6,
            "more answers than a two-round loop asks\n{screen}"
        );
    }
    // The hiring manager's two opening questions and two more, then the
    // Bar Raiser's two.
    assert_eq!(answered, 6);
    pty.wait_for_text("Loop recorded in");
    pty.send("\r");
    assert!(pty.wait_exit(TIMEOUT).success());

    let loops: Vec<_> = std::fs::read_dir(pty.sandbox.data_dir().join("loops"))
        .expect("loops/ exists")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(loops.len(), 1, "{loops:?}");
    let record =
        LoopRecord::from_toml(&std::fs::read_to_string(&loops[0]).expect("read")).expect("parse");
    assert_eq!(record.outcome, LoopOutcome::Completed);
    assert_eq!(record.rounds.len(), 2);
    assert!(record.rounds[1].bar_raiser && !record.rounds[0].bar_raiser);
    let logs = pty.sandbox.logs();
    assert_eq!(logs.len(), 6);
    for (round_index, round) in record.rounds.iter().enumerate() {
        assert_eq!(round.sessions.len(), [4, 2][round_index]);
        for name in &round.sessions {
            let text = std::fs::read_to_string(pty.sandbox.sessions_dir().join(name))
                .expect("named session exists");
            let log = SessionLog::from_toml(&text).expect("session parses");
            assert_eq!(log.loop_id.as_deref(), Some(record.id.as_str()));
            assert_eq!(log.round, Some(round_index as u32 + 1));
            assert_eq!(log.outcome, Outcome::Completed);
            assert_eq!(log.rating, Some(4));
            assert!(log.follow_up.is_some() && log.follow_up_secs.is_some());
        }
    }
}

#[test]
fn the_story_editor_adds_a_story_that_export_and_import_round_trip() {
    let mut pty = Spawn::new(["stories"]).start();
    pty.wait_for_text("No stories yet");
    pty.send("a");
    pty.wait_for_text("New story");
    pty.send("Checkout bug fix");
    pty.send("\r"); // to the principles
    pty.send(" "); // Customer Obsession
    pty.send("\t"); // to Situation
    pty.send("3% of orders failed");
    pty.send("\x13"); // Ctrl-S
    pty.wait_for_text("Saved");
    pty.wait_for_text("Checkout bug fix");
    pty.send("q");
    assert!(pty.wait_exit(TIMEOUT).success());

    let sandbox = &pty.sandbox;
    let path = sandbox.data_dir().join("stories.toml");
    let text = std::fs::read_to_string(&path).expect("stories.toml written");
    assert!(text.contains("title = \"Checkout bug fix\""), "{text}");
    assert!(text.contains("\"customer-obsession\""), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let export = Plain::run(sandbox, &["stories", "--export"]);
    assert_eq!(export.code(), Some(0), "{}", export.stderr);
    assert!(
        export
            .stdout
            .contains("checkout-bug-fix,Checkout bug fix,Customer Obsession"),
        "{}",
        export.stdout
    );

    let csv = sandbox.root().join("grid.csv");
    std::fs::write(
        &csv,
        export
            .stdout
            .replace("Customer Obsession", "Customer Obsession; Ownership")
            + "Vendor pick,,Dive Deep\n",
    )
    .expect("write csv");
    // A row without an id gets one from its title; columns are matched by header.
    let csv_text = std::fs::read_to_string(&csv)
        .expect("read")
        .replace("Vendor pick,,Dive Deep", ",Vendor pick,Dive Deep");
    std::fs::write(&csv, csv_text).expect("write csv");
    let import = Plain::run(
        sandbox,
        &["stories", "--import", csv.to_str().expect("utf-8 path")],
    );
    assert_eq!(import.code(), Some(0), "{}", import.stderr);
    assert!(
        import.stdout.contains("1 new, 1 updated"),
        "{}",
        import.stdout
    );
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.contains("\"ownership\"") && text.contains("Vendor pick"),
        "{text}"
    );

    // Export to a file never replaces one.
    let again = Plain::run(
        sandbox,
        &["stories", "--export", csv.to_str().expect("utf-8 path")],
    );
    assert_eq!(again.code(), Some(2));
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

#[test]
fn a_broken_story_bank_stops_the_drill_and_is_left_untouched() {
    let sandbox = Sandbox::new();
    std::fs::create_dir_all(sandbox.data_dir()).expect("mkdir");
    let path = sandbox.data_dir().join("stories.toml");
    std::fs::write(
        &path,
        "[[story]]\nid = \"a\"\ntitle = \"A\"\nprinciples = [\"Frugalty\"]\n",
    )
    .expect("write");
    let mut pty = Spawn::new(["--seed", "1"]).start_in(sandbox);
    let status = pty.wait_exit(TIMEOUT);
    assert_eq!(status.exit_code(), 2);
    let screen = pty.screen();
    assert!(
        screen.contains("stories.toml:4:") && screen.contains("unknown principle \"Frugalty\""),
        "{screen}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "[[story]]\nid = \"a\"\ntitle = \"A\"\nprinciples = [\"Frugalty\"]\n"
    );
}

#[test]
fn weak_mode_says_why_the_question_came_up() {
    let pty = Spawn::new(["--mode", "weak", "--seed", "2", "--principle", "frugality"]).start();
    // Whichever Frugality question comes first, its weakest principle has
    // never been practised in a fresh data dir.
    pty.wait_until("a why-now line", TIMEOUT, |screen| {
        let text = screen.contents();
        text.lines()
            .any(|l| l.contains("why now: ") && l.contains(": never practised"))
    });
}

#[test]
fn config_init_writes_once_and_its_settings_apply() {
    let sandbox = Sandbox::new();
    let init = Plain::run(&sandbox, &["config", "--init"]);
    assert_eq!(init.code(), Some(0), "{}", init.stderr);
    let path = Plain::run(&sandbox, &["config", "--path"])
        .stdout
        .trim()
        .to_string();
    assert!(
        path.starts_with(sandbox.home().to_str().expect("utf-8")),
        "{path}"
    );
    std::fs::write(&path, "seconds = 45\nframework = \"spsil\"\n").expect("edit");
    let again = Plain::run(&sandbox, &["config", "--init"]);
    assert!(again.stdout.contains("left as it is"), "{}", again.stdout);
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "seconds = 45\nframework = \"spsil\"\n"
    );

    let pty = Spawn::new(["--seed", "1"]).start_in(sandbox);
    pty.wait_for_text("0:45 left");
    pty.wait_for_text("SPSIL 0/5");
}

#[test]
fn a_bad_config_is_reported_with_its_line() {
    let sandbox = Sandbox::new();
    let path = sandbox.home().join(".config/stardrill/config.toml");
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, "bell = true\nmode = \"sometimes\"\n").expect("write");
    let mut pty = Spawn::new(["--seed", "1"]).start_in(sandbox);
    assert_eq!(pty.wait_exit(TIMEOUT).exit_code(), 2);
    let screen = pty.screen();
    assert!(
        screen.contains("config.toml:2:") && screen.contains("unknown variant"),
        "{screen}"
    );
}

#[test]
fn completions_and_man_page_are_generated() {
    let sandbox = Sandbox::new();
    let bash = Plain::run(&sandbox, &["completions", "bash"]);
    assert_eq!(bash.code(), Some(0));
    assert!(bash.stdout.contains("stardrill") && bash.stdout.contains("--principle"));
    let man = Plain::run(&sandbox, &["man"]);
    assert_eq!(man.code(), Some(0));
    assert!(
        man.stdout.contains(".TH stardrill"),
        "{}",
        &man.stdout[..man.stdout.len().min(200)]
    );
}
