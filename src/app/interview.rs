//! The interview loop's progress: which round and question, what was saved,
//! and the per-round results the summary is derived from.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, SubsecRound};

use super::countdown::Countdown;
use crate::domain::interview_loop::{
    LOOP_SCHEMA_VERSION, LoggedRound, LoopOutcome, LoopPlan, LoopRecord,
};
use crate::domain::session::{Outcome, SessionLog};

/// The follow-up probe after an answer, with its own shorter countdown.
pub struct Probe {
    pub countdown: Countdown,
    pub question: String,
    pub bell_rung: bool,
}

/// One answered (or skipped) question, as the summary needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub question_id: String,
    pub principles: Vec<String>,
    pub outcome: Outcome,
    pub answer_secs: f64,
    pub limit_secs: u64,
    pub overtime_secs: f64,
    pub rating: Option<u8>,
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
    pub answers: Vec<Vec<Answer>>,
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
            round.push(Answer {
                question_id: log.question.id.clone(),
                principles: log.question.principles.clone(),
                outcome: log.outcome,
                answer_secs: log.answer_secs,
                limit_secs: log.time_limit_secs,
                overtime_secs: log.overtime_secs,
                rating: log.rating,
            });
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
        for answer in self
            .answers
            .iter()
            .flatten()
            .filter(|a| a.outcome == Outcome::Completed)
        {
            for p in &answer.principles {
                if !seen.contains(p) {
                    seen.push(p.clone());
                }
            }
        }
        seen
    }
}
