//! Recordings on disk: `<data dir>/audio/<log file stem>.ogg`, and for an
//! interview loop's probes `<stem>-probe<N>.ogg`. The recorder (the `audio`
//! feature) writes them; finding them, moving a deleted session's to the
//! trash and pruning old ones work in every build, so a build without the
//! feature still keeps the data dir tidy.

use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::atomic::{rename_no_clobber, sync_dir};
use super::history::TRASH_DIR;
use super::paths::create_private_dir;

pub const AUDIO_DIR: &str = "audio";
/// The extension of finished recordings (Ogg Opus).
pub const EXTENSION: &str = "ogg";

pub fn audio_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(AUDIO_DIR)
}

/// Whether `name` is a finished recording: `<something>.ogg`, not hidden.
fn is_recording(name: &str) -> bool {
    !name.starts_with('.')
        && name
            .strip_suffix(EXTENSION)
            .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.'))
}

/// Whether `name` is a recording of the session whose log file stem is
/// `stem`: `<stem>.ogg` or `<stem>-<more>.ogg`.
pub fn belongs_to(name: &str, stem: &str) -> bool {
    is_recording(name)
        && !stem.is_empty()
        && name
            .strip_prefix(stem)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('-'))
}

/// Whether `name` is a recording a crash cut short: `.<stem>.ogg.part`.
pub fn is_partial(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.strip_suffix(".part"))
        .is_some_and(is_recording)
}

/// The names of the files in `dir` that pass `keep`, sorted. A missing folder has none.
fn names_in(dir: &Path, keep: impl Fn(&str) -> bool) -> io::Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| keep(n))
        .collect();
    names.sort();
    Ok(names)
}

/// The recordings of the session whose log file stem is `stem`.
pub fn recordings_of(data_dir: &Path, stem: &str) -> io::Result<Vec<String>> {
    names_in(&audio_dir(data_dir), |n| belongs_to(n, stem))
}

/// Recordings cut short by a crash (for `review --check`, which finishes
/// them with the `audio` feature).
pub fn partials(data_dir: &Path) -> io::Result<Vec<PathBuf>> {
    let dir = audio_dir(data_dir);
    Ok(names_in(&dir, is_partial)?
        .into_iter()
        .map(|n| dir.join(n))
        .collect())
}

/// Moves the recordings of the session whose log file stem is `stem` into
/// `<data dir>/trash/`, beside its log, renamed after `trashed_stem` (the
/// log's name there, which is numbered when the trash already held one).
/// Never replaces a file. Returns where they went.
pub fn move_to_trash(data_dir: &Path, stem: &str, trashed_stem: &str) -> io::Result<Vec<PathBuf>> {
    let dir = audio_dir(data_dir);
    let trash = data_dir.join(TRASH_DIR);
    let mut moved = Vec::new();
    for name in recordings_of(data_dir, stem)? {
        create_private_dir(&trash)?;
        let rest = &name[stem.len()..];
        let mut done = false;
        for n in 0..1000 {
            let target = match n {
                0 => format!("{trashed_stem}{rest}"),
                n => format!("{trashed_stem}-{n}{rest}"),
            };
            let to = trash.join(&target);
            match rename_no_clobber(&dir.join(&name), &to) {
                Ok(()) => {
                    moved.push(to);
                    done = true;
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        if !done {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "no free name in trash/",
            ));
        }
    }
    if !moved.is_empty() {
        sync_dir(&dir);
        sync_dir(&trash);
    }
    Ok(moved)
}

/// Renames the recordings `names` of a session whose log is saved under a new
/// stem (its id clashed with a log already there), so they keep its name.
/// Returns the names the log should give: a recording that cannot be renamed
/// keeps its old name (it is still there under it); one that is gone, none.
pub fn follow_new_stem(
    data_dir: &Path,
    names: &[String],
    old_stem: &str,
    new_stem: &str,
) -> Vec<Option<String>> {
    let dir = audio_dir(data_dir);
    names
        .iter()
        .map(|name| {
            let Some(rest) = name.strip_prefix(old_stem) else {
                return Some(name.clone());
            };
            let renamed = format!("{new_stem}{rest}");
            match rename_no_clobber(&dir.join(name), &dir.join(&renamed)) {
                Ok(()) => Some(renamed),
                Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                Err(_) => Some(name.clone()),
            }
        })
        .collect()
}

/// When a recording was made: the UTC time its name starts with (the log's
/// start), else the file's modification time.
fn made_at(name: &str, path: &Path) -> Option<DateTime<Utc>> {
    name.get(..16)
        .and_then(|t| NaiveDateTime::parse_from_str(t, "%Y%m%dT%H%M%SZ").ok())
        .map(|t| t.and_utc())
        .or_else(|| {
            std::fs::metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .map(DateTime::<Utc>::from)
        })
}

/// What `prune` deleted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pruned {
    pub files: Vec<PathBuf>,
    pub bytes: u64,
}

/// Deletes the recordings made more than `days` days before `now`. Session
/// logs, and the delivery figures in them, are left as they are.
pub fn prune(data_dir: &Path, days: u32, now: DateTime<Utc>) -> io::Result<Pruned> {
    let dir = audio_dir(data_dir);
    let cutoff = now - chrono::Duration::days(i64::from(days));
    let mut pruned = Pruned::default();
    for name in names_in(&dir, is_recording)? {
        let path = dir.join(&name);
        if made_at(&name, &path).is_some_and(|t| t < cutoff) {
            let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
            match std::fs::remove_file(&path) {
                Ok(()) => {
                    pruned.bytes += bytes;
                    pruned.files.push(path);
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    if !pruned.files.is_empty() {
        sync_dir(&dir);
    }
    Ok(pruned)
}

/// The recordings in the data dir, in sum.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub count: usize,
    pub bytes: u64,
    pub oldest: Option<DateTime<Utc>>,
    pub newest: Option<DateTime<Utc>>,
    /// Recordings cut short by a crash, not yet finished.
    pub partials: usize,
}

pub fn summary(data_dir: &Path) -> io::Result<Summary> {
    let dir = audio_dir(data_dir);
    let mut sum = Summary::default();
    for name in names_in(&dir, is_recording)? {
        let path = dir.join(&name);
        sum.count += 1;
        sum.bytes += std::fs::metadata(&path).map_or(0, |m| m.len());
        if let Some(t) = made_at(&name, &path) {
            sum.oldest = Some(sum.oldest.map_or(t, |o| o.min(t)));
            sum.newest = Some(sum.newest.map_or(t, |o| o.max(t)));
        }
    }
    sum.partials = names_in(&dir, is_partial)?.len();
    Ok(sum)
}

/// The time now, for pruning.
pub fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from(SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, name: &str, bytes: usize) {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join(name), vec![0u8; bytes]).unwrap_or_else(|e| panic!("{e}"));
    }

    fn names(dir: &Path) -> Vec<String> {
        names_in(dir, |_| true).unwrap_or_else(|e| panic!("{e}"))
    }

    const STEM: &str = "20260105T080000Z-abc123";

    #[test]
    fn recordings_are_told_apart_by_name() {
        assert!(belongs_to(&format!("{STEM}.ogg"), STEM));
        assert!(belongs_to(&format!("{STEM}-probe2.ogg"), STEM));
        assert!(!belongs_to(&format!("{STEM}0.ogg"), STEM));
        assert!(!belongs_to(&format!(".{STEM}.ogg.part"), STEM));
        assert!(!belongs_to(&format!("{STEM}.toml"), STEM));
        assert!(!belongs_to("x.ogg", ""));
        assert!(is_partial(&format!(".{STEM}.ogg.part")));
        assert!(!is_partial(&format!("{STEM}.ogg")));
        assert!(!is_recording(".ogg"));
    }

    #[test]
    fn a_deleted_session_takes_its_recordings_to_the_trash() {
        let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let audio = audio_dir(data.path());
        touch(&audio, &format!("{STEM}.ogg"), 10);
        touch(&audio, &format!("{STEM}-probe1.ogg"), 10);
        touch(&audio, "20260105T080000Z-ffffff.ogg", 10);
        // The trash already has a session of that name: the log went in as `-1`.
        touch(&data.path().join("trash"), &format!("{STEM}.ogg"), 1);
        let moved = move_to_trash(data.path(), STEM, &format!("{STEM}-1"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(moved.len(), 2);
        assert_eq!(names(&audio), ["20260105T080000Z-ffffff.ogg"]);
        assert_eq!(
            names(&data.path().join("trash")),
            [
                format!("{STEM}-1-probe1.ogg"),
                format!("{STEM}-1.ogg"),
                format!("{STEM}.ogg"),
            ]
        );
        // A session without recordings moves nothing.
        assert_eq!(
            move_to_trash(data.path(), "20260101T000000Z-000000", "x").ok(),
            Some(vec![])
        );
    }

    #[test]
    fn pruning_deletes_old_recordings_only() {
        let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let audio = audio_dir(data.path());
        touch(&audio, "20250101T080000Z-aaaaaa.ogg", 100);
        touch(&audio, "20250101T080000Z-aaaaaa-probe1.ogg", 50);
        touch(&audio, "20260101T080000Z-bbbbbb.ogg", 100);
        touch(&audio, ".20250101T090000Z-cccccc.ogg.part", 100);
        touch(&audio, "notes.txt", 1);
        let now = DateTime::parse_from_rfc3339("2026-01-05T09:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|e| panic!("{e}"));
        let pruned = prune(data.path(), 30, now).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pruned.files.len(), 2);
        assert_eq!(pruned.bytes, 150);
        assert_eq!(
            names(&audio),
            [
                ".20250101T090000Z-cccccc.ogg.part",
                "20260101T080000Z-bbbbbb.ogg",
                "notes.txt"
            ]
        );
        let sum = summary(data.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((sum.count, sum.bytes, sum.partials), (1, 100, 1));
        // No audio folder: nothing to prune, no error.
        let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(prune(empty.path(), 1, now).ok(), Some(Pruned::default()));
    }

    #[test]
    fn recordings_follow_a_log_saved_under_a_new_id() {
        let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let audio = audio_dir(data.path());
        touch(&audio, &format!("{STEM}.ogg"), 10);
        let new = "20260105T080000Z-0f0f0f";
        let names = [format!("{STEM}.ogg"), format!("{STEM}-probe1.ogg")];
        let given = follow_new_stem(data.path(), &names, STEM, new);
        assert_eq!(given, [Some(format!("{new}.ogg")), None]);
        assert!(audio.join(format!("{new}.ogg")).exists());
        assert!(!audio.join(format!("{STEM}.ogg")).exists());
    }
}
