//! Session logs on disk: `<data dir>/sessions/<UTC start>-<id>.toml`.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::atomic::{create_new_atomic, rename_no_clobber};
use super::paths::records_newest_first;
use super::read::{RECORD_LIMIT, read_text};
use super::recordings;
use crate::domain::session::{SessionLog, StoreError, new_id};

/// Anything that can keep a finished attempt; the event loop saves through it.
pub trait SessionSink {
    fn save(&mut self, log: &SessionLog) -> Result<PathBuf, StoreError>;
}

pub struct SessionStore {
    dir: PathBuf,
}

impl SessionStore {
    pub const SUBDIR: &'static str = "sessions";

    /// Checks `<data_dir>/sessions` can be made and written, so a bad data
    /// dir is reported before the drill starts, not after an answer. Nothing
    /// is created until the first save.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        let dir = data_dir.join(Self::SUBDIR);
        let unusable = |source| StoreError::Unusable {
            path: dir.clone(),
            source,
        };
        if data_dir.exists() && !data_dir.is_dir() {
            return Err(StoreError::Unusable {
                path: data_dir.to_path_buf(),
                source: io::Error::other("it is a file, not a folder"),
            });
        }
        crate::storage::paths::check_can_write_in(&dir).map_err(unusable)?;
        Ok(Self { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// After a new id: the log's recordings are renamed to its new stem (and
    /// the log names them so).
    fn rename_recordings(&self, log: &mut SessionLog, old_stem: &str) {
        let names: Vec<String> = log.audio_files().map(str::to_string).collect();
        if names.is_empty() {
            return;
        }
        let data_dir = self.dir.parent().unwrap_or(&self.dir);
        let mut given =
            recordings::follow_new_stem(data_dir, &names, old_stem, &log.file_stem()).into_iter();
        if log.audio.is_some() {
            log.audio = given.next().flatten();
        }
        for probe in log.probes.iter_mut().filter(|p| p.audio.is_some()) {
            probe.audio = given.next().flatten();
        }
    }
}

impl SessionSink for SessionStore {
    fn save(&mut self, log: &SessionLog) -> Result<PathBuf, StoreError> {
        crate::storage::paths::create_private_dir(&self.dir).map_err(|source| {
            StoreError::Write {
                path: self.dir.clone(),
                source,
            }
        })?;
        let mut log = log.clone();
        // The id is random, so a clash is unlikely; if one happens, pick another id
        // rather than touch the existing file.
        for _ in 0..8 {
            let name = log.file_name();
            let text = log.to_toml()?;
            match create_new_atomic(&self.dir, &name, text.as_bytes()) {
                Ok(()) => return Ok(self.dir.join(name)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let old = log.file_stem();
                    log.id = new_id(&mut StdRng::from_os_rng());
                    self.rename_recordings(&mut log, &old);
                }
                Err(source) => {
                    return Err(StoreError::Write {
                        path: self.dir.join(name),
                        source,
                    });
                }
            }
        }
        Err(StoreError::Write {
            path: self.dir.clone(),
            source: io::Error::new(io::ErrorKind::AlreadyExists, "no free file name"),
        })
    }
}

/// A temp file left in `sessions/` by a save that was cut short (a crash,
/// a power cut): what `recover_leftovers` did with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leftover {
    /// It held a whole log, now in place under its own name.
    Recovered { temp: String, log: String },
    /// Not a whole log: left where it is, with what to do.
    Partial { temp: String, why: String },
}

impl std::fmt::Display for Leftover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Recovered { temp, log } => {
                write!(f, "{temp}: a save cut short, recovered whole as {log}")
            }
            Self::Partial { temp, why } => write!(
                f,
                "{temp}: left by a save cut short, and not a whole log ({why}); nothing in it can be recovered, so delete it"
            ),
        }
    }
}

/// Temp files younger than this may belong to a save happening right now.
const LEFTOVER_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// Finds temp files a cut-short save left in `sessions_dir` (they start
/// with `.stardrill-`), puts each whole log back under its own name (never
/// replacing a file) and reports the rest.
pub fn recover_leftovers(sessions_dir: &Path) -> Vec<Leftover> {
    let Ok(entries) = std::fs::read_dir(sessions_dir) else {
        return Vec::new();
    };
    let mut temps: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".stardrill-"))
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age >= LEFTOVER_AGE))
        })
        .map(|e| e.path())
        .collect();
    temps.sort();
    temps
        .into_iter()
        .filter_map(|path| {
            let temp = path.file_name()?.to_string_lossy().into_owned();
            let partial = |why: String| {
                Some(Leftover::Partial {
                    temp: temp.clone(),
                    why,
                })
            };
            let text = match read_text(&path, RECORD_LIMIT) {
                Ok(text) => text,
                Err(e) => return partial(e.to_string()),
            };
            if text.trim().is_empty() {
                return partial("empty".into());
            }
            let log = match SessionLog::from_toml(&text) {
                Ok(log) => log,
                Err(e) => return partial(e.message().trim().to_string()),
            };
            if let Some(problem) = log.out_of_range() {
                return partial(problem);
            }
            let name = log.file_name();
            match rename_no_clobber(&path, &sessions_dir.join(&name)) {
                Ok(()) => Some(Leftover::Recovered { temp, log: name }),
                Err(e) => partial(format!("{name} could not take its place: {e}")),
            }
        })
        .collect()
}

/// How often each story was told in the newest `window` session logs. File
/// names sort by start time, so only those files are read.
pub fn recent_story_use(sessions_dir: &Path, window: usize) -> HashMap<String, usize> {
    let mut uses = HashMap::new();
    for path in records_newest_first(sessions_dir).iter().take(window) {
        let story = read_text(path, RECORD_LIMIT)
            .ok()
            .and_then(|text| SessionLog::from_toml(&text).ok())
            .and_then(|log| log.story);
        if let Some(story) = story {
            *uses.entry(story.id).or_insert(0) += 1;
        }
    }
    uses
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::session::{LoggedQuestion, LoggedStep, Outcome, Rubric, SCHEMA_VERSION};
    use chrono::DateTime;

    fn sample() -> SessionLog {
        let started = DateTime::parse_from_rfc3339("2026-01-05T09:00:00+01:00").expect("date");
        SessionLog {
            schema_version: SCHEMA_VERSION,
            id: "abc123".into(),
            started_at: started,
            ended_at: started + chrono::Duration::seconds(125),
            outcome: Outcome::Completed,
            framework: "star".into(),
            time_limit_secs: 120,
            answer_secs: 95.0,
            overtime_secs: 0.0,
            paused_secs: 3.5,
            rating: Some(4),
            follow_up: Some("How did you measure that?".into()),
            follow_up_secs: None,
            probes: Vec::new(),
            loop_id: None,
            round: None,
            notes: "line one\n\"quoted\" 面试 🚀\n".into(),
            question: LoggedQuestion {
                id: "co-01".into(),
                text: "Tell me about a time you put the customer first.".into(),
                principles: vec!["customer-obsession".into(), "ownership".into()],
                kind: crate::domain::bank::QuestionKind::Behavioral,
            },
            steps: vec![
                LoggedStep {
                    key: "situation".into(),
                    name: "Situation".into(),
                    target_secs: 30,
                    checked_at_secs: Some(25.0),
                },
                LoggedStep {
                    key: "task".into(),
                    name: "Task".into(),
                    target_secs: 15,
                    checked_at_secs: None,
                },
            ],
            rubric: Rubric {
                spoke_as_i: true,
                ..Rubric::default()
            },
            story: None,
            audio: None,
            delivery: None,
        }
    }

    #[test]
    fn saved_log_round_trips_under_a_sortable_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = SessionStore::open(dir.path()).expect("open");
        let path = store.save(&sample()).expect("save");
        assert_eq!(
            path.file_name().and_then(|n| n.to_str()),
            Some("20260105T080000Z-abc123.toml"),
            "UTC start time, then the id"
        );
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with("# stardrill session log"));
        assert_eq!(SessionLog::from_toml(&text).expect("parse"), sample());
    }

    #[test]
    fn a_clashing_name_gets_a_new_id_and_the_old_file_is_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = SessionStore::open(dir.path()).expect("open");
        let first = store.save(&sample()).expect("save");
        let before = std::fs::read(&first).expect("read");
        let second = store.save(&sample()).expect("save again");
        assert_ne!(first, second);
        assert_eq!(std::fs::read(&first).expect("read"), before);
        let again =
            SessionLog::from_toml(&std::fs::read_to_string(&second).expect("read")).expect("parse");
        assert_ne!(again.id, "abc123");
    }

    #[test]
    fn a_recording_follows_its_log_to_a_new_id() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = SessionStore::open(dir.path()).expect("open");
        store.save(&sample()).expect("save");
        let audio = recordings::audio_dir(dir.path());
        std::fs::create_dir_all(&audio).expect("audio dir");
        let mut recorded = sample();
        recorded.audio = Some("20260105T080000Z-abc123.ogg".into());
        std::fs::write(audio.join("20260105T080000Z-abc123.ogg"), "sound").expect("write");
        let path = store.save(&recorded).expect("save a clash");
        let again =
            SessionLog::from_toml(&std::fs::read_to_string(&path).expect("read")).expect("parse");
        let named = again.audio.clone().expect("names its recording");
        assert_eq!(named, format!("{}.ogg", again.file_stem()));
        assert_eq!(std::fs::read(audio.join(&named)).expect("moved"), b"sound");
        assert!(!audio.join("20260105T080000Z-abc123.ogg").exists());
    }

    #[test]
    fn a_data_dir_that_is_a_file_is_refused_clearly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, "x").expect("write");
        let err = SessionStore::open(&file).err().expect("refused");
        let msg = err.to_string();
        assert!(
            msg.contains("not-a-dir") && msg.contains("not a folder"),
            "{msg}"
        );
        assert_eq!(std::fs::read(&file).expect("read"), b"x", "left alone");
    }

    #[test]
    fn opening_creates_nothing_and_the_first_save_makes_the_folder() {
        let root = tempfile::tempdir().expect("tempdir");
        let data = root.path().join("data");
        let mut store = SessionStore::open(&data).expect("open");
        assert!(!data.exists(), "nothing is written before there is a log");
        store.save(&sample()).expect("save");
        assert_eq!(
            crate::storage::paths::records_newest_first(store.dir()).len(),
            1
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for made in [&data, &data.join(SessionStore::SUBDIR)] {
                let mode = std::fs::metadata(made).expect("made").permissions().mode();
                assert_eq!(mode & 0o777, 0o700, "{}", made.display());
            }
        }
    }

    #[test]
    fn a_folder_that_became_a_file_is_a_write_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = SessionStore::open(dir.path()).expect("open");
        std::fs::write(dir.path().join(SessionStore::SUBDIR), "x").expect("write");
        let err = store.save(&sample()).expect_err("cannot write");
        assert!(matches!(err, StoreError::Write { .. }), "{err}");
        assert!(err.to_string().contains("not a folder"), "{err}");
    }

    /// A folder no one may write in, root included: /proc/self.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_that_cannot_be_written_is_refused_at_open() {
        let err = SessionStore::open(Path::new("/proc/self"))
            .err()
            .expect("refused");
        assert!(matches!(err, StoreError::Unusable { .. }), "{err}");
        assert!(err.to_string().contains("/proc/self"), "{err}");
    }

    #[test]
    fn new_ids_are_six_hex_digits() {
        let id = new_id(&mut StdRng::from_os_rng());
        assert_eq!(id.len(), 6);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
