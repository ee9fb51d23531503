//! State transitions with a fake clock and a seeded picker.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::*;
use crate::domain::clock::FakeClock;
use crate::domain::interview_loop::{BarRaiserAt, LoopOutcome, LoopShape};
use std::path::PathBuf;

fn app_with(clock: &FakeClock, seconds: u64, count: Option<usize>) -> App {
    let catalog = Catalog::load(None).expect("embedded catalog");
    let pool = catalog.bank.filter(&[], None);
    let settings = Settings {
        seconds,
        framework: 0,
        bell: true,
        count,
        ..Settings::default()
    };
    App::new(catalog, settings, pool, Some(7), clock)
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn press(app: &mut App, clock: &FakeClock, msgs: &[Msg]) -> Vec<Effect> {
    msgs.iter()
        .flat_map(|m| app.update(m.clone(), clock))
        .collect()
}

fn saved_logs(effects: &[Effect]) -> Vec<&SessionLog> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Save(log) => Some(log.as_ref()),
            Effect::Bell | Effect::SaveLoop => None,
        })
        .collect()
}

fn answering(app: &App) -> &Attempt {
    match app.screen() {
        Some(Screen::Answering(a)) => a,
        _ => panic!("not answering"),
    }
}

/// The loop's stage, when the app runs one.
fn stage(app: &App) -> &Stage {
    match &app.mode {
        Mode::Loop(run) => &run.stage,
        Mode::Drill { .. } => panic!("not a loop"),
    }
}

#[test]
fn starts_answering_with_a_full_countdown() {
    let clock = FakeClock::fixed();
    let app = app_with(&clock, 120, None);
    let a = answering(&app);
    assert_eq!(
        a.countdown.time_left(clock.now()),
        countdown::TimeLeft::Remaining(120)
    );
    assert_eq!(app.next_deadline(clock.now()), Some(Duration::from_secs(1)));
}

#[test]
fn space_ticks_steps_in_order_at_the_answer_time() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 120, None);
    clock.advance(Duration::from_secs(20));
    press(&mut app, &clock, &[ch(' ')]);
    clock.advance(Duration::from_secs(10));
    press(&mut app, &clock, &[ch(' ')]);
    let a = answering(&app);
    assert_eq!(a.ticks[0], Some(Duration::from_secs(20)));
    assert_eq!(a.ticks[1], Some(Duration::from_secs(30)));
    assert_eq!(a.ticks[2], None);
    // Digit keys toggle one step.
    press(&mut app, &clock, &[ch('1'), ch('4')]);
    let a = answering(&app);
    assert_eq!(a.ticks[0], None);
    assert_eq!(a.ticks[3], Some(Duration::from_secs(30)));
    // A digit past the framework's steps does nothing.
    press(&mut app, &clock, &[ch('9')]);
    assert_eq!(answering(&app).ticked_count(4), 2);
}

#[test]
fn tick_messages_do_not_move_time_only_the_clock_does() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 120, None);
    for _ in 0..500 {
        app.update(Msg::Tick, &clock);
    }
    let a = answering(&app);
    assert_eq!(a.countdown.elapsed(clock.now()), Duration::ZERO);
}

#[test]
fn pause_stops_the_clock_and_blocks_ticking() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 120, None);
    clock.advance(Duration::from_secs(10));
    press(&mut app, &clock, &[ch('p')]);
    assert_eq!(
        app.next_deadline(clock.now()),
        None,
        "paused: sleep until input"
    );
    clock.advance(Duration::from_secs(60));
    press(&mut app, &clock, &[ch(' ')]);
    assert_eq!(answering(&app).ticked_count(4), 0);
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.text.contains("Paused"))
    );
    press(&mut app, &clock, &[ch('p')]);
    clock.advance(Duration::from_secs(5));
    let a = answering(&app);
    assert_eq!(a.countdown.elapsed(clock.now()), Duration::from_secs(15));
    assert_eq!(a.countdown.paused(clock.now()), Duration::from_secs(60));
}

#[test]
fn rings_the_bell_once_at_zero_and_keeps_counting_overtime() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 30, None);
    clock.advance(Duration::from_millis(29_900));
    assert!(app.update(Msg::Tick, &clock).is_empty());
    clock.advance(Duration::from_millis(100));
    assert_eq!(app.update(Msg::Tick, &clock), [Effect::Bell]);
    clock.advance(Duration::from_secs(12));
    assert!(app.update(Msg::Tick, &clock).is_empty());
    assert_eq!(
        answering(&app).countdown.time_left(clock.now()),
        countdown::TimeLeft::Overtime(12)
    );
}

#[test]
fn no_bell_when_turned_off() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 30, None);
    app.settings.bell = false;
    clock.advance(Duration::from_secs(31));
    assert!(app.update(Msg::Tick, &clock).is_empty());
}

#[test]
fn finish_rate_and_save_a_completed_attempt() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 120, None);
    clock.advance(Duration::from_secs(25));
    press(&mut app, &clock, &[ch(' ')]);
    clock.advance(Duration::from_secs(70));
    assert!(press(&mut app, &clock, &[key(KeyCode::Enter)]).is_empty());
    let Some(Screen::WrapUp(_, wrap)) = app.screen() else {
        panic!("expected the wrap-up card")
    };
    assert!(wrap.rubric.finished_in_time, "pre-ticked from the clock");
    assert!(wrap.follow_up.is_some(), "the bank has follow-ups");
    clock.advance(Duration::from_secs(30));
    let effects = press(
        &mut app,
        &clock,
        &[
            ch('4'),
            ch(' '),
            key(KeyCode::Down),
            ch(' '),
            key(KeyCode::Enter),
        ],
    );
    let logs = saved_logs(&effects);
    assert_eq!(logs.len(), 1);
    let log = logs[0];
    assert_eq!(log.outcome, Outcome::Completed);
    assert_eq!(log.rating, Some(4));
    assert!(log.rubric.spoke_as_i && log.rubric.quantified_result && log.rubric.finished_in_time);
    assert_eq!(log.answer_secs, 95.0, "wrap-up time is not answer time");
    assert_eq!(log.steps[0].checked_at_secs, Some(25.0));
    assert_eq!(log.started_at.to_rfc3339(), "2026-01-05T09:00:00+01:00");
    assert_eq!(log.ended_at.to_rfc3339(), "2026-01-05T09:02:05+01:00");
    assert!(matches!(app.screen(), Some(Screen::Between)));
    assert_eq!(app.completed, 1);
    // Enter moves on to a fresh question.
    press(&mut app, &clock, &[key(KeyCode::Enter)]);
    assert_eq!(answering(&app).ticked_count(4), 0);
}

#[test]
fn overtime_is_recorded_and_unticks_finished_in_time() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 60, None);
    clock.advance(Duration::from_secs(75));
    press(&mut app, &clock, &[key(KeyCode::Enter)]);
    let Some(Screen::WrapUp(_, wrap)) = app.screen() else {
        panic!("expected the wrap-up card")
    };
    assert!(!wrap.rubric.finished_in_time);
    let logs = press(&mut app, &clock, &[key(KeyCode::Enter)]);
    let log = saved_logs(&logs)[0];
    assert_eq!(log.overtime_secs, 15.0);
    assert_eq!(log.rating, None);
}

#[test]
fn skip_saves_a_skipped_attempt_and_serves_another_question() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 120, None);
    let first = answering(&app).question;
    clock.advance(Duration::from_secs(5));
    let effects = press(&mut app, &clock, &[ch('n')]);
    let logs = saved_logs(&effects);
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].outcome, Outcome::Skipped);
    assert_ne!(answering(&app).question, first);
    assert!(!app.should_quit);
}

#[test]
fn quitting_mid_answer_keeps_the_notes_as_abandoned() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 120, None);
    press(
        &mut app,
        &clock,
        &[
            key(KeyCode::Tab),
            ch('q'),
            ch('4'),
            ch('%'),
            key(KeyCode::Tab),
        ],
    );
    assert_eq!(app.focus, Focus::Checklist);
    assert!(!app.should_quit, "q typed into notes is text, not quit");
    let effects = press(&mut app, &clock, &[ch('q')]);
    let logs = saved_logs(&effects);
    assert_eq!(logs[0].outcome, Outcome::Abandoned);
    assert_eq!(logs[0].notes, "q4%");
    assert!(app.should_quit);
}

#[test]
fn terminate_and_ctrl_c_save_before_quitting() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 120, None);
    let logs = app.update(Msg::Terminate, &clock);
    assert_eq!(saved_logs(&logs)[0].outcome, Outcome::Abandoned);
    assert!(app.should_quit);

    let mut app = app_with(&clock, 120, None);
    press(&mut app, &clock, &[key(KeyCode::Enter)]);
    let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    let logs = app.update(ctrl_c, &clock);
    assert_eq!(
        saved_logs(&logs)[0].outcome,
        Outcome::Completed,
        "the answer was finished"
    );
    assert!(app.should_quit);
}

#[test]
fn key_releases_are_ignored() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 120, None);
    let mut release = KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    app.update(Msg::Key(release), &clock);
    assert_eq!(answering(&app).ticked_count(4), 0);
}

#[test]
fn switching_framework_keeps_ticks_by_position() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 120, None);
    press(&mut app, &clock, &[ch(' '), ch('f')]);
    let a = answering(&app);
    assert_eq!(app.catalog.frameworks.get(a.framework).key, "spsil");
    assert_eq!(a.ticked_count(5), 1);
    press(&mut app, &clock, &[ch('5')]);
    let logs = app.update(Msg::Terminate, &clock);
    let log = saved_logs(&logs)[0];
    assert_eq!(log.framework, "spsil");
    assert_eq!(log.steps.len(), 5);
    assert!(log.steps[4].checked_at_secs.is_some());
}

#[test]
fn help_opens_and_any_key_closes_it_without_acting() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 120, None);
    press(&mut app, &clock, &[ch('?')]);
    assert!(app.help_open);
    press(&mut app, &clock, &[ch(' ')]);
    assert!(!app.help_open);
    assert_eq!(answering(&app).ticked_count(4), 0);
}

#[test]
fn count_ends_the_sitting_after_n_answers() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 120, Some(1));
    press(
        &mut app,
        &clock,
        &[key(KeyCode::Enter), key(KeyCode::Enter)],
    );
    assert!(app.is_last());
    press(&mut app, &clock, &[key(KeyCode::Enter)]);
    assert!(app.should_quit);
}

#[test]
fn a_failed_save_is_shown_and_kept_for_printing() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 120, None);
    let effects = press(&mut app, &clock, &[ch('n')]);
    let log = saved_logs(&effects)[0].clone();
    app.on_saved(
        log.clone(),
        Err("could not write /nowhere/x.toml: disk full".into()),
    );
    assert_eq!(app.unsaved.len(), 1);
    assert_eq!(app.unsaved[0].log, log);
    let status = app.status.as_ref().expect("status");
    assert!(status.is_error && status.text.contains("disk full"));
}

#[test]
fn the_same_seed_serves_the_same_questions() {
    let order = || {
        let clock = FakeClock::fixed();
        let mut app = app_with(&clock, 120, None);
        (0..5)
            .map(|_| {
                let q = answering(&app).question;
                press(&mut app, &clock, &[ch('n')]);
                q
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(order(), order());
}

fn loop_app(clock: &FakeClock, rounds: usize) -> App {
    use rand::SeedableRng;
    let catalog = Catalog::load(None).expect("embedded catalog");
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let shape = LoopShape {
        rounds,
        candidate: None,
        bar_raiser: BarRaiserAt::Last,
    };
    let plan = LoopPlan::new(&catalog.bank, &catalog.principles, shape, &mut rng);
    let settings = Settings {
        seconds: 60,
        bell: true,
        ..Settings::default()
    };
    let loop_settings = LoopSettings {
        follow_up_secs: 20,
        candidate: None,
    };
    App::interview(catalog, settings, plan, loop_settings, Some(2), clock)
}

/// Saves every `Save` effect as the event loop would, with a fake file name.
fn perform(app: &mut App, effects: Vec<Effect>) -> (Vec<SessionLog>, bool) {
    let mut logs = Vec::new();
    let mut loop_saved = false;
    for effect in effects {
        match effect {
            Effect::Save(log) => {
                let path = PathBuf::from(format!("/data/sessions/{}.toml", log.id));
                logs.push((*log).clone());
                app.on_saved(*log, Ok(path));
            }
            Effect::SaveLoop => loop_saved = true,
            Effect::Bell => {}
        }
    }
    (logs, loop_saved)
}

#[test]
fn a_two_round_loop_runs_answer_probe_wrap_up_and_records_its_sessions() {
    let clock = FakeClock::fixed();
    let mut app = loop_app(&clock, 2);
    assert!(matches!(stage(&app), Stage::RoundIntro));
    let mut all_logs = Vec::new();
    let mut loop_saved = false;
    // The hiring manager opens with two opening questions, then two more;
    // the Bar Raiser asks two.
    for (round, questions) in [(0, 4), (1, 2)] {
        assert!(
            matches!(stage(&app), Stage::RoundIntro),
            "round {round} opens with its interviewer"
        );
        press(&mut app, &clock, &[key(KeyCode::Enter)]);
        for _ in 0..questions {
            clock.advance(Duration::from_secs(50));
            press(&mut app, &clock, &[key(KeyCode::Enter)]);
            assert!(
                matches!(stage(&app), Stage::Probe(..)),
                "follow-up probes after each answer"
            );
            clock.advance(Duration::from_secs(25));
            // The probe rings once at its own limit.
            assert_eq!(app.update(Msg::Tick, &clock), [Effect::Bell]);
            // Deeper probes on the same story, each with its own countdown.
            let mut probes = 0;
            while matches!(stage(&app), Stage::Probe(..)) {
                press(&mut app, &clock, &[key(KeyCode::Enter)]);
                probes += 1;
            }
            assert!((1..=4).contains(&probes), "{probes} probes");
            assert!(matches!(app.screen(), Some(Screen::WrapUp(..))));
            let effects = press(&mut app, &clock, &[ch('3'), key(KeyCode::Enter)]);
            let (logs, saved) = perform(&mut app, effects);
            all_logs.extend(logs);
            loop_saved |= saved;
            if matches!(app.screen(), Some(Screen::Between)) {
                press(&mut app, &clock, &[key(KeyCode::Enter)]);
            }
        }
    }
    assert!(
        matches!(stage(&app), Stage::Closing),
        "your questions, last"
    );
    press(&mut app, &clock, &[key(KeyCode::Enter)]);
    assert!(matches!(stage(&app), Stage::Summary));
    assert!(loop_saved);
    assert_eq!(all_logs.len(), 6);
    let interview = app.interview_loop().expect("loop");
    assert!(
        all_logs
            .iter()
            .all(|l| l.loop_id.as_deref() == Some(interview.id.as_str()))
    );
    assert_eq!(
        all_logs.iter().map(|l| l.round).collect::<Vec<_>>(),
        [Some(1), Some(1), Some(1), Some(1), Some(2), Some(2)]
    );
    assert!(
        all_logs
            .iter()
            .all(|l| l.follow_up_secs == Some(25.0) && l.follow_up.is_some())
    );
    assert!(
        all_logs.iter().all(|l| !l.probes.is_empty()
            && l.probes.first().map(|p| &p.question) == l.follow_up.as_ref())
    );
    assert!(
        all_logs
            .iter()
            .take(2)
            .all(|l| l.question.kind == crate::domain::bank::QuestionKind::Motivation)
    );
    let record = app.loop_record().expect("record");
    assert_eq!(record.outcome, LoopOutcome::Completed);
    assert_eq!(record.rounds.len(), 2);
    assert!(record.rounds[1].bar_raiser);
    assert_eq!(
        record
            .rounds
            .iter()
            .map(|r| r.sessions.len())
            .sum::<usize>(),
        6
    );
    press(&mut app, &clock, &[key(KeyCode::Enter)]);
    assert!(app.should_quit);
}

#[test]
fn quitting_a_loop_saves_the_attempt_and_an_abandoned_record() {
    let clock = FakeClock::fixed();
    let mut app = loop_app(&clock, 4);
    press(&mut app, &clock, &[key(KeyCode::Enter)]);
    clock.advance(Duration::from_secs(10));
    let effects = press(&mut app, &clock, &[ch('q')]);
    let (logs, loop_saved) = perform(&mut app, effects);
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].outcome, Outcome::Abandoned);
    assert!(loop_saved);
    let record = app.loop_record().expect("record");
    assert_eq!(record.outcome, LoopOutcome::Abandoned);
    assert_eq!(record.rounds[0].sessions.len(), 1);
}

#[test]
fn leaving_a_loop_before_its_first_question_records_nothing() {
    let clock = FakeClock::fixed();
    let mut app = loop_app(&clock, 4);
    let effects = press(&mut app, &clock, &[ch('q')]);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(app.should_quit);
}

#[test]
fn skipping_in_a_loop_replaces_the_question_from_the_same_round() {
    let clock = FakeClock::fixed();
    let mut app = loop_app(&clock, 4);
    press(&mut app, &clock, &[key(KeyCode::Enter)]);
    let first = answering(&app).question;
    let round_principles = app.interview_loop().expect("loop").plan.rounds[0]
        .principles
        .clone();
    // The opening introduction is replaced by another introduction.
    assert!(app.catalog.bank.get(first).intro);
    let effects = press(&mut app, &clock, &[ch('n')]);
    let (logs, _) = perform(&mut app, effects);
    assert_eq!(logs[0].outcome, Outcome::Skipped);
    let replacement = answering(&app).question;
    assert_ne!(replacement, first);
    assert!(app.catalog.bank.get(replacement).intro);
    // A principle question by one on the same round's principles.
    for _ in 0..2 {
        clock.advance(Duration::from_secs(30));
        press(&mut app, &clock, &[key(KeyCode::Enter)]);
        while matches!(stage(&app), Stage::Probe(..)) {
            press(&mut app, &clock, &[key(KeyCode::Enter)]);
        }
        press(
            &mut app,
            &clock,
            &[key(KeyCode::Enter), key(KeyCode::Enter)],
        );
    }
    let principled = answering(&app).question;
    press(&mut app, &clock, &[ch('n')]);
    let replacement = answering(&app).question;
    assert_ne!(replacement, principled);
    let q = app.catalog.bank.get(replacement);
    assert!(
        q.principles
            .iter()
            .any(|p| round_principles.iter().any(|r| r == p))
    );
}

#[test]
fn a_story_told_to_an_earlier_interviewer_is_flagged_on_the_card() {
    use crate::domain::story::{Story, StoryBook};
    let clock = FakeClock::fixed();
    let mut app = loop_app(&clock, 2);
    app.catalog.stories = StoryBook {
        stories: vec![Story {
            id: "checkout".into(),
            title: "Checkout bug fix".into(),
            ..Story::default()
        }],
    };
    press(&mut app, &clock, &[key(KeyCode::Enter)]);
    // Round 1: tell the story on the first answer, then finish the round.
    for answer in 0..4 {
        press(&mut app, &clock, &[key(KeyCode::Enter)]);
        while matches!(stage(&app), Stage::Probe(..)) {
            press(&mut app, &clock, &[key(KeyCode::Enter)]);
        }
        if answer == 0 {
            press(&mut app, &clock, &[ch('s')]);
            assert!(app.status.is_none(), "first telling: {:?}", app.status);
        }
        let effects = press(&mut app, &clock, &[key(KeyCode::Enter)]);
        perform(&mut app, effects);
        press(&mut app, &clock, &[key(KeyCode::Enter)]);
    }
    // Round 2, the Bar Raiser: the same story again is flagged.
    press(&mut app, &clock, &[key(KeyCode::Enter)]);
    while matches!(stage(&app), Stage::Probe(..)) {
        press(&mut app, &clock, &[key(KeyCode::Enter)]);
    }
    press(&mut app, &clock, &[ch('s')]);
    let status = app.status.as_ref().map(|s| s.text.as_str()).unwrap_or("");
    assert!(
        status.contains("told to the Hiring manager in round 1"),
        "{status}"
    );
}

/// Every table: each key reaches its binding, and each hint names keys
/// that do what the hint says.
#[test]
fn every_key_table_holds_together() {
    use crate::app::keymap::check;
    use crate::app::{review, stories};
    let mut problems = Vec::new();
    problems.extend(check(&GLOBAL_KEYS));
    problems.extend(check(&ANSWERING_KEYS));
    problems.extend(check(&NOTES_KEYS));
    problems.extend(check(&CARD_NOTES_KEYS));
    problems.extend(check(&WRAP_UP_KEYS));
    problems.extend(check(&BETWEEN_KEYS));
    problems.extend(check(&PROBE_KEYS));
    problems.extend(check(&ROUND_INTRO_KEYS));
    problems.extend(check(&SUMMARY_KEYS));
    problems.extend(check(&CLOSING_KEYS));
    problems.extend(check(&review::LIST_KEYS));
    problems.extend(check(&review::STATS_KEYS));
    problems.extend(check(&review::SEARCH_KEYS));
    problems.extend(check(&review::FILTER_KEYS));
    problems.extend(check(&review::LOADING_KEYS));
    problems.extend(check(&review::PLAYBACK_KEYS));
    problems.extend(check(&crate::app::keymap::CONFIRM_KEYS));
    problems.extend(check(&crate::app::keymap::TOO_SMALL_KEYS));
    problems.extend(check(&stories::LIST_KEYS));
    problems.extend(check(&stories::GRID_KEYS));
    problems.extend(check(&stories::FORM_KEYS));
    problems.extend(check(&stories::PRINCIPLE_KEYS));
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Each key the answering footer shows, pressed on a fresh answer, does
/// what its hint says.
#[test]
fn each_answering_hint_does_what_it_says() {
    use crate::app::keymap::keys_named;
    for (label, text) in ANSWERING_KEYS.footer_as_written() {
        let clock = FakeClock::fixed();
        let mut app = app_with(&clock, 120, None);
        clock.advance(Duration::from_secs(3));
        let first = answering(&app).question;
        let key = keys_named(label)[0];
        let effects = app.update(Msg::Key(key), &clock);
        let action = ANSWERING_KEYS.action(&key);
        let done = match action {
            Some(Answering::Tick | Answering::Toggle) => answering(&app).ticks[0].is_some(),
            Some(Answering::Finish) => matches!(app.screen(), Some(Screen::WrapUp(..))),
            Some(Answering::Notes) => app.focus == Focus::Notes,
            Some(Answering::Pause) => answering(&app).countdown.is_paused(),
            Some(Answering::Skip) => {
                saved_logs(&effects)[0].outcome == Outcome::Skipped
                    && answering(&app).question != first
            }
            Some(Answering::Framework) => answering(&app).framework == 1,
            Some(Answering::Help) => app.help_open,
            Some(Answering::Quit) => app.should_quit && !saved_logs(&effects).is_empty(),
            None => false,
        };
        assert!(done, "{label} ({text}) did not do it: {action:?}");
    }
}

#[test]
fn the_same_seed_names_sessions_the_same_way_and_asks_the_same_questions() {
    let run = || {
        let clock = FakeClock::fixed();
        let mut app = app_with(&clock, 120, None);
        (0..3)
            .map(|_| {
                let question = answering(&app).question;
                let effects = press(&mut app, &clock, &[ch('n')]);
                (question, saved_logs(&effects)[0].id.clone())
            })
            .collect::<Vec<_>>()
    };
    let first = run();
    assert_eq!(first, run());
    let ids: std::collections::HashSet<_> = first.iter().map(|(_, id)| id).collect();
    assert_eq!(ids.len(), 3, "{first:?}");
}

#[test]
fn while_the_window_is_too_small_only_quit_acts() {
    let clock = FakeClock::fixed();
    let mut app = app_with(&clock, 120, None);
    press(&mut app, &clock, &[key(KeyCode::Tab)]);
    app.too_small = true;
    clock.advance(Duration::from_secs(5));
    let effects = press(
        &mut app,
        &clock,
        &[key(KeyCode::Tab), ch(' '), ch(' '), key(KeyCode::Enter)],
    );
    assert!(effects.is_empty(), "{effects:?}");
    assert!(
        matches!(app.screen(), Some(Screen::Answering(_))),
        "still answering"
    );
    assert_eq!(answering(&app).ticked_count(4), 0);
    assert_eq!(answering(&app).notes_text(), "", "nothing typed blind");
    // q quits even with the notes focused, saving the attempt.
    let effects = press(&mut app, &clock, &[ch('q')]);
    assert!(app.should_quit);
    assert_eq!(saved_logs(&effects)[0].outcome, Outcome::Abandoned);
}
