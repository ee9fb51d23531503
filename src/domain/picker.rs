//! Random question order without repeats until the filtered bank is used up.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::schedule::Weighted;

pub struct Picker {
    pool: Vec<usize>,
    deck: Vec<usize>,
    last: Option<usize>,
    rng: StdRng,
    /// Weak mode: a weight and a reason per pool entry (same order as `pool`).
    weighted: Option<Vec<Weighted>>,
    /// Weak mode: pool positions already served this round.
    served: Vec<bool>,
}

impl Picker {
    /// `pool` holds the bank indices to draw from; the same seed gives the same order.
    pub fn new(pool: Vec<usize>, seed: Option<u64>) -> Self {
        let rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        Self {
            pool,
            deck: Vec::new(),
            last: None,
            rng,
            weighted: None,
            served: Vec::new(),
        }
    }

    /// Weak mode: draws by weight, still without repeats until every question
    /// in the pool has come up.
    pub fn weighted(weights: Vec<Weighted>, seed: Option<u64>) -> Self {
        let mut picker = Self::new(weights.iter().map(|w| w.question).collect(), seed);
        picker.served = vec![false; weights.len()];
        picker.weighted = Some(weights);
        picker
    }

    /// Keeps one question of each near-twin group (`group_of` maps a bank
    /// index to its group), drawn at random and by weight in weak mode, so
    /// one sitting never asks the same question in two wordings. Groups of
    /// one draw nothing, so a bank without variants keeps its seeded order.
    pub fn one_per_group(mut self, group_of: impl Fn(usize) -> usize) -> Self {
        let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
        for (position, &question) in self.pool.iter().enumerate() {
            let group = group_of(question);
            match groups.iter_mut().find(|(g, _)| *g == group) {
                Some((_, members)) => members.push(position),
                None => groups.push((group, vec![position])),
            }
        }
        let mut keep = vec![false; self.pool.len()];
        for (_, members) in &groups {
            let chosen = match (members.as_slice(), &self.weighted) {
                ([only], _) => *only,
                (_, None) => members[self.rng.random_range(0..members.len())],
                (_, Some(weights)) => {
                    let total: f64 = members.iter().map(|&m| weights[m].weight).sum();
                    let mut target = self.rng.random_range(0.0..total.max(f64::MIN_POSITIVE));
                    let mut chosen = members[members.len() - 1];
                    for &m in members {
                        if target < weights[m].weight {
                            chosen = m;
                            break;
                        }
                        target -= weights[m].weight;
                    }
                    chosen
                }
            };
            keep[chosen] = true;
        }
        self.pool = kept(std::mem::take(&mut self.pool), &keep);
        if let Some(weights) = self.weighted.take() {
            self.weighted = Some(kept(weights, &keep));
            self.served = vec![false; self.pool.len()];
        }
        self.deck.clear();
        self
    }

    /// Why `question` came up, in weak mode.
    pub fn reason(&self, question: usize) -> Option<&str> {
        self.weighted
            .as_ref()?
            .iter()
            .find(|w| w.question == question)
            .map(|w| w.reason.as_str())
    }

    fn next_weighted(&mut self) -> Option<usize> {
        let weights = self.weighted.as_ref()?;
        if self.served.iter().all(|&s| s) {
            self.served.iter_mut().for_each(|s| *s = false);
            // The question that closed the round does not open the next one.
            if let Some(last) = self
                .last
                .and_then(|q| weights.iter().position(|w| w.question == q))
                && weights.len() > 1
            {
                self.served[last] = true;
            }
        }
        let total: f64 = weights
            .iter()
            .zip(&self.served)
            .filter(|(_, served)| !**served)
            .map(|(w, _)| w.weight)
            .sum();
        let mut target = self.rng.random_range(0.0..total.max(f64::MIN_POSITIVE));
        let mut chosen = None;
        for (i, (w, served)) in weights.iter().zip(&self.served).enumerate() {
            if *served {
                continue;
            }
            chosen = Some(i);
            if target < w.weight {
                break;
            }
            target -= w.weight;
        }
        let i = chosen?;
        self.served[i] = true;
        self.last = Some(weights[i].question);
        self.last
    }

    pub fn pool_len(&self) -> usize {
        self.pool.len()
    }

    /// The next question, or `None` when the pool is empty.
    pub fn next_question(&mut self) -> Option<usize> {
        if self.weighted.is_some() {
            return self.next_weighted();
        }
        if self.deck.is_empty() {
            self.deck = self.pool.clone();
            self.deck.shuffle(&mut self.rng);
            // A fresh round never opens with the question that closed the last one.
            if self.deck.len() > 1 && self.deck.last() == self.last.as_ref() {
                self.deck.swap(0, 1);
            }
        }
        let next = self.deck.pop()?;
        self.last = Some(next);
        Some(next)
    }

    /// The seeded random stream, for other draws that must follow `--seed`.
    pub fn rng(&mut self) -> &mut StdRng {
        &mut self.rng
    }
}

/// The items whose `keep` flag is set, in order.
fn kept<T>(items: Vec<T>, keep: &[bool]) -> Vec<T> {
    items
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(item, _)| item)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn no_repeat_until_the_pool_is_used_up() {
        let mut picker = Picker::new((0..10).collect(), Some(7));
        let first: HashSet<_> = (0..10).filter_map(|_| picker.next_question()).collect();
        assert_eq!(first.len(), 10);
        let second: HashSet<_> = (0..10).filter_map(|_| picker.next_question()).collect();
        assert_eq!(second.len(), 10);
    }

    #[test]
    fn same_seed_same_order() {
        let order = |seed| {
            let mut p = Picker::new((0..20).collect(), Some(seed));
            (0..30)
                .filter_map(|_| p.next_question())
                .collect::<Vec<_>>()
        };
        assert_eq!(order(42), order(42));
        assert_ne!(order(42), order(43));
    }

    #[test]
    fn never_the_same_question_twice_in_a_row() {
        let mut picker = Picker::new(vec![1, 2], Some(1));
        let mut previous = picker.next_question();
        for _ in 0..50 {
            let next = picker.next_question();
            assert_ne!(next, previous);
            previous = next;
        }
    }

    #[test]
    fn weighted_draws_favour_heavy_questions_without_repeats() {
        let weights = (0..4)
            .map(|q| Weighted {
                question: q,
                weight: if q == 3 { 100.0 } else { 1.0 },
                reason: format!("q{q}"),
            })
            .collect();
        let mut picker = Picker::weighted(weights, Some(5));
        let round: HashSet<_> = (0..4).filter_map(|_| picker.next_question()).collect();
        assert_eq!(round.len(), 4, "every question once per round");
        let firsts = (0..50)
            .filter(|seed| {
                let weights = (0..4)
                    .map(|q| Weighted {
                        question: q,
                        weight: if q == 3 { 100.0 } else { 1.0 },
                        reason: String::new(),
                    })
                    .collect();
                Picker::weighted(weights, Some(*seed)).next_question() == Some(3)
            })
            .count();
        assert!(firsts > 40, "{firsts}");
        assert_eq!(picker.reason(2), Some("q2"));
    }

    /// Questions 0-2 are one group, 3-4 another, 5 and 6 stand alone.
    fn group_of(question: usize) -> usize {
        match question {
            0..=2 => 0,
            3 | 4 => 3,
            q => q,
        }
    }

    fn assert_one_variant_per_group(asked: &[usize]) {
        let mut seen: HashMap<usize, usize> = HashMap::new();
        for &q in asked {
            let first = *seen.entry(group_of(q)).or_insert(q);
            assert_eq!(
                first, q,
                "two variants of one group in one sitting: {asked:?}"
            );
        }
    }

    #[test]
    fn a_sitting_never_asks_two_variants_of_one_group() {
        let mut firsts = HashSet::new();
        for seed in 0..40 {
            let mut picker = Picker::new((0..7).collect(), Some(seed)).one_per_group(group_of);
            assert_eq!(picker.pool_len(), 4, "one per group");
            // Three times round the pool: repeats come, other variants never.
            let asked: Vec<usize> = (0..12).filter_map(|_| picker.next_question()).collect();
            assert_eq!(asked.len(), 12);
            assert_one_variant_per_group(&asked);
            assert!(asked.contains(&5) && asked.contains(&6));
            firsts.insert(asked.iter().copied().find(|&q| q <= 2));
        }
        // Which variant stands for its group changes from sitting to sitting.
        assert_eq!(firsts.len(), 3, "{firsts:?}");
    }

    #[test]
    fn one_per_group_is_deterministic_and_leaves_singletons_alone() {
        let order = |seed| {
            let mut p = Picker::new((0..7).collect(), Some(seed)).one_per_group(group_of);
            (0..8).filter_map(|_| p.next_question()).collect::<Vec<_>>()
        };
        assert_eq!(order(9), order(9));
        // Without variants the seeded order is exactly the ungrouped one.
        let plain = |grouped: bool| {
            let p = Picker::new((0..10).collect(), Some(4));
            let mut p = if grouped { p.one_per_group(|q| q) } else { p };
            (0..10)
                .filter_map(|_| p.next_question())
                .collect::<Vec<_>>()
        };
        assert_eq!(plain(true), plain(false));
    }

    #[test]
    fn weak_mode_keeps_one_variant_chosen_by_weight() {
        let weights = |heavy: usize| -> Vec<Weighted> {
            (0..7)
                .map(|q| Weighted {
                    question: q,
                    weight: if q == heavy { 1000.0 } else { 1.0 },
                    reason: format!("q{q}"),
                })
                .collect()
        };
        let mut picker = Picker::weighted(weights(1), Some(2)).one_per_group(group_of);
        assert_eq!(picker.pool_len(), 4);
        let asked: Vec<usize> = (0..12).filter_map(|_| picker.next_question()).collect();
        assert_one_variant_per_group(&asked);
        let chosen = (0..30)
            .filter(|&seed| {
                let mut p = Picker::weighted(weights(1), Some(seed)).one_per_group(group_of);
                (0..4).filter_map(|_| p.next_question()).any(|q| q == 1)
            })
            .count();
        assert!(
            chosen >= 28,
            "the heavy variant should stand for its group: {chosen}"
        );
        assert!(asked.iter().all(|&q| picker.reason(q).is_some()));
    }

    #[test]
    fn empty_pool_gives_nothing() {
        assert_eq!(Picker::new(vec![], Some(1)).next_question(), None);
    }
}
