//! Application state and its transitions: `update(msg, clock)` changes state
//! and returns effects (save, bell) for the event loop to carry out.

pub mod attempt;
pub mod countdown;
pub mod review;

use std::path::PathBuf;
use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::style::{Modifier, Style};

use crate::domain::Catalog;
use crate::domain::clock::Clock;
use crate::domain::picker::Picker;
use crate::domain::session::{Outcome, Rubric, SessionLog};
use crate::storage::sessions::{StoreError, new_id};
use attempt::{Attempt, WrapUp};

/// What the drill is set up to do, from the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    pub seconds: u64,
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Checklist,
    Notes,
}

pub enum Screen {
    Answering(Attempt),
    WrapUp(Attempt, WrapUp),
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
        let mut app = Self {
            catalog,
            settings,
            picker: Picker::new(pool, seed),
            screen: Screen::Between,
            focus: Focus::Checklist,
            help_open: false,
            status: None,
            completed: 0,
            saved: Vec::new(),
            unsaved: Vec::new(),
            should_quit: false,
        };
        app.start_attempt(clock);
        app
    }

    pub fn pool_len(&self) -> usize {
        self.picker.pool_len()
    }

    pub fn attempt(&self) -> Option<&Attempt> {
        match &self.screen {
            Screen::Answering(a) | Screen::WrapUp(a, _) => Some(a),
            Screen::Between => None,
        }
    }

    fn attempt_mut(&mut self) -> Option<&mut Attempt> {
        match &mut self.screen {
            Screen::Answering(a) | Screen::WrapUp(a, _) => Some(a),
            Screen::Between => None,
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
            Screen::WrapUp(..) => self.on_wrap_up_key(key, clock, effects),
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
            KeyCode::Tab => self.set_focus(Focus::Notes),
            KeyCode::Enter => self.finish_answer(now),
            KeyCode::Char('n') => {
                self.save_current(Outcome::Skipped, now, effects);
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
            KeyCode::Tab => self.set_focus(Focus::Notes),
            KeyCode::Enter => {
                self.save_current(Outcome::Completed, now, effects);
                self.completed += 1;
                self.screen = Screen::Between;
            }
            KeyCode::Char('q') | KeyCode::Esc => self.quit(now, effects),
            _ => {}
        }
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
        let Some(question) = self.picker.next_question() else {
            self.should_quit = true;
            return;
        };
        let limit = Duration::from_secs(self.settings.seconds);
        self.screen = Screen::Answering(Attempt::new(
            question,
            self.settings.framework,
            limit,
            clock.now(),
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
            },
        );
        self.set_focus(Focus::Checklist);
    }

    fn save_current(&mut self, outcome: Outcome, now: Duration, effects: &mut Vec<Effect>) {
        let log = match &self.screen {
            Screen::Answering(a) => a.to_log(&self.catalog, outcome, None, new_id(), now),
            Screen::WrapUp(a, w) => a.to_log(&self.catalog, outcome, Some(w), new_id(), now),
            Screen::Between => return,
        };
        effects.push(Effect::Save(Box::new(log)));
    }

    /// Leaving never loses an answer: mid-answer it is saved as abandoned,
    /// on the wrap-up card as completed with whatever was filled in.
    fn quit(&mut self, now: Duration, effects: &mut Vec<Effect>) {
        match self.screen {
            Screen::Answering(_) => self.save_current(Outcome::Abandoned, now, effects),
            Screen::WrapUp(..) => {
                self.save_current(Outcome::Completed, now, effects);
                self.completed += 1;
            }
            Screen::Between => {}
        }
        self.screen = Screen::Between;
        self.should_quit = true;
    }

    fn ring_bell_if_due(&mut self, now: Duration, effects: &mut Vec<Effect>) {
        let bell = self.settings.bell;
        if let Screen::Answering(a) = &mut self.screen
            && !a.bell_rung
            && a.countdown.is_over(now)
        {
            a.bell_rung = true;
            if bell {
                effects.push(Effect::Bell);
            }
        }
    }
}
