//! Application state and its transitions: `update(msg, clock)` changes state
//! and returns effects (save, bell) for the event loop to carry out.

pub mod attempt;
pub mod countdown;
pub mod interview;
pub mod review;
pub mod stories;

use std::path::PathBuf;
use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::style::{Modifier, Style};

use crate::domain::Catalog;
use crate::domain::clock::Clock;
use crate::domain::interview_loop::{LoopOutcome, LoopPlan, LoopRecord};
use crate::domain::picker::Picker;
use crate::domain::session::StoreError;
use crate::domain::session::{Outcome, Rubric, SessionLog};
use crate::storage::sessions::new_id;
use attempt::{Attempt, WrapUp};
use countdown::Countdown;
use interview::{InterviewLoop, Probe};

/// What the drill is set up to do, from the command line.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub seconds: u64,
    /// Seconds to think before each countdown starts.
    pub think_secs: u64,
    pub framework: usize,
    pub bell: bool,
    /// Stop after this many completed answers.
    pub count: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize,
    /// The moment the loop was waiting for has come (the shown second changed).
    Tick,
    /// SIGTERM, SIGHUP or SIGINT: save what there is and leave.
    Terminate,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Save(Box<SessionLog>),
    Bell,
    /// Write the interview loop's record (built by `App::loop_record` once the
    /// sessions before it are saved).
    SaveLoop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Checklist,
    Notes,
}

pub enum Screen {
    Answering(Attempt),
    /// Interview loop: the follow-up probe after the answer.
    Probe(Attempt, Probe),
    WrapUp(Attempt, WrapUp),
    /// Interview loop: who the next interviewer is and what they probe.
    RoundIntro,
    /// Interview loop: the end-of-loop summary.
    LoopSummary,
    /// Between questions: the last attempt was saved (or not); Enter goes on.
    Between,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub is_error: bool,
}

/// An attempt that could not be written; printed on exit so nothing is lost.
#[derive(Debug)]
pub struct Unsaved {
    pub log: SessionLog,
    pub error: String,
}

pub struct App {
    pub catalog: Catalog,
    pub settings: Settings,
    picker: Picker,
    pub screen: Screen,
    pub focus: Focus,
    pub help_open: bool,
    pub status: Option<Status>,
    pub completed: usize,
    pub saved: Vec<PathBuf>,
    pub unsaved: Vec<Unsaved>,
    pub should_quit: bool,
    /// Present when running `stardrill loop`.
    pub interview: Option<InterviewLoop>,
}

pub const RATING_LABELS: [&str; 5] = ["missed the mark", "weak", "okay", "strong", "bar-raising"];
pub const RUBRIC_ITEMS: [&str; Rubric::LEN] = [
    "Spoke as \"I\", not \"we\"",
    "Quantified the result",
    "Stated a lesson",
    "Showed the principle",
    "Finished in time",
];

impl App {
    /// Starts the first attempt at once; `pool` is the filtered bank.
    pub fn new(
        catalog: Catalog,
        settings: Settings,
        pool: Vec<usize>,
        seed: Option<u64>,
        clock: &dyn Clock,
    ) -> Self {
        Self::with_picker(catalog, settings, Picker::new(pool, seed), clock)
    }

    /// Starts the first attempt with questions from `picker` (weak mode
    /// passes a weighted one).
    pub fn with_picker(
        catalog: Catalog,
        settings: Settings,
        picker: Picker,
        clock: &dyn Clock,
    ) -> Self {
        let mut app = Self {
            catalog,
            settings,
            picker,
            screen: Screen::Between,
            focus: Focus::Checklist,
            help_open: false,
            status: None,
            completed: 0,
            saved: Vec::new(),
            unsaved: Vec::new(),
            should_quit: false,
            interview: None,
        };
        app.start_attempt(clock);
        app
    }

    /// An interview loop: opens on the first interviewer's introduction.
    pub fn interview(
        catalog: Catalog,
        settings: Settings,
        plan: LoopPlan,
        follow_up_secs: u64,
        seed: Option<u64>,
        clock: &dyn Clock,
    ) -> Self {
        let mut app = Self::with_picker(catalog, settings, Picker::new(Vec::new(), seed), clock);
        // The empty picker ended the drill before it began; the loop draws its own questions.
        app.should_quit = false;
        app.interview = Some(InterviewLoop::new(
            new_id(),
            plan,
            follow_up_secs,
            clock.wall_now(),
            clock.now(),
        ));
        app.screen = Screen::RoundIntro;
        app
    }

    /// Why the current question came up, in weak mode.
    pub fn reason(&self) -> Option<&str> {
        self.attempt().and_then(|a| self.picker.reason(a.question))
    }

    /// The loop's record, naming the sessions saved so far.
    pub fn loop_record(&self) -> Option<LoopRecord> {
        self.interview.as_ref().map(InterviewLoop::record)
    }

    pub fn on_loop_saved(&mut self, result: Result<PathBuf, String>) {
        match result {
            Ok(path) => {
                if let Some(interview) = &mut self.interview {
                    interview.record_path = Some(path);
                }
            }
            Err(err) => {
                self.status = Some(Status {
                    text: format!("Could not save the loop record: {err}"),
                    is_error: true,
                });
            }
        }
    }

    pub fn pool_len(&self) -> usize {
        self.picker.pool_len()
    }

    pub fn attempt(&self) -> Option<&Attempt> {
        match &self.screen {
            Screen::Answering(a) | Screen::Probe(a, _) | Screen::WrapUp(a, _) => Some(a),
            _ => None,
        }
    }

    fn attempt_mut(&mut self) -> Option<&mut Attempt> {
        match &mut self.screen {
            Screen::Answering(a) | Screen::Probe(a, _) | Screen::WrapUp(a, _) => Some(a),
            _ => None,
        }
    }

    /// True once `--count` answers are done: the next Enter quits.
    pub fn is_last(&self) -> bool {
        self.settings.count.is_some_and(|n| self.completed >= n)
    }

    /// When the loop must wake even without input.
    pub fn next_deadline(&self, now: Duration) -> Option<Duration> {
        match &self.screen {
            Screen::Answering(a) => a.countdown.until_next_change(now),
            Screen::Probe(_, probe) => probe.countdown.until_next_change(now),
            _ => None,
        }
    }

    pub fn update(&mut self, msg: Msg, clock: &dyn Clock) -> Vec<Effect> {
        let now = clock.now();
        let mut effects = Vec::new();
        match msg {
            Msg::Tick | Msg::Resize => {}
            Msg::Terminate => self.quit(now, &mut effects),
            Msg::Paste(text) => {
                if self.focus == Focus::Notes
                    && let Some(a) = self.attempt_mut()
                {
                    a.notes.insert_str(text);
                }
            }
            Msg::Key(key) if key.kind != KeyEventKind::Release => {
                self.on_key(key, clock, &mut effects)
            }
            Msg::Key(_) => {}
        }
        self.ring_bell_if_due(now, &mut effects);
        effects
    }

    /// Records the result of a `Save` effect.
    pub fn on_saved(&mut self, log: SessionLog, result: Result<PathBuf, StoreError>) {
        match result {
            Ok(path) => {
                if let (Some(interview), Some(round)) = (&mut self.interview, log.round)
                    && log.loop_id.as_deref() == Some(interview.id.as_str())
                    && let Some(sessions) = interview.sessions.get_mut(round as usize - 1)
                    && let Some(name) = path.file_name().and_then(|n| n.to_str())
                {
                    sessions.push(name.to_string());
                }
                self.status = Some(Status {
                    text: format!("Saved {}", path.display()),
                    is_error: false,
                });
                self.saved.push(path);
            }
            Err(err) => {
                self.status = Some(Status {
                    text: format!(
                        "Could not save this attempt: {err}. It will be printed when you quit."
                    ),
                    is_error: true,
                });
                self.unsaved.push(Unsaved {
                    log,
                    error: err.to_string(),
                });
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent, clock: &dyn Clock, effects: &mut Vec<Effect>) {
        let now = clock.now();
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char('c' | 'C'))
        {
            self.quit(now, effects);
            return;
        }
        if self.help_open {
            self.help_open = false;
            return;
        }
        if self.focus == Focus::Notes {
            self.on_notes_key(key);
            return;
        }
        if key.code == KeyCode::Char('?') {
            self.help_open = true;
            return;
        }
        match self.screen {
            Screen::Answering(_) => self.on_answering_key(key, clock, effects),
            Screen::Probe(..) => self.on_probe_key(key, clock, effects),
            Screen::WrapUp(..) => self.on_wrap_up_key(key, clock, effects),
            Screen::RoundIntro => match key.code {
                KeyCode::Enter | KeyCode::Char(' ') => self.start_attempt(clock),
                KeyCode::Char('q') | KeyCode::Esc => self.quit(now, effects),
                _ => {}
            },
            Screen::LoopSummary => {
                if matches!(key.code, KeyCode::Enter | KeyCode::Char('q') | KeyCode::Esc) {
                    self.should_quit = true;
                }
            }
            Screen::Between if self.interview.is_some() => match key.code {
                KeyCode::Enter | KeyCode::Char(' ' | 'n') => self.start_attempt(clock),
                KeyCode::Char('q') | KeyCode::Esc => self.quit(now, effects),
                _ => {}
            },
            Screen::Between => match key.code {
                KeyCode::Enter | KeyCode::Char(' ' | 'n') if !self.is_last() => {
                    self.start_attempt(clock)
                }
                KeyCode::Enter | KeyCode::Char('q') | KeyCode::Esc => self.should_quit = true,
                _ => {}
            },
        }
    }

    fn on_notes_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Tab | KeyCode::Esc => self.set_focus(Focus::Checklist),
            _ => {
                if let Some(a) = self.attempt_mut() {
                    a.notes.input(key);
                }
            }
        }
    }

    fn on_answering_key(&mut self, key: KeyEvent, clock: &dyn Clock, effects: &mut Vec<Effect>) {
        let now = clock.now();
        let steps = self.step_count();
        let Screen::Answering(attempt) = &mut self.screen else {
            return;
        };
        let paused = attempt.countdown.is_paused();
        if attempt.countdown.is_waiting(now) {
            // Think time: Space or Enter starts the answer; ticking waits.
            match key.code {
                KeyCode::Char(' ') | KeyCode::Enter => attempt.countdown.start_now(now),
                KeyCode::Char('1'..='9' | 'p') => {}
                _ => return self.on_answering_key_any_time(key, clock, effects),
            }
            return;
        }
        match key.code {
            KeyCode::Char(' ' | '1'..='9') if paused => {
                self.status = Some(Status {
                    text: "Paused: press p to resume before ticking steps".into(),
                    is_error: false,
                });
            }
            KeyCode::Char(' ') => {
                attempt.tick_next(steps, now);
            }
            KeyCode::Char(digit @ '1'..='9') => {
                let index = digit as usize - '1' as usize;
                if index < steps {
                    attempt.toggle(index, now);
                }
            }
            KeyCode::Char('p') if paused => attempt.countdown.resume(now),
            KeyCode::Char('p') => attempt.countdown.pause(now),
            KeyCode::Enter => self.finish_answer(now),
            _ => self.on_answering_key_any_time(key, clock, effects),
        }
    }

    /// Keys that work during think time as well as while answering.
    fn on_answering_key_any_time(
        &mut self,
        key: KeyEvent,
        clock: &dyn Clock,
        effects: &mut Vec<Effect>,
    ) {
        let now = clock.now();
        let Screen::Answering(attempt) = &mut self.screen else {
            return;
        };
        match key.code {
            KeyCode::Tab => self.set_focus(Focus::Notes),
            KeyCode::Char('n') => {
                self.save_current(Outcome::Skipped, now, effects);
                self.replace_loop_question();
                self.start_attempt(clock);
            }
            KeyCode::Char('f') => {
                attempt.framework = (attempt.framework + 1) % self.catalog.frameworks.len();
                let name = &self.catalog.frameworks.get(attempt.framework).name;
                self.status = Some(Status {
                    text: format!("Checklist switched to {name}"),
                    is_error: false,
                });
            }
            KeyCode::Char('q') | KeyCode::Esc => self.quit(now, effects),
            _ => {}
        }
    }

    fn on_wrap_up_key(&mut self, key: KeyEvent, clock: &dyn Clock, effects: &mut Vec<Effect>) {
        let now = clock.now();
        let Screen::WrapUp(_, wrap) = &mut self.screen else {
            return;
        };
        match key.code {
            KeyCode::Char(digit @ '1'..='5') => wrap.rating = Some(digit as u8 - b'0'),
            KeyCode::Up | KeyCode::Char('k') => wrap.cursor = wrap.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                wrap.cursor = (wrap.cursor + 1).min(Rubric::LEN - 1)
            }
            KeyCode::Char(' ') => wrap.rubric.toggle(wrap.cursor),
            KeyCode::Char('s') => {
                let question = self.catalog.bank.get(attempt_question(&self.screen));
                let order = self.catalog.stories.story_order(&question.principles);
                if let Screen::WrapUp(_, wrap) = &mut self.screen {
                    wrap.story = next_story(&order, wrap.story.as_deref());
                }
            }
            KeyCode::Tab => self.set_focus(Focus::Notes),
            KeyCode::Enter => {
                self.save_current(Outcome::Completed, now, effects);
                self.completed += 1;
                self.screen = Screen::Between;
                self.advance_loop(now, effects);
            }
            KeyCode::Char('q') | KeyCode::Esc => self.quit(now, effects),
            _ => {}
        }
    }

    /// Stories proving the current question's principles, for the checklist.
    pub fn stories_for_question(&self) -> Vec<&crate::domain::story::Story> {
        self.attempt().map_or_else(Vec::new, |a| {
            let question = self.catalog.bank.get(a.question);
            self.catalog.stories.proving(&question.principles).collect()
        })
    }

    fn step_count(&self) -> usize {
        self.attempt()
            .map_or(0, |a| self.catalog.frameworks.get(a.framework).steps.len())
    }

    fn set_focus(&mut self, focus: Focus) {
        self.focus = focus;
        let cursor = match focus {
            Focus::Notes => Style::default().add_modifier(Modifier::REVERSED),
            Focus::Checklist => Style::default(),
        };
        if let Some(a) = self.attempt_mut() {
            a.notes.set_cursor_style(cursor);
        }
    }

    fn start_attempt(&mut self, clock: &dyn Clock) {
        let next = match &self.interview {
            Some(interview) => interview.current_question(),
            None => self.picker.next_question(),
        };
        let Some(question) = next else {
            self.should_quit = true;
            return;
        };
        let limit = Duration::from_secs(self.settings.seconds);
        // With think time the countdown starts in the future; until then the
        // candidate is thinking.
        let starts = clock.now() + Duration::from_secs(self.settings.think_secs);
        self.screen = Screen::Answering(Attempt::new(
            question,
            self.settings.framework,
            limit,
            clock.now(),
            starts,
            clock.wall_now(),
        ));
        self.set_focus(Focus::Checklist);
        self.help_open = false;
        if self.status.as_ref().is_some_and(|s| !s.is_error) {
            self.status = None;
        }
    }

    fn finish_answer(&mut self, now: Duration) {
        let Screen::Answering(mut attempt) = std::mem::replace(&mut self.screen, Screen::Between)
        else {
            return;
        };
        attempt.countdown.stop(now);
        let follow_ups = &self.catalog.bank.get(attempt.question).follow_ups;
        let follow_up = self
            .picker
            .pick_index(follow_ups.len())
            .map(|i| follow_ups[i].clone());
        if let (Some(interview), Some(question)) = (&self.interview, follow_up.clone()) {
            let limit = Duration::from_secs(interview.follow_up_secs);
            let probe = Probe {
                countdown: Countdown::start(limit, now),
                question,
                bell_rung: false,
            };
            self.screen = Screen::Probe(attempt, probe);
            self.set_focus(Focus::Checklist);
            return;
        }
        self.open_wrap_up(attempt, follow_up, None, now);
    }

    fn open_wrap_up(
        &mut self,
        attempt: Attempt,
        follow_up: Option<String>,
        probe_secs: Option<f64>,
        now: Duration,
    ) {
        let rubric = Rubric {
            finished_in_time: !attempt.countdown.is_over(now),
            ..Rubric::default()
        };
        self.screen = Screen::WrapUp(
            attempt,
            WrapUp {
                rating: None,
                rubric,
                cursor: 0,
                follow_up,
                story: None,
                probe_secs,
            },
        );
        // Notes like "switched to SPSIL" belong to the answer, not the card.
        if self.status.as_ref().is_some_and(|s| !s.is_error) {
            self.status = None;
        }
        self.set_focus(Focus::Checklist);
    }

    fn on_probe_key(&mut self, key: KeyEvent, clock: &dyn Clock, effects: &mut Vec<Effect>) {
        let now = clock.now();
        let Screen::Probe(_, probe) = &mut self.screen else {
            return;
        };
        match key.code {
            KeyCode::Enter => self.finish_probe(now),
            KeyCode::Char('p') if probe.countdown.is_paused() => probe.countdown.resume(now),
            KeyCode::Char('p') => probe.countdown.pause(now),
            KeyCode::Tab => self.set_focus(Focus::Notes),
            KeyCode::Char('q') | KeyCode::Esc => self.quit(now, effects),
            _ => {}
        }
    }

    fn finish_probe(&mut self, now: Duration) {
        let Screen::Probe(attempt, mut probe) =
            std::mem::replace(&mut self.screen, Screen::Between)
        else {
            return;
        };
        probe.countdown.stop(now);
        let secs = crate::domain::session::secs(probe.countdown.elapsed(now));
        self.open_wrap_up(attempt, Some(probe.question), Some(secs), now);
    }

    /// After a completed answer in a loop: the next question, the next
    /// interviewer, or the summary.
    fn advance_loop(&mut self, now: Duration, effects: &mut Vec<Effect>) {
        let Some(interview) = &mut self.interview else {
            return;
        };
        let Some(Effect::Save(log)) = effects.iter().rev().find(|e| matches!(e, Effect::Save(_)))
        else {
            return;
        };
        if interview.record_and_advance(log) {
            interview.finish(LoopOutcome::Completed, now);
            effects.push(Effect::SaveLoop);
            self.screen = Screen::LoopSummary;
        } else if interview.asked == 0 {
            self.screen = Screen::RoundIntro;
        }
    }

    /// A skipped loop question is replaced by another on the same principles.
    fn replace_loop_question(&mut self) {
        let Some(interview) = &mut self.interview else {
            return;
        };
        let replacement =
            interview
                .plan
                .replacement(&self.catalog.bank, interview.round, self.picker.rng());
        if let (Some(q), Some(round)) =
            (replacement, interview.plan.rounds.get_mut(interview.round))
            && let Some(slot) = round.questions.get_mut(interview.asked)
        {
            *slot = q;
        }
    }

    fn save_current(&mut self, outcome: Outcome, now: Duration, effects: &mut Vec<Effect>) {
        let mut log = match &self.screen {
            Screen::Answering(a) => a.to_log(&self.catalog, outcome, None, new_id(), now),
            Screen::Probe(a, probe) => {
                let wrap = WrapUp {
                    rating: None,
                    rubric: Rubric::default(),
                    cursor: 0,
                    follow_up: Some(probe.question.clone()),
                    story: None,
                    probe_secs: Some(crate::domain::session::secs(probe.countdown.elapsed(now))),
                };
                a.to_log(&self.catalog, outcome, Some(&wrap), new_id(), now)
            }
            Screen::WrapUp(a, w) => a.to_log(&self.catalog, outcome, Some(w), new_id(), now),
            _ => return,
        };
        if let Some(interview) = &self.interview {
            log.loop_id = Some(interview.id.clone());
            log.round = u32::try_from(interview.round + 1).ok();
        }
        effects.push(Effect::Save(Box::new(log)));
    }

    /// Leaving never loses an answer: mid-answer it is saved as abandoned,
    /// on the wrap-up card as completed with whatever was filled in.
    fn quit(&mut self, now: Duration, effects: &mut Vec<Effect>) {
        match self.screen {
            Screen::Answering(_) => self.save_current(Outcome::Abandoned, now, effects),
            Screen::Probe(..) | Screen::WrapUp(..) => {
                self.save_current(Outcome::Completed, now, effects);
                self.completed += 1;
            }
            _ => {}
        }
        if let Some(interview) = &mut self.interview
            && !interview.is_finished()
        {
            if let Some(Effect::Save(log)) = effects.last()
                && log.outcome == Outcome::Completed
            {
                interview.record_and_advance(log);
            }
            interview.finish(LoopOutcome::Abandoned, now);
            // A loop left before its first question has nothing to record.
            let attempted = interview.answers.iter().any(|r| !r.is_empty())
                || interview.sessions.iter().any(|r| !r.is_empty())
                || effects.iter().any(|e| matches!(e, Effect::Save(_)));
            if attempted {
                effects.push(Effect::SaveLoop);
            }
        }
        self.screen = Screen::Between;
        self.should_quit = true;
    }

    fn ring_bell_if_due(&mut self, now: Duration, effects: &mut Vec<Effect>) {
        let (countdown, rung) = match &mut self.screen {
            Screen::Answering(a) => (&a.countdown, &mut a.bell_rung),
            Screen::Probe(_, p) => (&p.countdown, &mut p.bell_rung),
            _ => return,
        };
        if !*rung && countdown.is_over(now) {
            *rung = true;
            if self.settings.bell {
                effects.push(Effect::Bell);
            }
        }
    }
}

fn attempt_question(screen: &Screen) -> usize {
    match screen {
        Screen::Answering(a) | Screen::Probe(a, _) | Screen::WrapUp(a, _) => a.question,
        _ => 0,
    }
}

/// The story after `current` in `order`, wrapping to none after the last.
fn next_story(order: &[String], current: Option<&str>) -> Option<String> {
    let next = match current {
        None => 0,
        Some(id) => order.iter().position(|s| s == id).map_or(0, |i| i + 1),
    };
    order.get(next).cloned()
}

#[cfg(test)]
mod tests;
