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

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use super::cache::{self, Cached, Stamp};
use crate::domain::history::{History, HistoryBuilder, Session};
use crate::domain::session::{SCHEMA_VERSION, SessionLog};

pub const SESSIONS_DIR: &str = "sessions";
pub const TRASH_DIR: &str = "trash";
/// A session log is about 1 KB; anything this big is not one of ours, and
/// reading it whole would waste memory.
const MAX_LOG_BYTES: u64 = 1 << 20;
/// Files handed to a worker at a time, and how often progress is reported.
const CHUNK: usize = 512;

/// Why a file is not ours, when that follows from its name and content alone
/// (so the history cache may remember it).
pub(crate) const TOO_BIG: &str = "larger than 1 MiB";
pub(crate) const NOT_UTF8: &str = "not UTF-8 text";
pub(crate) const NOT_TOML: &str = "not a .toml file";
pub(crate) const NO_SCHEMA: &str = "no schema_version";
pub(crate) const NOT_OURS_CACHEABLE: &[&str] = &[TOO_BIG, NOT_UTF8, NOT_TOML, NO_SCHEMA];

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub file: String,
    pub reason: SkipReason,
}

/// The files found in `sessions/`, before parsing.
#[derive(Debug, Clone)]
pub struct Listing {
    pub data_dir: PathBuf,
    pub dir: PathBuf,
    files: Vec<String>,
    /// Entries that are not files or whose names are not UTF-8: reported, never opened.
    odd: Vec<Skipped>,
}

impl Listing {
    /// Lists `<data_dir>/sessions`. A missing or unreadable data dir is an error;
    /// a data dir without `sessions/` is simply an empty history.
    pub fn read(data_dir: &Path) -> Result<Self, HistoryError> {
        let meta = std::fs::metadata(data_dir).map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => HistoryError::Missing(data_dir.to_path_buf()),
            _ => HistoryError::Unreadable {
                path: data_dir.to_path_buf(),
                source,
            },
        })?;
        if !meta.is_dir() {
            return Err(HistoryError::NotADir(data_dir.to_path_buf()));
        }
        // Reading the folder itself proves it can be read, even without sessions/.
        std::fs::read_dir(data_dir).map_err(|source| HistoryError::Unreadable {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let dir = data_dir.join(SESSIONS_DIR);
        let mut listing = Self {
            data_dir: data_dir.to_path_buf(),
            dir: dir.clone(),
            files: Vec::new(),
            odd: Vec::new(),
        };
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(listing),
            Err(source) => return Err(HistoryError::Unreadable { path: dir, source }),
        };
        for entry in entries {
            let entry = entry.map_err(|source| HistoryError::Unreadable {
                path: dir.clone(),
                source,
            })?;
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = match entry.file_name().into_string() {
                // Dot files include the drill's in-progress temp files.
                Ok(name) if name.starts_with('.') => continue,
                Ok(name) => name,
                Err(name) => {
                    listing.odd.push(Skipped {
                        file: name.to_string_lossy().into_owned(),
                        reason: SkipReason::NotOurs("its name is not valid UTF-8"),
                    });
                    continue;
                }
            };
            // Only regular files (or links to them) are opened: opening a FIFO
            // or a device could block or never end. Sub-folders are not logs.
            let target = if kind.is_symlink() {
                std::fs::metadata(entry.path()).map(|m| m.file_type()).ok()
            } else {
                Some(kind)
            };
            match target {
                Some(t) if t.is_file() => listing.files.push(name),
                Some(t) if t.is_dir() => {}
                Some(_) => listing.odd.push(Skipped {
                    file: name,
                    reason: SkipReason::NotOurs("not a regular file"),
                }),
                None => listing.odd.push(Skipped {
                    file: name,
                    reason: SkipReason::Unreadable("a link to nothing".into()),
                }),
            }
        }
        listing.files.sort_unstable();
        Ok(listing)
    }

    pub fn len(&self) -> usize {
        self.files.len() + self.odd.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Default)]
pub struct Loaded {
    pub history: History,
    /// Sorted by file name.
    pub skipped: Vec<Skipped>,
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

/// Where a cached entry is, by file name.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Session(usize),
    Skipped(usize),
}

/// What one loader thread found.
#[derive(Default)]
struct Part {
    builder: HistoryBuilder,
    skipped: Vec<Skipped>,
    hits: Vec<Slot>,
    /// Stamps of settled files, by index into `Listing::files`.
    stamps: Vec<(usize, Stamp)>,
    /// Files read and parsed (not taken from the cache).
    parsed: usize,
    /// A parsed file will go into the cache.
    new_entries: bool,
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
    // `cache_ok` is false when a cache file is there but unusable: it is rewritten.
    let (mut cache_ok, cached) = match cache::read(&listing.data_dir) {
        cache::Found::Nothing => (true, Cached::default()),
        cache::Found::Unusable => (false, Cached::default()),
        cache::Found::Cache(c) => (true, c),
    };
    let Cached {
        strings,
        questions,
        sessions: cached_sessions,
        skipped: mut cached_skipped,
    } = cached;
    let (session_stamps, sessions): (Vec<Stamp>, Vec<_>) = cached_sessions.into_iter().unzip();
    let mut base = HistoryBuilder::from_tables(strings, questions, sessions).unwrap_or_else(|| {
        // Entries that point nowhere: the whole file is suspect.
        cache_ok = false;
        cached_skipped.clear();
        HistoryBuilder::new()
    });
    let mut lookup: HashMap<&str, Slot> = HashMap::with_capacity(base.len() + cached_skipped.len());
    for (i, s) in base.sessions().iter().enumerate() {
        lookup.insert(&s.file, Slot::Session(i));
    }
    for (i, (_, s)) in cached_skipped.iter().enumerate() {
        lookup.insert(&s.file, Slot::Skipped(i));
    }
    let cached_stamp = |slot: Slot| match slot {
        Slot::Session(i) => session_stamps.get(i),
        Slot::Skipped(i) => cached_skipped.get(i).map(|(st, _)| st),
    };

    let files = &listing.files;
    let threads = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .clamp(1, 8)
        .min(files.len().div_ceil(CHUNK).max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let parts: Vec<Part> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut part = Part::default();
                    let mut buf = Vec::with_capacity(4096);
                    loop {
                        let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                        if start >= files.len() {
                            break;
                        }
                        let end = (start + CHUNK).min(files.len());
                        for (i, name) in files.iter().enumerate().take(end).skip(start) {
                            let path = listing.dir.join(name);
                            // A cached entry counts only if its file has the very
                            // same stamp now (stat follows links, as open does).
                            let hit = lookup.get(name.as_str()).and_then(|&slot| {
                                let now = Stamp::of(&std::fs::metadata(&path).ok()?);
                                (cached_stamp(slot) == Some(&now)).then_some((slot, now))
                            });
                            if let Some((slot, stamp)) = hit {
                                part.hits.push(slot);
                                part.stamps.push((i, stamp));
                                continue;
                            }
                            part.parsed += 1;
                            let (stamp, result) = read_stamped(&path, name, &mut buf);
                            let settled = stamp.filter(|st| st.settled(now));
                            if let Some(st) = settled {
                                part.stamps.push((i, st));
                            }
                            match result {
                                Ok(log) => {
                                    part.new_entries |= settled.is_some();
                                    part.builder.push(name, log);
                                }
                                Err(reason) => {
                                    part.new_entries |=
                                        settled.is_some() && cache::cacheable(&reason);
                                    part.skipped.push(Skipped {
                                        file: name.clone(),
                                        reason,
                                    });
                                }
                            }
                        }
                        let total = done.fetch_add(end - start, Ordering::Relaxed) + end - start;
                        progress(total);
                    }
                    part
                })
            })
            .collect();
        workers
            .into_iter()
            // A worker only panics on a bug; its files are then missing, not wrong.
            .filter_map(|w| w.join().ok())
            .collect()
    });
    drop(lookup);

    let mut keep_sessions = vec![false; base.len()];
    let mut keep_skipped = vec![false; cached_skipped.len()];
    let mut stamps: Vec<Option<Stamp>> = vec![None; files.len()];
    let mut new_entries = false;
    let mut hits = 0;
    let mut parsed = 0;
    for part in &parts {
        parsed += part.parsed;
        new_entries |= part.new_entries;
        hits += part.hits.len();
        for &slot in &part.hits {
            match slot {
                Slot::Session(i) => keep_sessions[i] = true,
                Slot::Skipped(i) => keep_skipped[i] = true,
            }
        }
        for &(i, st) in &part.stamps {
            stamps[i] = Some(st);
        }
    }
    let cached_entries = keep_sessions.len() + keep_skipped.len();
    base.retain_flagged(&keep_sessions);
    let mut skipped: Vec<Skipped> = listing.odd.clone();
    skipped.extend(
        cached_skipped
            .into_iter()
            .zip(keep_skipped)
            .filter_map(|((_, s), keep)| keep.then_some(s)),
    );
    for part in parts {
        base.absorb(part.builder);
        skipped.extend(part.skipped);
    }
    skipped.sort_by(|a, b| a.file.cmp(&b.file));
    let history = base.build();

    // Rewrite the cache only when it would say something else: a parsed file
    // that can be cached, an entry whose file is gone or changed, or a cache
    // file that could not be used.
    let dirty = !cache_ok || new_entries || hits < cached_entries;
    let update = dirty.then(|| {
        let stamp_of = |file: &str| {
            files
                .binary_search_by(|f| f.as_str().cmp(file))
                .ok()
                .and_then(|i| stamps[i])
        };
        let sessions: Vec<(Stamp, &Session)> = history
            .sessions()
            .iter()
            .filter_map(|s| Some((stamp_of(&s.file)?, s)))
            .collect();
        let skipped: Vec<(Stamp, &Skipped)> = skipped
            .iter()
            .filter_map(|s| Some((stamp_of(&s.file)?, s)))
            .collect();
        CacheUpdate {
            data_dir: listing.data_dir.clone(),
            bytes: cache::encode(&history, &sessions, &skipped),
        }
    });
    Run {
        loaded: Loaded { history, skipped },
        update,
        parsed,
    }
}

/// Reads and checks one file; never writes to it.
pub fn read_log(path: &Path, name: &str, buf: &mut Vec<u8>) -> Result<SessionLog, SkipReason> {
    read_stamped(path, name, buf).1
}

/// `read_log`, with the stamp the file had when it was opened (before its
/// bytes were read, so a later write gives it a new stamp).
fn read_stamped(
    path: &Path,
    name: &str,
    buf: &mut Vec<u8>,
) -> (Option<Stamp>, Result<SessionLog, SkipReason>) {
    let unreadable = |e: io::Error| SkipReason::Unreadable(e.to_string());
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return (None, Err(unreadable(e))),
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(e) => return (None, Err(unreadable(e))),
    };
    (
        Some(Stamp::of(&meta)),
        check_log(file, meta.len(), name, buf),
    )
}

fn check_log(
    file: File,
    len: u64,
    name: &str,
    buf: &mut Vec<u8>,
) -> Result<SessionLog, SkipReason> {
    let unreadable = |e: io::Error| SkipReason::Unreadable(e.to_string());
    if len > MAX_LOG_BYTES {
        return Err(SkipReason::NotOurs(TOO_BIG));
    }
    buf.clear();
    // Bounded even if the size lied (a link to a growing or endless file).
    file.take(MAX_LOG_BYTES + 1)
        .read_to_end(buf)
        .map_err(unreadable)?;
    if buf.len() as u64 > MAX_LOG_BYTES {
        return Err(SkipReason::NotOurs(TOO_BIG));
    }
    if buf.iter().all(u8::is_ascii_whitespace) {
        return Err(SkipReason::Empty);
    }
    let Ok(text) = std::str::from_utf8(buf) else {
        return Err(SkipReason::NotOurs(NOT_UTF8));
    };
    if !name.ends_with(".toml") {
        return Err(SkipReason::NotOurs(NOT_TOML));
    }
    parse_log(text)
}

/// Parses a log, telling apart a foreign TOML file, a newer schema and a broken log.
pub fn parse_log(text: &str) -> Result<SessionLog, SkipReason> {
    match SessionLog::from_toml(text) {
        Ok(log) if i64::from(log.schema_version) > i64::from(SCHEMA_VERSION) => {
            Err(SkipReason::Newer(i64::from(log.schema_version)))
        }
        Ok(log) if log.schema_version == 0 => Err(SkipReason::Invalid {
            line: None,
            message: "schema_version 0 is not a version stardrill writes".into(),
        }),
        Ok(log) => Ok(log),
        // Slow path, only for files that failed: look at them as plain TOML.
        Err(err) => Err(match toml::from_str::<toml::Table>(text) {
            Err(syntax) => invalid(text, &syntax),
            Ok(table) => match table.get("schema_version") {
                None => SkipReason::NotOurs(NO_SCHEMA),
                Some(toml::Value::Integer(v)) if *v > i64::from(SCHEMA_VERSION) => {
                    SkipReason::Newer(*v)
                }
                Some(_) => invalid(text, &err),
            },
        }),
    }
}

fn invalid(text: &str, err: &toml::de::Error) -> SkipReason {
    SkipReason::Invalid {
        line: err.span().map(|span| {
            let before = &text.as_bytes()[..span.start.min(text.len())];
            before.iter().filter(|&&b| b == b'\n').count() + 1
        }),
        message: err.message().trim().to_string(),
    }
}

/// Moves `<data dir>/sessions/<file>` into `<data dir>/trash/`, never replacing
/// a file already there (a numbered name is chosen instead). Returns the new path.
pub fn move_to_trash(data_dir: &Path, file: &str) -> io::Result<PathBuf> {
    move_no_clobber(
        &data_dir.join(SESSIONS_DIR),
        &data_dir.join(TRASH_DIR),
        file,
    )
}

/// Moves `from_dir/file` into `to_dir` (created if needed) under the same name,
/// or `<stem>-<n>.<ext>` when that name is taken. Returns the new path.
pub(crate) fn move_no_clobber(from_dir: &Path, to_dir: &Path, file: &str) -> io::Result<PathBuf> {
    if file.contains(['/', '\\']) || file.starts_with('.') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a session file name",
        ));
    }
    let from = from_dir.join(file);
    std::fs::create_dir_all(to_dir)?;
    let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
    for n in 0..1000 {
        let name = match (n, ext) {
            (0, _) => file.to_string(),
            (_, "") => format!("{stem}-{n}"),
            _ => format!("{stem}-{n}.{ext}"),
        };
        let to = to_dir.join(&name);
        match rename_no_clobber(&from, &to) {
            Ok(()) => return Ok(to),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("no free name in {}", to_dir.display()),
    ))
}

/// A rename that fails rather than replace `to`.
fn rename_no_clobber(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(()),
            // Filesystems without RENAME_NOREPLACE fall through to the check below.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    if std::fs::symlink_metadata(to).is_ok() {
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, "exists"));
    }
    std::fs::rename(from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::history::tests::log;

    fn write(dir: &Path, name: &str, body: &str) {
        std::fs::write(dir.join(name), body).unwrap_or_else(|e| panic!("{e}"));
    }

    fn good(id: &str, day: u32) -> (String, String) {
        let l = log(id, day, "co-01", &["customer-obsession"]);
        (l.file_name(), l.to_toml().unwrap_or_default())
    }

    #[test]
    fn loads_good_logs_and_skips_bad_ones_without_touching_them() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let sessions = tmp.path().join("sessions");
        std::fs::create_dir_all(sessions.join("sub")).unwrap_or_else(|e| panic!("{e}"));
        for day in 1..=3 {
            let (name, body) = good(&format!("00000{day}"), day);
            write(&sessions, &name, &body);
        }
        let bad = [
            (
                "broken.toml",
                "schema_version = 1\nid = \"x\"\nbroken = [\n",
            ),
            ("empty.toml", " \n"),
            ("newer.toml", "schema_version = 7\nwhatever = true\n"),
            ("foreign.toml", "[package]\nname = \"x\"\n"),
            ("missing.toml", "schema_version = 1\nid = \"x\"\n"),
            ("notes.txt", "hello"),
        ];
        for (name, body) in bad {
            write(&sessions, name, body);
        }
        write(&sessions, ".stardrill-abc.tmp", "partial");
        #[cfg(unix)]
        std::os::unix::fs::symlink(sessions.join("gone"), sessions.join("dangling.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let listing = Listing::read(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
        let seen = AtomicUsize::new(0);
        let loaded = load(&listing, &|n| {
            seen.fetch_max(n, Ordering::Relaxed);
        });
        assert_eq!(seen.load(Ordering::Relaxed), 9);
        assert_eq!(listing.len(), if cfg!(unix) { 10 } else { 9 });
        assert_eq!(loaded.history.len(), 3);
        assert_eq!(&*loaded.history.sessions()[0].id, "000003");
        let reasons: Vec<(String, String)> = loaded
            .skipped
            .iter()
            .map(|s| (s.file.clone(), s.reason.to_string()))
            .collect();
        let expected = [
            ("broken.toml", "line 3: unclosed array"),
            #[cfg(unix)]
            ("dangling.toml", "cannot read it: a link to nothing"),
            ("empty.toml", "empty file"),
            (
                "foreign.toml",
                "not a stardrill session log (no schema_version)",
            ),
            ("missing.toml", "line 1: missing field `started_at`"),
            ("newer.toml", "schema_version 7 is newer"),
            (
                "notes.txt",
                "not a stardrill session log (not a .toml file)",
            ),
        ];
        assert_eq!(reasons.len(), expected.len(), "{reasons:?}");
        for ((file, reason), (want_file, want)) in reasons.iter().zip(expected) {
            assert_eq!(file, want_file);
            assert!(reason.starts_with(want), "{file}: {reason}");
        }
        for (name, body) in bad {
            assert_eq!(
                std::fs::read_to_string(sessions.join(name)).unwrap_or_default(),
                body
            );
        }
    }

    #[test]
    fn missing_or_file_data_dir_is_an_error_and_no_sessions_dir_is_empty() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            Listing::read(&tmp.path().join("nope")),
            Err(HistoryError::Missing(_))
        ));
        write(tmp.path(), "file", "x");
        assert!(matches!(
            Listing::read(&tmp.path().join("file")),
            Err(HistoryError::NotADir(_))
        ));
        let listing = Listing::read(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
        assert!(listing.is_empty());
        assert!(load(&listing, &|_| {}).history.is_empty());
    }

    #[test]
    fn trash_never_overwrites() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let sessions = tmp.path().join("sessions");
        std::fs::create_dir_all(&sessions).unwrap_or_else(|e| panic!("{e}"));
        write(&sessions, "a.toml", "first");
        let first = move_to_trash(tmp.path(), "a.toml").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first, tmp.path().join("trash/a.toml"));
        write(&sessions, "a.toml", "second");
        let second = move_to_trash(tmp.path(), "a.toml").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(second, tmp.path().join("trash/a-1.toml"));
        assert_eq!(std::fs::read_to_string(first).unwrap_or_default(), "first");
        assert_eq!(
            std::fs::read_to_string(second).unwrap_or_default(),
            "second"
        );
        assert!(!sessions.join("a.toml").exists());
        assert!(move_to_trash(tmp.path(), "../x").is_err());
        assert!(move_to_trash(tmp.path(), "gone.toml").is_err());
    }

    // The history cache. `load_at` is given a "now" a minute ahead, so the
    // files just written count as settled and are cached.

    fn later() -> SystemTime {
        SystemTime::now() + std::time::Duration::from_secs(60)
    }

    fn run(data_dir: &Path) -> Run {
        let listing = Listing::read(data_dir).unwrap_or_else(|e| panic!("{e}"));
        load_at(&listing, &|_| {}, later())
    }

    /// Loads and saves the refreshed cache; panics if saving fails.
    fn run_and_save(data_dir: &Path) -> Run {
        let mut run = run(data_dir);
        if let Some(update) = run.update.take() {
            update.save().unwrap_or_else(|e| panic!("{e}"));
        }
        run
    }

    /// Every session as its log file would read, and every skipped file.
    fn contents(loaded: &Loaded) -> (Vec<(String, String)>, Vec<Skipped>) {
        let h = &loaded.history;
        let sessions = h
            .sessions()
            .iter()
            .map(|s| {
                let text = h.to_log(s).to_toml().unwrap_or_default();
                (s.file.to_string(), text)
            })
            .collect();
        (sessions, loaded.skipped.clone())
    }

    fn cached_entries(data_dir: &Path) -> (usize, usize) {
        match cache::read(data_dir) {
            cache::Found::Cache(c) => (c.sessions.len(), c.skipped.len()),
            other => panic!("no usable cache: {other:?}"),
        }
    }

    /// A data dir of six varied logs and five files that are skipped.
    fn seeded() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let sessions = tmp.path().join(SESSIONS_DIR);
        std::fs::create_dir_all(&sessions).unwrap_or_else(|e| panic!("{e}"));
        for day in 1..=6u32 {
            let mut l = log(
                &format!("{day:06}"),
                day,
                if day % 2 == 0 { "co-01" } else { "dd-02" },
                &["customer-obsession", "dive-deep"][..(day as usize % 2) + 1],
            );
            match day {
                2 => {
                    l.rating = None;
                    l.follow_up = None;
                    l.notes = "ünïcode — notes\nover two lines".into();
                }
                3 => {
                    l.loop_id = Some("loop-1".into());
                    l.round = Some(2);
                    l.follow_up_secs = Some(41.5);
                    l.story = Some(crate::domain::session::LoggedStory {
                        id: "s1".into(),
                        title: "The outage".into(),
                    });
                }
                4 => {
                    let offset = chrono::FixedOffset::west_opt(5 * 3600 + 1800)
                        .unwrap_or_else(|| panic!("offset"));
                    l.started_at = l.started_at.with_timezone(&offset);
                    l.ended_at = l.ended_at.with_timezone(&offset);
                    l.rubric.quantified_result = true;
                    l.rubric.finished_in_time = true;
                    l.outcome = crate::domain::session::Outcome::Abandoned;
                }
                _ => {}
            }
            write(&sessions, &l.file_name(), &l.to_toml().unwrap_or_default());
        }
        write(
            &sessions,
            "broken.toml",
            "schema_version = 1\nid = \"x\"\nbroken = [\n",
        );
        write(&sessions, "empty.toml", "\n");
        write(&sessions, "newer.toml", "schema_version = 7\n");
        write(&sessions, "foreign.toml", "[package]\nname = \"x\"\n");
        write(&sessions, "notes.txt", "hello");
        tmp
    }

    fn session_path(data_dir: &Path, day: u32) -> PathBuf {
        let l = log(&format!("{day:06}"), day, "co-01", &[]);
        data_dir.join(SESSIONS_DIR).join(l.file_name())
    }

    fn set_mtime(path: &Path, at: SystemTime) {
        File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(at))
            .unwrap_or_else(|e| panic!("{e}"));
    }

    fn mtime(path: &Path) -> SystemTime {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_cache_gives_the_same_history_as_parsing_every_file() {
        let dir = seeded();
        let first = run_and_save(dir.path());
        assert_eq!(first.parsed, 11);
        assert_eq!(first.loaded.history.len(), 6);
        assert_eq!(first.loaded.skipped.len(), 5);
        assert_eq!(cached_entries(dir.path()), (6, 5));

        let second = run(dir.path());
        assert_eq!(second.parsed, 0, "every file came from the cache");
        assert!(
            second.update.is_none(),
            "an unchanged cache is not rewritten"
        );
        assert_eq!(contents(&second.loaded), contents(&first.loaded));
        // The index by question is rebuilt too.
        let h = &second.loaded.history;
        let s = &h.sessions()[0];
        assert_eq!(h.attempts_at(s).len(), 3);
        assert_eq!(
            h.principles(s).collect::<Vec<_>>(),
            first
                .loaded
                .history
                .principles(&first.loaded.history.sessions()[0])
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn skipped_files_stay_reported_with_their_reasons_from_the_cache() {
        let dir = seeded();
        let sessions = dir.path().join(SESSIONS_DIR);
        std::fs::write(sessions.join("latin1.toml"), b"notes = \"caf\xe9\"\n")
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            sessions.join("huge.toml"),
            vec![b' '; (MAX_LOG_BYTES + 1) as usize],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let first = run_and_save(dir.path());
        let second = run(dir.path());
        assert_eq!(second.parsed, 0);
        assert_eq!(second.loaded.skipped, first.loaded.skipped);
        let reasons: Vec<String> = second
            .loaded
            .skipped
            .iter()
            .map(|s| format!("{}: {}", s.file, s.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                "broken.toml: line 3: unclosed array, expected `]`",
                "empty.toml: empty file",
                "foreign.toml: not a stardrill session log (no schema_version)",
                "huge.toml: not a stardrill session log (larger than 1 MiB)",
                "latin1.toml: not a stardrill session log (not UTF-8 text)",
                "newer.toml: schema_version 7 is newer than this stardrill reads (1); upgrade to see it",
                "notes.txt: not a stardrill session log (not a .toml file)",
            ]
            .map(String::from)
            .to_vec(),
            "{reasons:#?}"
        );
    }

    #[test]
    fn a_file_edited_in_place_is_parsed_again() {
        let dir = seeded();
        run_and_save(dir.path());
        let path = session_path(dir.path(), 1);
        let before = mtime(&path);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // Same size, new content, a new mtime.
        let edited = text.replace("notes = \"note\"", "notes = \"nope\"");
        assert_ne!(edited, text);
        std::fs::write(&path, edited).unwrap_or_else(|e| panic!("{e}"));
        set_mtime(&path, before + std::time::Duration::from_nanos(1));

        let after = run(dir.path());
        assert_eq!(after.parsed, 1);
        let h = &after.loaded.history;
        let s = h
            .sessions()
            .iter()
            .find(|s| &*s.id == "000001")
            .unwrap_or_else(|| panic!("session 1 is gone"));
        assert_eq!(&*s.notes, "nope");
        assert!(after.update.is_some(), "the changed entry is written");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_replaced_with_the_same_size_and_mtime_is_parsed_again() {
        let dir = seeded();
        run_and_save(dir.path());
        let path = session_path(dir.path(), 2);
        let before = mtime(&path);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // Another file of the same size and mtime renamed over it (as editors
        // save): only the inode tells them apart.
        let replacement = dir.path().join("replacement.toml");
        let edited = text.replace("ünïcode", "ÜNÏCODE");
        assert_eq!(edited.len(), text.len());
        std::fs::write(&replacement, edited).unwrap_or_else(|e| panic!("{e}"));
        set_mtime(&replacement, before);
        std::fs::rename(&replacement, &path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mtime(&path), before);

        let after = run(dir.path());
        assert_eq!(after.parsed, 1);
        let h = &after.loaded.history;
        assert!(
            h.sessions().iter().any(|s| s.notes.starts_with("ÜNÏCODE")),
            "the new content is shown"
        );
    }

    #[test]
    fn deleted_and_trashed_files_disappear() {
        let dir = seeded();
        run_and_save(dir.path());
        let trashed = session_path(dir.path(), 3);
        let name = trashed
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        move_to_trash(dir.path(), &name).unwrap_or_else(|e| panic!("{e}"));
        std::fs::remove_file(session_path(dir.path(), 4)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::remove_file(dir.path().join(SESSIONS_DIR).join("empty.toml"))
            .unwrap_or_else(|e| panic!("{e}"));

        let after = run_and_save(dir.path());
        assert_eq!(after.parsed, 0);
        let ids: Vec<&str> = after
            .loaded
            .history
            .sessions()
            .iter()
            .map(|s| &*s.id)
            .collect();
        assert_eq!(ids, ["000006", "000005", "000002", "000001"]);
        assert!(after.loaded.skipped.iter().all(|s| s.file != "empty.toml"));
        assert_eq!(cached_entries(dir.path()), (4, 4));
        assert!(run(dir.path()).update.is_none());
    }

    #[test]
    fn a_corrupt_or_foreign_cache_is_ignored_and_rebuilt() {
        let dir = seeded();
        let full = run_and_save(dir.path());
        let cache_file = cache::path(dir.path());
        let good = std::fs::read(&cache_file).unwrap_or_else(|e| panic!("{e}"));
        let mut flipped = good.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x20;
        let mut other_version = good.clone();
        other_version[8] = other_version[8].wrapping_add(1);
        let damaged: [(&str, Vec<u8>); 5] = [
            ("garbage", b"not a cache at all".to_vec()),
            ("empty", Vec::new()),
            ("truncated", good[..good.len() - 7].to_vec()),
            ("one byte changed", flipped),
            ("another version", other_version),
        ];
        for (what, bytes) in damaged {
            std::fs::write(&cache_file, bytes).unwrap_or_else(|e| panic!("{e}"));
            let rebuilt = run_and_save(dir.path());
            assert_eq!(rebuilt.parsed, 11, "{what}");
            assert_eq!(contents(&rebuilt.loaded), contents(&full.loaded), "{what}");
            assert_eq!(cached_entries(dir.path()), (6, 5), "{what}");
            assert_eq!(run(dir.path()).parsed, 0, "{what}");
        }
    }

    #[test]
    fn an_unwritable_cache_does_not_fail_the_load() {
        let dir = seeded();
        // A file where the cache folder should be: nothing can be written.
        write(dir.path(), cache::CACHE_DIR, "in the way");
        let first = run(dir.path());
        let update = first.update.unwrap_or_else(|| panic!("a cache to write"));
        assert!(update.save().is_err());
        let listing = Listing::read(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let loaded = load(&listing, &|_| {});
        assert_eq!(contents(&loaded), contents(&first.loaded));
        assert_eq!(run(dir.path()).parsed, 11);
    }

    #[test]
    fn files_changed_in_the_last_seconds_are_parsed_but_not_cached() {
        let dir = seeded();
        let path = session_path(dir.path(), 1);
        let meta = std::fs::metadata(&path).unwrap_or_else(|e| panic!("{e}"));
        // One second after the newest file time: every file is "just written".
        let stamp = Stamp::of(&meta);
        let newest = stamp.mtime.max(stamp.ctime);
        let soon = SystemTime::UNIX_EPOCH
            + std::time::Duration::new(u64::try_from(newest.0).unwrap_or(0) + 1, newest.1);
        let listing = Listing::read(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let fresh = load_at(&listing, &|_| {}, soon);
        assert_eq!(fresh.loaded.history.len(), 6);
        assert!(fresh.update.is_none(), "nothing settled, nothing to cache");
        // Once settled, they are cached.
        assert_eq!(run_and_save(dir.path()).parsed, 11);
        assert_eq!(run(dir.path()).parsed, 0);
    }
}
