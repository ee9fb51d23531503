//! The `?` overlay of the review browser.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::ui::theme::Theme;
use crate::ui::widgets::centered;

pub const KEYS: &[(&str, &str)] = &[
    ("↑↓ j k", "move through the sessions"),
    ("PgUp PgDn", "a page at a time (Space too)"),
    ("Home End", "first / last (g G too)"),
    ("Enter", "show the details full size, or back"),
    ("/", "search question text and notes"),
    ("f", "filter by principle, outcome, rating, dates"),
    ("c", "clear the search and filters (Esc too)"),
    ("o  O", "sort by date, rating or time / reverse"),
    ("d", "delete the session (y confirms; kept in trash/)"),
    ("Tab", "switch between sessions and stats"),
    ("q Esc", "quit"),
];

pub fn draw(frame: &mut Frame, area: Rect, theme: Theme) {
    let mut lines: Vec<Line> = vec![Line::styled("Review keys", theme.title())];
    for (key, what) in KEYS {
        lines.push(Line::from(vec![
            Span::styled(format!("  {key:<10}"), theme.key()),
            Span::raw(*what),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "In the timeline, │ marks each step's target; ▓ is time past it.",
        theme.muted(),
    ));
    lines.push(Line::styled("Any key closes this help.", theme.muted()));
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, 70.min(area.width), height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .block(
                Block::bordered()
                    .border_type(BorderType::Rounded)
                    .border_style(theme.title())
                    .title(Span::styled(" Help ", theme.title())),
            ),
        rect,
    );
}
