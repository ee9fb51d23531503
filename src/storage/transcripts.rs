//! Transcripts on disk: `<data dir>/transcripts/<log file stem>.toml`, one per
//! recorded answer, named like the session log they belong to.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use super::atomic::{rename_no_clobber, replace_atomic, sync_dir};
use super::history::TRASH_DIR;
use super::paths::create_private_dir;
use super::read::{TRANSCRIPT_LIMIT, read_text};
use crate::domain::cues::Cues;
use crate::domain::history::History;
use crate::domain::transcript::{Transcript, TranscriptError};

pub const TRANSCRIPTS_DIR: &str = "transcripts";

#[derive(Debug, thiserror::Error)]
pub enum TranscriptStoreError {
    #[error("could not write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        source: super::read::ReadError,
    },
    #[error("{path}: {source}")]
    Parse {
        path: PathBuf,
        source: TranscriptError,
    },
    #[error("could not encode the transcript as TOML: {0}")]
    Encode(#[from] toml::ser::Error),
    #[error("{0:?} is not a session log file name")]
    BadName(String),
}

/// `<data dir>/transcripts/<log file stem>.toml`.
pub fn transcript_path(data_dir: &Path, log_file: &str) -> PathBuf {
    data_dir
        .join(TRANSCRIPTS_DIR)
        .join(Transcript::file_name_for(log_file))
}

/// Writes the transcript of `log_file` (0600, atomically), replacing an older
/// one: transcribing again, say with a larger model, gives a better transcript.
pub fn save(
    data_dir: &Path,
    log_file: &str,
    transcript: &Transcript,
) -> Result<PathBuf, TranscriptStoreError> {
    check_name(log_file)?;
    let dir = data_dir.join(TRANSCRIPTS_DIR);
    let name = Transcript::file_name_for(log_file);
    let path = dir.join(&name);
    let text = transcript.to_toml()?;
    let write = |source| TranscriptStoreError::Write {
        path: path.clone(),
        source,
    };
    create_private_dir(&dir).map_err(write)?;
    replace_atomic(&dir, &name, text.as_bytes()).map_err(write)?;
    Ok(path)
}

/// The transcript of `log_file`, or `None` when it has none yet.
pub fn load(data_dir: &Path, log_file: &str) -> Result<Option<Transcript>, TranscriptStoreError> {
    check_name(log_file)?;
    let path = transcript_path(data_dir, log_file);
    let text = match read_text(&path, TRANSCRIPT_LIMIT) {
        Ok(text) => text,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(source) => return Err(TranscriptStoreError::Read { path, source }),
    };
    Transcript::from_toml(&text)
        .map(Some)
        .map_err(|source| TranscriptStoreError::Parse { path, source })
}

/// Moves the transcript of `log_file` to `<data dir>/trash/transcripts/`,
/// named after `trashed_stem` (its log's name in the trash, numbered when the
/// trash already held one), so it goes wherever its session goes and comes
/// back the same way. Never replaces a file. `None` when the session had no
/// transcript.
pub fn move_to_trash(
    data_dir: &Path,
    log_file: &str,
    trashed_stem: &str,
) -> io::Result<Option<PathBuf>> {
    let bad = |e: TranscriptStoreError| io::Error::new(io::ErrorKind::InvalidInput, e.to_string());
    check_name(log_file).map_err(bad)?;
    check_name(trashed_stem).map_err(bad)?;
    let from_dir = data_dir.join(TRANSCRIPTS_DIR);
    let from = from_dir.join(Transcript::file_name_for(log_file));
    if std::fs::symlink_metadata(&from).is_err() {
        return Ok(None);
    }
    let to_dir = data_dir.join(TRASH_DIR).join(TRANSCRIPTS_DIR);
    create_private_dir(&to_dir)?;
    for n in 0..1000 {
        let name = match n {
            0 => format!("{trashed_stem}.toml"),
            n => format!("{trashed_stem}-{n}.toml"),
        };
        let to = to_dir.join(name);
        match rename_no_clobber(&from, &to) {
            Ok(()) => {
                sync_dir(&from_dir);
                sync_dir(&to_dir);
                return Ok(Some(to));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("no free name in {}", to_dir.display()),
    ))
}

/// Reads the transcript of every session in `history` that has one and sets
/// its cues. A transcript that cannot be read is left out and named in the
/// lines returned; the sessions themselves are never affected.
pub fn attach_cues(data_dir: &Path, history: &mut History) -> Vec<String> {
    let dir = data_dir.join(TRANSCRIPTS_DIR);
    // One listing of the folder instead of a look-up per session: most
    // sessions have no transcript.
    let names: HashSet<String> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .collect(),
        Err(_) => return Vec::new(),
    };
    let mut problems = Vec::new();
    history.set_cues(|file, steps| {
        if !names.contains(&Transcript::file_name_for(file)) {
            return None;
        }
        match load(data_dir, file) {
            Ok(Some(t)) => Some(Cues::of(&t, steps)),
            Ok(None) => None,
            Err(e) => {
                problems.push(e.to_string());
                None
            }
        }
    });
    problems
}

fn check_name(log_file: &str) -> Result<(), TranscriptStoreError> {
    if log_file.is_empty() || log_file.contains(['/', '\\']) || log_file.starts_with('.') {
        return Err(TranscriptStoreError::BadName(log_file.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::transcript::{TRANSCRIPT_SCHEMA_VERSION, Word};

    const LOG: &str = "20260105T080000Z-abc123.toml";

    fn sample(words: &[&str]) -> Transcript {
        Transcript {
            filled_pauses: Vec::new(),
            schema_version: TRANSCRIPT_SCHEMA_VERSION,
            session: "20260105T080000Z-abc123".into(),
            model: "ggml-tiny.en.bin".into(),
            model_kind: "tiny.en".into(),
            engine: "whisper.cpp 1.8.3".into(),
            language: "en".into(),
            created_at: chrono::DateTime::parse_from_rfc3339("2026-01-05T09:03:00+01:00")
                .unwrap_or_else(|e| panic!("{e}")),
            audio_secs: 12.0,
            words: words
                .iter()
                .enumerate()
                .map(|(i, w)| Word {
                    text: (*w).into(),
                    start: i as f64,
                    end: i as f64 + 0.5,
                    step: Some("situation".into()),
                    p: Some(0.5),
                })
                .collect(),
        }
    }

    #[test]
    fn saves_owner_only_replaces_and_loads_back() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            load(tmp.path(), LOG)
                .unwrap_or_else(|e| panic!("{e}"))
                .is_none()
        );
        let path = save(tmp.path(), LOG, &sample(&["first"])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(path, tmp.path().join("transcripts").join(LOG));
        save(tmp.path(), LOG, &sample(&["second", "take"])).unwrap_or_else(|e| panic!("{e}"));
        let back = load(tmp.path(), LOG)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("saved"));
        assert_eq!(back.words.len(), 2);
        assert_eq!(back.words[0].text, "second");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .unwrap_or_else(|e| panic!("{e}"))
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let names: Vec<_> = std::fs::read_dir(tmp.path().join("transcripts"))
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|e| e.map(|e| e.file_name()).unwrap_or_default())
            .collect();
        assert_eq!(names, [LOG], "no temp files left behind");
    }

    #[test]
    fn a_broken_file_names_its_path_and_line() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join("transcripts");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join(LOG), "schema_version = 1\n\nsession = 3\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let err = load(tmp.path(), LOG).expect_err("broken");
        let text = err.to_string();
        assert!(text.contains(LOG) && text.contains("line 3: "), "{text}");
    }

    #[test]
    fn trash_takes_the_transcript_with_the_session() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let stem = "20260105T080000Z-abc123";
        assert_eq!(move_to_trash(tmp.path(), LOG, stem).ok(), Some(None));
        save(tmp.path(), LOG, &sample(&["a"])).unwrap_or_else(|e| panic!("{e}"));
        let moved = move_to_trash(tmp.path(), LOG, stem).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            moved,
            Some(tmp.path().join("trash").join("transcripts").join(LOG))
        );
        assert!(!transcript_path(tmp.path(), LOG).exists());
        // A second transcript of the same name never replaces the first in trash.
        save(tmp.path(), LOG, &sample(&["b"])).unwrap_or_else(|e| panic!("{e}"));
        let again = move_to_trash(tmp.path(), LOG, stem).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            again,
            Some(
                tmp.path()
                    .join("trash/transcripts/20260105T080000Z-abc123-1.toml")
            )
        );
        // A log numbered in the trash takes its transcript to the same name.
        save(tmp.path(), LOG, &sample(&["c"])).unwrap_or_else(|e| panic!("{e}"));
        let numbered = move_to_trash(tmp.path(), LOG, "20260105T080000Z-abc123-2")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            numbered,
            Some(
                tmp.path()
                    .join("trash/transcripts/20260105T080000Z-abc123-2.toml")
            )
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(tmp.path().join("trash/transcripts"))
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or_default();
            assert_eq!(mode, 0o700);
        }
    }

    #[test]
    fn names_that_leave_the_folder_are_refused() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for bad in ["../x.toml", "a/b.toml", ".hidden.toml", ""] {
            assert!(save(tmp.path(), bad, &sample(&[])).is_err(), "{bad}");
            assert!(load(tmp.path(), bad).is_err(), "{bad}");
            assert!(move_to_trash(tmp.path(), bad, "x").is_err(), "{bad}");
            assert!(move_to_trash(tmp.path(), "a.toml", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cues_are_attached_to_the_sessions_with_a_transcript_and_a_bad_one_is_named() {
        use crate::domain::history::tests::log;
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut history = History::from_logs([
            (LOG, log("abc123", 5, "co-01", &["customer-obsession"])),
            (
                "20260105T090000Z-def456.toml",
                log("def456", 5, "co-01", &["customer-obsession"]),
            ),
            (
                "20260105T100000Z-0bad00.toml",
                log("0bad00", 5, "co-01", &["customer-obsession"]),
            ),
        ]);
        assert!(
            attach_cues(tmp.path(), &mut history).is_empty(),
            "no folder, no problem"
        );
        save(tmp.path(), LOG, &sample(&["we", "we", "I"])).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            tmp.path().join("transcripts/20260105T100000Z-0bad00.toml"),
            "schema_version = 1\nwords = 3\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let problems = attach_cues(tmp.path(), &mut history);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("0bad00"), "{problems:?}");
        let with: Vec<(&str, usize)> = history
            .sessions()
            .iter()
            .filter_map(|s| Some((&*s.file, s.cues.as_ref()?.total.we)))
            .collect();
        assert_eq!(with, [(LOG, 2)]);
    }
}
