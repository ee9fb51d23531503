//! Pop-ups: the filter form and the delete confirmation. (The search prompt
//! lives in the status line, so the list stays visible while it narrows.)

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Padding;

use crate::app::review::{FILTER_FIELDS, FilterForm, Review};
use crate::ui::card::Card;
use crate::ui::theme::Theme;
use crate::ui::widgets::{confirm_keys, truncate};

pub fn draw_filter(buf: &mut Buffer, area: Rect, review: &Review, form: &FilterForm, theme: Theme) {
    let mut lines = Vec::new();
    for (i, name) in FILTER_FIELDS.iter().enumerate() {
        let on = i == form.field;
        let value = form.value(i, &review.catalogue);
        let shown = if i >= 3 {
            if value.is_empty() && !on {
                "any (YYYY-MM-DD)".to_string()
            } else {
                format!("{value}{}", if on { "█" } else { "" })
            }
        } else {
            format!("‹ {} ›", truncate(&value, 36))
        };
        lines.push(Line::from(vec![
            Span::styled(if on { "▸ " } else { "  " }, theme.title()),
            Span::styled(format!("{name:<10}"), theme.text()),
            Span::styled(shown, if on { theme.selected() } else { theme.key() }),
        ]));
    }
    lines.push(Line::default());
    if let Some(error) = &form.error {
        lines.push(Line::styled(error.clone(), theme.danger()));
    }
    lines.push(Line::styled(
        "↑↓ field · ←→ change · type dates · Backspace clears",
        theme.muted(),
    ));
    lines.push(Line::styled("Enter apply · Esc cancel", theme.muted()));
    Card::new(lines, 60, theme.title())
        .title(Span::styled(" Filter ", theme.title()))
        .padding(Padding::horizontal(1))
        .render(buf, area);
}

pub fn draw_confirm(buf: &mut Buffer, area: Rect, review: &Review, file: &str, theme: Theme) {
    let question = review
        .selected_session()
        .map(|s| review.history.question_text(s).to_string())
        .unwrap_or_default();
    let lines = vec![
        Line::styled("Delete this session?", theme.warn()),
        Line::styled(truncate(&question, 52), theme.text()),
        Line::default(),
        Line::styled(
            format!("{file} moves to trash/ in the data dir;"),
            theme.muted(),
        ),
        Line::styled("move it back to sessions/ to restore it.", theme.muted()),
        Line::default(),
        confirm_keys(theme),
    ];
    Card::new(lines, 60, theme.danger())
        .padding(Padding::horizontal(1))
        .wrapped()
        .render(buf, area);
}
