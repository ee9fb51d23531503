//! The screens of recording and replay, on a TestBackend at 80×24 and 120×40,
//! with a fake microphone and speaker: the same in every build, with or
//! without the `audio` feature.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use stardrill::app::sound::{Mic, Recorded, Sound, Speaker};
use stardrill::app::{App, Msg, Settings};
use stardrill::domain::Catalog;
use stardrill::domain::clock::{Clock, FakeClock};
use stardrill::domain::delivery::Envelope;
use stardrill::ui::{self, theme::Theme};

const BANK: &str = r#"
[[question]]
id = "co-01"
text = "Tell me about a time you put a customer's needs ahead of your own goals."
principles = ["customer-obsession", "ownership"]
kind = "behavioral"
follow_ups = ["How did you measure the effect on the customer?", "What would you do differently?"]
"#;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const RATE: f64 = 16_000.0;

/// What the fake devices hold.
#[derive(Default)]
struct Devices {
    recording: Option<String>,
    heard: Vec<f32>,
    playing: bool,
    position: f64,
}

type Shared = Rc<RefCell<Devices>>;

struct FakeMic(Shared);
struct FakeSpeaker(Shared);

impl Mic for FakeMic {
    fn start(&mut self, stem: &str, _late: Duration) -> Result<String, String> {
        let file = format!("{stem}.ogg");
        self.0.borrow_mut().recording = Some(file.clone());
        Ok(file)
    }
    fn pause(&mut self) {}
    fn resume(&mut self) {}
    fn stop(&mut self) -> Option<Result<Recorded, String>> {
        let mut d = self.0.borrow_mut();
        let file = d.recording.take()?;
        let envelope = Envelope::of(&d.heard);
        Some(Ok(Recorded {
            file,
            secs: envelope.secs(),
            envelope,
            interrupted: None,
        }))
    }
    fn level(&self) -> Option<f32> {
        self.0.borrow().recording.as_ref().map(|_| 0.62)
    }
    fn fault(&self) -> Option<String> {
        None
    }
}

impl Speaker for FakeSpeaker {
    fn open(&mut self, _file: &str) -> Result<f64, String> {
        Ok(100.0)
    }
    fn play(&mut self) {
        self.0.borrow_mut().playing = true;
    }
    fn pause(&mut self) {
        self.0.borrow_mut().playing = false;
    }
    fn seek_to(&mut self, secs: f64) {
        self.0.borrow_mut().position = secs;
    }
    fn position(&self) -> f64 {
        self.0.borrow().position
    }
    fn is_playing(&self) -> bool {
        self.0.borrow().playing
    }
    fn fault(&self) -> Option<String> {
        None
    }
    fn close(&mut self) {
        self.0.borrow_mut().playing = false;
    }
}

/// Voiced "syllables" at `per_sec` a second for `secs`, then `gap` seconds of silence.
fn speech(secs: f64, per_sec: f64, gap: f64) -> Vec<f32> {
    let mut out: Vec<f32> = (0..(secs * RATE) as usize)
        .map(|i| {
            let t = i as f64 / RATE;
            let swell = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * per_sec * t).cos();
            let voice: f64 = (1..=6)
                .map(|h| (2.0 * std::f64::consts::PI * 140.0 * h as f64 * t).sin() / h as f64)
                .sum();
            (0.2 * swell * swell * voice) as f32
        })
        .collect();
    out.extend(std::iter::repeat_n(0.0, (gap * RATE) as usize));
    out
}

fn app(clock: &FakeClock) -> (App, Shared) {
    let catalog = Catalog::load(Some(("snapshot.toml", BANK))).expect("test bank");
    let settings = Settings {
        seconds: 120,
        framework: 0,
        bell: false,
        count: None,
        record: true,
        ..Settings::default()
    };
    let mut app = App::new(catalog, settings, vec![0], Some(1), clock);
    let devices: Shared = Rc::default();
    // A rushed answer: a late first word, a long pause in the Action, fast.
    let mut heard = vec![0.0; (6.0 * RATE) as usize];
    heard.extend(speech(52.0, 5.0, 9.0));
    heard.extend(speech(33.0, 5.0, 0.0));
    devices.borrow_mut().heard = heard;
    let sound = Sound {
        mic: Box::new(FakeMic(Rc::clone(&devices))),
        speaker: Box::new(FakeSpeaker(Rc::clone(&devices))),
    };
    app.set_sound(sound, clock);
    (app, devices)
}

fn keys(app: &mut App, clock: &FakeClock, keys: &[KeyCode]) {
    for code in keys {
        app.update(Msg::Key(KeyEvent::new(*code, KeyModifiers::NONE)), clock);
    }
}

fn render(app: &App, clock: &FakeClock, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| ui::draw(frame.buffer_mut(), app, clock.now(), Theme::COLOR))
        .expect("draw");
    terminal.backend().to_string()
}

fn snapshot_all_sizes(name: &str, app: &App, clock: &FakeClock) {
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(app, clock, w, h));
    }
}

#[test]
fn recording_shows_the_light_and_the_meter_beside_the_countdown() {
    let clock = FakeClock::fixed();
    let (mut app, _devices) = app(&clock);
    clock.advance(Duration::from_secs(25));
    keys(&mut app, &clock, &[KeyCode::Char(' ')]);
    clock.advance(Duration::from_secs(9));
    snapshot_all_sizes("drill_recording", &app, &clock);
    keys(&mut app, &clock, &[KeyCode::Char('p')]);
    let paused = render(&app, &clock, 80, 24);
    assert!(paused.contains(" R paused "), "{paused}");
    insta::assert_snapshot!("drill_recording_paused_80x24", paused);
}

#[test]
fn the_wrap_up_card_shows_the_delivery_and_replays_it() {
    let clock = FakeClock::fixed();
    let (mut app, devices) = app(&clock);
    for at in [25, 15, 45, 15] {
        clock.advance(Duration::from_secs(at));
        keys(&mut app, &clock, &[KeyCode::Char(' ')]);
    }
    keys(&mut app, &clock, &[KeyCode::Enter, KeyCode::Char('4')]);
    snapshot_all_sizes("wrap_up_delivery", &app, &clock);
    insta::assert_snapshot!("wrap_up_delivery_60x18", render(&app, &clock, 60, 18));
    keys(&mut app, &clock, &[KeyCode::Char('p')]);
    devices.borrow_mut().position = 42.4;
    // The loop wakes to move the playhead; the frame shows what that wake found.
    app.update(Msg::Tick, &clock);
    let playing = render(&app, &clock, 80, 24);
    assert!(playing.contains("Delivery · ▶ 0:42 / 1:40"), "{playing}");
    insta::assert_snapshot!("wrap_up_replaying_80x24", playing);
    let wide = render(&app, &clock, 120, 40);
    assert!(
        wide.contains("p pause"),
        "the footer says what p does now:\n{wide}"
    );
}

#[test]
fn think_time_waits_to_record() {
    let clock = FakeClock::fixed();
    let catalog = Catalog::load(Some(("snapshot.toml", BANK))).expect("test bank");
    let settings = Settings {
        seconds: 120,
        think_secs: 15,
        record: true,
        ..Settings::default()
    };
    let mut app = App::new(catalog, settings, vec![0], Some(1), &clock);
    let devices: Shared = Rc::default();
    app.set_sound(
        Sound {
            mic: Box::new(FakeMic(Rc::clone(&devices))),
            speaker: Box::new(FakeSpeaker(Rc::clone(&devices))),
        },
        &clock,
    );
    let screen = render(&app, &clock, 80, 24);
    assert!(devices.borrow().recording.is_none());
    assert!(screen.contains(" R from the answer "), "{screen}");
}
