//! The story bank on disk: `<data dir>/stories.toml`.

use std::path::{Path, PathBuf};

use super::atomic::replace_atomic;
use super::read::{STORIES_LIMIT, read_text};
use crate::domain::principles::Principles;
use crate::domain::source::{LoadError, Source};
use crate::domain::story::{StoryBook, StoryChange};

pub const FILE_NAME: &str = "stories.toml";

#[derive(Debug, thiserror::Error)]
pub enum StoryStoreError {
    /// The file on disk does not parse: it is the user's, so it is left alone.
    #[error("{path} has problems, so it was not overwritten; fix it or move it aside:\n{problems}")]
    Unreadable { path: PathBuf, problems: LoadError },
    #[error("could not write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not encode the stories as TOML: {0}")]
    Encode(#[from] toml::ser::Error),
    /// A link in place of the file: replacing it would cut the link and
    /// following it could write anywhere, so neither is done.
    #[error(
        "{path} is a symbolic link; stardrill does not write through links or replace them. Replace it with the file itself (cp --remove-destination \"$(readlink -f {path})\" {path})"
    )]
    Link { path: PathBuf },
}

pub struct StoryStore {
    dir: PathBuf,
}

impl StoryStore {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.to_path_buf(),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// The saved stories; an empty book when there is no file yet.
    pub fn load(&self, principles: &Principles) -> Result<StoryBook, LoadError> {
        let path = self.path();
        let name = path.display().to_string();
        match read_text(&path, STORIES_LIMIT) {
            Ok(text) => StoryBook::parse(&Source::new(&name, &text), principles),
            Err(e) if e.is_not_found() => Ok(StoryBook::default()),
            Err(e) => Err(LoadError::single(
                &name,
                None,
                format!("cannot read the story bank: {e}"),
            )),
        }
    }

    /// Lays an editor's change over the file as it is now (re-read, so a
    /// change made elsewhere meanwhile is kept) and writes the result.
    /// Returns the book as saved and a note when both sides had to be kept.
    pub fn apply(
        &self,
        change: StoryChange,
        principles: &Principles,
    ) -> Result<(PathBuf, StoryBook, Option<String>), StoryStoreError> {
        self.refuse_link()?;
        let path = self.path();
        let mut book = self
            .load(principles)
            .map_err(|problems| StoryStoreError::Unreadable {
                path: path.clone(),
                problems,
            })?;
        let note = book.apply(change);
        let path = self.save(&book, principles)?;
        Ok((path, book, note))
    }

    fn refuse_link(&self) -> Result<(), StoryStoreError> {
        let path = self.path();
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => Err(StoryStoreError::Link { path }),
            _ => Ok(()),
        }
    }

    /// Writes the book atomically (0600). Refuses when the file on disk has
    /// become unparseable since it was loaded (a hand edit is never
    /// clobbered) or is a symbolic link.
    pub fn save(
        &self,
        book: &StoryBook,
        principles: &Principles,
    ) -> Result<PathBuf, StoryStoreError> {
        self.refuse_link()?;
        let path = self.path();
        if path.exists()
            && let Err(problems) = self.load(principles)
        {
            return Err(StoryStoreError::Unreadable { path, problems });
        }
        let text = book.to_toml()?;
        let write_err = |source| StoryStoreError::Write {
            path: path.clone(),
            source,
        };
        crate::storage::paths::create_private_dir(&self.dir).map_err(write_err)?;
        replace_atomic(&self.dir, FILE_NAME, text.as_bytes()).map_err(write_err)?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::story::Story;

    fn principles() -> Principles {
        Principles::embedded().expect("principles")
    }

    #[test]
    fn save_and_load_round_trip_with_owner_only_permissions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = StoryStore::new(&dir.path().join("data"));
        assert_eq!(
            store.load(&principles()).expect("empty"),
            StoryBook::default()
        );
        let book = StoryBook {
            stories: vec![Story {
                id: "a".into(),
                title: "A".into(),
                principles: vec!["frugality".into()],
                ..Story::default()
            }],
        };
        let path = store.save(&book, &principles()).expect("save");
        assert_eq!(store.load(&principles()).expect("load"), book);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_place_of_the_file_is_reported_not_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("elsewhere.toml");
        std::fs::write(&target, "").expect("write");
        let store = StoryStore::new(dir.path());
        std::os::unix::fs::symlink(&target, store.path()).expect("link");
        let err = store
            .save(&StoryBook::default(), &principles())
            .expect_err("refused");
        assert!(err.to_string().contains("symbolic link"), "{err}");
        let meta = std::fs::symlink_metadata(store.path()).expect("still there");
        assert!(meta.file_type().is_symlink(), "the link was not replaced");
    }

    #[test]
    fn a_broken_file_is_never_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = StoryStore::new(dir.path());
        std::fs::write(store.path(), "[[story]\nbroken").expect("write");
        let err = store
            .save(&StoryBook::default(), &principles())
            .expect_err("refused");
        let msg = err.to_string();
        assert!(
            msg.contains("was not overwritten") && msg.contains("stories.toml:1:"),
            "{msg}"
        );
        assert_eq!(
            std::fs::read_to_string(store.path()).expect("read"),
            "[[story]\nbroken"
        );
    }
}
