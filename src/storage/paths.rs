//! Where user data lives.

use std::path::PathBuf;

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
