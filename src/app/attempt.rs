//! One answer to one question: its countdown, ticked steps and notes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, SubsecRound};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{TextArea, WrapMode};

use super::countdown::Countdown;
use super::sound::Rec;
use crate::domain::Catalog;
use crate::domain::framework::{Framework, MAX_STEPS};
use crate::domain::session::{
    LoggedProbe, LoggedQuestion, LoggedStep, LoggedStory, Outcome, Rubric, SCHEMA_VERSION,
    SessionLog, secs,
};

/// How long a step took, for the checklist and the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepTime {
    /// Ticked: answer time when ticked, and time since the tick before it.
    Done {
        at: Duration,
        took: Duration,
    },
    /// The step being spoken now: time since the last tick.
    Current {
        running: Duration,
    },
    Pending,
}

impl StepTime {
    /// The same time to the whole second, as the checklist shows it.
    pub fn whole_seconds(self) -> Self {
        let whole = |d: Duration| Duration::from_secs(d.as_secs());
        match self {
            Self::Done { at, took } => Self::Done {
                at: whole(at),
                took: whole(took),
            },
            Self::Current { running } => Self::Current {
                running: whole(running),
            },
            Self::Pending => Self::Pending,
        }
    }

    pub fn spent(self) -> Option<Duration> {
        match self {
            Self::Done { took, .. } => Some(took),
            Self::Current { running } => Some(running),
            Self::Pending => None,
        }
    }
}

/// What the candidate filled in on the wrap-up card.
#[derive(Debug, Clone, PartialEq)]
pub struct WrapUp {
    pub rating: Option<u8>,
    pub rubric: Rubric,
    pub cursor: usize,
    pub follow_up: Option<String>,
    /// Id of the story told, from the story bank.
    pub story: Option<String>,
    /// Seconds spent on the follow-up probes, in an interview loop.
    pub probe_secs: Option<f64>,
    /// The loop's probes on this story, as asked.
    pub probes: Vec<LoggedProbe>,
}

pub struct Attempt {
    /// The session's id, drawn when the question is shown: the recording is
    /// named after the log before the log exists.
    id: String,
    pub question: usize,
    pub framework: usize,
    pub countdown: Countdown,
    /// Answer time at which each step position was ticked. Kept for every
    /// position so switching STAR/SPSIL mid-answer keeps the ticks in place.
    pub ticks: [Option<Duration>; MAX_STEPS],
    notes: TextArea<'static>,
    /// Changes whenever `notes` may have: drawn from one count for the
    /// whole program, so no two attempts' notes share a version.
    notes_version: u64,
    started_wall: DateTime<FixedOffset>,
    /// The log's file name without `.toml`, made once: the screens ask for
    /// it every frame, and formatting a date is not cheap.
    file_stem: String,
    /// Monotonic time when the question was shown (before any think time).
    pub shown_at: Duration,
    pub bell_rung: bool,
    /// The answer's recording.
    pub rec: Rec,
}

/// A notes version no attempt has had yet.
fn next_notes_version() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Attempt {
    /// `starts` is when the countdown begins: now, or later after think time.
    pub fn new(
        id: String,
        question: usize,
        framework: usize,
        limit: Duration,
        now: Duration,
        starts: Duration,
        wall: DateTime<FixedOffset>,
    ) -> Self {
        let mut notes = TextArea::default();
        notes.set_placeholder_text("Keywords as you go…");
        notes.set_wrap_mode(WrapMode::WordOrGlyph);
        notes.set_cursor_line_style(Style::default());
        // Dim rather than a colour, so NO_COLOR holds for the notes pane too.
        notes.set_placeholder_style(Style::default().add_modifier(Modifier::DIM));
        Self {
            file_stem: crate::domain::session::record_stem(wall, &id),
            id,
            question,
            framework,
            countdown: Countdown::start(limit, starts),
            ticks: [None; MAX_STEPS],
            notes,
            notes_version: next_notes_version(),
            started_wall: wall,
            shown_at: now,
            bell_rung: false,
            rec: Rec::Off,
        }
    }

    pub fn notes(&self) -> &TextArea<'static> {
        &self.notes
    }

    /// The notes, to change: their version moves on.
    pub fn notes_mut(&mut self) -> &mut TextArea<'static> {
        self.notes_version = next_notes_version();
        &mut self.notes
    }

    /// The notes' version: equal versions, the same notes, cursor and style.
    pub fn notes_version(&self) -> u64 {
        self.notes_version
    }

    /// The name the log will have without `.toml`, which the recording shares.
    pub fn file_stem(&self) -> &str {
        &self.file_stem
    }

    /// The recording, the countdown and the file stem, borrowed together.
    pub fn live_parts(&mut self) -> (&mut Rec, &Countdown, &str) {
        (&mut self.rec, &self.countdown, &self.file_stem)
    }

    /// The steps as the log records them: names, targets and tick times.
    pub fn logged_steps(&self, catalog: &Catalog) -> Vec<LoggedStep> {
        catalog
            .frameworks
            .get(self.framework)
            .steps
            .iter()
            .zip(self.ticks)
            .map(|(step, tick)| LoggedStep {
                key: step.key.clone(),
                name: step.name.clone(),
                target_secs: step.target_secs,
                checked_at_secs: tick.map(secs),
            })
            .collect()
    }

    /// First unticked step, the one the candidate should be speaking to.
    pub fn current_step(&self, step_count: usize) -> Option<usize> {
        (0..step_count).find(|&i| self.ticks[i].is_none())
    }

    /// Ticks the next unticked step; returns its index.
    pub fn tick_next(&mut self, step_count: usize, now: Duration) -> Option<usize> {
        let index = self.current_step(step_count)?;
        self.ticks[index] = Some(self.countdown.elapsed(now));
        Some(index)
    }

    /// Ticks or unticks one step.
    pub fn toggle(&mut self, index: usize, now: Duration) {
        if let Some(slot) = self.ticks.get_mut(index) {
            *slot = match slot {
                Some(_) => None,
                None => Some(self.countdown.elapsed(now)),
            };
        }
    }

    pub fn ticked_count(&self, step_count: usize) -> usize {
        self.ticks[..step_count.min(MAX_STEPS)]
            .iter()
            .flatten()
            .count()
    }

    /// Time per step: a ticked step took the time since the tick before it.
    pub fn step_times(&self, step_count: usize, now: Duration) -> Vec<StepTime> {
        let steps = step_count.min(MAX_STEPS);
        let ticked: Vec<Duration> = self.ticks[..steps].iter().flatten().copied().collect();
        let previous_tick = |t: Duration| {
            ticked
                .iter()
                .copied()
                .filter(|&u| u < t)
                .max()
                .unwrap_or_default()
        };
        let current = self.current_step(steps);
        let elapsed = self.countdown.elapsed(now);
        (0..steps)
            .map(|i| match self.ticks[i] {
                Some(at) => StepTime::Done {
                    at,
                    took: at - previous_tick(at),
                },
                None if Some(i) == current => StepTime::Current {
                    running: elapsed
                        .saturating_sub(ticked.iter().copied().max().unwrap_or_default()),
                },
                None => StepTime::Pending,
            })
            .collect()
    }

    pub fn notes_text(&self) -> String {
        self.notes.lines().join("\n").trim_end().to_string()
    }

    /// The record saved for this attempt.
    pub fn to_log(
        &self,
        catalog: &Catalog,
        outcome: Outcome,
        wrap_up: Option<&WrapUp>,
        now: Duration,
    ) -> SessionLog {
        let question = catalog.bank.get(self.question);
        let framework: &Framework = catalog.frameworks.get(self.framework);
        let wall_elapsed = now.saturating_sub(self.shown_at);
        let ended_at = (self.started_wall
            + chrono::Duration::from_std(wall_elapsed).unwrap_or_default())
        .trunc_subsecs(0);
        SessionLog {
            schema_version: SCHEMA_VERSION,
            id: self.id.clone(),
            started_at: self.started_wall,
            ended_at,
            outcome,
            framework: framework.key.clone(),
            time_limit_secs: self.countdown.limit().as_secs(),
            answer_secs: secs(self.countdown.elapsed(now)),
            overtime_secs: secs(self.countdown.overtime(now)),
            paused_secs: secs(self.countdown.paused(now)),
            rating: wrap_up.and_then(|w| w.rating),
            follow_up: wrap_up.and_then(|w| w.follow_up.clone()),
            follow_up_secs: wrap_up.and_then(|w| w.probe_secs),
            probes: wrap_up.map(|w| w.probes.clone()).unwrap_or_default(),
            loop_id: None,
            round: None,
            audio: self.rec.file().map(str::to_string),
            notes: self.notes_text(),
            question: LoggedQuestion {
                id: question.id.to_string(),
                text: question.text.to_string(),
                principles: question.principles.iter().map(|p| p.to_string()).collect(),
                kind: question.kind,
            },
            steps: self.logged_steps(catalog),
            rubric: wrap_up.map(|w| w.rubric).unwrap_or_default(),
            story: wrap_up
                .and_then(|w| w.story.as_deref())
                .and_then(|id| catalog.stories.get(id))
                .map(|s| LoggedStory {
                    id: s.id.clone(),
                    title: s.title.clone(),
                }),
            delivery: self.rec.delivery().cloned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: u64) -> Duration {
        Duration::from_secs(secs)
    }

    fn attempt() -> Attempt {
        let wall = DateTime::parse_from_rfc3339("2026-01-05T09:00:00+01:00").expect("date");
        Attempt::new("abc123".into(), 0, 0, s(120), s(0), s(0), wall)
    }

    #[test]
    fn step_times_follow_the_ticks() {
        let mut a = attempt();
        assert_eq!(a.tick_next(4, s(25)), Some(0));
        assert_eq!(a.tick_next(4, s(40)), Some(1));
        let times = a.step_times(4, s(70));
        assert_eq!(
            times[0],
            StepTime::Done {
                at: s(25),
                took: s(25)
            }
        );
        assert_eq!(
            times[1],
            StepTime::Done {
                at: s(40),
                took: s(15)
            }
        );
        assert_eq!(times[2], StepTime::Current { running: s(30) });
        assert_eq!(times[3], StepTime::Pending);
    }

    #[test]
    fn toggling_out_of_order_and_back() {
        let mut a = attempt();
        a.toggle(2, s(50));
        assert_eq!(a.current_step(4), Some(0));
        a.toggle(0, s(60));
        assert_eq!(
            a.step_times(4, s(60))[2],
            StepTime::Done {
                at: s(50),
                took: s(50)
            }
        );
        assert_eq!(
            a.step_times(4, s(60))[0],
            StepTime::Done {
                at: s(60),
                took: s(10)
            }
        );
        a.toggle(2, s(70));
        assert_eq!(a.ticks[2], None);
        assert_eq!(a.ticked_count(4), 1);
        a.toggle(99, s(70));
    }

    #[test]
    fn no_tick_once_every_step_is_done() {
        let mut a = attempt();
        for t in 1..=4 {
            a.tick_next(4, s(t));
        }
        assert_eq!(a.tick_next(4, s(9)), None);
        assert_eq!(a.current_step(4), None);
    }
}
