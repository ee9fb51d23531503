//! End-to-end tests: the real binary in a pseudo-terminal, driven by keys and
//! signals, checked through the screen a user would see and the files it leaves.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use common::{Plain, Sandbox, Spawn, TIMEOUT};
use stardrill::domain::session::{Outcome, SessionLog};

/// Leaves the alternate screen: the first thing `ratatui::restore()` writes.
const LEAVE_ALT_SCREEN: &str = "\x1b[?1049l";
const ENTER_ALT_SCREEN: &str = "\x1b[?1049h";
const SHOW_CURSOR: &str = "\x1b[?25h";

/// Starts a drill at 100×30 and waits for the first question and its countdown.
fn start_drill(args: &[&str]) -> common::Pty {
    let pty = Spawn::new(args).start();
    wait_for_question(&pty);
    pty
}

fn wait_for_question(pty: &common::Pty) {
    pty.wait_until(
        "a question titled `stardrill` and a countdown",
        TIMEOUT,
        |screen| {
            let text = screen.contents();
            text.lines().next().is_some_and(|l| l.contains("stardrill")) && text.contains(" left ")
        },
    );
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// `<UTC %Y%m%dT%H%M%SZ>-<6 hex>.toml`
fn assert_log_file_name(path: &Path) {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let ok = name.len() == "20260105T080000Z-abcdef.toml".len()
        && name.ends_with(".toml")
        && name.char_indices().all(|(i, c)| match i {
            0..=7 | 9..=14 => c.is_ascii_digit(),
            8 => c == 'T',
            15 => c == 'Z',
            16 => c == '-',
            17..=22 => c.is_ascii_digit() || ('a'..='f').contains(&c),
            _ => true,
        });
    assert!(ok, "unexpected session log name {name:?}");
}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("stat the session log")
        .permissions()
        .mode()
        & 0o777
}

fn only_log(sandbox: &Sandbox) -> (PathBuf, SessionLog) {
    let files = sandbox.session_files();
    assert_eq!(
        files.len(),
        1,
        "expected exactly one file in sessions/: {files:?}"
    );
    let mut logs = sandbox.logs();
    (files[0].clone(), logs.remove(0))
}

#[test]
fn answering_rating_and_saving_leaves_one_completed_log() {
    let mut pty = start_drill(&["--seed", "1"]);

    pty.send(" ");
    pty.wait_for_text("STAR 1/4");
    pty.send("\r");
    pty.wait_for_text("Wrap-up");
    pty.send("4");
    pty.wait_for_text("4: strong");
    pty.send("\r");
    pty.wait_for_text("Attempt saved");
    pty.wait_for_text("next question");
    pty.send("q");

    let status = pty.wait_exit(TIMEOUT);
    assert!(status.success(), "exit status {status:?}\n{}", pty.screen());
    assert!(!pty.in_alternate_screen(), "left in the alternate screen");

    let (path, log) = only_log(&pty.sandbox);
    assert_log_file_name(&path);
    #[cfg(unix)]
    assert_eq!(
        mode_of(&path),
        0o600,
        "{} must be owner-only",
        path.display()
    );
    assert_eq!(log.outcome, Outcome::Completed);
    assert_eq!(log.rating, Some(4));
    assert_eq!(log.framework, "star");
    assert_eq!(log.time_limit_secs, 120);
    assert_eq!(log.steps.len(), 4);
    assert!(
        log.steps[0].checked_at_secs.is_some(),
        "first step should be ticked: {:?}",
        log.steps
    );
    assert!(
        log.steps[1..].iter().all(|s| s.checked_at_secs.is_none()),
        "only the first step was ticked: {:?}",
        log.steps
    );
    assert!(log.rubric.finished_in_time);
    assert!(!log.question.id.is_empty());
    // Back on the normal screen, it says where the attempt went.
    let said = format!(
        "1 attempt saved in {}",
        pty.sandbox.sessions_dir().display()
    );
    assert!(pty.screen().contains(&said), "{}", pty.screen());
}

#[test]
fn the_same_seed_asks_the_same_first_question() {
    let first = start_drill(&["--seed", "7"]);
    let second = start_drill(&["--seed", "7"]);
    assert_eq!(first.row(0), second.row(0));
}

/// Types notes, then stops the program with `signal` mid-answer.
fn signal_mid_answer(signal: i32) -> common::Pty {
    let mut pty = start_drill(&["--seed", "2"]);
    pty.send("\t");
    pty.wait_for_text("Notes (Tab: back)");
    pty.send("met the deadline");
    pty.wait_for_text("met the deadline");
    pty.send("\t");
    pty.wait_for_text("Notes (Tab: type)");

    let mark = pty.raw_len();
    pty.kill_with(signal);
    let status = pty.wait_exit(TIMEOUT);
    assert_eq!(
        status.signal(),
        None,
        "signal {signal} should be handled, not kill the program"
    );
    assert!(status.success(), "exit status {status:?}\n{}", pty.screen());

    let after = pty.raw_since(mark);
    assert!(
        contains(&after, LEAVE_ALT_SCREEN),
        "no alternate-screen exit after signal {signal}: {:?}",
        String::from_utf8_lossy(&after)
    );
    assert!(
        contains(&after, SHOW_CURSOR),
        "cursor not shown again after signal {signal}: {:?}",
        String::from_utf8_lossy(&after)
    );
    assert!(!pty.in_alternate_screen());

    let (_, log) = only_log(&pty.sandbox);
    assert_eq!(log.outcome, Outcome::Abandoned);
    assert_eq!(log.notes, "met the deadline");
    assert_eq!(log.rating, None);
    pty
}

#[test]
fn sigterm_mid_answer_saves_an_abandoned_log_and_restores_the_terminal() {
    signal_mid_answer(libc::SIGTERM);
}

#[test]
fn sighup_mid_answer_saves_an_abandoned_log() {
    signal_mid_answer(libc::SIGHUP);
}

#[test]
fn sigint_mid_answer_saves_an_abandoned_log() {
    signal_mid_answer(libc::SIGINT);
}

#[test]
fn sigusr1_and_sigalrm_mid_answer_save_and_restore_like_sigterm() {
    signal_mid_answer(libc::SIGUSR1);
    signal_mid_answer(libc::SIGALRM);
}

/// `kill -TSTP` (or Ctrl-Z): the terminal is given back and the process
/// stops; `fg` (SIGCONT) takes the screen again and draws it whole.
#[test]
fn suspend_gives_the_terminal_back_and_resume_redraws() {
    let mut pty = start_drill(&["--seed", "4"]);
    let mark = pty.raw_len();
    pty.kill_with(libc::SIGTSTP);
    pty.wait_until("the alternate screen to be left", TIMEOUT, |s| {
        !s.alternate_screen()
    });
    wait_for_state(pty.pid(), 'T');
    assert!(contains(&pty.raw_since(mark), LEAVE_ALT_SCREEN));
    let mark = pty.raw_len();
    pty.kill_with(libc::SIGCONT);
    pty.wait_until("the drill drawn again", TIMEOUT, |s| {
        s.alternate_screen() && s.contents().contains(" left ")
    });
    assert!(contains(&pty.raw_since(mark), ENTER_ALT_SCREEN));
    // Ctrl-Z, a key in raw mode, does the same.
    pty.send("\x1a");
    wait_for_state(pty.pid(), 'T');
    pty.kill_with(libc::SIGCONT);
    wait_for_question(&pty);
    pty.send("q");
    assert!(pty.wait_exit(TIMEOUT).success());
    let (_, log) = only_log(&pty.sandbox);
    assert_eq!(log.outcome, Outcome::Abandoned);
}

/// Waits until the process is in `state` (from /proc/PID/stat: T is stopped).
fn wait_for_state(pid: i32, state: char) {
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let now = stat
            .rsplit(')')
            .next()
            .and_then(|rest| rest.trim().chars().next());
        if now == Some(state) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "process {pid} never reached state {state}: {stat}"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn ctrl_c_in_notes_saves_an_abandoned_log() {
    let mut pty = start_drill(&["--seed", "3"]);
    pty.send("\t");
    pty.wait_for_text("Notes (Tab: back)");
    pty.send("half an answer");
    pty.wait_for_text("half an answer");
    pty.send("\x03");
    let status = pty.wait_exit(TIMEOUT);
    assert!(status.success(), "exit status {status:?}\n{}", pty.screen());
    let (_, log) = only_log(&pty.sandbox);
    assert_eq!(log.outcome, Outcome::Abandoned);
    assert_eq!(log.notes, "half an answer");
}

/// Closing the terminal window: the kernel hangs up the terminal (SIGHUP) and
/// every later write to it fails.
#[test]
fn closing_the_terminal_saves_an_abandoned_log_and_exits_cleanly() {
    let mut pty = start_drill(&["--seed", "4"]);
    pty.send(" ");
    pty.wait_for_text("STAR 1/4");
    pty.hang_up();
    let status = pty.wait_exit(TIMEOUT);

    let (_, log) = only_log(&pty.sandbox);
    assert_eq!(log.outcome, Outcome::Abandoned);
    assert!(log.steps[0].checked_at_secs.is_some());
    assert_eq!(status.signal(), None, "exit status {status:?}");
    assert!(
        status.exit_code() == 0,
        "a hangup after a successful save should exit 0, got {status:?}"
    );
}

/// The terminal goes away while the program is not the one the kernel sends
/// SIGHUP to (a wrapper shell that ignores it is the session leader), so the
/// first sign is a failing read or write: the answer must still be saved.
#[test]
fn a_terminal_that_fails_without_sighup_still_saves_the_attempt() {
    let mut pty = Spawn::new(["--seed", "12"])
        .via(["/bin/sh", "-c", "trap '' HUP; \"$0\" \"$@\"; exit 0"])
        .start();
    wait_for_question(&pty);
    pty.send(" ");
    pty.wait_for_text("STAR 1/4");
    pty.hang_up();
    // The shell exits once stardrill has.
    pty.wait_exit(TIMEOUT);

    let (_, log) = only_log(&pty.sandbox);
    assert_eq!(log.outcome, Outcome::Abandoned);
    assert!(log.steps[0].checked_at_secs.is_some());
}

#[test]
fn skipping_saves_a_skipped_log_and_quitting_an_abandoned_one() {
    let mut pty = start_drill(&["--seed", "5"]);
    let first_title = pty.row(0);
    pty.send("n");
    pty.sandbox.wait_for_sessions(1, TIMEOUT);
    wait_for_question(&pty);
    pty.send("q");
    let status = pty.wait_exit(TIMEOUT);
    assert!(status.success(), "exit status {status:?}\n{}", pty.screen());

    let files = pty.sandbox.session_files();
    assert_eq!(files.len(), 2, "expected two session logs: {files:?}");
    let logs = pty.sandbox.logs();
    let skipped: Vec<_> = logs
        .iter()
        .filter(|l| l.outcome == Outcome::Skipped)
        .collect();
    let abandoned: Vec<_> = logs
        .iter()
        .filter(|l| l.outcome == Outcome::Abandoned)
        .collect();
    assert_eq!(skipped.len(), 1, "{logs:#?}");
    assert_eq!(abandoned.len(), 1, "{logs:#?}");
    assert_ne!(
        skipped[0].question.id, abandoned[0].question.id,
        "a skip moves to another question"
    );
    assert!(
        first_title.contains(&skipped[0].question.id),
        "the skipped log is the question first shown ({first_title:?})"
    );
}

/// At 40×10 nothing of the drill is visible: keys that would answer blind
/// do nothing, q quits (even with the notes focused) and says how.
#[test]
fn keys_wait_while_the_window_is_too_small_and_q_quits() {
    let mut pty = Spawn::new(["--seed", "6"]).size(40, 10).start();
    pty.wait_for_text("Window too small");
    pty.wait_for_text("press q to quit");
    pty.send("\t  \r");
    pty.send("q");
    let status = pty.wait_exit(TIMEOUT);
    assert!(status.success(), "exit status {status:?}\n{}", pty.screen());
    let (_, log) = only_log(&pty.sandbox);
    assert_eq!(
        log.outcome,
        Outcome::Abandoned,
        "Enter did not finish it blind"
    );
    assert!(
        log.steps.iter().all(|s| s.checked_at_secs.is_none()),
        "no step ticked blind"
    );
    assert_eq!(log.notes, "", "q was not typed into the notes");
}

#[test]
fn a_too_small_window_says_so_and_recovers_on_resize() {
    let mut pty = Spawn::new(["--seed", "6"]).size(50, 15).start();
    pty.wait_for_text("Window too small");
    pty.wait_for_text("50×15");
    pty.resize(100, 30);
    wait_for_question(&pty);
    pty.wait_for_text_gone("Window too small");
    pty.send("q");
    let status = pty.wait_exit(TIMEOUT);
    assert!(status.success(), "exit status {status:?}\n{}", pty.screen());
}

#[test]
fn without_a_terminal_it_exits_2_and_says_why() {
    let sandbox = Sandbox::new();
    let run = Plain::run(&sandbox, &["--seed", "1"]);
    assert_eq!(run.code(), Some(2), "stderr: {}", run.stderr);
    assert!(
        run.stderr.contains("interactive terminal"),
        "stderr: {}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    assert!(
        !sandbox.data_dir().exists(),
        "nothing should be written without a terminal"
    );
}

const GOOD_BANK: &str = r#"[[question]]
id = "t-01"
text = "Tell me about a time you fixed something nobody owned."
principles = ["ownership", "bias-for-action"]
kind = "behavioral"
follow_ups = ["What did you learn?", "Who else knew about it?"]

[[question]]
id = "t-02"
text = "How would you handle a customer asking for a feature that hurts other customers?"
principles = ["Customer Obsession", "ownership"]
kind = "hypothetical"
follow_ups = ["What would you tell them?", "How would you measure the outcome?"]
"#;

/// The second question's principles (line 11) name one that does not exist.
fn broken_bank() -> String {
    GOOD_BANK.replace(
        r#"["Customer Obsession", "ownership"]"#,
        r#"["Customer Obsession", "Time Travel"]"#,
    )
}

const BROKEN_LINE: usize = 11;

fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a test file");
    path
}

#[test]
fn a_bad_question_bank_is_reported_with_file_and_line() {
    let sandbox = Sandbox::new();
    let bank = write_file(sandbox.root(), "questions.toml", &broken_bank());
    let run = Plain::run(&sandbox, &[OsStr::new("--questions"), bank.as_os_str()]);
    assert_eq!(run.code(), Some(2), "stderr: {}", run.stderr);
    let location = format!("{}:{BROKEN_LINE}:", bank.display());
    assert!(
        run.stderr.contains(&location),
        "stderr should point at {location}: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("unknown principle \"Time Travel\""),
        "stderr: {}",
        run.stderr
    );
    assert!(!sandbox.data_dir().exists(), "nothing should be started");
}

#[test]
fn a_data_dir_that_is_a_file_exits_2_and_creates_nothing() {
    let sandbox = Sandbox::new();
    let file = write_file(sandbox.root(), "notadir", "keep me\n");
    let before = sandbox.tree();
    // In a terminal, so the data dir check (which comes after the terminal
    // check) is what fails.
    let mut pty = Spawn::new([OsStr::new("--data-dir"), file.as_os_str()]).start_in(sandbox);
    let status = pty.wait_exit(TIMEOUT);
    assert_eq!(status.signal(), None);
    assert_eq!(status.exit_code(), 2, "{}", pty.screen());
    let screen = pty.screen();
    assert!(
        screen.contains("it is a file, not a folder") && screen.contains("--data-dir"),
        "the message should say what is wrong and how to fix it:\n{screen}"
    );
    assert!(
        !contains(&pty.raw_since(0), ENTER_ALT_SCREEN),
        "the drill screen should never open"
    );
    assert_eq!(pty.sandbox.tree(), before, "nothing else should be created");
    assert_eq!(
        std::fs::read_to_string(&file).expect("read the file back"),
        "keep me\n"
    );
}

#[test]
fn questions_check_summarises_a_good_bank_per_principle() {
    let sandbox = Sandbox::new();
    let bank = write_file(sandbox.root(), "questions.toml", GOOD_BANK);
    let run = Plain::run(
        &sandbox,
        &[
            OsStr::new("questions"),
            OsStr::new("--check"),
            bank.as_os_str(),
        ],
    );
    assert_eq!(run.code(), Some(0), "stderr: {}", run.stderr);
    let out = &run.stdout;
    assert!(
        out.contains(&format!("{}: 2 questions, all valid", bank.display())),
        "{out}"
    );
    let row = |name: &str| -> Vec<String> {
        out.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no row for {name}:\n{out}"))
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    assert!(out.contains("primary") && out.contains("tagged"), "{out}");
    // primary, tagged
    assert!(
        row("Ownership").ends_with(&["1".into(), "2".into()]),
        "{out}"
    );
    assert!(
        row("Customer Obsession").ends_with(&["1".into(), "1".into()]),
        "{out}"
    );
    assert!(row("Frugality").contains(&"<-".to_string()), "{out}");
    assert!(
        out.contains("1 behavioral, 1 hypothetical, 0 motivation"),
        "{out}"
    );
    assert!(!sandbox.data_dir().exists());
}

#[test]
fn questions_check_rejects_a_broken_bank() {
    let sandbox = Sandbox::new();
    let bank = write_file(sandbox.root(), "questions.toml", &broken_bank());
    let run = Plain::run(
        &sandbox,
        &[
            OsStr::new("questions"),
            OsStr::new("--check"),
            bank.as_os_str(),
        ],
    );
    assert_eq!(run.code(), Some(2), "stdout: {}", run.stdout);
    assert!(
        run.stderr
            .contains(&format!("{}:{BROKEN_LINE}:", bank.display())),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("1 problem found"), "{}", run.stderr);
}

#[test]
fn questions_without_check_summarises_the_built_in_bank() {
    let sandbox = Sandbox::new();
    let run = Plain::run(&sandbox, &["questions"]);
    assert_eq!(run.code(), Some(0), "stderr: {}", run.stderr);
    assert!(
        run.stdout.contains("built-in bank:") && run.stdout.contains("all valid"),
        "{}",
        run.stdout
    );
}

/// The drill's main thread runs with the short turn on the CPU it asks for
/// (Linux 6.12 and later; on older kernels neither side reports one).
#[cfg(target_os = "linux")]
#[test]
fn the_drill_runs_in_short_turns() {
    use stardrill::cli::short_turns;
    let given = std::thread::spawn(|| {
        short_turns::ask_short_turns();
        short_turns::current_turn_ns()
    })
    .join()
    .unwrap();
    let pty = start_drill(&["--seed", "8"]);
    assert_eq!(short_turns::turn_ns_of(pty.pid()), given);
    if given.is_some() {
        assert_eq!(given, Some(short_turns::TURN_NS));
    }
}

#[test]
fn the_countdown_moves_without_input() {
    let pty = start_drill(&["--seed", "8"]);
    // Nothing is typed: the loop must wake by itself for the next second.
    pty.wait_for_text("1:59 left");
}

/// CPU seconds (user and system) the process has used, from /proc.
fn cpu_seconds(pid: i32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses: utime and
    // stime are the 12th and 13th of them, in clock ticks (100 a second).
    let after = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

#[test]
fn the_loop_sleeps_after_signals_and_keys() {
    let mut pty = start_drill(&["--seed", "8"]);
    pty.wait_for_text("1-5 toggle");
    // A resize (SIGWINCH), a key and a pause: each wakes the loop once.
    pty.resize(90, 28);
    pty.send("1");
    pty.wait_for_text("[x] 1");
    pty.send("p");
    pty.wait_for_text("PAUSED");
    let before = cpu_seconds(pty.pid());
    std::thread::sleep(std::time::Duration::from_secs(2));
    let used = cpu_seconds(pty.pid()) - before;
    // Asleep uses next to nothing; a loop that spins uses the whole two seconds.
    assert!(used < 0.5, "{used} s of CPU in 2 s with nothing to do");
}

#[test]
fn running_out_of_time_rings_the_bell_and_counts_overtime() {
    // A one-second answer: the real clock, the real loop, the real bell.
    let pty = start_drill(&["--seed", "9", "--seconds", "1"]);
    pty.wait_for_text("over time");
    assert!(
        contains(&pty.raw_since(0), "\x07"),
        "the bell should ring once time is up"
    );
}

#[test]
fn pause_blocks_ticking_and_f_switches_the_checklist() {
    let mut pty = start_drill(&["--seed", "10"]);
    pty.send("p");
    pty.wait_for_text("PAUSED");
    pty.send(" ");
    pty.wait_for_text("press p to resume");
    assert!(pty.screen().contains("STAR 0/4"), "{}", pty.screen());
    pty.send("p");
    pty.wait_for_text_gone("PAUSED");
    pty.send("f");
    pty.wait_for_text("SPSIL 0/5");
    pty.send("2");
    pty.wait_for_text("SPSIL 1/5");
    pty.send("\r");
    pty.wait_for_text("Wrap-up");
    pty.send("q");
    let status = pty.wait_exit(TIMEOUT);
    assert!(status.success(), "exit status {status:?}\n{}", pty.screen());
    let (_, log) = only_log(&pty.sandbox);
    // Quitting on the wrap-up card keeps the answer as completed, unrated.
    assert_eq!(log.outcome, Outcome::Completed);
    assert_eq!(log.rating, None);
    assert_eq!(log.framework, "spsil");
    let ticked: Vec<bool> = log
        .steps
        .iter()
        .map(|s| s.checked_at_secs.is_some())
        .collect();
    assert_eq!(ticked, [false, true, false, false, false]);
}

#[test]
fn count_one_stops_after_one_answer() {
    let mut pty = start_drill(&["--seed", "11", "--count", "1"]);
    pty.send("\r");
    pty.wait_for_text("Wrap-up");
    pty.send("\r");
    pty.wait_for_text("last question you asked for");
    pty.send("\r");
    let status = pty.wait_exit(TIMEOUT);
    assert!(status.success(), "exit status {status:?}\n{}", pty.screen());
    let (_, log) = only_log(&pty.sandbox);
    assert_eq!(log.outcome, Outcome::Completed);
}

#[test]
fn questions_check_reports_bad_variant_links_and_audiences_by_line() {
    let sandbox = Sandbox::new();
    // Both land on the second question (t-02), lines 14 and 15.
    let text = format!("{GOOD_BANK}variant_of = \"t-09\"\naudience = \"boss\"\n");
    let bank = write_file(sandbox.root(), "questions.toml", &text);
    let run = Plain::run(
        &sandbox,
        &[
            OsStr::new("questions"),
            OsStr::new("--check"),
            bank.as_os_str(),
        ],
    );
    assert_eq!(run.code(), Some(2), "stdout: {}", run.stdout);
    let name = bank.display();
    for expected in [
        format!("{name}:14: question \"t-02\": `variant_of` names an unknown question \"t-09\""),
        format!(
            "{name}:15: question \"t-02\": unknown audience \"boss\" (expected \"everyone\" or \"manager\")"
        ),
        "2 problems found".to_string(),
    ] {
        assert!(run.stderr.contains(&expected), "{expected}\n{}", run.stderr);
    }
}

#[test]
fn audience_from_the_settings_or_the_flag_filters_manager_questions() {
    let managers_only = GOOD_BANK.replace(
        "kind = \"behavioral\"\n",
        "kind = \"behavioral\"\naudience = \"manager\"\n",
    );
    let managers_only = managers_only.replace(
        "kind = \"hypothetical\"\n",
        "kind = \"hypothetical\"\naudience = \"manager\"\n",
    );
    let start = |extra: &[&str]| {
        let sandbox = Sandbox::new();
        let bank = write_file(sandbox.root(), "questions.toml", &managers_only);
        let config = write_file(sandbox.root(), "config.toml", "audience = \"ic\"\n");
        let mut args: Vec<OsString> = vec!["--questions".into(), bank.into()];
        args.extend(extra.iter().map(OsString::from));
        Spawn::new(args)
            .env("STARDRILL_CONFIG", config)
            .start_in(sandbox)
    };
    // The settings say IC and every question is for managers: nothing to ask.
    let mut pty = start(&[]);
    let status = pty.wait_exit(TIMEOUT);
    assert_eq!(status.exit_code(), 2, "{}", pty.screen());
    assert!(
        pty.screen().contains("--audience ic"),
        "the message should name the filter:\n{}",
        pty.screen()
    );
    // The flag overrides the settings.
    let pty = start(&["--audience", "manager"]);
    wait_for_question(&pty);
}
