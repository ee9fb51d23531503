//! The review browser's state: `update(msg)` changes it and returns effects
//! (move a file to the trash) for the loop to carry out. Drawing reads it only.

use std::path::PathBuf;

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::keymap::{Binding, CONFIRM_KEYS, Key, Keymap, TOO_SMALL_KEYS};
use super::sound::{NoSpeaker, Speaker};
use super::{GLOBAL_KEYS, Status};
use crate::domain::history::{History, Loaded, Session, Skipped};
use crate::domain::principles::Principles;
use crate::domain::query::{Query, RatingFilter};
use crate::domain::session::Outcome;
use crate::domain::stats::Stats;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Characters that arrived together (see `app::Msg::Typed`).
    Typed(String),
    /// Pasted text means nothing here.
    Ignored,
    /// The moment the loop was waiting for (the playhead's next frame).
    Tick,
    Resize,
    Terminate,
    /// Files parsed so far.
    Progress(usize),
    Loaded(Box<Loaded>),
}

impl From<super::Msg> for Msg {
    fn from(input: super::Msg) -> Self {
        match input {
            super::Msg::Key(key) => Self::Key(key),
            super::Msg::Typed(text) => Self::Typed(text),
            super::Msg::Resize => Self::Resize,
            super::Msg::Terminate => Self::Terminate,
            super::Msg::Tick => Self::Tick,
            super::Msg::Paste(_) => Self::Ignored,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Move this file of `sessions/` to `trash/`.
    Trash(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    List,
    Stats,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Date,
    Rating,
    Time,
}

impl SortKey {
    pub fn label(self, descending: bool) -> &'static str {
        match (self, descending) {
            (Self::Date, true) => "newest first",
            (Self::Date, false) => "oldest first",
            (Self::Rating, true) => "best rated first",
            (Self::Rating, false) => "worst rated first",
            (Self::Time, true) => "longest first",
            (Self::Time, false) => "shortest first",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKey {
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    Zoom,
    Search,
    Filter,
    Clear,
    Sort,
    Reverse,
    Delete,
    SwitchTab,
    Help,
    Quit,
    /// Esc: out of the detail, else clear the filters, else quit.
    Back,
}

pub const LIST_KEYS: Keymap<ListKey> = Keymap(&[
    Binding::silent(&[Key::Code(KeyCode::Up), Key::Char('k')], ListKey::Up)
        .help("↑↓ j k", "move through the sessions")
        .footer(0, "↑↓", "move"),
    Binding::silent(&[Key::Code(KeyCode::Down), Key::Char('j')], ListKey::Down),
    Binding::silent(&[Key::Code(KeyCode::PageUp)], ListKey::PageUp)
        .help("PgUp PgDn", "a page at a time (Space too)"),
    Binding::silent(
        &[Key::Code(KeyCode::PageDown), Key::Char(' ')],
        ListKey::PageDown,
    ),
    Binding::silent(&[Key::Code(KeyCode::Home), Key::Char('g')], ListKey::First)
        .help("Home End", "first / last (g G too)"),
    Binding::silent(&[Key::Code(KeyCode::End), Key::Char('G')], ListKey::Last),
    Binding::silent(&[Key::Code(KeyCode::Enter)], ListKey::Zoom)
        .help("Enter", "show the details full size, or back")
        .footer(1, "Enter", "detail"),
    Binding::silent(&[Key::Char('/')], ListKey::Search)
        .help("/", "search question text and notes")
        .footer(2, "/", "search"),
    Binding::silent(&[Key::Char('f')], ListKey::Filter)
        .help("f", "filter by principle, outcome, rating, dates")
        .footer(3, "f", "filter"),
    Binding::silent(&[Key::Char('c')], ListKey::Clear)
        .help("c", "clear the search and filters (Esc too)"),
    Binding::silent(&[Key::Char('o')], ListKey::Sort)
        .help("o  O", "sort by date, rating or time / reverse")
        .footer(7, "o", "sort"),
    Binding::silent(&[Key::Char('O')], ListKey::Reverse),
    Binding::silent(
        &[Key::Char('d'), Key::Code(KeyCode::Delete)],
        ListKey::Delete,
    )
    .help("d", "delete the session (y confirms; kept in trash/)")
    .footer(8, "d", "delete"),
    Binding::silent(
        &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::BackTab)],
        ListKey::SwitchTab,
    )
    .help("Tab", "switch between sessions and stats")
    .footer(4, "Tab", "stats"),
    Binding::silent(&[Key::Char('q')], ListKey::Quit)
        .help("q Esc", "quit")
        .footer(6, "q", "quit"),
    Binding::silent(&[Key::Char('?')], ListKey::Help).footer(5, "?", "help"),
    Binding::silent(&[Key::Code(KeyCode::Esc)], ListKey::Back),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsKey {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    SwitchTab,
    Help,
    Quit,
    /// Esc: back to the sessions.
    Back,
}

pub const STATS_KEYS: Keymap<StatsKey> = Keymap(&[
    Binding::silent(&[Key::Code(KeyCode::Up), Key::Char('k')], StatsKey::Up)
        .footer(1, "↑↓", "scroll"),
    Binding::silent(&[Key::Code(KeyCode::Down), Key::Char('j')], StatsKey::Down),
    Binding::silent(&[Key::Code(KeyCode::PageUp)], StatsKey::PageUp),
    Binding::silent(
        &[Key::Code(KeyCode::PageDown), Key::Char(' ')],
        StatsKey::PageDown,
    ),
    Binding::silent(&[Key::Code(KeyCode::Home), Key::Char('g')], StatsKey::Top),
    Binding::silent(
        &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::BackTab)],
        StatsKey::SwitchTab,
    )
    .footer(0, "Tab", "sessions"),
    Binding::silent(&[Key::Char('?')], StatsKey::Help).footer(2, "?", "help"),
    Binding::silent(&[Key::Char('q')], StatsKey::Quit).footer(3, "q", "quit"),
    Binding::silent(&[Key::Code(KeyCode::Esc)], StatsKey::Back),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKey {
    Keep,
    Cancel,
    Clear,
    Erase,
}

/// Keys while typing a search; other characters are the search.
pub const SEARCH_KEYS: Keymap<SearchKey> = Keymap(&[
    Binding::silent(&[Key::Code(KeyCode::Enter)], SearchKey::Keep).footer(0, "Enter", "keep"),
    Binding::silent(&[Key::Code(KeyCode::Esc)], SearchKey::Cancel).footer(1, "Esc", "cancel"),
    Binding::silent(&[Key::Ctrl('u')], SearchKey::Clear).footer(2, "^U", "clear"),
    Binding::silent(&[Key::Code(KeyCode::Backspace)], SearchKey::Erase),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKey {
    Cancel,
    Apply,
    PreviousField,
    NextField,
    NextValue,
    PreviousValue,
    Erase,
    /// A digit or a dash, typed into a date field.
    Type,
}

pub const FILTER_KEYS: Keymap<FilterKey> = Keymap(&[
    Binding::silent(&[Key::Code(KeyCode::Esc)], FilterKey::Cancel),
    Binding::silent(&[Key::Code(KeyCode::Enter)], FilterKey::Apply),
    Binding::silent(
        &[Key::Code(KeyCode::Up), Key::Code(KeyCode::BackTab)],
        FilterKey::PreviousField,
    ),
    Binding::silent(
        &[Key::Code(KeyCode::Down), Key::Code(KeyCode::Tab)],
        FilterKey::NextField,
    ),
    Binding::silent(&[Key::Code(KeyCode::Right)], FilterKey::NextValue),
    Binding::silent(&[Key::Code(KeyCode::Left)], FilterKey::PreviousValue),
    Binding::silent(&[Key::Code(KeyCode::Backspace)], FilterKey::Erase),
    Binding::silent(&[Key::Range('0', '9'), Key::Char('-')], FilterKey::Type),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayKey {
    Toggle,
    Back,
    Forward,
    /// A digit: play from the start of that step.
    Step,
}

/// Seconds ← and → move the playhead by.
pub const SEEK_SECS: f64 = 5.0;

/// Keys of the detail view (Enter), before the list's: the session's recording.
pub const PLAYBACK_KEYS: Keymap<PlayKey> = Keymap(&[
    Binding::silent(&[Key::Char(' ')], PlayKey::Toggle)
        .help("Space", "in the detail: play / pause the recording")
        .footer(0, "Space", "play"),
    Binding::silent(&[Key::Code(KeyCode::Left)], PlayKey::Back)
        .help("← →", "in the detail: back / on 5 seconds")
        .footer(1, "←→", "5 s"),
    Binding::silent(&[Key::Code(KeyCode::Right)], PlayKey::Forward),
    Binding::silent(&[Key::Range('1', '9')], PlayKey::Step)
        .help("1-5", "in the detail: play from the start of that step")
        .footer(2, "1-5", "step"),
]);

/// While the history loads, keys only quit.
pub const LOADING_KEYS: Keymap<()> = Keymap(&[Binding::silent(
    &[Key::Char('q'), Key::Code(KeyCode::Esc)],
    (),
)]);

/// Rows of the filter form.
pub const FILTER_FIELDS: [&str; 5] = ["Principle", "Outcome", "Rating", "From", "To"];
const OUTCOMES: [Option<Outcome>; 4] = [
    None,
    Some(Outcome::Completed),
    Some(Outcome::Skipped),
    Some(Outcome::Abandoned),
];

/// The filter being edited; applied on Enter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterForm {
    pub field: usize,
    pub principle: usize,
    pub outcome: usize,
    pub rating: usize,
    pub from: String,
    pub to: String,
    pub error: Option<String>,
}

impl FilterForm {
    fn from_filter(filter: &Query, catalogue: &Principles) -> Self {
        let principle = filter.principles.first().map_or(0, |slug| {
            catalogue
                .all()
                .iter()
                .position(|p| p.slug == *slug)
                .map_or(0, |i| i + 1)
        });
        Self {
            field: 0,
            principle,
            outcome: OUTCOMES
                .iter()
                .position(|o| *o == filter.outcome)
                .unwrap_or(0),
            rating: RatingFilter::CHOICES
                .iter()
                .position(|r| *r == filter.rating)
                .unwrap_or(0),
            from: filter.since.map(|d| d.to_string()).unwrap_or_default(),
            to: filter.until.map(|d| d.to_string()).unwrap_or_default(),
            error: None,
        }
    }

    /// The value shown for each field.
    pub fn value(&self, field: usize, catalogue: &Principles) -> String {
        match field {
            0 => match self.principle {
                0 => "any".into(),
                i => catalogue
                    .all()
                    .get(i - 1)
                    .map_or_else(String::new, |p| p.name.clone()),
            },
            1 => OUTCOMES[self.outcome].map_or("any", Outcome::as_str).into(),
            2 => RatingFilter::CHOICES[self.rating].label(),
            3 => self.from.clone(),
            _ => self.to.clone(),
        }
    }

    fn cycle(&mut self, forward: bool, principles: usize) {
        let step = |v: &mut usize, n: usize| {
            *v = if forward {
                (*v + 1) % n
            } else {
                (*v + n - 1) % n
            };
        };
        match self.field {
            0 => step(&mut self.principle, principles + 1),
            1 => step(&mut self.outcome, OUTCOMES.len()),
            2 => step(&mut self.rating, RatingFilter::CHOICES.len()),
            _ => {}
        }
    }

    fn to_filter(&self, catalogue: &Principles) -> Result<Query, String> {
        let date = |text: &str, name: &str| -> Result<Option<NaiveDate>, String> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| format!("{name}: {text:?} is not a date like 2026-01-31"))
        };
        let from = date(&self.from, "From")?;
        let to = date(&self.to, "To")?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err("From is after To".into());
        }
        Ok(Query {
            since: from,
            until: to,
            principles: self
                .principle
                .checked_sub(1)
                .and_then(|i| catalogue.all().get(i))
                .map(|p| p.slug.clone())
                .into_iter()
                .collect(),
            outcome: OUTCOMES[self.outcome],
            rating: RatingFilter::CHOICES[self.rating],
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    /// Typing a search; `before` is restored on Esc.
    Search {
        before: String,
    },
    Filter(FilterForm),
    /// Delete the session in this file after `y`.
    Confirm {
        file: String,
    },
}

/// The recording open in the speaker.
#[derive(Debug, Clone, PartialEq)]
pub struct Playing {
    /// The session's log file, in `sessions/`.
    pub file: Box<str>,
    /// Its recording's length in seconds.
    pub secs: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Loading { done: usize, total: usize },
    Ready,
}

pub struct Review {
    pub catalogue: Principles,
    /// Interview loop records by id, so a session can say which loop and
    /// interviewer it belonged to.
    pub loops: std::collections::HashMap<String, crate::domain::interview_loop::LoopRecord>,
    pub today: NaiveDate,
    pub data_dir: PathBuf,
    pub phase: Phase,
    pub history: History,
    pub skipped: Vec<Skipped>,
    pub stats: Stats,
    pub tab: Tab,
    /// Indices into `history`, filtered and sorted.
    pub view: Vec<u32>,
    /// Position in `view`.
    pub selected: usize,
    /// First row shown; kept so the selection moves within a still page.
    pub offset: usize,
    /// Rows the list has room for, told by the loop from the terminal size.
    pub page: usize,
    pub zoom: bool,
    pub sort: SortKey,
    pub descending: bool,
    pub filter: Query,
    pub search: String,
    pub overlay: Overlay,
    pub status: Option<Status>,
    pub stats_scroll: u16,
    pub should_quit: bool,
    /// The window is too small to show the browser: only quitting acts.
    pub too_small: bool,
    /// Plays recordings (none unless the cli gives one).
    pub speaker: Box<dyn Speaker>,
    /// The selected session's recording, once opened.
    pub playing: Option<Playing>,
    /// The notes laid out for searching, built when the search opens.
    notes_index: Option<NotesIndex>,
}

impl Review {
    /// A browser waiting for `total` files to load.
    pub fn loading(
        catalogue: Principles,
        today: NaiveDate,
        data_dir: PathBuf,
        total: usize,
    ) -> Self {
        let stats = Stats::compute(&History::default(), &catalogue, today);
        Self {
            catalogue,
            loops: std::collections::HashMap::new(),
            today,
            data_dir,
            phase: Phase::Loading { done: 0, total },
            history: History::default(),
            skipped: Vec::new(),
            stats,
            tab: Tab::List,
            view: Vec::new(),
            selected: 0,
            offset: 0,
            page: 10,
            zoom: false,
            sort: SortKey::Date,
            descending: true,
            filter: Query::default(),
            search: String::new(),
            overlay: Overlay::None,
            status: None,
            stats_scroll: 0,
            should_quit: false,
            too_small: false,
            speaker: Box::new(NoSpeaker),
            playing: None,
            notes_index: None,
        }
    }

    /// A browser over already loaded sessions.
    pub fn ready(
        catalogue: Principles,
        today: NaiveDate,
        data_dir: PathBuf,
        loaded: Loaded,
    ) -> Self {
        let mut review = Self::loading(catalogue, today, data_dir, 0);
        review.on_loaded(loaded);
        review
    }

    fn on_loaded(&mut self, loaded: Loaded) {
        self.history = loaded.history;
        self.notes_index = None;
        self.skipped = loaded.skipped;
        self.phase = Phase::Ready;
        self.stats = Stats::compute(&self.history, &self.catalogue, self.today);
        self.refresh(None);
    }

    pub fn selected_session(&self) -> Option<&Session> {
        self.view
            .get(self.selected)
            .and_then(|&i| self.history.get(i as usize))
    }

    pub fn is_filtered(&self) -> bool {
        self.filter.is_active() || !self.search.is_empty()
    }

    /// Rebuilds the view after a filter, search or sort change, keeping the
    /// selected session selected when it is still shown.
    fn refresh(&mut self, keep: Option<u32>) {
        let keep = keep.or_else(|| self.view.get(self.selected).copied());
        let needle = Needle::new(&self.search);
        // An ASCII needle is looked for in all notes at once (the common case).
        let note_hits = if needle.ascii && !needle.is_empty() {
            Some(self.notes_index().hits(needle.lower.as_bytes()))
        } else {
            None
        };
        let history = &self.history;
        // Sessions share their question's text: each text is searched once.
        let question_hits: Vec<bool> = if needle.is_empty() {
            Vec::new()
        } else {
            history
                .questions()
                .iter()
                .map(|q| needle.is_in(history.str(q.text)))
                .collect()
        };
        let question_hit = |q: u32| question_hits.get(q as usize).copied().unwrap_or(false);
        // The default filter takes every session: not asked per session.
        let every = !self.filter.is_active();
        let mut view: Vec<u32> = match (&note_hits, &self.notes_index) {
            _ if every && needle.is_empty() => (0..history.len() as u32).collect(),
            (Some(hits), Some(index)) if every => (0..history.len() as u32)
                .filter(|&i| {
                    hits.get(i as usize).copied().unwrap_or(false)
                        || index
                            .questions
                            .get(i as usize)
                            .is_some_and(|&q| question_hit(q))
                })
                .collect(),
            _ => (0..history.len() as u32)
                .filter(|&i| {
                    history.get(i as usize).is_some_and(|s| {
                        (every || self.filter.accepts(history, s))
                            && (needle.is_empty()
                                || question_hit(s.question)
                                || match &note_hits {
                                    Some(hits) => hits.get(i as usize).copied().unwrap_or(false),
                                    None => needle.is_in(&s.notes),
                                })
                    })
                })
                .collect(),
        };
        let session = |i: u32| history.get(i as usize);
        // The history is newest first already; other keys sort stably on top of it.
        match self.sort {
            SortKey::Date => {}
            SortKey::Rating => view.sort_by_key(|&i| {
                std::cmp::Reverse(session(i).and_then(|s| s.rating).unwrap_or(0))
            }),
            SortKey::Time => view.sort_by(|&a, &b| {
                let t = |i| session(i).map_or(0.0, |s| s.answer_secs);
                t(b).total_cmp(&t(a))
            }),
        }
        if !self.descending {
            view.reverse();
        }
        self.view = view;
        self.selected = keep
            .and_then(|k| self.view.iter().position(|&i| i == k))
            .unwrap_or(0);
        self.offset = 0;
        self.scroll_into_view();
    }

    /// The notes laid out for searching, built on first use after a load.
    fn notes_index(&mut self) -> &NotesIndex {
        let history = &self.history;
        if self
            .notes_index
            .as_ref()
            .is_some_and(|index| index.ends.len() != history.len())
        {
            self.notes_index = None;
        }
        self.notes_index
            .get_or_insert_with(|| NotesIndex::new(history))
    }

    fn scroll_into_view(&mut self) {
        let page = self.page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }

    /// The loop tells how many list rows fit, before each update.
    pub fn set_page(&mut self, rows: usize) {
        self.page = rows.max(1);
        self.scroll_into_view();
    }

    fn move_by(&mut self, delta: isize) {
        if self.view.is_empty() {
            return;
        }
        let last = self.view.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.scroll_into_view();
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let effects = self.handle(msg);
        self.tend_playback();
        // A session moved to the trash takes its recording out of the speaker first.
        if effects
            .iter()
            .any(|Effect::Trash(f)| self.playing.as_ref().is_some_and(|p| *p.file == **f))
        {
            self.stop_playback();
        }
        effects
    }

    /// The playhead: where the open recording is, and whether it plays.
    pub fn playhead(&self) -> Option<(f64, bool)> {
        self.playing
            .as_ref()
            .map(|_| (self.speaker.position(), self.speaker.is_playing()))
    }

    /// Whether the loop must wake to move the playhead.
    pub fn is_playing(&self) -> bool {
        self.playing.is_some() && self.speaker.is_playing()
    }

    fn stop_playback(&mut self) {
        if self.playing.take().is_some() {
            self.speaker.close();
        }
    }

    /// Stops playback once its session is no longer the one shown full
    /// size, and shows a speaker's fault.
    fn tend_playback(&mut self) {
        let Some(playing) = &self.playing else {
            return;
        };
        let shown = self.zoom
            && self.tab == Tab::List
            && self
                .selected_session()
                .is_some_and(|s| s.file == playing.file);
        if !shown {
            self.stop_playback();
        } else if let Some(line) = self.speaker.fault() {
            self.stop_playback();
            self.status = Some(Status {
                text: format!("Playback stopped: {line}"),
                is_error: true,
            });
        }
    }

    /// Opens the selected session's recording, unless it is open already.
    /// False (with a status line) when there is none or it cannot be played.
    fn open_recording(&mut self) -> bool {
        let Some(session) = self.selected_session() else {
            return false;
        };
        if self
            .playing
            .as_ref()
            .is_some_and(|p| p.file == session.file)
        {
            return true;
        }
        let file = session.file.clone();
        let Some(audio) = session.audio.clone() else {
            self.status = Some(Status {
                text: "This session was not recorded".into(),
                is_error: false,
            });
            return false;
        };
        self.stop_playback();
        match self.speaker.open(&audio) {
            Ok(secs) => {
                self.playing = Some(Playing { file, secs });
                true
            }
            Err(line) => {
                self.status = Some(Status {
                    text: format!("Cannot play the recording: {line}"),
                    is_error: true,
                });
                false
            }
        }
    }

    fn on_play_key(&mut self, action: PlayKey, key: KeyEvent) {
        if !self.open_recording() {
            return;
        }
        let at = self.speaker.position();
        match action {
            PlayKey::Toggle if self.speaker.is_playing() => self.speaker.pause(),
            PlayKey::Toggle => self.speaker.play(),
            PlayKey::Back => self.speaker.seek_to((at - SEEK_SECS).max(0.0)),
            PlayKey::Forward => self.speaker.seek_to(at + SEEK_SECS),
            PlayKey::Step => {
                let KeyCode::Char(digit) = key.code else {
                    return;
                };
                let index = (digit as usize).saturating_sub('1' as usize);
                let Some(session) = self.selected_session() else {
                    return;
                };
                match session.step_starts().get(index) {
                    Some(Some(start)) => {
                        self.speaker.seek_to(*start);
                        self.speaker.play();
                    }
                    Some(None) => {
                        self.status = Some(Status {
                            text: format!("Step {} was not reached in this answer", index + 1),
                            is_error: false,
                        });
                    }
                    None => {}
                }
            }
        }
    }

    fn handle(&mut self, msg: Msg) -> Vec<Effect> {
        let mut effects = Vec::new();
        match msg {
            Msg::Resize | Msg::Ignored | Msg::Tick => {}
            Msg::Terminate => self.should_quit = true,
            Msg::Progress(done) => {
                if let Phase::Loading { total, .. } = self.phase {
                    self.phase = Phase::Loading {
                        done: done.min(total),
                        total,
                    };
                }
            }
            Msg::Loaded(loaded) => self.on_loaded(*loaded),
            Msg::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key, &mut effects),
            Msg::Typed(text)
                if !self.too_small
                    && matches!(self.overlay, Overlay::Search { .. })
                    && !text.contains('\n') =>
            {
                // One re-filter for the whole run, not one per character.
                self.search.push_str(&text);
                self.refresh(None);
            }
            Msg::Typed(text) => {
                for key in super::keys_typed(&text) {
                    self.on_key(key, &mut effects);
                    if self.should_quit {
                        break;
                    }
                }
            }
            Msg::Key(_) => {}
        }
        effects
    }

    /// Records the result of a `Trash` effect.
    pub fn on_trashed(&mut self, file: &str, result: std::io::Result<PathBuf>) {
        match result {
            Ok(path) => {
                let position = self.selected;
                if self.history.remove_file(file).is_some() {
                    self.notes_index = None;
                    self.stats = Stats::compute(&self.history, &self.catalogue, self.today);
                }
                self.refresh(None);
                self.selected = position.min(self.view.len().saturating_sub(1));
                self.scroll_into_view();
                self.status = Some(Status {
                    text: format!("Moved to {}", path.display()),
                    is_error: false,
                });
            }
            Err(err) => {
                self.status = Some(Status {
                    text: format!("Could not move {file} to the trash: {err}"),
                    is_error: true,
                });
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent, effects: &mut Vec<Effect>) {
        if GLOBAL_KEYS.action(&key).is_some()
            || (self.too_small && TOO_SMALL_KEYS.action(&key).is_some())
        {
            self.should_quit = true;
            return;
        }
        if self.too_small {
            return;
        }
        if matches!(self.phase, Phase::Loading { .. }) {
            if LOADING_KEYS.action(&key).is_some() {
                self.should_quit = true;
            }
            return;
        }
        match std::mem::replace(&mut self.overlay, Overlay::None) {
            Overlay::None => {}
            // Any key closes the help.
            Overlay::Help => return,
            Overlay::Search { before } => return self.on_search_key(key, before),
            Overlay::Filter(form) => return self.on_filter_key(key, form),
            Overlay::Confirm { file } => {
                if CONFIRM_KEYS.action(&key).is_some() {
                    effects.push(Effect::Trash(file));
                } else {
                    self.status = Some(Status {
                        text: "Nothing deleted".into(),
                        is_error: false,
                    });
                }
                return;
            }
        }
        match self.tab {
            Tab::List => self.on_list_key(key),
            Tab::Stats => self.on_stats_key(key),
        }
    }

    fn switch_tab(&mut self) {
        self.tab = match self.tab {
            Tab::List => Tab::Stats,
            Tab::Stats => Tab::List,
        };
    }

    fn on_list_key(&mut self, key: KeyEvent) {
        if self.zoom
            && let Some(action) = PLAYBACK_KEYS.action(&key)
        {
            self.on_play_key(action, key);
            return;
        }
        let page = self.page.max(1) as isize;
        let Some(action) = LIST_KEYS.action(&key) else {
            return;
        };
        match action {
            ListKey::Down => self.move_by(1),
            ListKey::Up => self.move_by(-1),
            ListKey::PageDown => self.move_by(page),
            ListKey::PageUp => self.move_by(-page),
            ListKey::First => self.move_by(isize::MIN / 2),
            ListKey::Last => self.move_by(isize::MAX / 2),
            ListKey::Zoom => self.zoom = !self.zoom,
            ListKey::Search => {
                self.overlay = Overlay::Search {
                    before: self.search.clone(),
                };
                // Laid out now, so the first letter typed does not wait for it.
                self.notes_index();
            }
            ListKey::Filter => {
                self.overlay =
                    Overlay::Filter(FilterForm::from_filter(&self.filter, &self.catalogue))
            }
            ListKey::Sort => {
                self.sort = match self.sort {
                    SortKey::Date => SortKey::Rating,
                    SortKey::Rating => SortKey::Time,
                    SortKey::Time => SortKey::Date,
                };
                self.descending = true;
                self.refresh(None);
            }
            ListKey::Reverse => {
                self.descending = !self.descending;
                self.refresh(None);
            }
            ListKey::Clear if self.is_filtered() => self.clear_filters(),
            ListKey::Clear => {}
            ListKey::Delete => {
                if let Some(s) = self.selected_session() {
                    self.overlay = Overlay::Confirm {
                        file: s.file.to_string(),
                    };
                }
            }
            ListKey::SwitchTab => self.switch_tab(),
            ListKey::Help => self.overlay = Overlay::Help,
            ListKey::Quit => self.should_quit = true,
            ListKey::Back if self.zoom => self.zoom = false,
            ListKey::Back if self.is_filtered() => self.clear_filters(),
            ListKey::Back => self.should_quit = true,
        }
    }

    fn clear_filters(&mut self) {
        self.filter = Query::default();
        self.search.clear();
        self.refresh(None);
        self.status = Some(Status {
            text: "Filters and search cleared".into(),
            is_error: false,
        });
    }

    fn on_stats_key(&mut self, key: KeyEvent) {
        let Some(action) = STATS_KEYS.action(&key) else {
            return;
        };
        match action {
            StatsKey::Down => self.stats_scroll = self.stats_scroll.saturating_add(1),
            StatsKey::Up => self.stats_scroll = self.stats_scroll.saturating_sub(1),
            StatsKey::PageDown => self.stats_scroll = self.stats_scroll.saturating_add(10),
            StatsKey::PageUp => self.stats_scroll = self.stats_scroll.saturating_sub(10),
            StatsKey::Top => self.stats_scroll = 0,
            StatsKey::SwitchTab => self.switch_tab(),
            StatsKey::Help => self.overlay = Overlay::Help,
            StatsKey::Quit => self.should_quit = true,
            StatsKey::Back => self.tab = Tab::List,
        }
    }

    /// Searching filters the list as the user types.
    fn on_search_key(&mut self, key: KeyEvent, before: String) {
        match SEARCH_KEYS.action(&key) {
            Some(SearchKey::Keep) => return,
            Some(SearchKey::Cancel) => {
                self.search = before;
                self.refresh(None);
                return;
            }
            Some(SearchKey::Erase) => {
                self.search.pop();
            }
            Some(SearchKey::Clear) => self.search.clear(),
            None => {
                if let KeyCode::Char(c) = key.code
                    && !key.modifiers.contains(KeyModifiers::CONTROL)
                {
                    self.search.push(c)
                }
            }
        }
        self.refresh(None);
        self.overlay = Overlay::Search { before };
    }

    fn on_filter_key(&mut self, key: KeyEvent, mut form: FilterForm) {
        let principles = self.catalogue.all().len();
        let fields = FILTER_FIELDS.len();
        match FILTER_KEYS.action(&key) {
            Some(FilterKey::Cancel) => return,
            Some(FilterKey::Apply) => match form.to_filter(&self.catalogue) {
                Ok(filter) => {
                    self.filter = filter;
                    self.refresh(None);
                    return;
                }
                Err(e) => form.error = Some(e),
            },
            Some(FilterKey::PreviousField) => form.field = (form.field + fields - 1) % fields,
            Some(FilterKey::NextField) => form.field = (form.field + 1) % fields,
            Some(FilterKey::NextValue) => form.cycle(true, principles),
            Some(FilterKey::PreviousValue) => form.cycle(false, principles),
            Some(FilterKey::Erase) => match form.field {
                0 => form.principle = 0,
                1 => form.outcome = 0,
                2 => form.rating = 0,
                3 => drop(form.from.pop()),
                _ => drop(form.to.pop()),
            },
            Some(FilterKey::Type) if form.field >= 3 => {
                if let KeyCode::Char(c) = key.code {
                    let text = if form.field == 3 {
                        &mut form.from
                    } else {
                        &mut form.to
                    };
                    if text.len() < 10 {
                        text.push(c);
                    }
                }
            }
            Some(FilterKey::Type) | None => {}
        }
        self.overlay = Overlay::Filter(form);
    }
}

/// Every session's notes in one buffer, ASCII letters lowered, each followed
/// by a byte no UTF-8 text holds: an ASCII needle is found in all of them with
/// one pass of `memmem` instead of a search per session.
struct NotesIndex {
    text: Vec<u8>,
    /// Where each session's notes end in `text` (its separator's position).
    ends: Vec<usize>,
    /// Each session's question, side by side for the filter loop.
    questions: Vec<u32>,
}

impl NotesIndex {
    const SEPARATOR: u8 = 0xFF;

    fn new(history: &History) -> Self {
        let sessions = history.sessions();
        let size = sessions.iter().map(|s| s.notes.len() + 1).sum();
        let mut text = Vec::with_capacity(size);
        let mut ends = Vec::with_capacity(sessions.len());
        for s in sessions {
            text.extend_from_slice(s.notes.as_bytes());
            ends.push(text.len());
            text.push(Self::SEPARATOR);
        }
        // Lowered in one pass over the whole buffer (the separator is not ASCII).
        text.make_ascii_lowercase();
        Self {
            text,
            ends,
            questions: sessions.iter().map(|s| s.question).collect(),
        }
    }

    /// Whether each session's notes hold `needle` (lowercase ASCII, not empty),
    /// as `Needle::is_in` would say.
    fn hits(&self, needle: &[u8]) -> Vec<bool> {
        let mut hits = vec![false; self.ends.len()];
        let finder = memchr::memmem::Finder::new(needle);
        let mut from = 0;
        let mut session = 0;
        while let Some(found) = self.text.get(from..).and_then(|rest| finder.find(rest)) {
            let at = from + found;
            // The needle holds no separator, so a match lies in one session's notes.
            while self.ends.get(session).is_some_and(|&end| end <= at) {
                session += 1;
            }
            let Some(&end) = self.ends.get(session) else {
                break;
            };
            if let Some(hit) = hits.get_mut(session) {
                *hit = true;
            }
            from = end + 1;
        }
        hits
    }
}

/// A case-insensitive substring search that does not allocate per haystack
/// when the needle is ASCII (the common case), so typing stays instant at 100k.
struct Needle {
    lower: String,
    ascii: bool,
}

impl Needle {
    fn new(text: &str) -> Self {
        let lower = text.trim().to_lowercase();
        Self {
            ascii: lower.is_ascii(),
            lower,
        }
    }

    fn is_empty(&self) -> bool {
        self.lower.is_empty()
    }

    fn is_in(&self, haystack: &str) -> bool {
        if self.ascii {
            let n = self.lower.as_bytes();
            let h = haystack.as_bytes();
            let Some(last) = h.len().checked_sub(n.len()) else {
                return false;
            };
            let Some(&first) = n.first() else {
                return true;
            };
            // Only where the first letter is, in either case, is the rest
            // compared: memchr finds those positions many bytes at a time.
            let mut from = 0;
            while let Some(found) =
                memchr::memchr2(first, first.to_ascii_uppercase(), &h[from..=last])
            {
                let at = from + found;
                if h[at..at + n.len()].eq_ignore_ascii_case(n) {
                    return true;
                }
                from = at + 1;
                if from > last {
                    break;
                }
            }
            false
        } else {
            haystack.to_lowercase().contains(&self.lower)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::history::tests::log;

    fn key(code: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn review() -> Review {
        let catalogue = Principles::embedded().unwrap_or_else(|e| panic!("{e}"));
        let mut a = log("aaaaaa", 1, "co-01", &["customer-obsession"]);
        a.rating = Some(5);
        a.notes = "Cut p99 LATENCY by 40%".into();
        let mut b = log("bbbbbb", 2, "dd-01", &["dive-deep"]);
        b.rating = None;
        b.outcome = Outcome::Skipped;
        b.answer_secs = 140.0;
        let c = log("cccccc", 3, "co-01", &["customer-obsession", "ownership"]);
        let history = History::from_logs([("a.toml", a), ("b.toml", b), ("c.toml", c)]);
        let today = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
        Review::ready(
            catalogue,
            today,
            PathBuf::from("/nowhere"),
            Loaded {
                history,
                skipped: Vec::new(),
            },
        )
    }

    fn ids(r: &Review) -> Vec<String> {
        r.view
            .iter()
            .filter_map(|&i| r.history.get(i as usize))
            .map(|s| s.id.to_string())
            .collect()
    }

    #[test]
    fn moves_and_sorts() {
        let mut r = review();
        assert_eq!(ids(&r), ["cccccc", "bbbbbb", "aaaaaa"]);
        r.update(key(KeyCode::End));
        assert_eq!(r.selected, 2);
        r.update(key(KeyCode::Char('k')));
        assert_eq!(r.selected_session().map(|s| &*s.id), Some("bbbbbb"));
        r.update(key(KeyCode::Char('o')));
        assert_eq!(ids(&r), ["aaaaaa", "cccccc", "bbbbbb"]);
        // The selected session stays selected across a re-sort.
        assert_eq!(r.selected_session().map(|s| &*s.id), Some("bbbbbb"));
        r.update(key(KeyCode::Char('o')));
        assert_eq!(ids(&r)[0], "bbbbbb");
        r.update(key(KeyCode::Char('O')));
        assert_eq!(ids(&r)[2], "bbbbbb");
    }

    proptest::proptest! {
        /// The search finds an ASCII needle wherever a plain scan of every
        /// position, ignoring ASCII case, does.
        #[test]
        fn ascii_search_finds_what_a_plain_scan_finds(
            haystack in "[aAbB -é]{0,40}",
            needle in "[abAB -]{1,4}",
        ) {
            let n = Needle::new(&needle);
            let lower = n.lower.as_bytes();
            let plain = !lower.is_empty()
                && haystack
                    .as_bytes()
                    .windows(lower.len())
                    .any(|w| w.eq_ignore_ascii_case(lower));
            if !n.is_empty() {
                proptest::prop_assert_eq!(n.is_in(&haystack), plain);
            }
        }

        /// Searching all notes at once finds the sessions a search of each
        /// session's notes finds.
        #[test]
        fn the_notes_index_agrees_with_each_session_searched(
            notes in proptest::collection::vec("[aAbB -é]{0,12}", 0..8),
            needle in "[abAB -]{1,4}",
        ) {
            let n = Needle::new(&needle);
            let history = History::from_logs(notes.iter().enumerate().map(|(i, text)| {
                let mut l = log(&format!("{i:06}"), 1, "q", &["ownership"]);
                l.notes = text.clone();
                (format!("{i:06}.toml"), l)
            }).collect::<Vec<_>>().iter().map(|(f, l)| (f.as_str(), l.clone())));
            if !n.is_empty() {
                let each: Vec<bool> = history.sessions().iter().map(|s| n.is_in(&s.notes)).collect();
                let index = NotesIndex::new(&history);
                proptest::prop_assert_eq!(index.hits(n.lower.as_bytes()), each);
            }
        }
    }

    #[test]
    fn search_is_live_and_escape_restores() {
        let mut r = review();
        r.update(key(KeyCode::Char('/')));
        for c in "latency".chars() {
            r.update(key(KeyCode::Char(c)));
        }
        assert_eq!(ids(&r), ["aaaaaa"]);
        r.update(key(KeyCode::Esc));
        assert_eq!(r.view.len(), 3);
        r.update(key(KeyCode::Char('/')));
        r.update(key(KeyCode::Char('D')));
        r.update(key(KeyCode::Char('D')));
        r.update(key(KeyCode::Enter));
        assert_eq!(ids(&r), ["bbbbbb"]);
        assert_eq!(r.overlay, Overlay::None);
        r.update(key(KeyCode::Esc));
        assert_eq!(r.view.len(), 3);
    }

    #[test]
    fn filter_form_applies_and_validates() {
        let mut r = review();
        r.update(key(KeyCode::Char('f')));
        r.update(key(KeyCode::Right)); // principle: customer-obsession
        r.update(key(KeyCode::Down));
        r.update(key(KeyCode::Down));
        r.update(key(KeyCode::Right)); // rating: unrated
        r.update(key(KeyCode::Right)); // rating: 2 or less
        r.update(key(KeyCode::Right)); // rating: 3 or more
        r.update(key(KeyCode::Down));
        for c in "2026-01-02".chars() {
            r.update(key(KeyCode::Char(c)));
        }
        r.update(key(KeyCode::Enter));
        assert_eq!(ids(&r), ["cccccc"]);
        assert_eq!(
            r.filter.summary(&r.catalogue),
            "Customer Obsession · rating 3 or more · since 2026-01-02"
        );
        r.update(key(KeyCode::Char('f')));
        r.update(key(KeyCode::Up));
        r.update(key(KeyCode::Char('9')));
        r.update(key(KeyCode::Enter));
        assert!(matches!(&r.overlay, Overlay::Filter(f) if f.error.is_some()));
        r.update(key(KeyCode::Esc));
        r.update(key(KeyCode::Char('c')));
        assert_eq!(r.view.len(), 3);
    }

    #[test]
    fn delete_asks_then_asks_the_loop() {
        let mut r = review();
        r.update(key(KeyCode::Char('j')));
        assert!(r.update(key(KeyCode::Char('d'))).is_empty());
        assert!(r.update(key(KeyCode::Char('n'))).is_empty());
        r.update(key(KeyCode::Char('d')));
        let effects = r.update(key(KeyCode::Char('y')));
        assert_eq!(effects, [Effect::Trash("b.toml".into())]);
        r.on_trashed("b.toml", Ok(PathBuf::from("/nowhere/trash/b.toml")));
        assert_eq!(ids(&r), ["cccccc", "aaaaaa"]);
        assert_eq!(r.selected, 1);
        assert_eq!(r.stats.sessions, 2);
    }

    /// The review with `c` (selected first) recorded, and a fake speaker.
    fn with_recording() -> (Review, crate::app::sound::fake::Shared) {
        let mut r = review();
        let (sound, log) = crate::app::sound::fake::sound();
        r.speaker = sound.speaker;
        let mut c = r.history.to_log(&r.history.sessions()[0]);
        c.audio = Some("c.ogg".into());
        let a = r.history.to_log(&r.history.sessions()[2]);
        let history = History::from_logs([("c.toml", c), ("a.toml", a)]);
        r.on_loaded(Loaded {
            history,
            skipped: Vec::new(),
        });
        (r, log)
    }

    fn calls(log: &crate::app::sound::fake::Shared) -> Vec<String> {
        std::mem::take(&mut log.borrow_mut().calls)
    }

    #[test]
    fn the_detail_plays_seeks_and_jumps_to_a_step() {
        let (mut r, log) = with_recording();
        // In the list, Space pages as before.
        r.update(key(KeyCode::Char(' ')));
        assert_eq!(calls(&log), Vec::<String>::new());
        r.update(key(KeyCode::Home));
        r.update(key(KeyCode::Enter));
        r.update(key(KeyCode::Char(' ')));
        assert_eq!(calls(&log), ["open c.ogg", "play"]);
        assert!(r.is_playing());
        assert_eq!(r.playhead(), Some((0.0, true)));
        r.update(key(KeyCode::Right));
        r.update(key(KeyCode::Right));
        r.update(key(KeyCode::Left));
        assert_eq!(calls(&log), ["seek 5", "seek 10", "seek 5"]);
        // Step 2 (Task) began when the Situation was ticked, at 35 s.
        r.update(key(KeyCode::Char('2')));
        assert_eq!(calls(&log), ["seek 35", "play"]);
        // Step 3 was being spoken when the answer ended (after the last tick).
        r.update(key(KeyCode::Char('3')));
        assert_eq!(calls(&log), ["seek 45.5", "play"]);
        r.update(key(KeyCode::Char('4')));
        assert!(calls(&log).is_empty(), "the story has three steps");
        r.update(key(KeyCode::Char(' ')));
        assert_eq!(calls(&log), ["pause"]);
        assert!(!r.is_playing());
        r.update(key(KeyCode::Char(' ')));
        assert_eq!(calls(&log), ["play"]);
        // Another session: the recording stops.
        r.update(key(KeyCode::Down));
        assert_eq!(calls(&log), ["close"]);
        assert_eq!(r.playing, None);
        // That one was not recorded: one line says so.
        r.update(key(KeyCode::Char(' ')));
        assert!(calls(&log).is_empty());
        assert_eq!(
            r.status.as_ref().map(|s| s.text.as_str()),
            Some("This session was not recorded")
        );
    }

    #[test]
    fn leaving_the_detail_or_deleting_stops_playback() {
        let (mut r, log) = with_recording();
        r.update(key(KeyCode::Enter));
        r.update(key(KeyCode::Char(' ')));
        r.update(key(KeyCode::Esc));
        assert!(calls(&log).ends_with(&["close".to_string()]));
        r.update(key(KeyCode::Enter));
        r.update(key(KeyCode::Char(' ')));
        r.update(key(KeyCode::Char('d')));
        let effects = r.update(key(KeyCode::Char('y')));
        assert_eq!(effects, [Effect::Trash("c.toml".into())]);
        assert!(calls(&log).ends_with(&["close".to_string()]));
        assert_eq!(r.playing, None);
    }

    #[test]
    fn no_output_device_is_a_status_line() {
        let (mut r, log) = with_recording();
        log.borrow_mut().refuse = Some("no sound output found".into());
        r.update(key(KeyCode::Enter));
        r.update(key(KeyCode::Char(' ')));
        let status = r.status.clone().unwrap_or_else(|| panic!("a status line"));
        assert!(status.is_error);
        assert_eq!(
            status.text,
            "Cannot play the recording: no sound output found"
        );
        assert_eq!(r.playing, None);
    }

    #[test]
    fn page_keeps_selection_visible() {
        let mut r = review();
        r.set_page(2);
        r.update(key(KeyCode::End));
        assert_eq!((r.selected, r.offset), (2, 1));
        r.update(key(KeyCode::Home));
        assert_eq!((r.selected, r.offset), (0, 0));
    }
}
