//! Reading every session log back: list `<data dir>/sessions`, parse the files
//! on all cores, skip (and report) anything that is not a readable log of ours.
//! Files are only ever read here; deleting moves a file to `<data dir>/trash/`.
//!
//! No index cache: parsing a ~1 KB log takes ~10 µs, so 100,000 logs load in
//! about a second on two cores (see README-review.md), within the 3 s goal,
//! and the log files stay the only copy of the data.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::domain::history::{History, HistoryBuilder};
use crate::domain::session::{SCHEMA_VERSION, SessionLog};

pub const SESSIONS_DIR: &str = "sessions";
pub const TRASH_DIR: &str = "trash";
/// A session log is about 1 KB; anything this big is not one of ours, and
/// reading it whole would waste memory.
const MAX_LOG_BYTES: u64 = 1 << 20;
/// Files handed to a worker at a time, and how often progress is reported.
const CHUNK: usize = 512;

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

/// Parses every listed file on all cores; `progress` gets the running count.
pub fn load(listing: &Listing, progress: &(dyn Fn(usize) + Sync)) -> Loaded {
    let files = &listing.files;
    let threads = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .clamp(1, 8)
        .min(files.len().div_ceil(CHUNK).max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let parts: Vec<(HistoryBuilder, Vec<Skipped>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut builder = HistoryBuilder::new();
                    let mut skipped = Vec::new();
                    let mut buf = Vec::with_capacity(4096);
                    loop {
                        let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                        if start >= files.len() {
                            break;
                        }
                        let end = (start + CHUNK).min(files.len());
                        for name in &files[start..end] {
                            match read_log(&listing.dir.join(name), name, &mut buf) {
                                Ok(log) => builder.push(name, log),
                                Err(reason) => skipped.push(Skipped {
                                    file: name.clone(),
                                    reason,
                                }),
                            }
                        }
                        let total = done.fetch_add(end - start, Ordering::Relaxed) + end - start;
                        progress(total);
                    }
                    (builder, skipped)
                })
            })
            .collect();
        workers
            .into_iter()
            // A worker only panics on a bug; its files are then missing, not wrong.
            .filter_map(|w| w.join().ok())
            .collect()
    });
    let mut builder = HistoryBuilder::new();
    let mut skipped: Vec<Skipped> = listing.odd.clone();
    for (part, part_skipped) in parts {
        builder.absorb(part);
        skipped.extend(part_skipped);
    }
    skipped.sort_by(|a, b| a.file.cmp(&b.file));
    Loaded {
        history: builder.build(),
        skipped,
    }
}

/// Reads and checks one file; never writes to it.
pub fn read_log(path: &Path, name: &str, buf: &mut Vec<u8>) -> Result<SessionLog, SkipReason> {
    let unreadable = |e: io::Error| SkipReason::Unreadable(e.to_string());
    let file = File::open(path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    if len > MAX_LOG_BYTES {
        return Err(SkipReason::NotOurs("larger than 1 MiB"));
    }
    buf.clear();
    // Bounded even if the size lied (a link to a growing or endless file).
    file.take(MAX_LOG_BYTES + 1)
        .read_to_end(buf)
        .map_err(unreadable)?;
    if buf.len() as u64 > MAX_LOG_BYTES {
        return Err(SkipReason::NotOurs("larger than 1 MiB"));
    }
    if buf.iter().all(u8::is_ascii_whitespace) {
        return Err(SkipReason::Empty);
    }
    let Ok(text) = std::str::from_utf8(buf) else {
        return Err(SkipReason::NotOurs("not UTF-8 text"));
    };
    if !name.ends_with(".toml") {
        return Err(SkipReason::NotOurs("not a .toml file"));
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
                None => SkipReason::NotOurs("no schema_version"),
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
    if file.contains(['/', '\\']) || file.starts_with('.') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a session file name",
        ));
    }
    let from = data_dir.join(SESSIONS_DIR).join(file);
    let trash = data_dir.join(TRASH_DIR);
    std::fs::create_dir_all(&trash)?;
    let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
    for n in 0..1000 {
        let name = match (n, ext) {
            (0, _) => file.to_string(),
            (_, "") => format!("{stem}-{n}"),
            _ => format!("{stem}-{n}.{ext}"),
        };
        let to = trash.join(&name);
        match rename_no_clobber(&from, &to) {
            Ok(()) => return Ok(to),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free name in trash/",
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
}
