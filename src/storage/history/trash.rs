//! Deleting a session: its log moves to `<data dir>/trash/`, never replacing
//! a file there.

use std::io;
use std::path::{Path, PathBuf};

use super::{SESSIONS_DIR, TRASH_DIR};
use crate::storage::atomic::rename_no_clobber;

/// Moves `<data dir>/sessions/<file>` into `<data dir>/trash/`, never replacing
/// a file already there (a numbered name is chosen instead). Returns the new path.
pub fn move_to_trash(data_dir: &Path, file: &str) -> io::Result<PathBuf> {
    if file.contains(['/', '\\']) || file.starts_with('.') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a session file name",
        ));
    }
    move_no_clobber(
        &data_dir.join(SESSIONS_DIR),
        &data_dir.join(TRASH_DIR),
        file,
    )
}

/// Moves `from_dir/file` into `to_dir` (created if needed) under the same
/// name, or `<stem>-<n>.<ext>` when that name is taken. Returns the new path.
pub(crate) fn move_no_clobber(from_dir: &Path, to_dir: &Path, file: &str) -> io::Result<PathBuf> {
    let from = from_dir.join(file);
    crate::storage::paths::create_private_dir(to_dir)?;
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

#[cfg(test)]
mod tests {
    use super::super::tests::write;
    use super::*;

    #[test]
    fn trash_never_overwrites() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let sessions = tmp.path().join("sessions");
        crate::storage::paths::create_private_dir(&sessions).unwrap_or_else(|e| panic!("{e}"));
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
