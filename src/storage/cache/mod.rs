//! The history cache: `<data dir>/cache/history.bin`, a derived copy of every
//! parsed session log, so that opening a big history reads one file instead of
//! one per session. The log files stay the source of truth; this file can be
//! deleted at any time and is rebuilt by the next load.
//!
//! Every entry carries the stamp of the file it came from (name, size, mtime
//! and, on Unix, ctime and inode); the loader only takes an entry whose file
//! still has exactly that stamp, and parses every other file afresh. Files
//! changed in the last few seconds are not cached at all (see `Stamp::settled`),
//! so a rewrite within one timestamp tick cannot hide behind an unchanged stamp.
//!
//! The parts: `stamp` (what identifies a file's version), `file` (reading and
//! replacing the cache file), `layout` (the file byte by byte: header,
//! sections, checksum), `session_codec` (one session and the string and
//! question tables it refers to), `codec` (varints, strings, options). A cache
//! that cannot be used is ignored and rewritten, never reported as an error.

mod codec;
mod file;
mod layout;
mod session_codec;
mod stamp;

use crate::domain::history::{QuestionRec, Session, Skipped};

pub use file::{path, read, write};
pub use layout::{CACHE_VERSION, decode, encode};
pub use stamp::Stamp;

pub const CACHE_DIR: &str = "cache";
pub const CACHE_FILE: &str = "history.bin";

/// A cache as read back: the tables of a history and, per file, its stamp.
#[derive(Debug, Default)]
pub struct Cached {
    pub strings: Vec<Box<str>>,
    pub questions: Vec<QuestionRec>,
    pub sessions: Vec<(Stamp, Session)>,
    pub skipped: Vec<(Stamp, Skipped)>,
}

/// What was found at the cache's path.
#[derive(Debug)]
pub enum Found {
    /// No cache yet.
    Nothing,
    /// A file that is not a cache this build can use: ignored, to be replaced.
    Unusable,
    Cache(Cached),
}
