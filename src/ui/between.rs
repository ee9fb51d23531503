//! Between questions: what was saved, and what comes next.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::card::Card;
use super::theme::Theme;
use super::widgets::{either_key, inline_hints};
use crate::app::{App, BETWEEN_KEYS, Between};

pub fn draw(buf: &mut Buffer, area: Rect, app: &App, theme: Theme) {
    let mut lines = Vec::new();
    match &app.status {
        Some(status) if status.is_error => {
            lines.push(Line::styled(status.text.clone(), theme.danger()))
        }
        _ => {
            if let Some(path) = app.saved.last() {
                lines.push(Line::styled("✓ Attempt saved", theme.ok()));
                lines.push(Line::styled(path.display().to_string(), theme.muted()));
            }
        }
    }
    // A transcript still being made in the background says how far it is.
    let note = app.scribe_note();
    if let Some(note) = &note {
        lines.push(Line::styled(note.clone(), theme.muted()));
    }
    lines.push(Line::default());
    let answered = match app.completed {
        1 => "1 answer this sitting.".to_string(),
        n => format!("{n} answers this sitting."),
    };
    lines.push(Line::raw(answered));
    lines.push(Line::default());
    if app.is_last() {
        lines.push(Line::styled(
            "That was the last question you asked for.",
            theme.text(),
        ));
        let keys = [Between::NextOrQuit, Between::Quit].map(|a| BETWEEN_KEYS.key_of(a));
        lines.push(either_key(
            &keys.into_iter().flatten().collect::<Vec<_>>().join(" "),
            "to quit",
            theme,
        ));
    } else {
        lines.push(inline_hints(&BETWEEN_KEYS.footer_as_written(), theme));
    }
    Card::new(lines, 72, theme.muted())
        .title(Span::styled(" stardrill ", theme.title()))
        .height(if note.is_some() { 12 } else { 11 })
        .centred_text()
        .wrapped()
        .render(buf, area);
}
