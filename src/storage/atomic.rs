//! Atomic file writes for user data: a temp file in the same folder, fsync,
//! then a rename, so a reader sees the old file (or none) or the new one whole.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Writes `contents` to `dir/name` so that a reader sees either nothing or the
/// whole file; the rename fails rather than replace an existing file. The file
/// is readable by its owner only.
pub fn create_new_atomic(dir: &Path, name: impl AsRef<Path>, contents: &[u8]) -> io::Result<()> {
    write_atomic(dir, name, Rename::NoClobber, &mut |out| {
        out.write_all(contents)
    })
}

/// Replaces `dir/name` atomically: readers see the old file or the new one,
/// never a torn write. For files that are meant to be rewritten (the story
/// bank, the history cache).
pub fn replace_atomic(dir: &Path, name: impl AsRef<Path>, contents: &[u8]) -> io::Result<()> {
    write_atomic(dir, name, Rename::Replace, &mut |out| {
        out.write_all(contents)
    })
}

/// `replace_atomic`, with the contents streamed by `write` through a buffer,
/// so a large file (an export) never sits in memory whole.
pub fn replace_atomic_with(
    dir: &Path,
    name: impl AsRef<Path>,
    write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    write_atomic(dir, name, Rename::Replace, write)
}

#[derive(Clone, Copy)]
enum Rename {
    Replace,
    NoClobber,
}

fn write_atomic(
    dir: &Path,
    name: impl AsRef<Path>,
    rename: Rename,
    write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut temp = temp_in(dir)?;
    let mut out = io::BufWriter::new(temp.as_file_mut());
    write(&mut out)?;
    out.flush()?;
    drop(out);
    temp.as_file().sync_all()?;
    let to = dir.join(name);
    match rename {
        Rename::Replace => temp.persist(to),
        Rename::NoClobber => temp.persist_noclobber(to),
    }
    .map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// An empty temp file in `dir`, readable by its owner only. Dot-named, so
/// folder listings (the history loader) pass over it.
fn temp_in(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".stardrill-").suffix(".tmp");
    // Elsewhere there are no mode bits, and the platform's defaults apply.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    builder.tempfile_in(dir)
}

/// Makes a rename in `dir` durable; best effort, as not every platform can.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A rename that fails rather than replace `to` (moving files into trash/,
/// publishing a finished recording).
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
    fn a_streamed_replace_is_whole_or_not_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        replace_atomic(dir.path(), "out.md", b"old").expect("write");
        replace_atomic_with(dir.path(), "out.md", &mut |out| {
            out.write_all(b"new ")?;
            out.write_all(b"text")
        })
        .expect("replace");
        assert_eq!(
            std::fs::read(dir.path().join("out.md")).expect("read"),
            b"new text"
        );
        // A writer that fails half way leaves the file as it was, and no temp file.
        let err = replace_atomic_with(dir.path(), "out.md", &mut |out| {
            out.write_all(b"partial")?;
            Err(io::Error::other("disk full"))
        })
        .expect_err("fails");
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(
            std::fs::read(dir.path().join("out.md")).expect("read"),
            b"new text"
        );
        let files = std::fs::read_dir(dir.path()).expect("list").count();
        assert_eq!(files, 1, "only out.md, no temp file");
    }

    #[test]
    fn missing_folder_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("nope");
        assert!(create_new_atomic(&missing, "a.toml", b"x").is_err());
    }
}
