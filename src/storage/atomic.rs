//! Atomic, no-clobber file creation for user data.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Writes `contents` to `dir/name` so that a reader sees either nothing or the
/// whole file: a temp file in the same folder, fsync, then a rename that fails
/// rather than replace an existing file. The file is readable by its owner only.
pub fn create_new_atomic(dir: &Path, name: &str, contents: &[u8]) -> io::Result<()> {
    let temp = synced_temp(dir, contents)?;
    temp.persist_noclobber(dir.join(name))
        .map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Replaces `dir/name` atomically: readers see the old file or the new one,
/// never a torn write. For files that are meant to be rewritten (the story bank).
pub fn replace_atomic(dir: &Path, name: &str, contents: &[u8]) -> io::Result<()> {
    let temp = synced_temp(dir, contents)?;
    temp.persist(dir.join(name)).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// A rename that fails rather than replace `to` (for moving files into trash/
/// and publishing a finished recording).
pub fn rename_no_clobber(from: &Path, to: &Path) -> io::Result<()> {
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

/// Makes a rename in `dir` durable; best effort, as not every platform can.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A 0600 temp file in `dir` holding `contents`, flushed to disk.
fn synced_temp(dir: &Path, contents: &[u8]) -> io::Result<tempfile::NamedTempFile> {
    let mut temp = tempfile::Builder::new()
        .prefix(".stardrill-")
        .suffix(".tmp")
        .permissions(owner_only())
        .tempfile_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    Ok(temp)
}

#[cfg(unix)]
fn owner_only() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o600)
}

#[cfg(not(unix))]
fn owner_only() -> std::fs::Permissions {
    // Other platforms have no mode bits; the temp file's defaults apply.
    std::fs::metadata(".")
        .map(|m| m.permissions())
        .unwrap_or_else(|_| unreachable!())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_with_owner_only_permissions() {
        let dir = tempfile::tempdir().expect("tempdir");
        create_new_atomic(dir.path(), "a.toml", b"hello").expect("write");
        assert_eq!(
            std::fs::read(dir.path().join("a.toml")).expect("read"),
            b"hello"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("a.toml"))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn never_overwrites_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        create_new_atomic(dir.path(), "a.toml", b"first").expect("write");
        let err = create_new_atomic(dir.path(), "a.toml", b"second").expect_err("must not clobber");
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(
            std::fs::read(dir.path().join("a.toml")).expect("read"),
            b"first"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["a.toml"]);
    }

    #[test]
    fn missing_folder_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("nope");
        assert!(create_new_atomic(&missing, "a.toml", b"x").is_err());
    }
}
