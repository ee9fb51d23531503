//! Recording and replay through a fake microphone and speaker, on a fake clock.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::sound::fake::{Shared, sound};
use super::*;
use crate::domain::clock::FakeClock;
use crate::domain::interview_loop::{BarRaiserAt, LoopShape};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn settings(think_secs: u64, record: bool) -> Settings {
    Settings {
        seconds: 120,
        think_secs,
        framework: 0,
        bell: false,
        count: None,
        record,
    }
}

/// A drill with the fake microphone and speaker; `think_secs` before each answer.
fn drill(clock: &FakeClock, think_secs: u64, record: bool) -> (App, Shared) {
    let catalog = Catalog::load(None).expect("embedded catalog");
    let pool = catalog.bank.filter(&[], None);
    let mut app = App::new(catalog, settings(think_secs, record), pool, Some(7), clock);
    let (sound, log) = sound();
    app.set_sound(sound, clock);
    (app, log)
}

fn calls(log: &Shared) -> Vec<String> {
    std::mem::take(&mut log.borrow_mut().calls)
}

fn saved(effects: &[Effect]) -> Vec<SessionLog> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Save(log) => Some((**log).clone()),
            Effect::Bell | Effect::SaveLoop => None,
        })
        .collect()
}

fn attempt(app: &App) -> &Attempt {
    app.attempt().expect("an attempt on screen")
}

/// Speech-like sound at 16 kHz: `syllables` voiced swells, four a second,
/// then `gap` seconds of silence, twice over.
fn speech(syllables: usize, gap: f64) -> Vec<f32> {
    let rate = 16_000.0;
    let mut out = Vec::new();
    for _ in 0..2 {
        for i in 0..(syllables as f64 / 4.0 * rate) as usize {
            let t = i as f64 / rate;
            let swell = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * 4.0 * t).cos();
            let voice: f64 = (1..=6)
                .map(|h| (2.0 * std::f64::consts::PI * 140.0 * h as f64 * t).sin() / h as f64)
                .sum();
            out.push((0.2 * swell * swell * voice) as f32);
        }
        out.extend(std::iter::repeat_n(0.0, (gap * rate) as usize));
    }
    out
}

#[test]
fn recording_starts_with_the_countdown_never_in_think_time() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, 10, true);
    assert_eq!(
        calls(&log),
        Vec::<String>::new(),
        "thinking is not recorded"
    );
    assert_eq!(attempt(&app).rec, Rec::Waiting);
    assert_eq!(app.meter(), None);
    clock.advance(secs(10));
    app.update(Msg::Tick, &clock);
    let stem = attempt(&app).file_stem().to_string();
    assert_eq!(calls(&log), [format!("start {stem} late 0ms")]);
    assert_eq!(
        attempt(&app).rec,
        Rec::On {
            file: format!("{stem}.ogg")
        }
    );
    assert_eq!(app.meter(), Some(0.5));
    // The meter moves: the loop wakes ten times a second, not once.
    assert_eq!(app.next_deadline(clock.now()), Some(sound::METER_EVERY));
}

#[test]
fn starting_the_answer_early_starts_the_recording_and_a_late_wake_is_made_up() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, 30, true);
    clock.advance(secs(3));
    app.update(ch(' '), &clock);
    assert!(calls(&log)[0].ends_with("late 0ms"));
    // Without think time the first answer records from the start; a microphone
    // given later (as the cli does, after setting up) is told how late it is.
    let clock = FakeClock::fixed();
    let catalog = Catalog::load(None).expect("embedded catalog");
    let pool = catalog.bank.filter(&[], None);
    let mut app = App::new(catalog, settings(0, true), pool, Some(7), &clock);
    clock.advance(Duration::from_millis(40));
    let (sound, log) = sound();
    app.set_sound(sound, &clock);
    assert!(calls(&log)[0].ends_with("late 40ms"), "{:?}", log.borrow());
}

#[test]
fn the_meter_shows_the_level_the_last_message_found() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, 0, true);
    log.borrow_mut().level = Some(0.25);
    app.update(Msg::Tick, &clock);
    assert_eq!(app.meter(), Some(0.25));
    // Louder now, but a frame drawn before the next message (or drawn twice,
    // as debug builds do to check kept panes) shows the same meter.
    log.borrow_mut().level = Some(0.75);
    assert_eq!(app.meter(), Some(0.25));
    app.update(Msg::Tick, &clock);
    assert_eq!(app.meter(), Some(0.75));
}

#[test]
fn pausing_the_countdown_pauses_the_recording() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, 0, true);
    calls(&log);
    clock.advance(secs(5));
    app.update(ch('p'), &clock);
    assert_eq!(calls(&log), ["pause"]);
    assert_eq!(app.meter(), None, "no meter while paused");
    assert_eq!(
        app.next_deadline(clock.now()),
        None,
        "paused and nothing moving: the loop sleeps"
    );
    clock.advance(secs(30));
    app.update(ch('p'), &clock);
    assert_eq!(calls(&log), ["resume"]);
    assert_eq!(app.next_deadline(clock.now()), Some(sound::METER_EVERY));
}

#[test]
fn enter_stops_the_recording_and_the_card_and_log_carry_its_delivery() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, 0, true);
    log.borrow_mut().heard = speech(40, 3.0);
    let stem = attempt(&app).file_stem().to_string();
    clock.advance(secs(8));
    app.update(ch(' '), &clock);
    clock.advance(secs(8));
    app.update(ch(' '), &clock);
    clock.advance(secs(10));
    app.update(key(KeyCode::Enter), &clock);
    assert!(calls(&log).ends_with(&["stop".to_string()]));
    let Some(Screen::WrapUp(a, _)) = app.screen() else {
        panic!("the card")
    };
    let delivery = a.rec.delivery().expect("figures on the card").clone();
    assert!(delivery.first_word_secs.is_some());
    // The 3 s silence between the two stretches of speech, in the Task; the
    // silence after the last word is no pause.
    assert_eq!(delivery.pauses.len(), 1, "{delivery:?}");
    assert_eq!(delivery.pauses[0].step.as_deref(), Some("task"));
    assert_eq!(
        delivery
            .steps
            .iter()
            .map(|s| s.key.as_str())
            .collect::<Vec<_>>(),
        ["situation", "task"],
        "talking time in each ticked step"
    );
    assert_eq!(app.next_deadline(clock.now()), None, "the card sleeps");
    let effects = app.update(key(KeyCode::Enter), &clock);
    let logs = saved(&effects);
    assert_eq!(
        logs[0].audio.as_deref(),
        Some(format!("{stem}.ogg").as_str())
    );
    assert_eq!(
        logs[0].file_stem(),
        stem,
        "the recording is named after the log"
    );
    assert_eq!(logs[0].delivery.as_ref(), Some(&delivery));
    // The next answer gets its own recording.
    app.update(key(KeyCode::Enter), &clock);
    let next = attempt(&app).file_stem();
    assert_ne!(next, stem);
    assert_eq!(calls(&log), [format!("start {next} late 0ms")]);
}

#[test]
fn skip_quit_and_a_terminating_signal_keep_the_recording() {
    for last in [ch('n'), ch('q'), Msg::Terminate] {
        let clock = FakeClock::fixed();
        let (mut app, log) = drill(&clock, 0, true);
        log.borrow_mut().heard = speech(8, 0.5);
        clock.advance(secs(12));
        let effects = app.update(last.clone(), &clock);
        let logs = saved(&effects);
        assert!(calls(&log).contains(&"stop".to_string()), "{last:?}");
        assert!(
            logs[0].audio.is_some() && logs[0].delivery.is_some(),
            "{last:?}: {:?}",
            logs[0]
        );
    }
}

#[test]
fn no_microphone_is_one_line_and_the_drill_goes_on_unrecorded() {
    let clock = FakeClock::fixed();
    let catalog = Catalog::load(None).expect("embedded catalog");
    let pool = catalog.bank.filter(&[], None);
    let mut app = App::new(catalog, settings(0, true), pool, Some(7), &clock);
    let (sound, log) = sound();
    log.borrow_mut().refuse = Some("no microphone found".into());
    app.set_sound(sound, &clock);
    let status = app.status.clone().expect("a status line");
    assert!(status.is_error);
    assert_eq!(
        status.text,
        "Not recording: no microphone found. The drill goes on."
    );
    assert_eq!(attempt(&app).rec, Rec::Off);
    assert_eq!(app.next_deadline(clock.now()), Some(secs(1)), "no meter");
    clock.advance(secs(20));
    let effects = app.update(ch('q'), &clock);
    let logs = saved(&effects);
    assert_eq!(logs[0].audio, None);
    assert_eq!(logs[0].delivery, None);
}

#[test]
fn a_microphone_lost_mid_answer_is_said_once_and_what_came_before_is_kept() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, 0, true);
    log.borrow_mut().heard = speech(8, 0.5);
    clock.advance(secs(3));
    app.update(Msg::Tick, &clock);
    assert_eq!(app.status, None);
    log.borrow_mut().fault = Some("microphone unavailable: was it unplugged?".into());
    clock.advance(Duration::from_millis(100));
    app.update(Msg::Tick, &clock);
    let status = app.status.clone().expect("status");
    assert!(status.is_error);
    assert!(
        status
            .text
            .starts_with("Recording stopped: microphone unavailable: was it unplugged?"),
        "{}",
        status.text
    );
    app.status = None;
    app.update(Msg::Tick, &clock);
    assert_eq!(app.status, None, "said once");
    app.update(key(KeyCode::Enter), &clock);
    assert_eq!(app.status, None, "not said again when it stops");
    let effects = app.update(key(KeyCode::Enter), &clock);
    assert!(
        saved(&effects)[0].audio.is_some(),
        "what came before is kept"
    );
}

#[test]
fn without_recording_the_microphone_is_never_asked() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, 0, false);
    clock.advance(secs(20));
    app.update(ch('p'), &clock);
    app.update(ch('p'), &clock);
    app.update(key(KeyCode::Enter), &clock);
    app.update(ch('p'), &clock);
    let effects = app.update(key(KeyCode::Enter), &clock);
    assert_eq!(calls(&log), Vec::<String>::new());
    assert_eq!(saved(&effects)[0].audio, None);
    assert_eq!(app.meter(), None);
}

#[test]
fn the_card_replays_the_answer_and_stops_on_leaving() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, 0, true);
    log.borrow_mut().heard = speech(8, 0.5);
    let stem = attempt(&app).file_stem().to_string();
    clock.advance(secs(20));
    app.update(key(KeyCode::Enter), &clock);
    calls(&log);
    app.update(ch('p'), &clock);
    assert_eq!(calls(&log), [format!("open {stem}.ogg"), "play".into()]);
    assert_eq!(
        app.next_deadline(clock.now()),
        Some(sound::PLAYHEAD_EVERY),
        "the position moves on the card"
    );
    app.update(ch('p'), &clock);
    assert_eq!(calls(&log), ["pause"]);
    assert_eq!(app.next_deadline(clock.now()), None);
    app.update(ch('p'), &clock);
    assert_eq!(calls(&log), ["play"], "the same recording, still open");
    app.update(key(KeyCode::Enter), &clock);
    assert_eq!(calls(&log), ["close"]);
    assert_eq!(app.playback, None);
}

#[test]
fn no_output_device_is_one_line_on_the_card() {
    let clock = FakeClock::fixed();
    let (mut app, log) = drill(&clock, 0, true);
    log.borrow_mut().heard = speech(8, 0.5);
    clock.advance(secs(20));
    app.update(key(KeyCode::Enter), &clock);
    log.borrow_mut().refuse = Some("no sound output found".into());
    app.update(ch('p'), &clock);
    let status = app.status.clone().expect("status");
    assert_eq!(status.text, "Cannot play the answer: no sound output found");
    assert_eq!(app.playback, None);
    // An answer that was not recorded says so.
    let (mut app, _log) = drill(&clock, 0, false);
    app.update(key(KeyCode::Enter), &clock);
    app.update(ch('p'), &clock);
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.text.starts_with("This answer was not recorded"))
    );
}

#[test]
fn each_probe_of_a_loop_has_a_recording_of_its_own() {
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
        settings(0, true),
        plan,
        loop_settings,
        Some(2),
        &clock,
    );
    let (sound, log) = sound();
    log.borrow_mut().heard = speech(8, 0.5);
    app.set_sound(sound, &clock);
    assert_eq!(calls(&log), Vec::<String>::new(), "no answer yet");
    app.update(key(KeyCode::Enter), &clock);
    let stem = attempt(&app).file_stem().to_string();
    clock.advance(secs(30));
    app.update(key(KeyCode::Enter), &clock);
    let mut probes = 0;
    while matches!(&app.mode, Mode::Loop(run) if matches!(run.stage, Stage::Probe(..))) {
        probes += 1;
        clock.advance(secs(5));
        app.update(ch('p'), &clock);
        app.update(ch('p'), &clock);
        app.update(key(KeyCode::Enter), &clock);
    }
    let mut want = vec![format!("start {stem} late 0ms"), "stop".to_string()];
    for n in 1..=probes {
        want.extend([
            format!("start {stem}-probe{n} late 0ms"),
            "pause".into(),
            "resume".into(),
            "stop".into(),
        ]);
    }
    assert_eq!(calls(&log), want);
    let effects = app.update(key(KeyCode::Enter), &clock);
    let logs = saved(&effects);
    assert_eq!(
        logs[0].audio.as_deref(),
        Some(format!("{stem}.ogg").as_str())
    );
    let named: Vec<Option<String>> = logs[0].probes.iter().map(|p| p.audio.clone()).collect();
    let expect: Vec<Option<String>> = (1..=probes)
        .map(|n| Some(format!("{stem}-probe{n}.ogg")))
        .collect();
    assert_eq!(named, expect);
    assert_eq!(
        logs[0].audio_files().count(),
        probes + 1,
        "the log names every recording"
    );
}

#[test]
fn quitting_mid_probe_keeps_the_probes_recording() {
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
        settings(0, true),
        plan,
        loop_settings,
        Some(2),
        &clock,
    );
    let (sound, log) = sound();
    log.borrow_mut().heard = speech(8, 0.5);
    app.set_sound(sound, &clock);
    app.update(key(KeyCode::Enter), &clock);
    clock.advance(secs(30));
    app.update(key(KeyCode::Enter), &clock);
    clock.advance(secs(5));
    let effects = app.update(Msg::Terminate, &clock);
    let logs = saved(&effects);
    assert_eq!(logs.len(), 1);
    assert!(logs[0].audio.is_some());
    assert!(logs[0].probes[0].audio.is_some(), "{:?}", logs[0].probes);
    assert_eq!(log.borrow().recording, None, "nothing left recording");
}
