//! The attempt history the scheduler weighs questions against.

use std::path::Path;

use super::sessions::SessionStore;
use crate::domain::schedule::PastAttempt;
use crate::domain::session::SessionLog;

/// Every readable session log under `<data dir>/sessions`; unreadable ones are
/// skipped here (review reports them).
pub fn load_history(data_dir: &Path) -> Vec<PastAttempt> {
    let Ok(dir) = std::fs::read_dir(data_dir.join(SessionStore::SUBDIR)) else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|text| SessionLog::from_toml(&text).ok())
        .map(|log| PastAttempt::from(&log))
        .collect()
}
