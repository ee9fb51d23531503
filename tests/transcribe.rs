//! The real engine path, on a model with random weights the tests write
//! themselves and on speech made by espeak-ng (install espeak-ng and sox;
//! `.ci/run` does). An accuracy test runs too when `STARDRILL_TEST_MODEL` names
//! a real model, such as ggml-base.en.bin.
#![cfg(feature = "transcribe")]
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod transcribe_support;

use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use stardrill::domain::cues::{Cues, analyze_text};
use stardrill::domain::session::LoggedStep;
use stardrill::domain::transcript::{Transcript, step_at, step_spans};
use stardrill::storage::transcripts;
use stardrill::transcribe::{
    Engine, Event, Job, JobError, ModelError, Options, Transcriber, inspect, spawn,
};
use transcribe_support::random_model::{Flaw, Shape, f16_bits, write_model, write_random_model};
use transcribe_support::speech::{espeak, espeak_with_pauses};

const LOG: &str = "20260105T080000Z-abc123.toml";

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn test_model(dir: &Path) -> PathBuf {
    let path = dir.join("ggml-random.bin");
    write_random_model(&path, Shape::TEST, 7).unwrap_or_else(|e| panic!("model: {e}"));
    path
}

/// Deterministic decoding (no temperature fallback), one thread: the tests run
/// side by side, and ggml's threads wait for each other by spinning, which on a
/// busy machine costs far more than it gains.
fn options() -> Options {
    Options {
        fallback: false,
        threads: 1,
        ..Options::default()
    }
}

fn star(ticks: [Option<f64>; 4]) -> Vec<LoggedStep> {
    ["situation", "task", "action", "result"]
        .iter()
        .zip(ticks)
        .map(|(k, at)| LoggedStep {
            key: (*k).into(),
            name: k.to_uppercase(),
            target_secs: 30,
            checked_at_secs: at,
        })
        .collect()
}

/// Every event of every job submitted, once the worker has done them all.
fn drain(mut t: Transcriber) -> Vec<Event> {
    t.close();
    let mut events = Vec::new();
    loop {
        match t.events().recv_timeout(Duration::from_secs(300)) {
            Ok(e) => events.push(e),
            Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => panic!("no event for 5 minutes: {events:?}"),
        }
    }
    events.extend(t.finish());
    events
}

#[test]
fn the_model_writer_rounds_to_half_precision() {
    for (v, bits) in [
        (0.0, 0),
        (1.0, 0x3c00),
        (-2.0, 0xc000),
        (0.5, 0x3800),
        (65504.0, 0x7bff),
        (1e9, 0x7c00),
        (6.0e-8, 0x0001),
    ] {
        assert_eq!(f16_bits(v), bits, "{v}");
    }
}

#[test]
fn a_random_model_passes_the_checks_and_loads() {
    let dir = tmp();
    let path = test_model(dir.path());
    let info = inspect(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.file_name, "ggml-random.bin");
    assert_eq!(
        (info.width, info.audio_layers, info.text_layers),
        (64, 1, 1)
    );
    assert_eq!(info.tensors, 7 + 15 + 4 + 24);
    assert_eq!(
        (info.kind.as_str(), info.weights.as_str()),
        ("unknown", "f16")
    );
    assert!(info.english_only);
    let engine = Engine::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(engine.info(), &info);
    assert!(Engine::name().starts_with("whisper.cpp 1."));
}

#[test]
fn a_damaged_model_is_refused_before_whisper_sees_it() {
    let dir = tmp();
    let path = test_model(dir.path());
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let cut = dir.path().join("cut.bin");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap_or_else(|e| panic!("{e}"));
    let err = Engine::load(&cut).expect_err("truncated");
    assert!(matches!(err, ModelError::NotAModel { .. }), "{err}");
    assert!(err.to_string().contains("complete"), "{err}");
    assert_eq!(err.exit_code(), 2);

    // Sizes that would have whisper.cpp allocate without end.
    let mut huge = bytes.clone();
    let vocab_len_at = 4 + 11 * 4 + 8 + 80 * 201 * 4 + 4;
    huge[vocab_len_at..vocab_len_at + 4].copy_from_slice(&i32::MAX.to_le_bytes());
    let huge_path = dir.path().join("huge.bin");
    std::fs::write(&huge_path, &huge).unwrap_or_else(|e| panic!("{e}"));
    let err = Engine::load(&huge_path).expect_err("huge vocabulary entry");
    assert!(err.to_string().contains("vocabulary entry"), "{err}");
}

#[test]
fn a_well_formed_file_whisper_refuses_is_an_error_not_a_crash() {
    let dir = tmp();
    let path = dir.path().join("renamed.bin");
    write_model(&path, Shape::TEST, 7, Flaw::UnknownTensor).unwrap_or_else(|e| panic!("{e}"));
    assert!(inspect(&path).is_ok(), "the layout itself is sound");
    let err = Engine::load(&path).expect_err("unknown tensor");
    assert!(matches!(err, ModelError::Rejected { .. }), "{err}");
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn an_espeak_answer_is_transcribed_aligned_and_saved_in_the_background() {
    let dir = tmp();
    let model = test_model(dir.path());
    let data = dir.path().join("data");
    // About 40 s: more than one 30-second window of the engine.
    let samples = espeak(
        dir.path(),
        "Last year I led the billing team at a small company. Our invoices failed \
         every night and customers called us. I had to stop the failures within a month. \
         I traced the fault to a retry loop, I wrote a fix, and I added an alarm. \
         We shipped it in two weeks. Failures fell by ninety percent, and I learned to \
         measure before I change anything. Next time I would add the alarm first. \
         Since then I have asked for an alarm before I write any new job, and the team \
         now does the same on every service we run.",
    );
    let secs = samples.len() as f64 / 16_000.0;
    assert!(secs > 30.0, "espeak-ng answer is {secs} s");
    let steps = star([Some(8.0), Some(15.0), Some(28.0), None]);

    let t = Transcriber::start(model, data.clone(), options()).unwrap_or_else(|e| panic!("{e}"));
    // Submitting returns at once: the work happens on the worker thread.
    assert!(t.submit(Job::from_samples(LOG, steps.clone(), samples)));
    let events = drain(t);

    assert!(
        matches!(events.first(), Some(Event::Started { .. })),
        "{events:?}"
    );
    let percents: Vec<u8> = events
        .iter()
        .filter_map(|e| match e {
            Event::Progress { percent, .. } => Some(*percent),
            _ => None,
        })
        .collect();
    assert!(!percents.is_empty(), "no progress reported: {events:?}");
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");
    let Some(Event::Done {
        log_file,
        path,
        transcript,
    }) = events.last()
    else {
        panic!("did not finish: {events:?}");
    };
    assert_eq!(log_file, LOG);
    assert_eq!(path, &data.join("transcripts").join(LOG));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .unwrap_or_else(|e| panic!("{e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The words are meaningless, but their timing and steps must hold together.
    let words = &transcript.words;
    assert!(!words.is_empty(), "the random model wrote no words");
    assert!((transcript.audio_secs - secs).abs() < 0.01);
    for w in words.iter() {
        assert!(
            0.0 <= w.start && w.start <= w.end && w.end <= secs + 0.01,
            "{w:?} outside 0-{secs}"
        );
    }
    assert!(words.windows(2).all(|p| p[0].start <= p[1].start));
    let spans = step_spans(&steps);
    for w in words.iter() {
        assert_eq!(w.step.as_deref(), step_at(&spans, w.mid()), "{w:?}");
    }
    assert!(
        words.iter().any(|w| w.end > 30.0),
        "no word from the second 30-second window: {words:?}"
    );

    let saved = transcripts::load(&data, LOG)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no sidecar"));
    assert_eq!(saved.words.len(), words.len());
    assert_eq!(saved.model, "ggml-random.bin");
    assert_eq!(saved.session, "20260105T080000Z-abc123");
    assert!(saved.engine.starts_with("whisper.cpp"));

    let cues = Cues::from_transcript(&saved, &steps);
    assert_eq!(cues.total.words + cues.total.fillers, count_tokens(&saved));
    let _ = (cues.flags(), cues.rubric_suggestions(), cues.summary());
}

fn count_tokens(t: &Transcript) -> usize {
    let text: Vec<&str> = t.words.iter().map(|w| w.text.as_str()).collect();
    stardrill::domain::cues::tokenize(&text.join(" ")).len()
}

#[test]
fn a_failed_job_is_reported_and_the_next_one_still_runs() {
    let dir = tmp();
    let model = test_model(dir.path());
    let data = dir.path().join("data");
    let t = Transcriber::start(model, data.clone(), options()).unwrap_or_else(|e| panic!("{e}"));
    t.submit(Job::new(
        "20260105T080000Z-broken.toml",
        star([None; 4]),
        Box::new(|| Err("the file is damaged".into())),
    ));
    t.submit(Job::from_samples(
        "20260105T080000Z-empty.toml",
        star([None; 4]),
        Vec::new(),
    ));
    // Two seconds of a quiet tone: something to run on.
    let tone: Vec<f32> = (0..32_000)
        .map(|i| 0.1 * (i as f32 * 440.0 * std::f32::consts::TAU / 16_000.0).sin())
        .collect();
    t.submit(Job::from_samples(LOG, star([None; 4]), tone));
    let finals: Vec<Event> = drain(t).into_iter().filter(Event::is_final).collect();
    assert_eq!(finals.len(), 3, "{finals:?}");
    assert!(matches!(
        &finals[0],
        Event::Failed { error: JobError::Audio(m), .. } if m.contains("damaged")
    ));
    assert!(matches!(
        &finals[1],
        Event::Failed {
            error: JobError::Transcribe(_),
            ..
        }
    ));
    assert!(matches!(&finals[2], Event::Done { .. }), "{finals:?}");
    assert!(data.join("transcripts").join(LOG).exists());
}

#[test]
fn cancel_drops_the_jobs_not_yet_started() {
    let dir = tmp();
    let model = test_model(dir.path());
    let data = dir.path().join("data");
    let t = Transcriber::start(model, data, options()).unwrap_or_else(|e| panic!("{e}"));
    for i in 0..4 {
        let name = format!("20260105T08000{i}Z-abc123.toml");
        t.submit(Job::from_samples(
            name,
            star([None; 4]),
            vec![0.0; 16_000 * 20],
        ));
    }
    t.cancel();
    let finals = t.finish().into_iter().filter(Event::is_final).count();
    assert!(finals <= 1, "{finals} jobs ran after cancel");
}

#[test]
fn without_a_usable_model_every_job_fails_with_exit_2() {
    let dir = tmp();
    let data = dir.path().join("data");
    let t = Transcriber::start(dir.path().join("nope.bin"), data.clone(), options())
        .unwrap_or_else(|e| panic!("{e}"));
    for name in ["a.toml", "b.toml"] {
        t.submit(Job::from_samples(name, star([None; 4]), vec![0.0; 16_000]));
    }
    let finals: Vec<Event> = drain(t).into_iter().filter(Event::is_final).collect();
    assert_eq!(finals.len(), 2);
    for e in &finals {
        let Event::Failed { error, .. } = e else {
            panic!("{e:?}");
        };
        assert!(matches!(error, JobError::Model(ModelError::Missing { .. })));
        assert_eq!(error.exit_code(), 2);
    }
    assert!(!data.join("transcripts").exists());
}

/// whisper.cpp and ggml log to stderr, which would draw over the full-screen
/// interface: the engine must keep them quiet. Checked in a child process, whose
/// output the test can see whole.
#[test]
fn whisper_prints_nothing_on_the_terminal() {
    if std::env::var_os("STARDRILL_QUIET_CHILD").is_some() {
        let dir = tmp();
        let engine = Engine::load(&test_model(dir.path())).unwrap_or_else(|e| panic!("{e}"));
        let words = engine.words(&vec![0.01; 32_000], &options(), |_| {});
        assert!(words.is_ok(), "{words:?}");
        return;
    }
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "whisper_prints_nothing_on_the_terminal",
            "--nocapture",
        ])
        .env("STARDRILL_QUIET_CHILD", "1")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 passed"),
        "the child ran nothing: {stdout}"
    );
    for text in [&stdout, &stderr] {
        for word in ["whisper", "ggml", "model"] {
            assert!(
                !text
                    .lines()
                    .any(|l| l.contains(word) && !l.starts_with("test ")),
                "{word:?} printed:\n{text}"
            );
        }
    }
}

#[test]
fn spawn_runs_one_job_on_its_own_thread() {
    let dir = tmp();
    let model = test_model(dir.path());
    let rx = spawn(
        model,
        dir.path().to_path_buf(),
        options(),
        Job::from_samples(LOG, star([None; 4]), vec![0.0; 16_000]),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let last = rx.iter().last();
    assert!(matches!(last, Some(Event::Done { .. })), "{last:?}");
}

/// Runs only with a real model: `STARDRILL_TEST_MODEL=/path/ggml-base.en.bin`.
#[test]
fn a_real_model_recovers_an_espeak_answer_and_its_fillers() {
    let Some(model) = std::env::var_os("STARDRILL_TEST_MODEL").filter(|v| !v.is_empty()) else {
        println!(
            "skipped: set STARDRILL_TEST_MODEL to a whisper.cpp model (e.g. ggml-base.en.bin) \
             to check accuracy"
        );
        return;
    };
    let dir = tmp();
    let engine = Engine::load(Path::new(&model)).unwrap_or_else(|e| panic!("{e}"));
    let said = "In my last role I owned the payments service. Checkout failed for one \
                customer in twenty. I rewrote the retry logic and I added tracing, and \
                failures fell by eighty percent within two weeks.";
    let samples = espeak(dir.path(), said);
    let words = engine
        .words(&samples, &Options::default(), |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let heard: Vec<String> = words
        .iter()
        .flat_map(|w| stardrill::domain::cues::tokenize(&w.text))
        .collect();
    let expected = stardrill::domain::cues::tokenize(said);
    let found = expected.iter().filter(|w| heard.contains(w)).count();
    let recall = found as f64 / expected.len() as f64;
    println!(
        "recovered {found} of {} words ({:.0} %): {}",
        expected.len(),
        recall * 100.0,
        heard.join(" ")
    );
    assert!(
        recall >= 0.8,
        "only {:.0} % of the words recovered",
        recall * 100.0
    );

    // "Um"s with a breath of silence around them, as a hesitant speaker says them.
    let samples = espeak_with_pauses(
        dir.path(),
        &[
            "So",
            "um",
            "I took the pager that week, and",
            "um",
            "I fixed the alarm,",
            "uh",
            "the same night.",
        ],
    );
    let words = engine
        .words(&samples, &Options::default(), |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let text: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let fillers = analyze_text(&text.join(" ")).fillers;
    println!("fillers counted: {fillers} of 3: {}", text.join(" "));
    assert!(fillers >= 1, "no filler kept: {}", text.join(" "));
}
