//! The story bank editor: a list of stories, a form to add or edit one, and
//! the coverage grid of stories against principles.

use std::collections::HashMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use super::keymap::{Binding, CONFIRM_KEYS, Key, Keymap, TOO_SMALL_KEYS};
use super::{GLOBAL_KEYS, Msg, Status, text_box};
use crate::domain::principles::Principles;
use crate::domain::story::{Story, StoryBook, StoryChange, TEXT_FIELDS};

/// A story used more often than this in the last ten drills is flagged.
pub const OVERUSE_LIMIT: usize = 3;
pub const RECENT_WINDOW: usize = 10;
/// The title of a story left untitled when the editor was quit mid-way.
pub const UNTITLED: &str = "Untitled (saved when the editor closed)";

#[derive(Debug, Clone, PartialEq)]
pub enum StoriesEffect {
    Save(Edit),
}

/// A change to save, and the book as the editor shows it after it (printed
/// on exit if the save fails, so nothing is lost).
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub change: StoryChange,
    pub book: StoryBook,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookKey {
    Down,
    Up,
    First,
    Last,
    Add,
    Edit,
    Delete,
    SwitchView,
    Help,
    Quit,
}

/// The list and the coverage grid answer to the same keys; each shows its
/// own hints.
macro_rules! book_keys {
    ($add:expr, $edit:expr, $delete:expr, $switch:expr, $switch_text:expr, $moves:expr, $help:expr, $quit:expr) => {
        Keymap(&[
            Binding::silent(&[Key::Code(KeyCode::Down), Key::Char('j')], BookKey::Down)
                .help("j k ↑ ↓", "move; g/G first/last")
                .footer_at($moves, "j/k", "move"),
            Binding::silent(&[Key::Code(KeyCode::Up), Key::Char('k')], BookKey::Up),
            Binding::silent(&[Key::Code(KeyCode::Home), Key::Char('g')], BookKey::First),
            Binding::silent(&[Key::Code(KeyCode::End), Key::Char('G')], BookKey::Last),
            Binding::silent(&[Key::Char('a')], BookKey::Add)
                .help("a", "add a story")
                .footer_at($add, "a", "add"),
            Binding::silent(&[Key::Char('e'), Key::Code(KeyCode::Enter)], BookKey::Edit)
                .help("e Enter", "edit the selected story")
                .footer_at($edit, "e", "edit"),
            Binding::silent(&[Key::Char('d')], BookKey::Delete)
                .help("d", "delete it (y confirms)")
                .footer_at($delete, "d", "delete"),
            Binding::silent(
                &[Key::Code(KeyCode::Tab), Key::Char('c')],
                BookKey::SwitchView,
            )
            .help("Tab c", "switch list / coverage grid")
            .footer_at($switch, "Tab", $switch_text),
            Binding::silent(&[Key::Char('q'), Key::Code(KeyCode::Esc)], BookKey::Quit)
                .help("q Esc", "quit")
                .footer_at($quit, "q", "quit"),
            Binding::silent(&[Key::Char('?')], BookKey::Help).footer_at($help, "?", "help"),
        ])
    };
}

pub const LIST_KEYS: Keymap<BookKey> = book_keys!(
    Some(0),
    Some(1),
    Some(2),
    Some(3),
    "coverage grid",
    Some(4),
    Some(5),
    Some(6)
);
/// The grid hides edit and delete from its footer (they act on the story
/// selected in the list).
pub const GRID_KEYS: Keymap<BookKey> = book_keys!(
    Some(2),
    None,
    None,
    Some(0),
    "list",
    Some(1),
    Some(3),
    Some(4)
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    Save,
    Cancel,
    NextField,
    PreviousField,
}

/// Keys of the story form; in a text field every other key is text.
pub const FORM_KEYS: Keymap<FormKey> = Keymap(&[
    Binding::silent(&[Key::Code(KeyCode::Tab)], FormKey::NextField)
        .help("Tab S-Tab", "next / previous field")
        .footer(0, "Tab", "next field"),
    Binding::silent(&[Key::Code(KeyCode::BackTab)], FormKey::PreviousField)
        .footer(1, "S-Tab", "previous"),
    Binding::silent(&[Key::Ctrl('s')], FormKey::Save)
        .help("Ctrl-S", "save")
        .footer(2, "Ctrl-S", "save"),
    Binding::silent(&[Key::Code(KeyCode::Esc)], FormKey::Cancel)
        .help("Esc", "cancel (twice with changes)")
        .footer(3, "Esc", "cancel"),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipleKey {
    Down,
    Up,
    Tick,
}

/// Keys of the form's principle checklist.
pub const PRINCIPLE_KEYS: Keymap<PrincipleKey> = Keymap(&[
    Binding::silent(
        &[Key::Code(KeyCode::Down), Key::Char('j')],
        PrincipleKey::Down,
    ),
    Binding::silent(&[Key::Code(KeyCode::Up), Key::Char('k')], PrincipleKey::Up),
    Binding::silent(
        &[Key::Char(' '), Key::Code(KeyCode::Enter)],
        PrincipleKey::Tick,
    )
    .help("Space", "tick a principle"),
]);

/// What a save wrote: where, the book as it is now on disk, and what had
/// to be done to keep changes made elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub path: std::path::PathBuf,
    pub book: StoryBook,
    pub note: Option<String>,
}

pub enum View {
    List,
    Grid,
    Edit(Box<Form>),
    ConfirmDelete,
}

/// Form fields in Tab order: title, the principles checklist, then the bullets.
pub const FORM_FIELDS: usize = TEXT_FIELDS.len() + 1;
pub const PRINCIPLES_FIELD: usize = 1;

pub struct Form {
    /// `None` for a new story.
    pub original_id: Option<String>,
    /// The story as it was when the form opened, to lay the edit over
    /// changes made elsewhere meanwhile.
    pub base: Option<Story>,
    /// One editor per entry of `TEXT_FIELDS`.
    pub texts: Vec<TextArea<'static>>,
    pub principles: Vec<bool>,
    pub principle_cursor: usize,
    pub focus: usize,
    pub dirty: bool,
    pub confirm_discard: bool,
}

impl Form {
    fn new(story: Option<&Story>, principles: &Principles) -> Self {
        let texts = TEXT_FIELDS
            .iter()
            .map(|field| {
                let value = story.map_or("", |s| field.of(s));
                let mut area = TextArea::new(value.lines().map(str::to_string).collect());
                area.set_wrap_mode(WrapMode::WordOrGlyph);
                area.set_cursor_line_style(Style::default());
                area.set_placeholder_style(Style::default().add_modifier(Modifier::DIM));
                area.set_placeholder_text(field.placeholder);
                area
            })
            .collect();
        let mut form = Self {
            original_id: story.map(|s| s.id.clone()),
            base: story.cloned(),
            texts,
            principles: principles
                .all()
                .iter()
                .map(|p| story.is_some_and(|s| s.proves(&p.slug)))
                .collect(),
            principle_cursor: 0,
            focus: 0,
            dirty: false,
            confirm_discard: false,
        };
        form.update_cursors();
        form
    }

    /// The text editor behind a focus position, if it is one.
    pub fn text_index(focus: usize) -> Option<usize> {
        match focus {
            0 => Some(0),
            PRINCIPLES_FIELD => None,
            n => Some(n - 1),
        }
    }

    fn update_cursors(&mut self) {
        let focused = Self::text_index(self.focus);
        for (i, area) in self.texts.iter_mut().enumerate() {
            if Some(i) == focused {
                // Editing usually continues where the text ends.
                area.move_cursor(CursorMove::Bottom);
                area.move_cursor(CursorMove::End);
                area.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
            } else {
                area.set_cursor_style(Style::default());
            }
        }
    }

    fn value(&self, field: usize) -> String {
        self.texts[field].lines().join("\n").trim().to_string()
    }
}

pub struct StoriesApp {
    pub principles: Principles,
    pub book: StoryBook,
    /// Uses of each story id in the last `RECENT_WINDOW` drills.
    pub recent_use: HashMap<String, usize>,
    pub selected: usize,
    pub view: View,
    pub help_open: bool,
    pub status: Option<Status>,
    /// The book as last written; differs from `book` after a failed save.
    pub unsaved: bool,
    pub should_quit: bool,
    /// The window is too small to show the editor: only quitting acts.
    pub too_small: bool,
}

impl StoriesApp {
    pub fn new(
        principles: Principles,
        book: StoryBook,
        recent_use: HashMap<String, usize>,
    ) -> Self {
        Self {
            principles,
            book,
            recent_use,
            selected: 0,
            view: View::List,
            help_open: false,
            status: None,
            unsaved: false,
            should_quit: false,
            too_small: false,
        }
    }

    pub fn is_overused(&self, id: &str) -> bool {
        self.recent_use.get(id).copied().unwrap_or(0) > OVERUSE_LIMIT
    }

    pub fn selected_story(&self) -> Option<&Story> {
        self.book.stories.get(self.selected)
    }

    /// Records a save: the book as written (with any change made elsewhere
    /// meanwhile) replaces the one on screen.
    pub fn on_saved(&mut self, result: Result<Saved, String>) {
        match result {
            Ok(saved) => {
                let selected = self.selected_story().map(|s| s.id.clone());
                self.book = saved.book;
                self.selected = selected
                    .and_then(|id| self.book.stories.iter().position(|s| s.id == id))
                    .unwrap_or(self.selected)
                    .min(self.book.stories.len().saturating_sub(1));
                self.unsaved = false;
                self.status = Some(Status {
                    text: match saved.note {
                        Some(note) => format!("Saved {}: {note}", saved.path.display()),
                        None => format!("Saved {}", saved.path.display()),
                    },
                    is_error: false,
                });
            }
            Err(err) => {
                self.unsaved = true;
                self.status = Some(Status {
                    text: format!("Not saved: {err}"),
                    is_error: true,
                });
            }
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<StoriesEffect> {
        match msg {
            Msg::Terminate => self.leave(),
            Msg::Paste(text) => {
                if let View::Edit(form) = &mut self.view
                    && let Some(i) = Form::text_index(form.focus)
                {
                    match text_box::paste(&mut form.texts[i], &text) {
                        Ok(()) => form.dirty = true,
                        Err(why) => {
                            self.status = Some(Status {
                                text: why,
                                is_error: true,
                            })
                        }
                    }
                }
                Vec::new()
            }
            Msg::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Msg::Typed(text) => {
                let in_text_field = matches!(&self.view, View::Edit(form)
                    if Form::text_index(form.focus).is_some_and(|i| i != 0));
                if in_text_field && !self.too_small {
                    return self.update(Msg::Paste(text));
                }
                let mut effects = Vec::new();
                for key in super::keys_typed(&text) {
                    effects.extend(self.on_key(key));
                    if self.should_quit {
                        break;
                    }
                }
                effects
            }
            _ => Vec::new(),
        }
    }

    /// The keys of the list or the grid, whichever is on show.
    pub fn book_keys(&self) -> &'static Keymap<BookKey> {
        match self.view {
            View::Grid => &GRID_KEYS,
            _ => &LIST_KEYS,
        }
    }

    /// Quitting by Ctrl-C or a signal: a story being typed is kept, as if
    /// saved (with a stand-in title when it has none yet).
    fn leave(&mut self) -> Vec<StoriesEffect> {
        self.should_quit = true;
        let View::Edit(form) = &mut self.view else {
            return Vec::new();
        };
        if !form.dirty {
            return Vec::new();
        }
        if form.value(0).is_empty() {
            form.texts[0] = TextArea::new(vec![UNTITLED.to_string()]);
        }
        self.save_form()
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<StoriesEffect> {
        if GLOBAL_KEYS.action(&key).is_some() {
            return self.leave();
        }
        if self.too_small {
            if TOO_SMALL_KEYS.action(&key).is_some() {
                return self.leave();
            }
            return Vec::new();
        }
        if self.help_open {
            self.help_open = false;
            return Vec::new();
        }
        if matches!(self.view, View::Edit(_)) {
            return self.on_form_key(key);
        }
        if matches!(self.view, View::ConfirmDelete) {
            return self.on_confirm_key(key);
        }
        let count = self.book.stories.len();
        let Some(action) = self.book_keys().action(&key) else {
            return Vec::new();
        };
        match action {
            BookKey::Quit => self.should_quit = true,
            BookKey::Help => self.help_open = true,
            BookKey::Down => self.selected = (self.selected + 1).min(count.saturating_sub(1)),
            BookKey::Up => self.selected = self.selected.saturating_sub(1),
            BookKey::First => self.selected = 0,
            BookKey::Last => self.selected = count.saturating_sub(1),
            BookKey::SwitchView => {
                self.view = match self.view {
                    View::Grid => View::List,
                    _ => View::Grid,
                };
            }
            BookKey::Add => self.view = View::Edit(Box::new(Form::new(None, &self.principles))),
            BookKey::Edit => {
                if let Some(story) = self.selected_story() {
                    self.view = View::Edit(Box::new(Form::new(Some(story), &self.principles)));
                }
            }
            BookKey::Delete if count > 0 => self.view = View::ConfirmDelete,
            BookKey::Delete => {}
        }
        Vec::new()
    }

    fn on_confirm_key(&mut self, key: KeyEvent) -> Vec<StoriesEffect> {
        self.view = View::List;
        if CONFIRM_KEYS.action(&key).is_none() {
            self.status = Some(Status {
                text: "Kept the story".into(),
                is_error: false,
            });
            return Vec::new();
        }
        if self.selected >= self.book.stories.len() {
            return Vec::new();
        }
        let removed = self.book.stories.remove(self.selected);
        self.selected = self.selected.min(self.book.stories.len().saturating_sub(1));
        self.status = Some(Status {
            text: format!("Deleted {:?}", removed.title),
            is_error: false,
        });
        vec![StoriesEffect::Save(Edit {
            change: StoryChange::Delete { base: removed },
            book: self.book.clone(),
        })]
    }

    fn on_form_key(&mut self, key: KeyEvent) -> Vec<StoriesEffect> {
        let View::Edit(form) = &mut self.view else {
            return Vec::new();
        };
        let action = FORM_KEYS.action(&key);
        if action == Some(FormKey::Save) {
            return self.save_form();
        }
        if action != Some(FormKey::Cancel) {
            form.confirm_discard = false;
        }
        match action {
            Some(FormKey::Cancel) if form.dirty && !form.confirm_discard => {
                form.confirm_discard = true;
                self.status = Some(Status {
                    text: "Unsaved changes: Esc again discards them, Ctrl-S saves".into(),
                    is_error: false,
                });
            }
            Some(FormKey::Cancel) => {
                self.view = View::List;
                self.status = None;
            }
            Some(FormKey::NextField) => {
                form.focus = (form.focus + 1) % FORM_FIELDS;
                form.update_cursors();
            }
            Some(FormKey::PreviousField) => {
                form.focus = (form.focus + FORM_FIELDS - 1) % FORM_FIELDS;
                form.update_cursors();
            }
            Some(FormKey::Save) => {}
            None if form.focus == PRINCIPLES_FIELD => match PRINCIPLE_KEYS.action(&key) {
                Some(PrincipleKey::Down) => {
                    form.principle_cursor =
                        (form.principle_cursor + 1).min(form.principles.len().saturating_sub(1));
                }
                Some(PrincipleKey::Up) => {
                    form.principle_cursor = form.principle_cursor.saturating_sub(1)
                }
                Some(PrincipleKey::Tick) => {
                    if let Some(on) = form.principles.get_mut(form.principle_cursor) {
                        *on = !*on;
                        form.dirty = true;
                    }
                }
                None => {}
            },
            // The title is one line: Enter moves on instead of breaking it.
            None if form.focus == 0 && key.code == KeyCode::Enter => {
                form.focus = PRINCIPLES_FIELD;
                form.update_cursors();
            }
            None => {
                if let Some(i) = Form::text_index(form.focus) {
                    match text_box::type_key(&mut form.texts[i], key) {
                        Ok(changed) => form.dirty |= changed,
                        Err(why) => {
                            self.status = Some(Status {
                                text: why,
                                is_error: true,
                            })
                        }
                    }
                }
            }
        }
        Vec::new()
    }

    fn save_form(&mut self) -> Vec<StoriesEffect> {
        let View::Edit(form) = &self.view else {
            return Vec::new();
        };
        let title = form.value(0);
        if title.is_empty() {
            self.status = Some(Status {
                text: "A story needs a title".into(),
                is_error: true,
            });
            return Vec::new();
        }
        let id = form
            .original_id
            .clone()
            .unwrap_or_else(|| self.book.new_id(&title));
        let mut story = Story {
            id,
            principles: self
                .principles
                .all()
                .iter()
                .zip(&form.principles)
                .filter(|(_, on)| **on)
                .map(|(p, _)| p.slug.clone())
                .collect(),
            ..Story::default()
        };
        for (i, field) in TEXT_FIELDS.iter().enumerate() {
            *field.of_mut(&mut story) = form.value(i);
        }
        let id = story.id.clone();
        let change = StoryChange::Save {
            story: Box::new(story.clone()),
            base: form.base.clone().map(Box::new),
        };
        self.book.upsert(story);
        self.selected = self
            .book
            .stories
            .iter()
            .position(|s| s.id == id)
            .unwrap_or(0);
        self.view = View::List;
        vec![StoriesEffect::Save(Edit {
            change,
            book: self.book.clone(),
        })]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

    fn app() -> StoriesApp {
        let principles = Principles::embedded().expect("principles");
        let book = StoryBook {
            stories: vec![Story {
                id: "checkout-bug".into(),
                title: "Checkout bug fix".into(),
                principles: vec!["customer-obsession".into()],
                ..Story::default()
            }],
        };
        StoriesApp::new(
            principles,
            book,
            HashMap::from([("checkout-bug".to_string(), 4)]),
        )
    }

    fn send(app: &mut StoriesApp, codes: &[KeyCode]) -> Vec<StoriesEffect> {
        codes
            .iter()
            .flat_map(|c| app.update(Msg::Key(KeyEvent::new(*c, KeyModifiers::NONE))))
            .collect()
    }

    fn ctrl_s(app: &mut StoriesApp) -> Vec<StoriesEffect> {
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('s'),
            KeyModifiers::CONTROL,
        )))
    }

    fn typed(app: &mut StoriesApp, text: &str) {
        let codes: Vec<KeyCode> = text.chars().map(KeyCode::Char).collect();
        send(app, &codes);
    }

    #[test]
    fn add_a_story_with_principles_and_bullets() {
        let mut app = app();
        send(&mut app, &[KeyCode::Char('a')]);
        typed(&mut app, "Nightly alert cleanup");
        // Title → principles: tick Ownership (2nd) and Dive Deep (12th).
        send(
            &mut app,
            &[KeyCode::Enter, KeyCode::Down, KeyCode::Char(' ')],
        );
        for _ in 0..10 {
            send(&mut app, &[KeyCode::Down]);
        }
        send(&mut app, &[KeyCode::Char(' '), KeyCode::Tab]);
        typed(&mut app, "pager fired nightly");
        let effects = ctrl_s(&mut app);
        let [StoriesEffect::Save(Edit { book, .. })] = effects.as_slice() else {
            panic!("expected one save, got {effects:?}")
        };
        let story = book.get("nightly-alert-cleanup").expect("added");
        assert_eq!(story.principles, ["ownership", "dive-deep"]);
        assert_eq!(story.situation, "pager fired nightly");
        assert!(matches!(app.view, View::List));
        assert_eq!(app.selected, 1);
    }

    #[test]
    fn editing_keeps_the_id_and_an_empty_title_is_refused() {
        let mut app = app();
        send(&mut app, &[KeyCode::Char('e')]);
        for _ in 0..20 {
            send(&mut app, &[KeyCode::Backspace]);
        }
        assert!(ctrl_s(&mut app).is_empty());
        assert!(app.status.as_ref().is_some_and(|s| s.is_error));
        typed(&mut app, "Checkout fix");
        let effects = ctrl_s(&mut app);
        let [StoriesEffect::Save(Edit { book, .. })] = effects.as_slice() else {
            panic!("expected a save")
        };
        assert_eq!(book.stories.len(), 1);
        assert_eq!(book.stories[0].id, "checkout-bug");
        assert_eq!(book.stories[0].title, "Checkout fix");
    }

    #[test]
    fn escape_with_changes_asks_before_discarding() {
        let mut app = app();
        send(&mut app, &[KeyCode::Char('a')]);
        typed(&mut app, "x");
        send(&mut app, &[KeyCode::Esc]);
        assert!(matches!(app.view, View::Edit(_)));
        send(&mut app, &[KeyCode::Esc]);
        assert!(matches!(app.view, View::List));
        assert_eq!(app.book.stories.len(), 1);
    }

    #[test]
    fn terminate_saves_a_story_being_typed() {
        let mut app = app();
        send(&mut app, &[KeyCode::Char('a')]);
        typed(&mut app, "Half-written story");
        let effects = app.update(Msg::Terminate);
        let [StoriesEffect::Save(Edit { book, .. })] = effects.as_slice() else {
            panic!("expected a save, got {effects:?}")
        };
        assert!(book.get("half-written-story").is_some());
        assert!(app.should_quit);
    }

    #[test]
    fn ctrl_c_in_the_form_keeps_the_story_like_a_signal_does() {
        let mut app = app();
        send(&mut app, &[KeyCode::Char('a')]);
        typed(&mut app, "Typed then Ctrl-C");
        let effects = app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL,
        )));
        let [StoriesEffect::Save(Edit { book, .. })] = effects.as_slice() else {
            panic!("expected a save, got {effects:?}")
        };
        assert!(book.get("typed-then-ctrl-c").is_some());
        assert!(app.should_quit);

        // Bullets typed before any title are kept under a stand-in title.
        let mut app = self::app();
        send(&mut app, &[KeyCode::Char('a'), KeyCode::Tab, KeyCode::Tab]);
        typed(&mut app, "the context");
        let effects = app.update(Msg::Terminate);
        let [StoriesEffect::Save(Edit { book, .. })] = effects.as_slice() else {
            panic!("expected a save, got {effects:?}")
        };
        let kept = book.stories.iter().find(|s| s.title == UNTITLED);
        assert_eq!(kept.map(|s| s.situation.as_str()), Some("the context"));
    }

    #[test]
    fn delete_needs_confirmation() {
        let mut app = app();
        assert!(send(&mut app, &[KeyCode::Char('d'), KeyCode::Char('n')]).is_empty());
        assert_eq!(app.book.stories.len(), 1);
        let effects = send(&mut app, &[KeyCode::Char('d'), KeyCode::Char('y')]);
        let [StoriesEffect::Save(Edit { book, change })] = effects.as_slice() else {
            panic!("expected a save, got {effects:?}")
        };
        assert_eq!(*book, StoryBook::default());
        assert!(matches!(change, StoryChange::Delete { base } if base.id == "checkout-bug"));
    }

    #[test]
    fn overuse_is_more_than_three_of_the_last_ten() {
        let app = app();
        assert!(app.is_overused("checkout-bug"));
        assert!(!app.is_overused("other"));
    }
}
