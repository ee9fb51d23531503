//! Where user data lives.

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
