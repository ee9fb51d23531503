//! Recordings cut short by a crash: found, finished, or reported.
//!
//! A recording grows in `.<stem>.ogg.part`, a page a second. If the program
//! dies (kill -9, power cut) that file stays behind, a valid Ogg stream up to
//! its last whole page but never ended. Finishing it copies its whole pages into
//! `<stem>.ogg` with the last one marked as the end.

use std::fmt;
use std::path::{Path, PathBuf};

use super::{AudioError, EXTENSION, ogg_opus};
use crate::storage::atomic::create_new_atomic;

/// What became of a partial recording.
#[derive(Debug, Clone, PartialEq)]
pub enum Partial {
    /// Finished into `path`; the part file is gone.
    Finished { path: PathBuf, secs: f64 },
    /// It held no audio, so it was removed.
    Empty { part: PathBuf },
    /// A running stardrill is still recording into it: left alone.
    InUse { part: PathBuf },
    /// Could not be finished; left where it is.
    Failed { part: PathBuf, reason: String },
}

impl fmt::Display for Partial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Finished { path, secs } => write!(
                f,
                "{}: a recording cut short, finished ({:.0} s kept)",
                path.display(),
                secs
            ),
            Self::Empty { part } => write!(
                f,
                "{}: a recording cut short before any sound, removed",
                part.display()
            ),
            Self::InUse { part } => write!(f, "{}: still being recorded", part.display()),
            Self::Failed { part, reason } => write!(
                f,
                "{}: a recording cut short that cannot be finished: {reason}",
                part.display()
            ),
        }
    }
}

/// The stem of a part file's name (`.<stem>.ogg.part`), if it is one.
fn part_stem(name: &str) -> Option<&str> {
    let stem = name
        .strip_prefix('.')?
        .strip_suffix(".part")?
        .strip_suffix(EXTENSION)?
        .strip_suffix('.')?;
    (!stem.is_empty()).then_some(stem)
}

/// The partial recordings in `dir` (the audio folder), oldest name first.
/// A missing folder has none.
pub fn find_partials(dir: &Path) -> Result<Vec<PathBuf>, AudioError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(AudioError::io("read", dir, e)),
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| e.file_name().to_str().and_then(part_stem).is_some())
        .map(|e| e.path())
        .collect();
    found.sort();
    Ok(found)
}

/// Whether another process is still writing `part`.
fn in_use(part: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        // The recorder holds an exclusive lock for as long as it writes.
        use rustix::fs::{FlockOperation, flock};
        match std::fs::File::open(part) {
            Ok(file) => flock(&file, FlockOperation::NonBlockingLockShared).is_err(),
            Err(_) => false,
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        // No lock to ask: a part file written to in the last ten minutes may be live.
        std::fs::metadata(part)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() < 600)
    }
}

/// Finishes every partial recording in `dir` (the audio folder) that no
/// running recorder holds, and says what became of each. For `review --check`.
pub fn recover_partials(dir: &Path) -> Result<Vec<Partial>, AudioError> {
    let mut out = Vec::new();
    for part in find_partials(dir)? {
        out.push(recover(dir, &part));
    }
    Ok(out)
}

fn recover(dir: &Path, part: &Path) -> Partial {
    let failed = |reason: String| Partial::Failed {
        part: part.to_path_buf(),
        reason,
    };
    let Some(stem) = part
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(part_stem)
    else {
        return failed("not a recording's name".into());
    };
    if in_use(part) {
        return Partial::InUse {
            part: part.to_path_buf(),
        };
    }
    let bytes = match crate::storage::read::read_bytes(part, crate::storage::read::RECORDING_LIMIT)
    {
        Ok(b) => b,
        Err(e) => return failed(e.to_string()),
    };
    match ogg_opus::repair(&bytes) {
        Ok(Some((fixed, secs))) => {
            let name = format!("{stem}.{EXTENSION}");
            match create_new_atomic(dir, &name, &fixed) {
                Ok(()) => {
                    let _ = std::fs::remove_file(part);
                    Partial::Finished {
                        path: dir.join(name),
                        secs,
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    failed(format!("{name} already exists"))
                }
                Err(e) => failed(e.to_string()),
            }
        }
        Ok(None) => match std::fs::remove_file(part) {
            Ok(()) => Partial::Empty {
                part: part.to_path_buf(),
            },
            Err(e) => failed(e.to_string()),
        },
        Err(reason) => failed(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_part_files_by_name() {
        assert_eq!(
            part_stem(".20260105T101500Z-a1b2c3.ogg.part"),
            Some("20260105T101500Z-a1b2c3")
        );
        assert_eq!(part_stem("20260105T101500Z-a1b2c3.ogg"), None);
        assert_eq!(part_stem("..ogg.part"), None);
        assert_eq!(part_stem(".x.wav.part"), None);
    }

    #[test]
    fn a_missing_folder_has_no_partials() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            recover_partials(&dir.path().join("audio")).ok(),
            Some(vec![])
        );
    }
}
