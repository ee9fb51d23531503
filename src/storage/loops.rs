//! Interview loop records: `<data dir>/loops/<UTC start>-<id>.toml`.

use std::path::{Path, PathBuf};

use super::atomic::create_new_atomic;
use super::paths::records_newest_first;
use super::read::{RECORD_LIMIT, read_text};
use crate::domain::interview_loop::LoopRecord;

pub const SUBDIR: &str = "loops";

/// Writes the record atomically, never replacing another file.
pub fn save_loop(data_dir: &Path, record: &LoopRecord) -> Result<PathBuf, String> {
    let dir = data_dir.join(SUBDIR);
    crate::storage::paths::create_private_dir(&dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let text = record.to_toml().map_err(|e| e.to_string())?;
    let name = record.file_name();
    create_new_atomic(&dir, &name, text.as_bytes())
        .map_err(|e| format!("could not write {}: {e}", dir.join(&name).display()))?;
    Ok(dir.join(name))
}

/// Every loop record that parses, newest first; others are skipped.
pub fn load_loops(data_dir: &Path) -> Vec<(PathBuf, LoopRecord)> {
    records_newest_first(&data_dir.join(SUBDIR))
        .into_iter()
        .filter_map(|p| {
            let record = LoopRecord::from_toml(&read_text(&p, RECORD_LIMIT).ok()?).ok()?;
            Some((p, record))
        })
        .collect()
}
