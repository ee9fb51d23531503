//! Session logs on disk: `<data dir>/sessions/<UTC start>-<id>.toml`.

use std::io;
use std::path::{Path, PathBuf};

use rand::Rng;

use super::atomic::create_new_atomic;
use crate::domain::session::SessionLog;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use {path} for session logs: {source}")]
    Unusable { path: PathBuf, source: io::Error },
    #[error("could not write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("could not encode the session as TOML: {0}")]
    Encode(#[from] toml::ser::Error),
}

/// Anything that can keep a finished attempt; the event loop saves through it.
pub trait SessionSink {
    fn save(&mut self, log: &SessionLog) -> Result<PathBuf, StoreError>;
}

pub struct SessionStore {
    dir: PathBuf,
}

impl SessionStore {
    pub const SUBDIR: &'static str = "sessions";

    /// Creates `<data_dir>/sessions` if needed and checks it can be written,
    /// so a bad data dir is reported before the drill starts, not after an answer.
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
        std::fs::create_dir_all(&dir).map_err(unusable)?;
        tempfile::Builder::new()
            .prefix(".stardrill-probe-")
            .tempfile_in(&dir)
            .map_err(unusable)?;
        Ok(Self { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl SessionSink for SessionStore {
    fn save(&mut self, log: &SessionLog) -> Result<PathBuf, StoreError> {
        let mut log = log.clone();
        // The id is random, so a clash is unlikely; if one happens, pick another id
        // rather than touch the existing file.
        for _ in 0..8 {
            let name = log.file_name();
            let text = log.to_toml()?;
            match create_new_atomic(&self.dir, &name, text.as_bytes()) {
                Ok(()) => return Ok(self.dir.join(name)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => log.id = new_id(),
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

/// Six lower-case hex digits: short enough to read, random enough for one person.
pub fn new_id() -> String {
    format!("{:06x}", rand::rng().random_range(0..0x100_0000u32))
}
