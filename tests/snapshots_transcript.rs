//! The transcript's parts of the drill's screens, on a TestBackend: the
//! progress on the status line, and what the transcript heard beside the
//! wrap-up card's rubric. A fake microphone and a fake scribe stand in for
//! the devices and the worker, so this runs in every build.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use stardrill::app::scribe::{Scribe, ScribeJob, ScribeNews};
use stardrill::app::sound::{Mic, Recorded, Sound};
use stardrill::app::{App, Msg, Settings};
use stardrill::domain::Catalog;
use stardrill::domain::clock::{Clock, FakeClock};
use stardrill::domain::delivery::Envelope;
use stardrill::domain::transcript::{TRANSCRIPT_SCHEMA_VERSION, Transcript, Word};
use stardrill::ui::{self, theme::Theme};

const BANK: &str = r#"
[[question]]
id = "co-01"
text = "Tell me about a time you put a customer's needs ahead of your own goals."
principles = ["customer-obsession", "ownership"]
kind = "behavioral"
follow_ups = ["How did you measure the effect on the customer?"]
"#;

/// A microphone that hears a hundred seconds of speech-like sound.
struct SpeakingMic(Option<String>);

/// Voiced "syllables", five a second, at 16 kHz.
fn speech(secs: f64) -> Vec<f32> {
    let rate = 16_000.0;
    (0..(secs * rate) as usize)
        .map(|i| {
            let t = i as f64 / rate;
            let swell = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * 5.0 * t).cos();
            let voice: f64 = (1..=6)
                .map(|h| (2.0 * std::f64::consts::PI * 140.0 * h as f64 * t).sin() / h as f64)
                .sum();
            (0.2 * swell * swell * voice) as f32
        })
        .collect()
}

impl Mic for SpeakingMic {
    fn start(&mut self, stem: &str, _late: Duration) -> Result<String, String> {
        let file = format!("{stem}.ogg");
        self.0 = Some(file.clone());
        Ok(file)
    }
    fn pause(&mut self) {}
    fn resume(&mut self) {}
    fn stop(&mut self) -> Option<Result<Recorded, String>> {
        let file = self.0.take()?;
        let envelope = Envelope::of(&speech(100.0));
        Some(Ok(Recorded {
            file,
            secs: envelope.secs(),
            envelope,
            interrupted: None,
        }))
    }
    fn level(&self) -> Option<f32> {
        self.0.as_ref().map(|_| 0.5)
    }
    fn fault(&self) -> Option<String> {
        None
    }
}

#[derive(Default)]
struct Desk {
    jobs: Vec<ScribeJob>,
    news: VecDeque<ScribeNews>,
}

struct FakeScribe(Rc<RefCell<Desk>>);

impl Scribe for FakeScribe {
    fn submit(&mut self, job: ScribeJob) -> Result<(), String> {
        self.0.borrow_mut().jobs.push(job);
        Ok(())
    }
    fn poll(&mut self) -> Option<ScribeNews> {
        self.0.borrow_mut().news.pop_front()
    }
}

fn render(app: &App, clock: &FakeClock, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| ui::draw(frame.buffer_mut(), app, clock.now(), Theme::COLOR))
        .expect("draw");
    terminal.backend().to_string()
}

/// Words said at 150 a minute from each step's start.
fn transcript(job: &ScribeJob) -> Transcript {
    const SAID: [&str; 4] = [
        "our checkout was um timing out for customers every evening",
        "we had to fix it before the sale",
        "we profiled it and we rewrote the cache and I moved the job",
        "checkout time fell by 40% and I learned to measure first",
    ];
    let mut words = Vec::new();
    let mut from = 0.0;
    for (step, sentence) in job.steps.iter().zip(SAID) {
        for (i, w) in sentence.split_whitespace().enumerate() {
            let start = from + i as f64 * 0.4;
            words.push(Word {
                text: w.into(),
                start,
                end: start + 0.3,
                step: None,
                p: None,
            });
        }
        from = step.checked_at_secs.unwrap_or(from);
    }
    let mut t = Transcript {
        schema_version: TRANSCRIPT_SCHEMA_VERSION,
        session: job.log_file.trim_end_matches(".toml").into(),
        model: "ggml-base.en.bin".into(),
        model_kind: "base.en".into(),
        engine: "whisper.cpp".into(),
        language: "en".into(),
        created_at: chrono::DateTime::parse_from_rfc3339("2026-01-05T09:03:00+01:00")
            .expect("time"),
        audio_secs: from,
        words,
        filled_pauses: Vec::new(),
    };
    t.assign_steps(&job.steps);
    t
}

#[test]
fn the_status_line_follows_the_transcript_and_the_rubric_shows_what_it_heard() {
    let clock = FakeClock::fixed();
    let catalog = Catalog::load(Some(("snapshot.toml", BANK))).expect("test bank");
    let settings = Settings {
        seconds: 120,
        record: true,
        ..Settings::default()
    };
    let mut app = App::new(catalog, settings, vec![0], Some(1), &clock);
    app.set_sound(
        Sound {
            mic: Box::new(SpeakingMic(None)),
            ..Sound::default()
        },
        &clock,
    );
    let desk: Rc<RefCell<Desk>> = Rc::default();
    app.set_scribe(Box::new(FakeScribe(Rc::clone(&desk))));
    for at in [20, 15, 45, 20] {
        clock.advance(Duration::from_secs(at));
        app.update(
            Msg::Key(KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE)),
            &clock,
        );
    }
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        &clock,
    );
    let job = desk.borrow().jobs.first().cloned().expect("a job");
    desk.borrow_mut().news.push_back(ScribeNews::Progress {
        log_file: job.log_file.clone(),
        percent: 40,
    });
    app.update(Msg::Tick, &clock);
    let working = render(&app, &clock, 80, 24);
    assert!(
        working.contains("Transcribing the answer… 40%"),
        "{working}"
    );
    insta::assert_snapshot!("wrap_up_transcribing_80x24", working);

    desk.borrow_mut().news.push_back(ScribeNews::Ready {
        log_file: job.log_file.clone(),
        transcript: Box::new(transcript(&job)),
    });
    app.update(Msg::Tick, &clock);
    let ready = render(&app, &clock, 120, 40);
    assert!(ready.contains("heard: 2 I / 4 we"), "{ready}");
    assert!(ready.contains("heard: 40%"), "{ready}");
    insta::assert_snapshot!("wrap_up_transcript_120x40", ready);
    insta::assert_snapshot!("wrap_up_transcript_80x24", render(&app, &clock, 80, 24));
}
