//! Every past session, held compactly so 100,000 of them fit in a few tens of MB:
//! strings that repeat across sessions (question text, step names, follow-ups)
//! are stored once and referred to by number.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::bank::QuestionKind;
use super::cues::Cues;
use super::delivery::Delivery;
use super::session::{
    LoggedQuestion, LoggedStep, LoggedStory, Outcome, Rubric, SCHEMA_VERSION, SessionLog,
};

/// The Situation step's key and its 30-second rule.
pub const SITUATION_KEY: &str = "situation";
pub const SITUATION_TARGET_SECS: f64 = 30.0;

/// A number standing for an interned string.
pub type Sym = u32;

/// Strings stored once each.
#[derive(Debug, Default, Clone)]
pub struct Strings {
    list: Vec<Box<str>>,
    index: HashMap<Box<str>, Sym>,
}

impl Strings {
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.index.get(s) {
            return sym;
        }
        let sym = Sym::try_from(self.list.len()).unwrap_or(Sym::MAX);
        self.list.push(s.into());
        self.index.insert(s.into(), sym);
        sym
    }

    pub fn get(&self, sym: Sym) -> &str {
        self.list.get(sym as usize).map_or("", |s| s)
    }
}

/// A question as logged; shared by every attempt at it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QuestionRec {
    pub id: Sym,
    pub text: Sym,
    pub principles: Box<[Sym]>,
    pub kind: QuestionKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepRec {
    pub key: Sym,
    pub name: Sym,
    pub target_secs: u64,
    pub checked_at_secs: Option<f64>,
}

/// One session log, compacted. `to_log` gives the original record back.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// File name inside `sessions/`.
    pub file: Box<str>,
    pub id: Box<str>,
    pub started_at: DateTime<FixedOffset>,
    pub ended_at: DateTime<FixedOffset>,
    pub outcome: Outcome,
    pub framework: Sym,
    pub time_limit_secs: u64,
    pub answer_secs: f64,
    pub overtime_secs: f64,
    pub paused_secs: f64,
    pub rating: Option<u8>,
    pub follow_up: Option<Sym>,
    pub notes: Box<str>,
    /// Index into `History::questions`.
    pub question: u32,
    pub steps: Box<[StepRec]>,
    pub rubric: Rubric,
    pub follow_up_secs: Option<f64>,
    pub loop_id: Option<Box<str>>,
    pub round: Option<u32>,
    pub story: Option<Box<LoggedStory>>,
    /// The answer's recording, a file in `<data dir>/audio/`.
    pub audio: Option<Box<str>>,
    /// How the answer was said (boxed: most sessions have none).
    pub delivery: Option<Box<Delivery>>,
    /// What was said, read from the answer's transcript: set by
    /// [`History::set_cues`] after loading (transcripts are files of their
    /// own, never in the log or the cache).
    pub cues: Option<Box<Cues>>,
}

impl Session {
    /// The local calendar day the session started on (in the offset it was logged with).
    pub fn day(&self) -> NaiveDate {
        self.started_at.date_naive()
    }

    pub fn is_over(&self) -> bool {
        self.overtime_secs > 0.0
    }

    /// Where each step began in the answer: the latest tick before its own
    /// (or 0). A step not ticked began at the last tick if it is the first
    /// one left (the step being spoken when the answer ended); other steps
    /// not ticked have no place.
    pub fn step_starts(&self) -> Vec<Option<f64>> {
        let ticks: Vec<f64> = self
            .steps
            .iter()
            .filter_map(|s| s.checked_at_secs)
            .collect();
        let before = |t: f64| ticks.iter().copied().filter(|&o| o < t).fold(0.0, f64::max);
        let last = ticks.iter().copied().fold(0.0, f64::max);
        let first_left = self.steps.iter().position(|s| s.checked_at_secs.is_none());
        self.steps
            .iter()
            .enumerate()
            .map(|(i, s)| match s.checked_at_secs {
                Some(at) => Some(before(at)),
                None if Some(i) == first_left => Some(last),
                None => None,
            })
            .collect()
    }

    /// The step being spoken `secs` into the answer: the ticked step whose
    /// span holds it, else (after the last tick) the first step not ticked.
    pub fn step_at(&self, secs: f64) -> Option<usize> {
        let starts = self.step_starts();
        let ticked = self.steps.iter().enumerate().find(|(i, s)| {
            matches!((starts[*i], s.checked_at_secs), (Some(from), Some(to)) if secs >= from && secs < to)
        });
        match ticked {
            Some((i, _)) => Some(i),
            None => self
                .steps
                .iter()
                .position(|s| s.checked_at_secs.is_none())
                .filter(|&i| starts[i].is_some_and(|from| secs >= from)),
        }
    }

    /// How long each step took: its tick minus the latest earlier tick (or 0).
    pub fn step_times(&self) -> Vec<Option<f64>> {
        self.steps
            .iter()
            .map(|s| {
                s.checked_at_secs.map(|at| {
                    let before = self
                        .steps
                        .iter()
                        .filter_map(|o| o.checked_at_secs)
                        .filter(|&o| o < at)
                        .fold(0.0, f64::max);
                    at - before
                })
            })
            .collect()
    }
}

/// Builds a `History`; one per loader thread, merged at the end.
#[derive(Debug, Default)]
pub struct HistoryBuilder {
    strings: Strings,
    questions: Vec<QuestionRec>,
    question_index: HashMap<QuestionRec, u32>,
    sessions: Vec<Session>,
}

impl HistoryBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    fn question(&mut self, rec: QuestionRec) -> u32 {
        if let Some(&i) = self.question_index.get(&rec) {
            return i;
        }
        let i = u32::try_from(self.questions.len()).unwrap_or(u32::MAX);
        self.questions.push(rec.clone());
        self.question_index.insert(rec, i);
        i
    }

    pub fn push(&mut self, file: &str, log: SessionLog) {
        let s = &mut self.strings;
        let question = QuestionRec {
            id: s.intern(&log.question.id),
            text: s.intern(&log.question.text),
            principles: log
                .question
                .principles
                .iter()
                .map(|p| s.intern(p))
                .collect(),
            kind: log.question.kind,
        };
        let steps = log
            .steps
            .iter()
            .map(|st| StepRec {
                key: s.intern(&st.key),
                name: s.intern(&st.name),
                target_secs: st.target_secs,
                checked_at_secs: st.checked_at_secs,
            })
            .collect();
        let framework = s.intern(&log.framework);
        let follow_up = log.follow_up.as_deref().map(|f| s.intern(f));
        let question = self.question(question);
        self.sessions.push(Session {
            file: file.into(),
            id: log.id.into(),
            started_at: log.started_at,
            ended_at: log.ended_at,
            outcome: log.outcome,
            framework,
            time_limit_secs: log.time_limit_secs,
            answer_secs: log.answer_secs,
            overtime_secs: log.overtime_secs,
            paused_secs: log.paused_secs,
            rating: log.rating,
            follow_up,
            notes: log.notes.into(),
            question,
            steps,
            rubric: log.rubric,
            follow_up_secs: log.follow_up_secs,
            loop_id: log.loop_id.map(Into::into),
            round: log.round,
            story: log.story.map(Box::new),
            audio: log.audio.map(Into::into),
            delivery: log.delivery.map(Box::new),
            cues: None,
        });
    }

    /// Takes in another builder's sessions, renumbering its strings and questions.
    pub fn absorb(&mut self, other: HistoryBuilder) {
        let syms: Vec<Sym> = other
            .strings
            .list
            .iter()
            .map(|s| self.strings.intern(s))
            .collect();
        let map = |sym: Sym| syms.get(sym as usize).copied().unwrap_or(sym);
        let questions: Vec<u32> = other
            .questions
            .into_iter()
            .map(|q| {
                self.question(QuestionRec {
                    id: map(q.id),
                    text: map(q.text),
                    principles: q.principles.iter().map(|&p| map(p)).collect(),
                    kind: q.kind,
                })
            })
            .collect();
        self.sessions.reserve(other.sessions.len());
        for mut session in other.sessions {
            session.framework = map(session.framework);
            session.follow_up = session.follow_up.map(map);
            session.question = questions
                .get(session.question as usize)
                .copied()
                .unwrap_or(session.question);
            for step in session.steps.iter_mut() {
                step.key = map(step.key);
                step.name = map(step.name);
            }
            self.sessions.push(session);
        }
    }

    /// A builder holding `sessions` over tables saved earlier (the loader's
    /// cache), ready to absorb freshly parsed logs. `None` when a session or a
    /// question refers to a string or a question the tables do not have.
    pub fn from_tables(
        strings: Vec<Box<str>>,
        questions: Vec<QuestionRec>,
        sessions: Vec<Session>,
    ) -> Option<Self> {
        let n_strings = strings.len();
        let ok = |sym: Sym| (sym as usize) < n_strings;
        let questions_ok = questions
            .iter()
            .all(|q| ok(q.id) && ok(q.text) && q.principles.iter().all(|&p| ok(p)));
        let sessions_ok = sessions.iter().all(|s| {
            (s.question as usize) < questions.len()
                && ok(s.framework)
                && s.follow_up.is_none_or(ok)
                && s.steps.iter().all(|st| ok(st.key) && ok(st.name))
        });
        if !questions_ok || !sessions_ok {
            return None;
        }
        let mut index = HashMap::with_capacity(n_strings);
        for (i, s) in strings.iter().enumerate() {
            index
                .entry(s.clone())
                .or_insert(Sym::try_from(i).unwrap_or(Sym::MAX));
        }
        let mut question_index = HashMap::with_capacity(questions.len());
        for (i, q) in questions.iter().enumerate() {
            question_index
                .entry(q.clone())
                .or_insert(u32::try_from(i).unwrap_or(u32::MAX));
        }
        Some(Self {
            strings: Strings {
                list: strings,
                index,
            },
            questions,
            question_index,
            sessions,
        })
    }

    /// The sessions pushed or taken in so far, in that order.
    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    /// Keeps the sessions whose flag (in `sessions()` order) is true.
    pub fn retain_flagged(&mut self, keep: &[bool]) {
        let mut flags = keep.iter();
        self.sessions
            .retain(|_| flags.next().copied().unwrap_or(false));
    }

    pub fn build(self) -> History {
        let mut history = History {
            strings: self.strings,
            questions: self.questions,
            sessions: self.sessions,
            by_question: HashMap::new(),
        };
        history.sessions.sort_unstable_by(newest_first);
        history.index();
        history
    }
}

fn newest_first(a: &Session, b: &Session) -> std::cmp::Ordering {
    b.started_at
        .cmp(&a.started_at)
        .then_with(|| b.file.cmp(&a.file))
}

/// All readable sessions, newest first.
#[derive(Debug, Default)]
pub struct History {
    strings: Strings,
    questions: Vec<QuestionRec>,
    sessions: Vec<Session>,
    /// Question id → sessions at that question, newest first.
    by_question: HashMap<Sym, Vec<u32>>,
}

impl History {
    pub fn from_logs<'a>(logs: impl IntoIterator<Item = (&'a str, SessionLog)>) -> Self {
        let mut builder = HistoryBuilder::new();
        for (file, log) in logs {
            builder.push(file, log);
        }
        builder.build()
    }

    fn index(&mut self) {
        self.by_question.clear();
        for (i, s) in self.sessions.iter().enumerate() {
            let id = self.questions[s.question as usize].id;
            self.by_question
                .entry(id)
                .or_default()
                .push(u32::try_from(i).unwrap_or(u32::MAX));
        }
    }

    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    /// Every interned string, indexed by `Sym` (some may no longer be used).
    pub fn strings(&self) -> &[Box<str>] {
        &self.strings.list
    }

    /// Every question, indexed by `Session::question`.
    pub fn questions(&self) -> &[QuestionRec] {
        &self.questions
    }

    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<&Session> {
        self.sessions.get(index)
    }

    pub fn str(&self, sym: Sym) -> &str {
        self.strings.get(sym)
    }

    pub fn question(&self, session: &Session) -> &QuestionRec {
        &self.questions[session.question as usize]
    }

    pub fn question_text(&self, session: &Session) -> &str {
        self.str(self.question(session).text)
    }

    /// Principle slugs of a session's question, primary first.
    pub fn principles<'a>(&'a self, session: &'a Session) -> impl Iterator<Item = &'a str> + 'a {
        self.question(session)
            .principles
            .iter()
            .map(|&p| self.str(p))
    }

    /// Indices of every session at the same question, newest first (itself included).
    pub fn attempts_at(&self, session: &Session) -> &[u32] {
        self.by_question
            .get(&self.question(session).id)
            .map_or(&[], Vec::as_slice)
    }

    /// How many strings the history holds: each `Sym` it gives is below this.
    pub fn symbol_count(&self) -> usize {
        self.strings.list.len()
    }

    /// For each string the history holds, by `Sym`, whether it reads `text`:
    /// a loop over many sessions then compares numbers, not strings.
    pub fn marks(&self, text: &str) -> Vec<bool> {
        self.strings.list.iter().map(|s| &**s == text).collect()
    }

    /// Time spent on the Situation step, when it was ticked.
    pub fn situation_secs(&self, session: &Session) -> Option<f64> {
        self.situation_secs_where(session, |key| self.str(key) == SITUATION_KEY)
    }

    /// [`History::situation_secs`] with `situation` from [`History::marks`]`(SITUATION_KEY)`.
    pub fn situation_secs_marked(&self, session: &Session, situation: &[bool]) -> Option<f64> {
        self.situation_secs_where(session, |key| {
            situation
                .get(key as usize)
                .copied()
                .unwrap_or_else(|| self.str(key) == SITUATION_KEY)
        })
    }

    fn situation_secs_where(
        &self,
        session: &Session,
        is_situation: impl Fn(Sym) -> bool,
    ) -> Option<f64> {
        // As `Session::step_times` reckons it, for this one step.
        let step = session.steps.iter().find(|s| is_situation(s.key))?;
        let at = step.checked_at_secs?;
        let before = session
            .steps
            .iter()
            .filter_map(|o| o.checked_at_secs)
            .filter(|&o| o < at)
            .fold(0.0, f64::max);
        Some(at - before)
    }

    /// Forgets a session (after its file went to the trash).
    pub fn remove_file(&mut self, file: &str) -> Option<Session> {
        let at = self.sessions.iter().position(|s| &*s.file == file)?;
        let removed = self.sessions.remove(at);
        self.index();
        Some(removed)
    }

    /// The session's steps as its log has them (names, targets, tick times).
    pub fn logged_steps(&self, session: &Session) -> Vec<LoggedStep> {
        session
            .steps
            .iter()
            .map(|s| LoggedStep {
                key: self.str(s.key).to_string(),
                name: self.str(s.name).to_string(),
                target_secs: s.target_secs,
                checked_at_secs: s.checked_at_secs,
            })
            .collect()
    }

    /// Gives each session the cues `read` finds for it (from its log file's
    /// name and its steps); `None` leaves it without. Returns how many have cues.
    pub fn set_cues(&mut self, mut read: impl FnMut(&str, &[LoggedStep]) -> Option<Cues>) -> usize {
        let mut with = 0;
        for i in 0..self.sessions.len() {
            let steps = self.logged_steps(&self.sessions[i]);
            let cues = read(&self.sessions[i].file, &steps).map(Box::new);
            with += usize::from(cues.is_some());
            self.sessions[i].cues = cues;
        }
        with
    }

    pub fn to_log(&self, session: &Session) -> SessionLog {
        let q = self.question(session);
        SessionLog {
            schema_version: super::session::SCHEMA_VERSION,
            id: session.id.to_string(),
            started_at: session.started_at,
            ended_at: session.ended_at,
            outcome: session.outcome,
            framework: self.str(session.framework).to_string(),
            time_limit_secs: session.time_limit_secs,
            answer_secs: session.answer_secs,
            overtime_secs: session.overtime_secs,
            paused_secs: session.paused_secs,
            rating: session.rating,
            follow_up: session.follow_up.map(|f| self.str(f).to_string()),
            notes: session.notes.to_string(),
            question: LoggedQuestion {
                id: self.str(q.id).to_string(),
                text: self.str(q.text).to_string(),
                principles: q
                    .principles
                    .iter()
                    .map(|&p| self.str(p).to_string())
                    .collect(),
                kind: q.kind,
            },
            steps: self.logged_steps(session),
            rubric: session.rubric,
            follow_up_secs: session.follow_up_secs,
            probes: Vec::new(),
            loop_id: session.loop_id.as_deref().map(str::to_string),
            round: session.round,
            story: session.story.as_deref().cloned(),
            audio: session.audio.as_deref().map(str::to_string),
            delivery: session.delivery.as_deref().cloned(),
        }
    }
}

/// A history as loaded from a folder of logs, with the files that were left out.
#[derive(Debug, Default)]
pub struct Loaded {
    pub history: History,
    /// Sorted by file name.
    pub skipped: Vec<Skipped>,
}

/// A file in `sessions/` that is not in the history, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub file: String,
    pub reason: SkipReason,
}

/// Why a file in `sessions/` was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    Empty,
    Unreadable(String),
    /// Not valid TOML, or a field missing or of the wrong type.
    Invalid {
        line: Option<usize>,
        message: String,
    },
    /// Written by a newer stardrill.
    Newer(i64),
    NotOurs(&'static str),
}

/// Why a file is not ours, when that follows from its name and content alone.
pub const TOO_BIG: &str = "larger than 1 MiB";
pub const NOT_UTF8: &str = "not UTF-8 text";
pub const NOT_TOML: &str = "not a .toml file";
pub const NO_SCHEMA: &str = "no schema_version";
/// The `NotOurs` reasons that hold for as long as the file is unchanged.
pub const NOT_OURS_LASTING: &[&str] = &[TOO_BIG, NOT_UTF8, NOT_TOML, NO_SCHEMA];

impl SkipReason {
    /// True when the reason follows from the file's name and content alone, so
    /// it holds until the file changes (the history cache may keep it); an I/O
    /// error may be gone next time, so that file is tried again.
    pub fn lasts(&self) -> bool {
        match self {
            Self::Unreadable(_) => false,
            Self::NotOurs(why) => NOT_OURS_LASTING.contains(why),
            Self::Empty | Self::Invalid { .. } | Self::Newer(_) => true,
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("empty file"),
            Self::Unreadable(e) => write!(f, "cannot read it: {e}"),
            Self::Invalid {
                line: Some(line),
                message,
            } => write!(f, "line {line}: {message}"),
            Self::Invalid {
                line: None,
                message,
            } => f.write_str(message),
            Self::Newer(v) => write!(
                f,
                "schema_version {v} is newer than this stardrill reads ({SCHEMA_VERSION}); upgrade to see it"
            ),
            Self::NotOurs(why) => write!(f, "not a stardrill session log ({why})"),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small log for tests: `minutes` after 2026-01-01 09:00 +01:00.
    pub(crate) fn log(id: &str, day: u32, question: &str, principles: &[&str]) -> SessionLog {
        let started_at = DateTime::parse_from_rfc3339(&format!("2026-01-{day:02}T09:00:00+01:00"))
            .unwrap_or_default();
        SessionLog {
            schema_version: 1,
            id: id.into(),
            started_at,
            ended_at: started_at + chrono::Duration::seconds(130),
            outcome: Outcome::Completed,
            framework: "star".into(),
            time_limit_secs: 120,
            answer_secs: 110.0,
            overtime_secs: 0.0,
            paused_secs: 0.0,
            rating: Some(3),
            follow_up: Some("Why?".into()),
            notes: "note".into(),
            question: LoggedQuestion {
                id: question.into(),
                text: format!("Question {question}?"),
                principles: principles.iter().map(|p| p.to_string()).collect(),
                kind: QuestionKind::Behavioral,
            },
            steps: vec![
                LoggedStep {
                    key: "situation".into(),
                    name: "Situation".into(),
                    target_secs: 30,
                    checked_at_secs: Some(35.0),
                },
                LoggedStep {
                    key: "task".into(),
                    name: "Task".into(),
                    target_secs: 15,
                    checked_at_secs: Some(45.5),
                },
                LoggedStep {
                    key: "action".into(),
                    name: "Action".into(),
                    target_secs: 50,
                    checked_at_secs: None,
                },
            ],
            rubric: Rubric::default(),
            follow_up_secs: None,
            probes: Vec::new(),
            loop_id: None,
            round: None,
            story: None,
            audio: None,
            delivery: None,
        }
    }

    #[test]
    fn round_trips_and_interns() {
        let a = log("aaaaaa", 1, "co-01", &["customer-obsession"]);
        let b = log("bbbbbb", 2, "co-01", &["customer-obsession"]);
        let c = log("cccccc", 3, "dd-01", &["dive-deep", "ownership"]);
        let mut left = HistoryBuilder::new();
        left.push("a.toml", a.clone());
        let mut right = HistoryBuilder::new();
        right.push("c.toml", c.clone());
        right.push("b.toml", b.clone());
        left.absorb(right);
        let h = left.build();
        assert_eq!(h.len(), 3);
        // Newest first, and every field comes back.
        assert_eq!(h.to_log(&h.sessions()[0]), c);
        assert_eq!(h.to_log(&h.sessions()[1]), b);
        assert_eq!(h.to_log(&h.sessions()[2]), a);
        assert_eq!(h.questions.len(), 2);
        assert_eq!(h.attempts_at(&h.sessions()[2]), &[1, 2]);
        let s = &h.sessions()[0];
        assert_eq!(s.step_times(), vec![Some(35.0), Some(10.5), None]);
        assert_eq!(h.situation_secs(s), Some(35.0));
        assert_eq!(
            h.principles(s).collect::<Vec<_>>(),
            ["dive-deep", "ownership"]
        );
    }

    #[test]
    fn recordings_and_delivery_come_back() {
        let mut a = log("aaaaaa", 1, "co-01", &["customer-obsession"]);
        a.audio = Some("20260101T080000Z-aaaaaa.ogg".into());
        a.delivery = Some(Delivery {
            audio_secs: 110.0,
            speaking_secs: 90.5,
            silence_secs: 19.5,
            first_word_secs: Some(1.2),
            syllables: 300,
            wpm: Some(147.0),
            pauses: vec![super::super::delivery::Pause {
                at_secs: 40.0,
                secs: 3.5,
                step: Some("action".into()),
            }],
            steps: Vec::new(),
        });
        let h = History::from_logs([("a.toml", a.clone())]);
        assert_eq!(h.to_log(&h.sessions()[0]), a);
    }

    #[test]
    fn steps_start_at_the_tick_before_and_the_playing_step_is_found() {
        // Situation ticked at 35, Task at 45.5, Action not ticked.
        let h = History::from_logs([("a.toml", log("a", 1, "q", &["ownership"]))]);
        let s = &h.sessions()[0];
        assert_eq!(s.step_starts(), vec![Some(0.0), Some(35.0), Some(45.5)]);
        assert_eq!(s.step_at(0.0), Some(0));
        assert_eq!(s.step_at(34.9), Some(0));
        assert_eq!(s.step_at(35.0), Some(1));
        assert_eq!(
            s.step_at(50.0),
            Some(2),
            "after the last tick: the step left"
        );
        let mut none = log("b", 1, "q", &["ownership"]);
        for step in &mut none.steps {
            step.checked_at_secs = None;
        }
        let h = History::from_logs([("b.toml", none)]);
        let s = &h.sessions()[0];
        assert_eq!(s.step_starts(), vec![Some(0.0), None, None]);
        assert_eq!(s.step_at(10.0), Some(0));
    }

    #[test]
    fn remove_reindexes() {
        let mut h = History::from_logs([
            ("a.toml", log("a", 1, "q", &["ownership"])),
            ("b.toml", log("b", 2, "q", &["ownership"])),
        ]);
        assert!(h.remove_file("b.toml").is_some());
        assert!(h.remove_file("b.toml").is_none());
        assert_eq!(h.len(), 1);
        assert_eq!(h.attempts_at(&h.sessions()[0]), &[0]);
    }
}
