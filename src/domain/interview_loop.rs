//! A simulated onsite loop: several interviewers, each assigned two or three
//! principles, then a Bar Raiser who may probe any of them.

use chrono::{DateTime, FixedOffset};
use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::bank::{Bank, QuestionKind};
use super::principles::Principles;

pub const LOOP_SCHEMA_VERSION: u32 = 1;
pub const QUESTIONS_PER_ROUND: usize = 2;

const ROLES: [&str; 5] = [
    "Hiring manager",
    "Peer on the team",
    "Senior engineer",
    "Cross-team partner",
    "Second peer",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub interviewer: String,
    pub principles: Vec<String>,
    pub bar_raiser: bool,
    /// Bank indices, in the order they are asked.
    pub questions: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopPlan {
    pub rounds: Vec<Round>,
}

impl LoopPlan {
    /// `rounds` interviews, the last one the Bar Raiser's. Each other round
    /// gets 2–3 principles of its own; the Bar Raiser draws across all,
    /// favouring principles no one else was assigned.
    pub fn new(bank: &Bank, principles: &Principles, rounds: usize, rng: &mut impl Rng) -> Self {
        let rounds = rounds.max(1);
        let mut slugs: Vec<String> = principles.all().iter().map(|p| p.slug.clone()).collect();
        slugs.shuffle(rng);
        let regular = rounds - 1;
        let per_round = if regular > 0 {
            (slugs.len() / (regular + 1)).clamp(2, 3)
        } else {
            0
        };
        let mut used_questions: Vec<usize> = Vec::new();
        let mut plan = Vec::with_capacity(rounds);
        let mut assigned = 0;
        for role in ROLES.iter().take(regular) {
            let mine: Vec<String> = slugs
                .iter()
                .skip(assigned)
                .take(per_round)
                .cloned()
                .collect();
            assigned += mine.len();
            let questions = pick_questions(bank, &mine, &mut used_questions, rng);
            plan.push(Round {
                interviewer: (*role).to_string(),
                principles: mine,
                bar_raiser: false,
                questions,
            });
        }
        let unassigned: Vec<String> = slugs.iter().skip(assigned).cloned().collect();
        let mut questions = pick_questions(bank, &unassigned, &mut used_questions, rng);
        if questions.len() < QUESTIONS_PER_ROUND {
            let more = pick_questions(bank, &slugs, &mut used_questions, rng);
            questions.extend(more.into_iter().take(QUESTIONS_PER_ROUND - questions.len()));
        }
        plan.push(Round {
            interviewer: "Bar Raiser".to_string(),
            principles: slugs,
            bar_raiser: true,
            questions,
        });
        Self { rounds: plan }
    }

    pub fn question_count(&self) -> usize {
        self.rounds.iter().map(|r| r.questions.len()).sum()
    }

    /// A replacement for a skipped question, from the same round's principles.
    pub fn replacement(&self, bank: &Bank, round: usize, rng: &mut impl Rng) -> Option<usize> {
        let mut used: Vec<usize> = self
            .rounds
            .iter()
            .flat_map(|r| r.questions.iter().copied())
            .collect();
        let principles = &self.rounds.get(round)?.principles;
        pick_questions(bank, principles, &mut used, rng)
            .first()
            .copied()
    }
}

/// Up to two unused questions whose primary principle is among `principles`,
/// behavioral ones first, as interviewers mostly ask "Tell me about a time…".
fn pick_questions(
    bank: &Bank,
    principles: &[String],
    used: &mut Vec<usize>,
    rng: &mut impl Rng,
) -> Vec<usize> {
    let matches = |primary_only: bool, kind: Option<QuestionKind>| -> Vec<usize> {
        bank.questions()
            .iter()
            .enumerate()
            .filter(|(i, q)| {
                !used.contains(i)
                    && kind.is_none_or(|k| q.kind == k)
                    && if primary_only {
                        q.principles.first().is_some_and(|p| principles.contains(p))
                    } else {
                        q.principles.iter().any(|p| principles.contains(p))
                    }
            })
            .map(|(i, _)| i)
            .collect()
    };
    let mut picked = Vec::new();
    for (primary_only, kind) in [
        (true, Some(QuestionKind::Behavioral)),
        (true, None),
        (false, None),
    ] {
        let mut candidates = matches(primary_only, kind);
        candidates.shuffle(rng);
        // Spread the round over different principles where possible.
        candidates.sort_by_key(|&i| {
            let primary = bank.get(i).principles.first();
            picked
                .iter()
                .any(|&p: &usize| bank.get(p).principles.first() == primary)
        });
        for candidate in candidates {
            if picked.len() == QUESTIONS_PER_ROUND {
                break;
            }
            if !picked.contains(&candidate) {
                picked.push(candidate);
            }
        }
        if picked.len() == QUESTIONS_PER_ROUND {
            break;
        }
    }
    used.extend(&picked);
    picked
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LoopOutcome {
    Completed,
    Abandoned,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRound {
    pub interviewer: String,
    pub bar_raiser: bool,
    pub principles: Vec<String>,
    /// File names in `sessions/` of this round's attempts.
    pub sessions: Vec<String>,
}

/// One record per loop, in `<data dir>/loops/`, naming its sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoopRecord {
    pub schema_version: u32,
    pub id: String,
    pub started_at: DateTime<FixedOffset>,
    pub ended_at: DateTime<FixedOffset>,
    pub outcome: LoopOutcome,
    pub rounds: Vec<LoggedRound>,
}

impl LoopRecord {
    pub fn file_name(&self) -> String {
        super::session::record_file_name(self.started_at, &self.id)
    }

    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        Ok(format!(
            "# stardrill interview loop\n{}",
            toml::to_string(self)?
        ))
    }

    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use std::collections::HashSet;

    fn plan(rounds: usize, seed: u64) -> (crate::domain::Catalog, LoopPlan) {
        let catalog = crate::domain::Catalog::load(None).expect("catalog");
        let plan = LoopPlan::new(
            &catalog.bank,
            &catalog.principles,
            rounds,
            &mut StdRng::seed_from_u64(seed),
        );
        (catalog, plan)
    }

    #[test]
    fn five_rounds_with_a_bar_raiser_last() {
        let (catalog, plan) = plan(5, 1);
        assert_eq!(plan.rounds.len(), 5);
        assert!(plan.rounds[4].bar_raiser);
        assert!(
            plan.rounds[..4]
                .iter()
                .all(|r| !r.bar_raiser && (2..=3).contains(&r.principles.len()))
        );
        assert_eq!(
            plan.rounds[4].principles.len(),
            16,
            "the Bar Raiser draws across all"
        );
        let all: Vec<usize> = plan
            .rounds
            .iter()
            .flat_map(|r| r.questions.clone())
            .collect();
        assert_eq!(all.len(), 10, "two questions per round");
        assert_eq!(
            all.iter().collect::<HashSet<_>>().len(),
            10,
            "no question twice"
        );
        for round in &plan.rounds[..4] {
            for &q in &round.questions {
                let primary = &catalog.bank.get(q).principles[0];
                assert!(
                    round.principles.contains(primary),
                    "{primary} not in {:?}",
                    round.principles
                );
            }
        }
        // Interviewers' principles don't overlap.
        let assigned: Vec<&String> = plan.rounds[..4]
            .iter()
            .flat_map(|r| &r.principles)
            .collect();
        assert_eq!(
            assigned.len(),
            assigned.iter().collect::<HashSet<_>>().len()
        );
    }

    #[test]
    fn the_bar_raiser_asks_about_unassigned_principles() {
        let (catalog, plan) = plan(4, 9);
        let assigned: HashSet<&String> = plan.rounds[..3]
            .iter()
            .flat_map(|r| &r.principles)
            .collect();
        for &q in &plan.rounds[3].questions {
            let primary = &catalog.bank.get(q).principles[0];
            assert!(
                !assigned.contains(primary),
                "{primary} was already assigned"
            );
        }
    }

    #[test]
    fn plans_are_deterministic_per_seed() {
        assert_eq!(plan(4, 3).1, plan(4, 3).1);
        assert_ne!(plan(4, 3).1, plan(4, 4).1);
    }

    #[test]
    fn two_round_loop() {
        let (_, plan) = plan(2, 5);
        assert_eq!(plan.rounds.len(), 2);
        assert_eq!(plan.question_count(), 4);
    }
}
