//! Finding, loading and creating `config.toml`.

use std::path::{Path, PathBuf};

use super::atomic::create_new_atomic;
use super::read::{SETTINGS_LIMIT, read_text};
use crate::domain::config::{Config, TEMPLATE};
use crate::domain::source::{LoadError, Source};

pub const CONFIG_ENV: &str = "STARDRILL_CONFIG";

/// `$STARDRILL_CONFIG`, else `<platform config dir>/config.toml`
/// (for example `~/.config/stardrill/config.toml` on Linux).
pub fn config_path() -> Option<PathBuf> {
    std::env::var_os(CONFIG_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("", "", "stardrill")
                .map(|d| d.config_dir().join("config.toml"))
        })
}

/// The settings at `path`; defaults when there is no file.
pub fn load_config(path: Option<&Path>) -> Result<Config, LoadError> {
    let Some(path) = path else {
        return Ok(Config::default());
    };
    let name = path.display().to_string();
    match read_text(path, SETTINGS_LIMIT) {
        Ok(text) => Config::parse(&Source::new(&name, &text)),
        Err(e) if e.is_not_found() => Ok(Config::default()),
        Err(e) => Err(LoadError::single(
            &name,
            None,
            format!("cannot read the config file: {e}"),
        )),
    }
}

/// Writes the commented template; an existing file is never replaced.
pub fn init_config(path: &Path) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| std::io::Error::other("the config path has no file name"))?;
    // A link to nothing would read as "already exists": say what it is.
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && std::fs::metadata(path).is_err()
    {
        let target =
            std::fs::read_link(path).map_or_else(|_| "nothing".into(), |t| t.display().to_string());
        return Err(std::io::Error::other(format!(
            "{} is a link to {target}, which does not exist; remove the link or point STARDRILL_CONFIG at another file",
            path.display()
        )));
    }
    crate::storage::paths::create_private_dir(dir)?;
    create_new_atomic(dir, name, TEMPLATE.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_means_defaults_and_init_never_overwrites() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("nested/config.toml");
        assert_eq!(
            load_config(Some(&path)).expect("defaults"),
            Config::default()
        );
        init_config(&path).expect("init");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), TEMPLATE);
        std::fs::write(&path, "seconds = 60\n").expect("edit");
        let err = init_config(&path).expect_err("exists");
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(load_config(Some(&path)).expect("load").seconds, 60);
    }
}
