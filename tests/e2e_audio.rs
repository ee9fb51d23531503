//! Recording end to end: the real binary in a pseudo-terminal, recording
//! through ALSA's file device (tests/audio_support) from a microphone that
//! speaks an espeak-ng answer in real time, then replaying it in review.
#![cfg(all(feature = "audio", target_os = "linux"))]
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod audio_support;
mod common;

use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::{Duration, Instant};

use audio_support::{Capture, Pacer, speech, write_asoundrc};
use common::{Plain, Pty, Sandbox, Spawn, TIMEOUT};
use stardrill::domain::session::{Outcome, SessionLog};

/// A sandbox whose microphone speaks `samples` (16 kHz) from the start each
/// time a recording opens it, and whose speaker writes `home/out.raw`.
fn with_microphone(samples: Vec<i16>) -> (Sandbox, Pacer) {
    let sandbox = Sandbox::new();
    let fifo = sandbox.home().join("mic.fifo");
    let pacer = Pacer::start(&fifo, samples, 16_000);
    write_asoundrc(&sandbox.home(), &Capture::Paced(&fifo), 16_000);
    (sandbox, pacer)
}

fn audio_dir(sandbox: &Sandbox) -> PathBuf {
    sandbox.data_dir().join("audio")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|e| {
            e.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Waits until the timer shows the recording light with its level meter.
fn wait_for_meter(pty: &Pty) {
    pty.wait_until("the R light and its meter", TIMEOUT, |screen| {
        let text = screen.contents();
        text.contains(" R █") || text.contains(" R ░")
    });
}

fn sleep_until(start: Instant, secs: f64) {
    if let Some(wait) =
        (start + Duration::from_secs_f64(secs)).checked_duration_since(Instant::now())
    {
        sleep(wait);
    }
}

/// The length of the playback file, in 16 kHz samples.
fn played(sandbox: &Sandbox) -> usize {
    std::fs::metadata(sandbox.home().join("out.raw")).map_or(0, |m| m.len() as usize / 2)
}

/// The samples the speaker was given up to the last sound: a clockless
/// device takes the silence the player fills in until its stream is closed
/// as fast as it is written.
fn played_sound(sandbox: &Sandbox) -> usize {
    let samples = audio_support::read_raw(&sandbox.home().join("out.raw"));
    samples.iter().rposition(|&s| s != 0).map_or(0, |i| i + 1)
}

/// The length of the playback file once it has grown past `from` and then
/// stopped growing for half a second.
fn played_settled(sandbox: &Sandbox, from: usize) -> usize {
    let deadline = Instant::now() + TIMEOUT;
    let mut last = played(sandbox);
    let mut still_since = Instant::now();
    while Instant::now() < deadline {
        sleep(Duration::from_millis(50));
        let now = played(sandbox);
        if now != last {
            (last, still_since) = (now, Instant::now());
        } else if now > from && still_since.elapsed() >= Duration::from_millis(500) {
            return now;
        }
    }
    panic!("the speaker did not play and stop within {TIMEOUT:?}: {last} samples")
}

/// Takes the sandbox out of a finished run, for the next command.
fn keep_sandbox(pty: &mut Pty) -> Sandbox {
    std::mem::take(&mut pty.sandbox)
}

/// The answer: a paragraph of Situation (1.2 s to 11.1 s), a short breath,
/// one of Task (11.7 s to 20.3 s), 2.5 s of silence, then the Action. The
/// candidate ticks the Situation in the breath, the Task at 24 s, and ends
/// at 26.5 s, a second into the Action.
#[test]
fn a_recorded_answer_is_saved_measured_shown_and_replayed_in_review() {
    let (sandbox, _pacer) = with_microphone(speech(160));
    let mut pty = Spawn::new(["--record", "--think", "1", "--seed", "5"])
        .size(100, 32)
        .start_in(sandbox);
    // Think time is not recorded: the light waits for the answer.
    pty.wait_for_text(" R from the answer ");
    assert!(files_in(&audio_dir(&pty.sandbox)).is_empty());
    wait_for_meter(&pty);
    let start = Instant::now();
    sleep_until(start, 11.4);
    pty.send(" ");
    sleep_until(start, 24.0);
    pty.send(" ");
    sleep_until(start, 26.5);
    pty.send("\r");
    pty.wait_for_text("Delivery · p replays");
    pty.wait_for_text("long pause");
    let card = pty.screen();
    assert!(card.contains("first word"), "{card}");
    assert!(
        card.contains("in Task"),
        "the pause fell in the Task:\n{card}"
    );

    // The card replays the answer through the speaker.
    let before = played(&pty.sandbox);
    pty.send("p");
    pty.wait_until("the replay to end", TIMEOUT, |s| {
        s.contents().contains("Delivery · ‖ 0:2")
    });
    assert!(
        played(&pty.sandbox) - before >= 25 * 16_000,
        "the whole answer played"
    );

    pty.send("\r");
    pty.wait_for_text("Attempt saved");
    pty.send("q");
    assert!(pty.wait_exit(TIMEOUT).success());
    let sandbox = keep_sandbox(&mut pty);

    let logs = sandbox.logs();
    let [log] = logs.as_slice() else {
        panic!("{logs:?}")
    };
    assert_eq!(log.outcome, Outcome::Completed);
    let audio = log.audio.clone().expect("the log names its recording");
    assert_eq!(audio, format!("{}.ogg", log.file_stem()));
    let path = audio_dir(&sandbox).join(&audio);
    assert_eq!(mode_of(&path), 0o600);
    assert_eq!(
        files_in(&audio_dir(&sandbox)),
        std::slice::from_ref(&audio),
        "no part file left"
    );
    // Audio time is answer time: think time left out, the whole answer in.
    let secs = stardrill::audio::recording_secs(&path).expect("a recording");
    assert!(
        (secs - log.answer_secs).abs() < 0.3,
        "{secs} s of audio for {} s",
        log.answer_secs
    );
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    assert!(bytes < 120_000, "{bytes} bytes for {secs} s");

    let d = log.delivery.as_ref().expect("[delivery] in the log");
    let first = d.first_word_secs.expect("speech heard");
    assert!((1.1..1.6).contains(&first), "first word at {first} s");
    let [pause] = d.pauses.as_slice() else {
        panic!("one long pause: {d:?}")
    };
    assert!((pause.secs - 2.5).abs() < 0.3, "{pause:?}");
    assert!((pause.at_secs - 20.3).abs() < 0.4, "{pause:?}");
    assert_eq!(pause.step.as_deref(), Some("task"));
    let wpm = d.wpm.expect("a rate");
    assert!((130.0..=240.0).contains(&wpm), "{wpm} wpm");
    let talked: Vec<&str> = d.steps.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(talked, ["situation", "task"]);

    // Review plays it: Enter opens the detail, Space plays, 2 jumps to the Task.
    let mut review = Spawn::new(["review"]).size(100, 32).start_in(sandbox);
    review.wait_for_text("1 session ");
    review.send("\r");
    review.wait_for_text("Recorded · Space plays it");
    // Each play opens the speaker afresh, and ALSA's file device starts its
    // file again then: a play's samples are the file's length.
    review.send(" ");
    review.wait_for_text("‖ 0:2");
    assert!(played(&review.sandbox) >= 25 * 16_000);
    std::fs::remove_file(review.sandbox.home().join("out.raw")).unwrap();
    review.send("2");
    // The end of the first play is still on screen, and the speaker has no
    // clock (this play may end before a frame shows it): wait on the samples.
    played_settled(&review.sandbox, 0);
    let replayed = played_sound(&review.sandbox);
    // From the Task's start (the Situation's tick, about 11.4 s in) to the end.
    assert!(
        (12 * 16_000..17 * 16_000).contains(&replayed),
        "{replayed} samples from the Task on"
    );
    review.send("q");
    assert!(review.wait_exit(TIMEOUT).success());
    let sandbox = keep_sandbox(&mut review);

    let check = Plain::run(&sandbox, &["review", "--check"]);
    assert_eq!(check.code(), Some(0), "{}", check.stdout);
}

#[test]
fn sigterm_mid_answer_keeps_the_recording_up_to_that_moment() {
    let (sandbox, _pacer) = with_microphone(speech(120));
    let mut pty = Spawn::new(["--record", "--seed", "6"]).start_in(sandbox);
    wait_for_meter(&pty);
    sleep(Duration::from_secs(3));
    pty.kill_with(libc::SIGTERM);
    pty.wait_exit(TIMEOUT);
    let sandbox = keep_sandbox(&mut pty);
    let logs = sandbox.logs();
    let [log] = logs.as_slice() else {
        panic!("{logs:?}")
    };
    assert_eq!(log.outcome, Outcome::Abandoned);
    let audio = log.audio.clone().expect("recorded");
    assert_eq!(files_in(&audio_dir(&sandbox)), std::slice::from_ref(&audio));
    let secs = stardrill::audio::recording_secs(&audio_dir(&sandbox).join(&audio)).unwrap_or(0.0);
    assert!(
        (secs - log.answer_secs).abs() < 0.3,
        "{secs} vs {}",
        log.answer_secs
    );
    assert!(
        log.delivery
            .as_ref()
            .and_then(|d| d.first_word_secs)
            .is_some()
    );
}

#[test]
fn kill_9_leaves_a_part_that_review_check_finishes() {
    let (sandbox, _pacer) = with_microphone(speech(120));
    let mut pty = Spawn::new(["--record"]).start_in(sandbox);
    wait_for_meter(&pty);
    sleep(Duration::from_secs(3));
    pty.kill_with(libc::SIGKILL);
    pty.wait_exit(TIMEOUT);
    let sandbox = keep_sandbox(&mut pty);
    let parts = files_in(&audio_dir(&sandbox));
    assert!(
        parts.len() == 1 && parts[0].ends_with(".ogg.part"),
        "{parts:?}"
    );
    let check = Plain::run(&sandbox, &["review", "--check"]);
    assert!(
        check.stdout.contains("a recording cut short, finished"),
        "{}",
        check.stdout
    );
    let finished = files_in(&audio_dir(&sandbox));
    assert!(
        finished.len() == 1 && finished[0].ends_with(".ogg") && !finished[0].starts_with('.'),
        "{finished:?}"
    );
}

#[test]
fn no_microphone_is_one_status_line_and_alsa_stays_off_the_screen() {
    // No .asoundrc and no sound card: ALSA has no default device.
    let mut pty = Spawn::new(["--record", "--seed", "7"]).start();
    pty.wait_for_text("Not recording: no microphone found");
    let raw = pty.raw_since(0);
    assert!(
        !String::from_utf8_lossy(&raw).contains("ALSA lib"),
        "ALSA's own messages reached the terminal"
    );
    pty.send("q");
    pty.wait_exit(TIMEOUT);
    let logs: Vec<SessionLog> = pty.sandbox.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].audio, None);
}

#[test]
fn each_probe_of_a_loop_is_recorded_in_its_own_file() {
    let (sandbox, _pacer) = with_microphone(speech(200));
    let mut pty = Spawn::new([
        "loop",
        "--record",
        "--rounds",
        "1",
        "--seed",
        "3",
        "--seconds",
        "30",
        "--follow-up-secs",
        "30",
    ])
    .start_in(sandbox);
    pty.wait_for_text("Enter begin");
    pty.send("\r");
    wait_for_meter(&pty);
    sleep(Duration::from_millis(1500));
    pty.send("\r");
    // Each probe: its own recording, started with its countdown.
    for _ in 0..4 {
        pty.wait_until("a probe or the card", TIMEOUT, |s| {
            let t = s.contents();
            t.contains("Wrap-up") || t.contains(" R █") || t.contains(" R ░")
        });
        if pty.screen().contains("Wrap-up") {
            break;
        }
        sleep(Duration::from_millis(1200));
        pty.send("\r");
    }
    pty.wait_for_text("Wrap-up");
    pty.send("q");
    pty.wait_exit(TIMEOUT);
    let sandbox = keep_sandbox(&mut pty);
    let logs = sandbox.logs();
    let [log] = logs.as_slice() else {
        panic!("{logs:?}")
    };
    assert!(!log.probes.is_empty());
    let mut named: Vec<String> = log.audio_files().map(str::to_string).collect();
    named.sort();
    assert_eq!(named.len(), log.probes.len() + 1, "{log:?}");
    assert_eq!(files_in(&audio_dir(&sandbox)), named);
    for (n, probe) in log.probes.iter().enumerate() {
        assert_eq!(
            probe.audio.as_deref(),
            Some(format!("{}-probe{}.ogg", log.file_stem(), n + 1).as_str())
        );
    }
}
