//! Reading every session log back: list `<data dir>/sessions`, parse the files
//! on all cores, skip (and report) anything that is not a readable log of ours.
//! Log files are only ever read here; deleting moves one to `<data dir>/trash/`.
//!
//! The log files are the source of truth, but reading 100,000 of them after a
//! reboot takes seconds of disk waits. So the loader keeps a derived
//! cache, `<data dir>/cache/history.bin` (see `storage::cache`): every parsed
//! session and every skipped file with its reason, each under the stamp (name,
//! size, nanosecond mtime, and on Unix ctime and inode) its file had when read.
//! A load lists `sessions/`, stats each file, takes from the cache every entry
//! whose file has the same stamp, parses only new or changed files, and drops
//! entries whose files are gone; then, only if that changed anything, the
//! cache is rewritten atomically. A missing, damaged or foreign cache is
//! rebuilt, and one that cannot be written is ignored: either way the result
//! is what parsing every file gives. Files changed in the last 3 s are parsed
//! but not cached, so a rewrite within one timestamp tick cannot go unseen.
//!
//! A load goes in steps, one file each: `listing` (what is in `sessions/`),
//! `lookup` (the cache as found), `scan` (stat every file; read and parse, in
//! `classify`, those the cache cannot vouch for), `merge` (join the two, and
//! encode a new cache if it changed). `trash` moves a deleted session's file.

mod classify;
mod listing;
mod lookup;
mod merge;
mod scan;
#[cfg(test)]
mod tests;
mod trash;

use std::io;
use std::path::PathBuf;
use std::time::SystemTime;

use crate::domain::history::Loaded;
use crate::storage::cache;

pub use classify::{parse_log, read_log};
pub use listing::Listing;
pub use trash::move_to_trash;

pub const SESSIONS_DIR: &str = "sessions";
pub const TRASH_DIR: &str = "trash";

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(
        "data dir {0} does not exist; run `stardrill` to record a first drill, or pass --data-dir PATH"
    )]
    Missing(PathBuf),
    #[error("data dir {0} is a file, not a folder")]
    NotADir(PathBuf),
    #[error("cannot read {path}: {source}")]
    Unreadable { path: PathBuf, source: io::Error },
}

/// A refreshed history cache, ready to be written once the history is shown.
#[derive(Debug)]
pub struct CacheUpdate {
    data_dir: PathBuf,
    bytes: Vec<u8>,
}

impl CacheUpdate {
    /// Writes the cache atomically. A failure (read-only data dir, full disk)
    /// loses nothing: the next load parses the logs again.
    pub fn save(self) -> io::Result<()> {
        cache::write(&self.data_dir, &self.bytes)
    }

    pub fn path(&self) -> PathBuf {
        cache::path(&self.data_dir)
    }
}

/// Loads every listed file (see `load_deferred`) and refreshes the cache when
/// it changed, ignoring a cache that cannot be written.
pub fn load(listing: &Listing, progress: &(dyn Fn(usize) + Sync)) -> Loaded {
    let (loaded, update) = load_deferred(listing, progress);
    if let Some(update) = update {
        // The cache only saves time; the logs are the data.
        let _ = update.save();
    }
    loaded
}

/// Loads every listed file: entries of the history cache whose file still has
/// the same name, size and times are taken as they are, every other file is
/// parsed on all cores; `progress` gets the running count of files done.
/// Also returns the refreshed cache when it differs from the one on disk, for
/// the caller to save after showing the history.
pub fn load_deferred(
    listing: &Listing,
    progress: &(dyn Fn(usize) + Sync),
) -> (Loaded, Option<CacheUpdate>) {
    let run = load_at(listing, progress, SystemTime::now());
    (run.loaded, run.update)
}

/// What `load_at` did.
struct Run {
    loaded: Loaded,
    update: Option<CacheUpdate>,
    /// Files read and parsed, rather than taken from the cache.
    #[cfg_attr(not(test), allow(dead_code))]
    parsed: usize,
}

/// `load_deferred`, with the time that decides which files have settled.
fn load_at(listing: &Listing, progress: &(dyn Fn(usize) + Sync), now: SystemTime) -> Run {
    let lookup = lookup::Lookup::read(&listing.data_dir);
    let parts = scan::scan(listing, &lookup, progress, now);
    merge::merge(listing, lookup, parts)
}
