//! The `?` overlay of the review browser.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::keymap::Hint;
use crate::app::review::{LIST_KEYS, PLAYBACK_KEYS};
use crate::ui::card::Card;
use crate::ui::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, theme: Theme) {
    let mut lines: Vec<Line> = vec![Line::styled("Review keys", theme.title())];
    for Hint { key, text } in LIST_KEYS.help().chain(PLAYBACK_KEYS.help()) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {key:<10}"), theme.key()),
            Span::raw(text),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "In the timeline, │ marks each step's target; ▓ is time past it; ┃ is the playhead.",
        theme.muted(),
    ));
    lines.push(Line::styled("Any key closes this help.", theme.muted()));
    Card::new(lines, 70, theme.title())
        .title(Span::styled(" Help ", theme.title()))
        .wrapped_keeping_indent()
        .render(buf, area);
}
