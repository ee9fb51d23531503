//! `stardrill stories`: the editor, and CSV import/export of the grid.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::Size;

use super::args::StoriesArgs;
use super::event_loop::{self, Program};
use super::output::{self, Kind};
use super::{EXIT_INPUT, EXIT_UNSAVED, fail};
use crate::app::Msg;
use crate::app::stories::{RECENT_WINDOW, Saved, StoriesApp, StoriesEffect};
use crate::domain::clock::{Clock, SystemClock};
use crate::domain::principles::Principles;
use crate::domain::story::StoryBook;
use crate::storage::atomic::create_new_atomic;
use crate::storage::paths::resolve_data_dir;
use crate::storage::read::{IMPORT_LIMIT, read_text};
use crate::storage::sessions::{SessionStore, recent_story_use};
use crate::storage::stories::StoryStore;
use crate::ui::keep::Keep;
use crate::ui::theme::Theme;

impl Program for StoriesApp {
    type Msg = Msg;
    type Effect = StoriesEffect;

    fn update(&mut self, msg: Msg, _clock: &dyn Clock) -> Vec<StoriesEffect> {
        StoriesApp::update(self, msg)
    }

    fn draw(&self, buf: &mut Buffer, _keep: &mut Keep, _now: Duration, theme: Theme) {
        crate::ui::stories::draw(buf, self, theme);
    }

    fn should_quit(&self) -> bool {
        self.should_quit
    }

    fn fit(&mut self, size: Size) {
        self.too_small = !crate::ui::fits(size, (crate::ui::MIN_WIDTH, crate::ui::MIN_HEIGHT));
    }
}

pub fn run(args: StoriesArgs, theme: Theme) -> ExitCode {
    let principles = match Principles::embedded() {
        Ok(p) => p,
        Err(err) => return fail(err),
    };
    let Some(data_dir) = resolve_data_dir(args.data_dir) else {
        return fail(
            "no home folder for the story bank; pass --data-dir PATH or set STARDRILL_DATA_DIR",
        );
    };
    let store = StoryStore::new(&data_dir);
    let mut book = match store.load(&principles) {
        Ok(book) => book,
        Err(err) => {
            output::error(&err.to_string());
            return fail(format!(
                "{} has problems; it was left untouched",
                store.path().display()
            ));
        }
    };

    if let Some(path) = args.import {
        return import(&path, &mut book, &store, &principles);
    }
    if let Some(target) = args.export {
        return export(&book, &principles, target.as_deref());
    }

    if let Err(msg) = event_loop::check_interactive() {
        return fail(msg);
    }
    let recent = recent_story_use(&data_dir.join(SessionStore::SUBDIR), RECENT_WINDOW);
    let mut app = StoriesApp::new(principles.clone(), book, recent);
    let mut perform = |app: &mut StoriesApp, effect: StoriesEffect| match effect {
        StoriesEffect::Save(edit) => {
            let result = store
                .apply(edit.change, &principles)
                .map(|(path, book, note)| Saved { path, book, note })
                .map_err(|e| e.to_string());
            app.on_saved(result);
        }
    };
    let clock = SystemClock::new();
    let result = event_loop::run_on_terminal(&mut app, &clock, theme, |_| {}, &mut perform);
    if let Err(err) = result {
        output::error(&format!("stardrill: terminal error: {err}"));
        return ExitCode::from(EXIT_UNSAVED);
    }
    if app.unsaved {
        output::error(
            "stardrill: the last change to your stories was not saved; here they are, so nothing is lost:",
        );
        match app.book.to_toml() {
            Ok(text) => output::error(&text),
            Err(err) => output::error(&format!(
                "{:#?}\n(could not encode as TOML: {err})",
                app.book
            )),
        }
        return ExitCode::from(EXIT_UNSAVED);
    }
    ExitCode::SUCCESS
}

fn import(
    path: &Path,
    book: &mut StoryBook,
    store: &StoryStore,
    principles: &Principles,
) -> ExitCode {
    let name = path.display().to_string();
    let text = match read_text(path, IMPORT_LIMIT) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot read {name}: {e}")),
    };
    let stories = match StoryBook::from_csv(&name, &text, principles) {
        Ok(s) => s,
        Err(err) => {
            output::error(&err.to_string());
            return fail(format!("{name} has problems; nothing was imported"));
        }
    };
    let total = stories.len();
    let added = stories
        .into_iter()
        .filter(|s| book.upsert(s.clone()))
        .count();
    match store.save(book, principles) {
        Ok(saved) => output::report_then(
            &format!(
                "Imported {total} stories from {name} ({added} new, {} updated) into {}\n",
                total - added,
                saved.display()
            ),
            ExitCode::SUCCESS,
        ),
        Err(err) => {
            output::error(&format!("stardrill: {err}"));
            ExitCode::from(EXIT_INPUT)
        }
    }
}

fn export(book: &StoryBook, principles: &Principles, target: Option<&Path>) -> ExitCode {
    let csv = match book.to_csv(principles) {
        Ok(csv) => csv,
        Err(err) => return fail(format!("could not write CSV: {err}")),
    };
    let Some(path) = target else {
        return output::print(&csv, Kind::Data)
            .map_or_else(|s| s.exit_code(), |()| ExitCode::SUCCESS);
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Some(file) = path.file_name().and_then(|n| n.to_str()) else {
        return fail(format!("{} is not a file path", path.display()));
    };
    match create_new_atomic(dir, file, csv.as_bytes()) {
        Ok(()) => output::report_then(
            &format!(
                "Wrote {} stories to {}\n",
                book.stories.len(),
                path.display()
            ),
            ExitCode::SUCCESS,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => fail(format!(
            "{} already exists; choose another name (it was not overwritten)",
            path.display()
        )),
        Err(e) => fail(format!("could not write {}: {e}", path.display())),
    }
}
