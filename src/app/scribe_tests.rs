//! Transcripts in the background: the jobs the app hands a fake scribe, and
//! what it makes of the news the fake sends back, on a fake clock.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::scribe::fake::{Shared as ScribeLog, scribe};
use super::scribe::{POLL_EVERY, ScribeNews};
use super::sound::fake::sound;
use super::*;
use crate::domain::clock::FakeClock;
use crate::domain::cues::RubricItem;
use crate::domain::interview_loop::{BarRaiserAt, LoopShape};
use crate::domain::transcript::{TRANSCRIPT_SCHEMA_VERSION, Transcript, Word};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn settings(record: bool) -> Settings {
    Settings {
        seconds: 120,
        think_secs: 0,
        framework: 0,
        bell: false,
        count: None,
        record,
    }
}

/// A recording drill with a fake microphone and a fake scribe.
fn drill(clock: &FakeClock, record: bool) -> (App, ScribeLog) {
    let catalog = Catalog::load(None).expect("embedded catalog");
    let pool = catalog.bank.filter(&[], None);
    let mut app = App::new(catalog, settings(record), pool, Some(7), clock);
    let (sound, _mic) = sound();
    app.set_sound(sound, clock);
    let (scribe, log) = scribe();
    app.set_scribe(scribe);
    (app, log)
}

/// Ticks the four STAR steps ten seconds apart, then Enter: the wrap-up card.
fn answer(app: &mut App, clock: &FakeClock) {
    for _ in 0..4 {
        clock.advance(Duration::from_secs(10));
        app.update(key(KeyCode::Char(' ')), clock);
    }
    app.update(key(KeyCode::Enter), clock);
}

/// `text` spoken evenly over the forty seconds of the answer, with the steps
/// of `steps` assigned from their tick times, as the worker does.
fn transcript(
    log_file: &str,
    text: &str,
    steps: &[crate::domain::session::LoggedStep],
) -> Transcript {
    let spoken: Vec<&str> = text.split_whitespace().collect();
    let gap = 40.0 / spoken.len() as f64;
    let words = spoken
        .iter()
        .enumerate()
        .map(|(i, w)| Word {
            text: w.to_string(),
            start: i as f64 * gap,
            end: i as f64 * gap + gap * 0.8,
            step: None,
            p: Some(0.9),
        })
        .collect();
    let mut t = Transcript {
        filled_pauses: Vec::new(),
        schema_version: TRANSCRIPT_SCHEMA_VERSION,
        session: crate::domain::transcript::log_stem(log_file).into(),
        model: "ggml-base.en.bin".into(),
        model_kind: "base.en".into(),
        engine: "whisper.cpp test".into(),
        language: "en".into(),
        created_at: chrono::DateTime::parse_from_rfc3339("2026-01-05T09:03:00+01:00")
            .expect("time"),
        audio_secs: 40.0,
        words,
    };
    t.assign_steps(steps);
    t
}

/// An answer in four lines, about one a step once spread over the ticks: the
/// Situation and Task say "we", the Action "I", the Result carries numbers
/// and a lesson.
const ANSWER: &str = "we had a billing outage and we were losing customers every hour \
    our team needed a fix before the weekend so we had two days \
    I traced the bug I wrote the patch and I ran the rollout myself \
    we cut refunds by 40% and saved $2m and I learned to test earlier";

#[test]
fn a_recorded_answer_is_handed_to_the_scribe_when_it_ends() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, true);
    let stem = app.attempt().expect("attempt").file_stem().to_string();
    assert!(
        log.borrow().jobs.is_empty(),
        "nothing before the answer ends"
    );
    answer(&mut app, &clock);
    let jobs = log.borrow().jobs.clone();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].log_file, format!("{stem}.toml"));
    assert_eq!(jobs[0].audio_file, format!("{stem}.ogg"));
    let ticks: Vec<Option<f64>> = jobs[0].steps.iter().map(|s| s.checked_at_secs).collect();
    assert_eq!(ticks, [Some(10.0), Some(20.0), Some(30.0), Some(40.0)]);
    assert!(matches!(app.screen(), Some(Screen::WrapUp(..))));
    assert_eq!(app.scribe_note().as_deref(), Some("Transcript queued"));
    // The card has no countdown, but the app wakes to look for news.
    assert_eq!(app.next_deadline(clock.now()), Some(POLL_EVERY));
}

#[test]
fn progress_then_the_transcript_reaches_the_rubric_and_the_tick_stays_the_users() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, true);
    answer(&mut app, &clock);
    let job = log.borrow().jobs[0].clone();
    let rubric_before = match app.screen() {
        Some(Screen::WrapUp(_, wrap)) => wrap.rubric,
        _ => panic!("not on the card"),
    };
    log.borrow_mut().news.extend([
        ScribeNews::Started {
            log_file: job.log_file.clone(),
        },
        ScribeNews::Progress {
            log_file: job.log_file.clone(),
            percent: 40,
        },
    ]);
    app.update(Msg::Tick, &clock);
    assert_eq!(
        app.scribe_note().as_deref(),
        Some("Transcribing the answer… 40%")
    );
    assert_eq!(app.cues_of_attempt(), None);

    let t = transcript(&job.log_file, ANSWER, &job.steps);
    log.borrow_mut().news.push_back(ScribeNews::Ready {
        log_file: job.log_file.clone(),
        transcript: Box::new(t),
    });
    app.update(Msg::Tick, &clock);
    let cues = app.cues_of_attempt().expect("cues once ready");
    let suggestions = cues.rubric_suggestions();
    let spoke = suggestions
        .iter()
        .find(|s| s.item == RubricItem::SpokeAsI)
        .expect("I/we judged");
    assert_eq!(spoke.note, "5 I / 5 we");
    assert!(!spoke.agrees, "as many \"we\" as \"I\"");
    let numbers = suggestions
        .iter()
        .find(|s| s.item == RubricItem::QuantifiedResult)
        .expect("result judged");
    assert!(numbers.agrees, "{numbers:?}");
    assert_eq!(
        app.scribe_note().as_deref(),
        Some("Transcript ready: the rubric shows what it heard")
    );
    match app.screen() {
        Some(Screen::WrapUp(_, wrap)) => assert_eq!(wrap.rubric, rubric_before, "no tick made"),
        _ => panic!("still on the card"),
    }
    // Nothing left to wait for: the loop sleeps until a key.
    assert_eq!(app.next_deadline(clock.now()), None);
}

#[test]
fn a_failed_transcript_is_said_once_and_the_drill_goes_on() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, true);
    answer(&mut app, &clock);
    let log_file = log.borrow().jobs[0].log_file.clone();
    log.borrow_mut().news.push_back(ScribeNews::Failed {
        log_file,
        error: "could not read the recording: cut short".into(),
    });
    app.update(Msg::Tick, &clock);
    let status = app.status.clone().expect("a status");
    assert!(status.is_error);
    assert!(status.text.contains("cut short"), "{}", status.text);
    assert_eq!(app.cues_of_attempt(), None);
    assert_eq!(app.next_deadline(clock.now()), None);
    // Saving and the next question work as ever.
    let effects = app.update(key(KeyCode::Enter), &clock);
    assert!(effects.iter().any(|e| matches!(e, Effect::Save(_))));
}

#[test]
fn a_refused_job_is_a_status_line_and_unrecorded_answers_are_not_sent() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, true);
    log.borrow_mut().refuse = Some("the transcriber has stopped".into());
    answer(&mut app, &clock);
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.is_error && s.text.contains("transcriber has stopped"))
    );
    assert!(app.transcripts.is_empty());

    let (mut quiet, log) = drill(&clock, false);
    answer(&mut quiet, &clock);
    assert!(log.borrow().jobs.is_empty(), "no recording, no transcript");
    assert_eq!(quiet.scribe_note(), None);
}

#[test]
fn news_of_an_earlier_answer_shows_between_questions_not_on_the_next_card() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, true);
    answer(&mut app, &clock);
    app.update(key(KeyCode::Enter), &clock); // save: between questions
    let first = log.borrow().jobs[0].clone();
    log.borrow_mut().news.push_back(ScribeNews::Progress {
        log_file: first.log_file.clone(),
        percent: 75,
    });
    app.update(Msg::Tick, &clock);
    assert_eq!(
        app.scribe_note().as_deref(),
        Some("Transcribing the answer… 75%")
    );
    app.update(key(KeyCode::Enter), &clock); // the next question
    answer(&mut app, &clock);
    assert_eq!(log.borrow().jobs.len(), 2);
    assert_eq!(
        app.scribe_note().as_deref(),
        Some("Transcribing the answer… 75% (1 more queued)")
    );
    log.borrow_mut().news.push_back(ScribeNews::Ready {
        log_file: first.log_file.clone(),
        transcript: Box::new(transcript(&first.log_file, ANSWER, &first.steps)),
    });
    app.update(Msg::Tick, &clock);
    assert_eq!(
        app.cues_of_attempt(),
        None,
        "the first answer's cues stay with it"
    );
    assert_eq!(app.scribe_note().as_deref(), Some("Transcript queued"));
}

#[test]
fn a_loop_answer_is_transcribed_but_not_its_probes() {
    use rand::SeedableRng;
    let clock = FakeClock::fixed();
    let catalog = Catalog::load(None).expect("embedded catalog");
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let shape = LoopShape {
        rounds: 1,
        candidate: None,
        bar_raiser: BarRaiserAt::Last,
    };
    let plan = LoopPlan::new(&catalog.bank, &catalog.principles, shape, &mut rng);
    let loop_settings = LoopSettings {
        follow_up_secs: 20,
        candidate: None,
    };
    let mut app = App::interview(
        catalog,
        settings(true),
        plan,
        loop_settings,
        Some(2),
        &clock,
    );
    let (sound, _mic) = sound();
    app.set_sound(sound, &clock);
    let (scribe, log) = scribe();
    app.set_scribe(scribe);
    app.update(key(KeyCode::Enter), &clock); // begin the round
    let stem = app.attempt().expect("attempt").file_stem().to_string();
    clock.advance(Duration::from_secs(30));
    app.update(key(KeyCode::Enter), &clock);
    while matches!(&app.mode, Mode::Loop(run) if matches!(run.stage, Stage::Probe(..))) {
        clock.advance(Duration::from_secs(5));
        app.update(key(KeyCode::Enter), &clock);
    }
    let jobs = log.borrow().jobs.clone();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0].log_file, format!("{stem}.toml"));
    assert_eq!(jobs[0].audio_file, format!("{stem}.ogg"));
}
