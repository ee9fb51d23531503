//! The files found in `<data dir>/sessions`, before any is read.

use std::io;
use std::path::{Path, PathBuf};

use super::{HistoryError, SESSIONS_DIR};
use crate::domain::history::{SkipReason, Skipped};

/// The files found in `sessions/`, before parsing.
#[derive(Debug, Clone)]
pub struct Listing {
    pub data_dir: PathBuf,
    pub dir: PathBuf,
    /// Names of the files to read, sorted.
    pub(super) files: Vec<String>,
    /// Entries that are not files or whose names are not UTF-8: reported, never opened.
    pub(super) odd: Vec<Skipped>,
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

    /// The names of the session files found, sorted (oldest first).
    pub fn files(&self) -> &[String] {
        &self.files
    }

    pub fn len(&self) -> usize {
        self.files.len() + self.odd.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::super::load;
    use super::super::tests::write;
    use super::*;

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
}
