//! The first step of a load: the history cache as found on disk, ready to say
//! which cached entry belongs to a file name and what stamp it was cached under.

use std::collections::HashMap;
use std::path::Path;

use crate::domain::history::{HistoryBuilder, Skipped};
use crate::storage::cache::{self, Cached, Stamp};

/// Where a cached entry is: a session of `Lookup::base`, or a skipped file.
#[derive(Debug, Clone, Copy)]
pub(super) enum Slot {
    Session(usize),
    Skipped(usize),
}

/// The cache's entries, each under the stamp its file had when cached.
pub(super) struct Lookup {
    /// False when a cache file is there but unusable: it is rewritten.
    pub usable: bool,
    /// The cached sessions, over the cache's string and question tables.
    pub base: HistoryBuilder,
    /// The stamp of each session of `base`, in order.
    session_stamps: Vec<Stamp>,
    pub skipped: Vec<(Stamp, Skipped)>,
}

impl Lookup {
    /// Reads the cache of `data_dir`; a missing or unusable one gives no entries.
    pub fn read(data_dir: &Path) -> Self {
        let (mut usable, cached) = match cache::read(data_dir) {
            cache::Found::Nothing => (true, Cached::default()),
            cache::Found::Unusable => (false, Cached::default()),
            cache::Found::Cache(c) => (true, c),
        };
        let Cached {
            strings,
            questions,
            sessions,
            mut skipped,
        } = cached;
        let (mut session_stamps, sessions): (Vec<Stamp>, Vec<_>) = sessions.into_iter().unzip();
        let base = HistoryBuilder::from_tables(strings, questions, sessions).unwrap_or_else(|| {
            // Entries that point nowhere: the whole file is suspect.
            usable = false;
            session_stamps.clear();
            skipped.clear();
            HistoryBuilder::new()
        });
        Self {
            usable,
            base,
            session_stamps,
            skipped,
        }
    }

    /// Every entry by its file name.
    pub fn index(&self) -> HashMap<&str, Slot> {
        let mut index = HashMap::with_capacity(self.len());
        for (i, s) in self.base.sessions().iter().enumerate() {
            index.insert(&*s.file, Slot::Session(i));
        }
        for (i, (_, s)) in self.skipped.iter().enumerate() {
            index.insert(s.file.as_str(), Slot::Skipped(i));
        }
        index
    }

    /// The stamp the entry's file had when it was cached.
    pub fn stamp(&self, slot: Slot) -> Option<&Stamp> {
        match slot {
            Slot::Session(i) => self.session_stamps.get(i),
            Slot::Skipped(i) => self.skipped.get(i).map(|(st, _)| st),
        }
    }

    /// How many entries the cache holds.
    pub fn len(&self) -> usize {
        self.base.len() + self.skipped.len()
    }
}
