//! Transcripts on disk: `<data dir>/transcripts/<log file stem>.toml`, one per
//! recorded answer, named like the session log they belong to.

use std::io;
use std::path::{Path, PathBuf};

use super::atomic::replace_atomic;
use super::history::{TRASH_DIR, move_no_clobber};
use crate::domain::transcript::{Transcript, TranscriptError};

pub const TRANSCRIPTS_DIR: &str = "transcripts";

#[derive(Debug, thiserror::Error)]
pub enum TranscriptStoreError {
    #[error("could not write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("could not read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
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
    std::fs::create_dir_all(&dir).map_err(write)?;
    replace_atomic(&dir, &name, text.as_bytes()).map_err(write)?;
    Ok(path)
}

/// The transcript of `log_file`, or `None` when it has none yet.
pub fn load(data_dir: &Path, log_file: &str) -> Result<Option<Transcript>, TranscriptStoreError> {
    check_name(log_file)?;
    let path = transcript_path(data_dir, log_file);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(TranscriptStoreError::Read { path, source }),
    };
    Transcript::from_toml(&text)
        .map(Some)
        .map_err(|source| TranscriptStoreError::Parse { path, source })
}

/// Moves the transcript of `log_file` to `<data dir>/trash/transcripts/`, so it
/// goes wherever its session goes (and comes back the same way). `None` when
/// the session had no transcript.
pub fn move_to_trash(data_dir: &Path, log_file: &str) -> io::Result<Option<PathBuf>> {
    check_name(log_file).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
    let name = Transcript::file_name_for(log_file);
    let from_dir = data_dir.join(TRANSCRIPTS_DIR);
    if std::fs::symlink_metadata(from_dir.join(&name)).is_err() {
        return Ok(None);
    }
    let to_dir = data_dir.join(TRASH_DIR).join(TRANSCRIPTS_DIR);
    move_no_clobber(&from_dir, &to_dir, &name).map(Some)
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
        assert_eq!(move_to_trash(tmp.path(), LOG).ok(), Some(None));
        save(tmp.path(), LOG, &sample(&["a"])).unwrap_or_else(|e| panic!("{e}"));
        let moved = move_to_trash(tmp.path(), LOG).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            moved,
            Some(tmp.path().join("trash").join("transcripts").join(LOG))
        );
        assert!(!transcript_path(tmp.path(), LOG).exists());
        // A second transcript of the same name never replaces the first in trash.
        save(tmp.path(), LOG, &sample(&["b"])).unwrap_or_else(|e| panic!("{e}"));
        let again = move_to_trash(tmp.path(), LOG).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            again,
            Some(
                tmp.path()
                    .join("trash/transcripts/20260105T080000Z-abc123-1.toml")
            )
        );
    }

    #[test]
    fn names_that_leave_the_folder_are_refused() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for bad in ["../x.toml", "a/b.toml", ".hidden.toml", ""] {
            assert!(save(tmp.path(), bad, &sample(&[])).is_err(), "{bad}");
            assert!(load(tmp.path(), bad).is_err(), "{bad}");
            assert!(move_to_trash(tmp.path(), bad).is_err(), "{bad}");
        }
    }
}
