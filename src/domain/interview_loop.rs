//! A simulated onsite loop: several interviewers, each assigned two or three
//! principles of their own, one of them a Bar Raiser, who has principles too,
//! may dig into any, and holds a veto in the debrief. The hiring manager
//! opens with "Tell me about yourself" and "Why Amazon?"; motivation
//! questions are asked there and nowhere else.

use chrono::{DateTime, FixedOffset};
use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::bank::{Bank, Candidate, QuestionKind};
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
const BAR_RAISER: &str = "Bar Raiser";

/// Where the Bar Raiser sits in the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BarRaiserAt {
    /// Any round but the hiring manager's opening one, drawn with the plan.
    #[default]
    Random,
    First,
    Last,
}

/// What shapes a plan beside the bank: how many rounds, who is answering,
/// where the Bar Raiser sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopShape {
    pub rounds: usize,
    pub candidate: Option<Candidate>,
    pub bar_raiser: BarRaiserAt,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub interviewer: String,
    pub principles: Vec<String>,
    pub bar_raiser: bool,
    /// Bank indices, in the order they are asked: the opening questions
    /// first (hiring manager only), then the principle questions.
    pub questions: Vec<usize>,
    /// How many of `questions` are the opening ("Tell me about yourself").
    pub openers: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopPlan {
    pub rounds: Vec<Round>,
}

impl LoopPlan {
    /// `shape.rounds` interviews. Every interviewer, the Bar Raiser too, gets
    /// 2–3 principles no one else has (while there are enough) and asks two
    /// questions whose first principle is among them. No two questions of a
    /// loop are wordings of one question. With a hiring manager, the loop
    /// opens with them and their opening questions.
    pub fn new(bank: &Bank, principles: &Principles, shape: LoopShape, rng: &mut impl Rng) -> Self {
        let rounds = shape.rounds.max(1);
        let mut slugs: Vec<String> = principles.all().iter().map(|p| p.slug.clone()).collect();
        slugs.shuffle(rng);
        let per_round = (slugs.len() / (rounds + 1)).clamp(2, 3);
        let bar_raiser_at = match (shape.bar_raiser, rounds) {
            (_, 1) | (BarRaiserAt::First, _) => 0,
            (BarRaiserAt::Last, _) => rounds - 1,
            (BarRaiserAt::Random, _) => rng.random_range(1..rounds),
        };
        let mut roles = ROLES.iter();
        let mut picker = QuestionPicker {
            bank,
            candidate: shape.candidate,
            used_groups: Vec::new(),
        };
        let mut plan = Vec::with_capacity(rounds);
        for (round, mine) in slugs.chunks(per_round).take(rounds).enumerate() {
            let bar_raiser = round == bar_raiser_at;
            let interviewer = if bar_raiser {
                BAR_RAISER.to_string()
            } else {
                roles.next().copied().unwrap_or("Interviewer").to_string()
            };
            let opening = if round == 0 && !bar_raiser {
                picker.opening(rng)
            } else {
                Vec::new()
            };
            let mut questions = picker.pick(mine, rng);
            if questions.len() < QUESTIONS_PER_ROUND {
                // Too few questions on these principles: any unused ones.
                let more = picker.pick(&slugs, rng);
                questions.extend(more.into_iter().take(QUESTIONS_PER_ROUND - questions.len()));
            }
            plan.push(Round {
                interviewer,
                principles: mine.to_vec(),
                bar_raiser,
                openers: opening.len(),
                questions: opening.into_iter().chain(questions).collect(),
            });
        }
        Self { rounds: plan }
    }

    pub fn question_count(&self) -> usize {
        self.rounds.iter().map(|r| r.questions.len()).sum()
    }

    /// A replacement for a skipped question from the same round: another
    /// opening question for an opener, else one on the round's principles,
    /// never a wording of a question the loop already has.
    pub fn replacement(
        &self,
        bank: &Bank,
        round: usize,
        position: usize,
        candidate: Option<Candidate>,
        rng: &mut impl Rng,
    ) -> Option<usize> {
        let this = self.rounds.get(round)?;
        let mut picker = QuestionPicker {
            bank,
            candidate,
            used_groups: self
                .rounds
                .iter()
                .flat_map(|r| r.questions.iter().map(|&q| bank.group(q)))
                .collect(),
        };
        if position < this.openers {
            // Another wording of the skipped opening question will do.
            let skipped = *this.questions.get(position)?;
            picker.used_groups.retain(|&g| g != bank.group(skipped));
            return picker.motivation(bank.get(skipped).intro, Some(skipped), rng);
        }
        picker.pick(&this.principles, rng).first().copied()
    }
}

/// Draws a loop's questions: one wording per near-twin group in the whole
/// loop, and only questions the candidate can answer.
struct QuestionPicker<'a> {
    bank: &'a Bank,
    candidate: Option<Candidate>,
    used_groups: Vec<usize>,
}

impl QuestionPicker<'_> {
    fn free(&self, index: usize) -> bool {
        !self.used_groups.contains(&self.bank.group(index))
            && self.bank.get(index).suits(self.candidate)
    }

    fn take(&mut self, index: usize) {
        self.used_groups.push(self.bank.group(index));
    }

    /// The hiring manager's opening: an introduction, then "Why Amazon?" or
    /// another motivation question.
    fn opening(&mut self, rng: &mut impl Rng) -> Vec<usize> {
        [true, false]
            .into_iter()
            .filter_map(|intro| self.motivation(intro, None, rng))
            .collect()
    }

    fn motivation(
        &mut self,
        intro: bool,
        except: Option<usize>,
        rng: &mut impl Rng,
    ) -> Option<usize> {
        let mut pool: Vec<usize> = (0..self.bank.questions().len())
            .filter(|&i| {
                let q = self.bank.get(i);
                q.kind == QuestionKind::Motivation
                    && q.intro == intro
                    && self.free(i)
                    && Some(i) != except
            })
            .collect();
        pool.shuffle(rng);
        let chosen = pool.first().copied()?;
        self.take(chosen);
        Some(chosen)
    }

    /// Up to two unused questions whose first principle is among
    /// `principles`, behavioral ones first, as interviewers mostly ask "Tell
    /// me about a time…". Motivation questions test no principle, so they
    /// never come up here.
    fn pick(&mut self, principles: &[String], rng: &mut impl Rng) -> Vec<usize> {
        let bank = self.bank;
        let matches = |this: &Self, primary_only: bool, kind: Option<QuestionKind>| -> Vec<usize> {
            bank.questions()
                .iter()
                .enumerate()
                .filter(|(i, q)| {
                    this.free(*i)
                        && q.kind != QuestionKind::Motivation
                        && kind.is_none_or(|k| q.kind == k)
                        && if primary_only {
                            q.principles
                                .first()
                                .is_some_and(|p| principles.iter().any(|s| s == p))
                        } else {
                            q.principles
                                .iter()
                                .any(|p| principles.iter().any(|s| s == p))
                        }
                })
                .map(|(i, _)| i)
                .collect()
        };
        let mut picked: Vec<usize> = Vec::new();
        for (primary_only, kind) in [
            (true, Some(QuestionKind::Behavioral)),
            (true, None),
            (false, None),
        ] {
            let mut candidates = matches(self, primary_only, kind);
            candidates.shuffle(rng);
            // Spread the round over different principles where possible.
            candidates.sort_by_key(|&i| {
                let primary = bank.get(i).principles.first();
                picked
                    .iter()
                    .any(|&p| bank.get(p).principles.first() == primary)
            });
            for candidate in candidates {
                if picked.len() == QUESTIONS_PER_ROUND {
                    break;
                }
                if self.free(candidate) {
                    self.take(candidate);
                    picked.push(candidate);
                }
            }
            if picked.len() == QUESTIONS_PER_ROUND {
                break;
            }
        }
        picked
    }
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
    use crate::domain::bank::Audience;
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use std::collections::HashSet;

    fn shape(rounds: usize) -> LoopShape {
        LoopShape {
            rounds,
            candidate: None,
            bar_raiser: BarRaiserAt::Random,
        }
    }

    fn plan_with(shape: LoopShape, seed: u64) -> (crate::domain::Catalog, LoopPlan) {
        let catalog = crate::domain::Catalog::load(None).expect("catalog");
        let plan = LoopPlan::new(
            &catalog.bank,
            &catalog.principles,
            shape,
            &mut StdRng::seed_from_u64(seed),
        );
        (catalog, plan)
    }

    fn plan(rounds: usize, seed: u64) -> (crate::domain::Catalog, LoopPlan) {
        plan_with(shape(rounds), seed)
    }

    #[test]
    fn five_rounds_each_with_principles_of_its_own_and_one_bar_raiser() {
        let (catalog, plan) = plan(5, 1);
        assert_eq!(plan.rounds.len(), 5);
        assert_eq!(plan.rounds.iter().filter(|r| r.bar_raiser).count(), 1);
        assert!(
            plan.rounds
                .iter()
                .all(|r| (2..=3).contains(&r.principles.len()))
        );
        let assigned: Vec<&String> = plan.rounds.iter().flat_map(|r| &r.principles).collect();
        assert_eq!(
            assigned.len(),
            assigned.iter().collect::<HashSet<_>>().len(),
            "no principle is assigned twice"
        );
        for round in &plan.rounds {
            let asked = &round.questions[round.openers..];
            assert_eq!(asked.len(), QUESTIONS_PER_ROUND, "{}", round.interviewer);
            for &q in asked {
                let primary = &catalog.bank.get(q).principles[0];
                assert!(round.principles.iter().any(|p| p == primary), "{primary}");
            }
        }
    }

    #[test]
    fn the_hiring_manager_opens_and_motivation_questions_come_only_there() {
        for seed in 0..20 {
            let (catalog, plan) = plan(4, seed);
            let first = &plan.rounds[0];
            assert_eq!(first.interviewer, "Hiring manager");
            assert_eq!(first.openers, 2, "seed {seed}");
            assert!(
                catalog.bank.get(first.questions[0]).intro,
                "an introduction first"
            );
            for round in &plan.rounds {
                for (at, &q) in round.questions.iter().enumerate() {
                    let motivation = catalog.bank.get(q).kind == QuestionKind::Motivation;
                    assert_eq!(motivation, at < round.openers, "seed {seed}");
                }
            }
        }
    }

    #[test]
    fn no_loop_asks_two_wordings_of_one_question() {
        for seed in 0..50 {
            let (catalog, plan) = plan(5, seed);
            let groups: Vec<usize> = plan
                .rounds
                .iter()
                .flat_map(|r| r.questions.iter().map(|&q| catalog.bank.group(q)))
                .collect();
            let distinct: HashSet<_> = groups.iter().collect();
            assert_eq!(groups.len(), distinct.len(), "seed {seed}");
        }
    }

    #[test]
    fn the_bar_raiser_sits_where_asked() {
        let at = |bar_raiser, seed| {
            let (_, plan) = plan_with(
                LoopShape {
                    bar_raiser,
                    ..shape(4)
                },
                seed,
            );
            plan.rounds.iter().position(|r| r.bar_raiser)
        };
        assert_eq!(at(BarRaiserAt::Last, 1), Some(3));
        assert_eq!(at(BarRaiserAt::First, 1), Some(0));
        let seen: HashSet<_> = (0..30).filter_map(|s| at(BarRaiserAt::Random, s)).collect();
        assert!(!seen.contains(&0), "the hiring manager opens: {seen:?}");
        assert!(seen.len() > 1, "not always in one place: {seen:?}");
    }

    #[test]
    fn an_individual_contributor_gets_no_manager_questions() {
        for seed in 0..20 {
            let (catalog, plan) = plan_with(
                LoopShape {
                    candidate: Some(Candidate::Ic),
                    ..shape(5)
                },
                seed,
            );
            for round in &plan.rounds {
                for &q in &round.questions {
                    assert_ne!(
                        catalog.bank.get(q).audience,
                        Audience::Manager,
                        "seed {seed}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_replacement_keeps_the_rules() {
        let (catalog, plan) = plan(4, 7);
        let mut rng = StdRng::seed_from_u64(1);
        let opener = plan.replacement(&catalog.bank, 0, 0, None, &mut rng);
        let opener = opener.map(|q| catalog.bank.get(q));
        assert!(opener.is_some_and(|q| q.kind == QuestionKind::Motivation && q.intro));
        let round = &plan.rounds[1];
        let q = plan
            .replacement(&catalog.bank, 1, round.openers, None, &mut rng)
            .expect("a replacement");
        assert!(
            round
                .principles
                .iter()
                .any(|p| *p == catalog.bank.get(q).principles[0])
        );
        let groups: HashSet<usize> = plan
            .rounds
            .iter()
            .flat_map(|r| r.questions.iter().map(|&q| catalog.bank.group(q)))
            .collect();
        assert!(!groups.contains(&catalog.bank.group(q)));
    }

    #[test]
    fn plans_are_deterministic_per_seed() {
        assert_eq!(plan(4, 3).1, plan(4, 3).1);
        assert_ne!(plan(4, 3).1, plan(4, 4).1);
    }

    #[test]
    fn one_round_is_the_bar_raiser_alone() {
        let (_, plan) = plan(1, 5);
        assert_eq!(plan.rounds.len(), 1);
        assert!(plan.rounds[0].bar_raiser);
        assert_eq!(plan.question_count(), 2);
    }
}
