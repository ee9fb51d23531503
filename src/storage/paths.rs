//! Where user data lives.

use std::io;
use std::path::{Path, PathBuf};

pub const DATA_DIR_ENV: &str = "STARDRILL_DATA_DIR";

/// `--data-dir`, else `STARDRILL_DATA_DIR`, else the platform data dir
/// (for example `~/.local/share/stardrill` on Linux).
pub fn resolve_data_dir(flag: Option<PathBuf>) -> Option<PathBuf> {
    flag.or_else(|| {
        std::env::var_os(DATA_DIR_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
    .or_else(|| {
        directories::ProjectDirs::from("", "", "stardrill").map(|d| d.data_dir().to_path_buf())
    })
}

/// Creates `dir` and any missing folder above it for the candidate's eyes
/// only (0700, like the files in them: 0600). Folders that exist keep their
/// mode. When a place on the way is taken (a file, or a link to nothing),
/// the error says which and what it is, instead of "File exists".
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| match blocked_at(dir) {
        Some(why) => io::Error::new(e.kind(), why),
        None => e,
    })
}

/// Whether `create_private_dir(dir)` could make `dir` (if missing) and
/// files in it, found without writing anything: a start checks its folders
/// this way, so it leaves the disk alone until there is something to keep.
/// Read-only file systems, folders without write permission and places taken
/// by a file or a dangling link are all refused, with the same messages as
/// `create_private_dir`.
pub fn check_can_write_in(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return can_add_entries(dir);
    }
    if let Some(why) = blocked_at(dir) {
        return Err(io::Error::other(why));
    }
    // The folder that would hold the first one made.
    match dir
        .ancestors()
        .skip(1)
        .map(|place| {
            if place.as_os_str().is_empty() {
                Path::new(".")
            } else {
                place
            }
        })
        .find(|place| place.is_dir())
    {
        Some(existing) => can_add_entries(existing),
        None => Ok(()),
    }
}

/// Whether files can be created in the folder `dir`, as `access(2)` says:
/// mode bits, ACLs, read-only mounts and immutable folders.
#[cfg(unix)]
fn can_add_entries(dir: &Path) -> io::Result<()> {
    use rustix::fs::{Access, access};
    access(dir, Access::WRITE_OK | Access::EXEC_OK).map_err(|errno| {
        let err = io::Error::from(errno);
        io::Error::new(err.kind(), format!("{}: {err}", dir.display()))
    })
}

/// Elsewhere, by making (and at once removing) an empty file there.
#[cfg(not(unix))]
fn can_add_entries(dir: &Path) -> io::Result<()> {
    tempfile::Builder::new()
        .prefix(".stardrill-probe-")
        .tempfile_in(dir)
        .map(drop)
}

/// The first place on the way to `dir` that is not a folder, described.
fn blocked_at(dir: &Path) -> Option<String> {
    dir.ancestors()
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find_map(|place| {
            let meta = std::fs::symlink_metadata(place).ok()?;
            if meta.file_type().is_symlink() {
                return match std::fs::metadata(place) {
                    Ok(target) if target.is_dir() => None,
                    Ok(_) => Some(format!(
                        "{} is a link to a file, not a folder",
                        place.display()
                    )),
                    Err(_) => Some(format!(
                        "{} is a link to {}, which does not exist",
                        place.display(),
                        std::fs::read_link(place)
                            .map_or_else(|_| "nothing".into(), |t| t.display().to_string())
                    )),
                };
            }
            (!meta.is_dir()).then(|| format!("{} is a file, not a folder", place.display()))
        })
}

/// The `*.toml` records directly in `dir` (session logs, loop records), newest
/// first: their names start with the UTC start time. A missing or unreadable
/// folder has none.
pub fn records_newest_first(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    paths.sort_unstable_by(|a, b| b.cmp(a));
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_folders_are_owner_only_and_blocked_ones_say_why() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let deep = dir.path().join("data/sessions");
        create_private_dir(&deep).unwrap_or_else(|e| panic!("{e}"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for made in [dir.path().join("data"), deep.clone()] {
                let mode = std::fs::metadata(&made)
                    .map(|m| m.permissions().mode() & 0o777)
                    .unwrap_or_default();
                assert_eq!(mode, 0o700, "{}", made.display());
            }
        }
        names_what_blocks(dir.path(), create_private_dir);
    }

    /// A file or a link to nothing where a folder should be is named.
    fn names_what_blocks(dir: &Path, make: impl Fn(&Path) -> io::Result<()>) {
        let file = dir.join("file");
        std::fs::write(&file, "").unwrap_or_else(|e| panic!("{e}"));
        for blocked in [file.clone(), file.join("trash")] {
            let err = make(&blocked).expect_err("a file on the way");
            assert!(
                err.to_string().ends_with("file is a file, not a folder"),
                "{err}"
            );
        }
        #[cfg(unix)]
        {
            let link = dir.join("gone");
            std::os::unix::fs::symlink(dir.join("nowhere"), &link)
                .unwrap_or_else(|e| panic!("{e}"));
            let err = make(&link.join("sessions")).expect_err("dangling");
            assert!(err.to_string().contains("which does not exist"), "{err}");
        }
    }

    #[test]
    fn checking_a_folder_writes_nothing_and_names_what_blocks_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let deep = dir.path().join("data/sessions");
        check_can_write_in(&deep).unwrap_or_else(|e| panic!("{e}"));
        check_can_write_in(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!dir.path().join("data").exists(), "nothing made");
        names_what_blocks(dir.path(), check_can_write_in);
        #[cfg(target_os = "linux")]
        {
            // No one may add files here, root included.
            let err = check_can_write_in(Path::new("/proc/self/sessions")).expect_err("read-only");
            assert!(err.to_string().starts_with("/proc/self: "), "{err}");
        }
    }

    #[test]
    fn records_are_the_toml_files_newest_first() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for name in [
            "20260102T090000Z-b.toml",
            "20260103T090000Z-c.toml",
            "20260101T090000Z-a.toml",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(name), "").unwrap_or_else(|e| panic!("{e}"));
        }
        let names: Vec<String> = records_newest_first(dir.path())
            .iter()
            .filter_map(|p| Some(p.file_name()?.to_str()?.to_string()))
            .collect();
        assert_eq!(
            names,
            [
                "20260103T090000Z-c.toml",
                "20260102T090000Z-b.toml",
                "20260101T090000Z-a.toml"
            ]
        );
        assert!(records_newest_first(&dir.path().join("missing")).is_empty());
    }
}
