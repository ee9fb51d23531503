//! The cache file on disk: where it is, reading it whole (any failure means
//! "no usable cache"), and replacing it atomically.

use std::io::{self};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::layout::decode;
use super::{CACHE_DIR, CACHE_FILE, Found};
use crate::storage::atomic::replace_atomic;
use crate::storage::read::read_bytes;

/// A cache bigger than this is not one we wrote (100,000 sessions take ~30 MB).
const MAX_CACHE_BYTES: u64 = 1 << 30;
/// A temp file in `cache/` older than this is left over from a cut-short write.
const STALE_TEMP: Duration = Duration::from_secs(3600);

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(CACHE_DIR).join(CACHE_FILE)
}

/// Reads the cache; any failure means "no usable cache", never an error.
pub fn read(data_dir: &Path) -> Found {
    let bytes = match read_bytes(&path(data_dir), MAX_CACHE_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if e.is_not_found() => return Found::Nothing,
        Err(_) => return Found::Unusable,
    };
    match decode(&bytes) {
        Some(cached) => Found::Cache(cached),
        None => Found::Unusable,
    }
}

/// Writes the cache through a temp file, fsync and rename: a reader sees the
/// old cache or the new one, whole.
pub fn write(data_dir: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = data_dir.join(CACHE_DIR);
    crate::storage::paths::create_private_dir(&dir)?;
    remove_stale_temp_files(&dir);
    replace_atomic(&dir, CACHE_FILE, bytes)
}

/// A write cut short (power loss, a kill) leaves its temp file behind; one
/// that old is no write in progress. Only this folder, only our temp names.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(".stardrill-") && name.ends_with(".tmp")) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > STALE_TEMP));
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    #[test]
    fn writing_clears_temp_files_left_by_cut_short_writes_only() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join(CACHE_DIR);
        crate::storage::paths::create_private_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        let old = SystemTime::now() - 2 * STALE_TEMP;
        for name in [".stardrill-old.tmp", ".stardrill-new.tmp", "notes.txt"] {
            std::fs::write(dir.join(name), "x").unwrap_or_else(|e| panic!("{e}"));
        }
        for name in [".stardrill-old.tmp", "notes.txt"] {
            File::options()
                .write(true)
                .open(dir.join(name))
                .and_then(|f| f.set_modified(old))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        write(tmp.path(), b"cache").unwrap_or_else(|e| panic!("{e}"));
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".stardrill-new.tmp", CACHE_FILE, "notes.txt"]);
        assert_eq!(
            std::fs::read(path(tmp.path())).unwrap_or_default(),
            b"cache"
        );
    }
}
