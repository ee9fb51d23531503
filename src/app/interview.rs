//! The interview loop as the app runs it: where in the loop the candidate is
//! (`Stage`), its progress (`InterviewLoop`), and the transitions between
//! rounds, questions, probes and the summary.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, SubsecRound};
use rand::rngs::StdRng;

use super::Screen;
use super::attempt::Attempt;
use super::countdown::Countdown;
use super::sound::Rec;
use crate::domain::bank::{Bank, Candidate};
use crate::domain::interview_loop::{
    LOOP_SCHEMA_VERSION, LoggedRound, LoopOutcome, LoopPlan, LoopRecord,
};
use crate::domain::session::{LoggedProbe, Outcome, SessionLog, secs};

/// One follow-up to ask: a probe on the story just told, or a request for a
/// new story, which gets a full answer's time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub question: String,
    pub new_story: bool,
}

/// The follow-ups after an answer, asked one after another, each with its
/// own countdown: a Bar Raiser digs two or three layers into one story.
pub struct Probe {
    pub countdown: Countdown,
    /// The follow-up being answered.
    pub current: FollowUp,
    /// Its place (from 1) among all of this answer's follow-ups.
    pub number: usize,
    pub total: usize,
    /// Those still to come, in order.
    pub next: Vec<FollowUp>,
    /// Those answered, with their times.
    pub asked: Vec<LoggedProbe>,
    pub bell_rung: bool,
    /// The recording of the answer to the current follow-up (each has its own).
    pub rec: Rec,
}

impl Probe {
    /// Starts on the first of `follow_ups`; `None` when there are none.
    pub fn start(
        mut follow_ups: Vec<FollowUp>,
        limits: ProbeLimits,
        now: Duration,
    ) -> Option<Self> {
        if follow_ups.is_empty() {
            return None;
        }
        let total = follow_ups.len();
        let current = follow_ups.remove(0);
        Some(Self {
            countdown: Countdown::start(limits.of(&current), now),
            current,
            number: 1,
            total,
            next: follow_ups,
            asked: Vec::new(),
            bell_rung: false,
            rec: Rec::Off,
        })
    }

    /// The follow-ups as they stand: those answered and, if `now` is given,
    /// the one being answered so far.
    pub fn logged(&self, now: Option<Duration>) -> Vec<LoggedProbe> {
        let mut logged = self.asked.clone();
        if let Some(now) = now {
            logged.push(LoggedProbe {
                question: self.current.question.clone(),
                secs: secs(self.countdown.elapsed(now)),
                new_story: self.current.new_story,
                audio: self.rec.file().map(str::to_string),
            });
        }
        logged
    }

    /// Records the current follow-up as answered and moves to the next;
    /// false when it was the last. The next one is recorded if this one was
    /// meant to be (`rec` is `Waiting` for the app to start it).
    pub fn advance(&mut self, limits: ProbeLimits, now: Duration) -> bool {
        self.countdown.stop(now);
        self.asked = self.logged(Some(now));
        if self.next.is_empty() {
            return false;
        }
        self.current = self.next.remove(0);
        self.number += 1;
        self.countdown = Countdown::start(limits.of(&self.current), now);
        self.bell_rung = false;
        self.rec = match self.rec {
            Rec::Off => Rec::Off,
            _ => Rec::Waiting,
        };
        true
    }
}

/// A follow-up's recording is named after the answer's log:
/// `<log file stem>-probe<number>`.
pub fn probe_stem(answer_stem: &str, number: usize) -> String {
    format!("{answer_stem}-probe{number}")
}

/// How long a follow-up's answer may take.
#[derive(Debug, Clone, Copy)]
pub struct ProbeLimits {
    pub probe: Duration,
    /// A new story gets a full answer's time.
    pub new_story: Duration,
}

impl ProbeLimits {
    fn of(&self, follow_up: &FollowUp) -> Duration {
        if follow_up.new_story {
            self.new_story
        } else {
            self.probe
        }
    }
}

/// Where in the loop the candidate is.
pub enum Stage {
    /// Who the next interviewer is and what they probe.
    RoundIntro,
    /// A question: answering it, its wrap-up card, or the pause after it.
    Question(Screen),
    /// The follow-up probes after the answer, before its wrap-up card.
    Probe(Attempt, Probe),
    /// The last interviewer's "Do you have any questions for me?".
    Closing,
    /// The end-of-loop summary.
    Summary,
}

/// `stardrill loop` while it runs: its plan and progress, the stage on
/// screen, and the seeded random stream for follow-ups and replacements.
pub struct LoopRun {
    pub interview: InterviewLoop,
    pub stage: Stage,
    pub rng: StdRng,
    /// Who is answering, so a replacement question suits them too.
    pub candidate: Option<Candidate>,
}

impl LoopRun {
    pub fn attempt(&self) -> Option<&Attempt> {
        match &self.stage {
            Stage::Question(screen) => screen.attempt(),
            Stage::Probe(attempt, _) => Some(attempt),
            Stage::RoundIntro | Stage::Closing | Stage::Summary => None,
        }
    }

    pub fn attempt_mut(&mut self) -> Option<&mut Attempt> {
        match &mut self.stage {
            Stage::Question(screen) => screen.attempt_mut(),
            Stage::Probe(attempt, _) => Some(attempt),
            Stage::RoundIntro | Stage::Closing | Stage::Summary => None,
        }
    }

    /// After a completed answer was saved: the next question of the round,
    /// the next interviewer, or the summary. True when the loop just ended.
    pub fn advance(&mut self, log: &SessionLog, now: Duration) -> bool {
        if self.interview.record_and_advance(log) {
            self.interview.finish(LoopOutcome::Completed, now);
            self.stage = Stage::Closing;
            return true;
        }
        self.stage = if self.interview.asked == 0 {
            Stage::RoundIntro
        } else {
            Stage::Question(Screen::Between)
        };
        false
    }

    /// A skipped question is replaced by another on the same round's principles.
    pub fn replace_current(&mut self, bank: &Bank) {
        let interview = &mut self.interview;
        let replacement = interview.plan.replacement(
            bank,
            interview.round,
            interview.asked,
            self.candidate,
            &mut self.rng,
        );
        if let (Some(q), Some(round)) =
            (replacement, interview.plan.rounds.get_mut(interview.round))
            && let Some(slot) = round.questions.get_mut(interview.asked)
        {
            *slot = q;
        }
    }

    /// Leaving the loop early, after `last` (the attempt just saved, if
    /// any). True when there is a record to write: a loop left before its
    /// first question has nothing to record.
    pub fn abandon(&mut self, last: Option<&SessionLog>, now: Duration) -> bool {
        if self.interview.is_finished() {
            return false;
        }
        if let Some(log) = last.filter(|l| l.outcome == Outcome::Completed) {
            self.interview.record_and_advance(log);
        }
        self.interview.finish(LoopOutcome::Abandoned, now);
        last.is_some()
            || self.interview.answers.iter().any(|r| !r.is_empty())
            || self.interview.sessions.iter().any(|r| !r.is_empty())
    }

    /// The interviewer who already heard `story` in an earlier round of
    /// this loop, if one did: interviewers compare notes in the debrief.
    pub fn heard_before(&self, story: &str) -> Option<(usize, &str)> {
        let interview = &self.interview;
        interview
            .answers
            .iter()
            .take(interview.round)
            .enumerate()
            .find(|(_, logs)| {
                logs.iter()
                    .any(|l| l.story.as_ref().is_some_and(|s| s.id == story))
            })
            .and_then(|(round, _)| {
                let who = interview.plan.rounds.get(round)?;
                Some((round + 1, who.interviewer.as_str()))
            })
    }

    /// Notes where a session of this loop was saved.
    pub fn on_session_saved(&mut self, log: &SessionLog, file_name: &str) {
        let interview = &mut self.interview;
        if let Some(round) = log.round
            && log.loop_id.as_deref() == Some(interview.id.as_str())
            && let Some(sessions) = interview.sessions.get_mut(round as usize - 1)
        {
            sessions.push(file_name.to_string());
        }
    }
}

pub struct InterviewLoop {
    pub id: String,
    pub plan: LoopPlan,
    pub follow_up_secs: u64,
    pub started_wall: DateTime<FixedOffset>,
    pub started_mono: Duration,
    pub round: usize,
    /// Position of the current question within its round.
    pub asked: usize,
    /// Session file names per round, filled in as saves succeed.
    pub sessions: Vec<Vec<String>>,
    /// The logs of the questions answered or skipped, per round: the
    /// summary is derived from them.
    pub answers: Vec<Vec<SessionLog>>,
    pub outcome: Option<LoopOutcome>,
    pub ended_mono: Option<Duration>,
    pub record_path: Option<PathBuf>,
}

impl InterviewLoop {
    pub fn new(
        id: String,
        plan: LoopPlan,
        follow_up_secs: u64,
        wall: DateTime<FixedOffset>,
        now: Duration,
    ) -> Self {
        let rounds = plan.rounds.len();
        Self {
            id,
            plan,
            follow_up_secs,
            started_wall: wall,
            started_mono: now,
            round: 0,
            asked: 0,
            sessions: vec![Vec::new(); rounds],
            answers: vec![Vec::new(); rounds],
            outcome: None,
            ended_mono: None,
            record_path: None,
        }
    }

    pub fn current_question(&self) -> Option<usize> {
        self.plan
            .rounds
            .get(self.round)?
            .questions
            .get(self.asked)
            .copied()
    }

    pub fn is_finished(&self) -> bool {
        self.outcome.is_some()
    }

    /// Notes an answer and moves on; true when that ended the loop.
    pub fn record_and_advance(&mut self, log: &SessionLog) -> bool {
        if let Some(round) = self.answers.get_mut(self.round) {
            round.push(log.clone());
        }
        self.asked += 1;
        let in_round = self
            .plan
            .rounds
            .get(self.round)
            .map_or(0, |r| r.questions.len());
        if self.asked >= in_round {
            self.round += 1;
            self.asked = 0;
        }
        self.round >= self.plan.rounds.len()
    }

    pub fn finish(&mut self, outcome: LoopOutcome, now: Duration) {
        if self.outcome.is_none() {
            self.outcome = Some(outcome);
            self.ended_mono = Some(now);
        }
    }

    pub fn record(&self) -> LoopRecord {
        let elapsed = self
            .ended_mono
            .unwrap_or(self.started_mono)
            .saturating_sub(self.started_mono);
        LoopRecord {
            schema_version: LOOP_SCHEMA_VERSION,
            id: self.id.clone(),
            started_at: self.started_wall,
            ended_at: (self.started_wall + chrono::Duration::from_std(elapsed).unwrap_or_default())
                .trunc_subsecs(0),
            outcome: self.outcome.unwrap_or(LoopOutcome::Abandoned),
            rounds: self
                .plan
                .rounds
                .iter()
                .zip(&self.sessions)
                .map(|(round, sessions)| LoggedRound {
                    interviewer: round.interviewer.clone(),
                    bar_raiser: round.bar_raiser,
                    principles: round.principles.clone(),
                    sessions: sessions.clone(),
                })
                .collect(),
        }
    }

    /// Distinct principles the answered questions touched, in catalogue order
    /// of first appearance.
    pub fn principles_covered(&self) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for log in self
            .answers
            .iter()
            .flatten()
            .filter(|a| a.outcome == Outcome::Completed)
        {
            for p in &log.question.principles {
                if !seen.contains(p) {
                    seen.push(p.clone());
                }
            }
        }
        seen
    }
}
