//! `stardrill transcribe` run as a user would: a session log and its Ogg Opus
//! recording (espeak-ng speech) in a sandboxed data dir, a model with random
//! weights the test writes itself. The words are meaningless; the sidecar, its
//! steps, the progress lines and the exit codes are what is checked. Needs
//! espeak-ng and sox (`.ci/run` installs them).
#![cfg(feature = "transcribe")]
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[cfg(target_os = "linux")]
mod audio_support;
mod common;
mod transcribe_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use chrono::DateTime;
use common::Sandbox;
use stardrill::domain::bank::QuestionKind;
use stardrill::domain::session::{
    LoggedQuestion, LoggedStep, Outcome, Rubric, SCHEMA_VERSION, SessionLog,
};
use stardrill::domain::transcript::{Transcript, step_at, step_spans};
use transcribe_support::random_model::{Shape, write_random_model};
use transcribe_support::speech::espeak;

/// One transcription at a time: whisper.cpp's threads wait for each other by
/// spinning, so two runs side by side on a small machine slow each other down
/// far more than they gain (and the drill's runs at the lowest priority).
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

const ANSWER: &str = "Last year our invoices failed every night. I had to stop the \
    failures within a month. I traced the fault to a retry loop and I wrote a fix. \
    Failures fell by ninety percent, and I learned to measure first.";

fn log(id: &str, minute: u32, audio: Option<&str>) -> SessionLog {
    let at =
        DateTime::parse_from_rfc3339(&format!("2026-01-05T09:{minute:02}:00+01:00")).expect("time");
    let steps = [
        ("situation", 3.0),
        ("task", 6.0),
        ("action", 11.0),
        ("result", 15.0),
    ]
    .iter()
    .map(|&(key, tick)| LoggedStep {
        key: key.into(),
        name: format!("{}{}", key[..1].to_uppercase(), &key[1..]),
        target_secs: 30,
        checked_at_secs: Some(tick),
    })
    .collect();
    SessionLog {
        schema_version: SCHEMA_VERSION,
        id: id.into(),
        started_at: at,
        ended_at: at,
        outcome: Outcome::Completed,
        framework: "star".into(),
        time_limit_secs: 120,
        answer_secs: 15.0,
        overtime_secs: 0.0,
        paused_secs: 0.0,
        rating: Some(4),
        follow_up: None,
        follow_up_secs: None,
        probes: Vec::new(),
        loop_id: None,
        round: None,
        notes: String::new(),
        question: LoggedQuestion {
            id: "co-01".into(),
            text: "Tell me about a time you put the customer first.".into(),
            principles: vec!["customer-obsession".into()],
            kind: QuestionKind::Behavioral,
        },
        story: None,
        steps,
        rubric: Rubric::default(),
        audio: audio.map(str::to_string),
        delivery: None,
    }
}

/// A data dir with a recorded session, one not recorded, and a model.
struct Setup {
    sandbox: Sandbox,
    model: PathBuf,
    recorded: SessionLog,
    unrecorded: SessionLog,
}

fn setup() -> Setup {
    let sandbox = Sandbox::new();
    let data = sandbox.data_dir();
    let sessions = data.join("sessions");
    let audio = data.join("audio");
    std::fs::create_dir_all(&sessions).expect("sessions dir");
    std::fs::create_dir_all(&audio).expect("audio dir");
    let mut recorded = log("a1b2c3", 0, None);
    let ogg = format!("{}.ogg", recorded.file_stem());
    recorded.audio = Some(ogg.clone());
    let unrecorded = log("d4e5f6", 5, None);
    for l in [&recorded, &unrecorded] {
        std::fs::write(sessions.join(l.file_name()), l.to_toml().expect("toml")).expect("log");
    }
    let speech = espeak(sandbox.root(), ANSWER);
    let bytes = stardrill::audio::encode(&speech, stardrill::audio::BITRATE).expect("encode");
    std::fs::write(audio.join(&ogg), bytes).expect("recording");
    let model = sandbox.root().join("ggml-random.bin");
    write_random_model(&model, Shape::TEST, 7).expect("model");
    Setup {
        sandbox,
        model,
        recorded,
        unrecorded,
    }
}

fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    common::command(sandbox)
        .arg("transcribe")
        .args(args)
        .output()
        .expect("run stardrill transcribe")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn transcribes_past_recordings_into_sidecars_with_their_steps() {
    let _turn = one_at_a_time();
    let s = setup();
    let model = s.model.to_string_lossy().into_owned();
    let out = run(&s.sandbox, &["--all", "--model", &model, "--threads", "1"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // Not a terminal: plain lines, no bar redrawn in place.
    assert!(
        err.contains("transcribing 1 recording with ggml-random.bin"),
        "{err}"
    );
    assert!(err.contains("[1/1] 20260105T080000Z-a1b2c3 …"), "{err}");
    assert!(err.contains("[1/1] 20260105T080000Z-a1b2c3: "), "{err}");
    assert!(!err.contains('\r'), "{err:?}");
    assert!(text(&out.stdout).contains("1 of 1 transcribed"), "{out:?}");

    let dir = s.sandbox.data_dir().join("transcripts");
    let path = dir.join(s.recorded.file_name());
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&path), 0o600);
    let saved = Transcript::from_toml(&std::fs::read_to_string(&path).expect("sidecar"))
        .expect("a transcript");
    assert_eq!(saved.session, s.recorded.file_stem());
    assert_eq!(saved.model, "ggml-random.bin");
    let spans = step_spans(&s.recorded.steps);
    for w in &saved.words {
        assert_eq!(w.step.as_deref(), step_at(&spans, w.mid()), "{w:?}");
    }
    assert!(
        !dir.join(s.unrecorded.file_name()).exists(),
        "no recording, no transcript"
    );

    // Again with --all: nothing left to do.
    let again = run(&s.sandbox, &["--all", "--model", &model]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert!(text(&again.stdout).contains("every recorded session has its transcript"));

    // The stats now count what was said.
    let stats = common::command(&s.sandbox)
        .args(["stats", "--today", "2026-01-05"])
        .output()
        .expect("stats");
    assert!(
        text(&stats.stdout).contains("What was said in 1 transcribed answer"),
        "{stats:?}"
    );
}

#[test]
fn a_session_is_named_by_its_id_and_one_without_a_recording_is_said() {
    let _turn = one_at_a_time();
    let s = setup();
    let model = s.model.to_string_lossy().into_owned();
    let out = run(
        &s.sandbox,
        &[
            "a1b2c3",
            "d4e5f6",
            "nosuch",
            "--model",
            &model,
            "--threads",
            "1",
        ],
    );
    let err = text(&out.stderr);
    // One transcribed; the others are named with why, and the exit says so.
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(err.contains("this answer was not recorded"), "{err}");
    assert!(err.contains("no session \"nosuch\""), "{err}");
    assert!(
        s.sandbox
            .data_dir()
            .join("transcripts")
            .join(s.recorded.file_name())
            .is_file()
    );
}

#[test]
fn without_a_usable_model_it_says_what_to_get_and_exits_2() {
    let s = setup();
    let out = run(&s.sandbox, &["--all"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(err.contains("never downloads"), "{err}");
    assert!(err.contains("ggml-base.en.bin"), "{err}");
    assert!(
        err.contains(&s.sandbox.data_dir().join("models").display().to_string()),
        "where to put it: {err}"
    );

    let fake = s.sandbox.root().join("not-a-model.bin");
    std::fs::write(&fake, b"this is not a model").expect("write");
    let fake = fake.to_string_lossy().into_owned();
    let out = run(&s.sandbox, &["--all", "--model", &fake]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        text(&out.stderr).contains("not a whisper.cpp model"),
        "{out:?}"
    );

    // The environment names one too, and is named when it is wrong.
    let out = common::command(&s.sandbox)
        .env("STARDRILL_WHISPER_MODEL", &fake)
        .args(["transcribe", "--all"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        text(&out.stderr).contains("STARDRILL_WHISPER_MODEL"),
        "{out:?}"
    );
    assert!(!s.sandbox.data_dir().join("transcripts").exists());
}

/// The drill itself: an answer recorded through ALSA's file device from a
/// microphone speaking espeak-ng in real time, transcribed in the background
/// while the wrap-up card is up, the transcript saved beside the log.
#[cfg(target_os = "linux")]
#[test]
fn a_drill_answer_is_transcribed_in_the_background() {
    let _turn = one_at_a_time();
    use audio_support::{Capture, Pacer, speech, write_asoundrc};
    use common::{Spawn, TIMEOUT};

    let sandbox = Sandbox::new();
    let fifo = sandbox.home().join("mic.fifo");
    let _pacer = Pacer::start(&fifo, speech(160), 16_000);
    write_asoundrc(&sandbox.home(), &Capture::Paced(&fifo), 16_000);
    let model = sandbox.root().join("ggml-random.bin");
    write_random_model(&model, Shape::TEST, 7).expect("model");
    let mut pty = Spawn::new(["--record", "--seed", "5", "--seconds", "60"])
        .env("STARDRILL_WHISPER_MODEL", &model)
        .size(100, 32)
        .start_in(sandbox);
    pty.wait_until("the R light and its meter", TIMEOUT, |screen| {
        let text = screen.contents();
        text.contains(" R █") || text.contains(" R ░")
    });
    std::thread::sleep(std::time::Duration::from_secs(4));
    pty.send(" ");
    std::thread::sleep(std::time::Duration::from_secs(4));
    pty.send("\r");
    // The card comes at once; the transcript follows while it is up.
    pty.wait_for_text("Wrap-up");
    pty.wait_for_text_within("Transcript ready", std::time::Duration::from_secs(180));
    pty.send("\r");
    pty.wait_for_text("Attempt saved");
    pty.send("q");
    assert!(pty.wait_exit(TIMEOUT).success());
    let sandbox = std::mem::take(&mut pty.sandbox);
    let logs = sandbox.logs();
    let [log] = logs.as_slice() else {
        panic!("{logs:?}")
    };
    let path = sandbox.data_dir().join("transcripts").join(log.file_name());
    let saved = Transcript::from_toml(&std::fs::read_to_string(&path).expect("sidecar"))
        .expect("a transcript");
    assert_eq!(saved.session, log.file_stem());
    assert!(saved.audio_secs > 7.0, "{}", saved.audio_secs);
    assert_eq!(mode(&path), 0o600);
}
