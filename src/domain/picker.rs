//! Random question order without repeats until the filtered bank is used up.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

pub struct Picker {
    pool: Vec<usize>,
    deck: Vec<usize>,
    last: Option<usize>,
    rng: StdRng,
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
        }
    }

    pub fn pool_len(&self) -> usize {
        self.pool.len()
    }

    /// The next question, or `None` when the pool is empty.
    pub fn next_question(&mut self) -> Option<usize> {
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

    /// A random index below `len`, from the same seeded stream.
    pub fn pick_index(&mut self, len: usize) -> Option<usize> {
        use rand::Rng;
        (len > 0).then(|| self.rng.random_range(0..len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

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
    fn empty_pool_gives_nothing() {
        assert_eq!(Picker::new(vec![], Some(1)).next_question(), None);
    }
}
