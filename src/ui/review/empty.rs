//! What a first-time user sees: no sessions yet, and how to record one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Padding;

use crate::app::review::Review;
use crate::ui::card::Card;
use crate::ui::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, review: &Review, theme: Theme) {
    let mut lines = vec![
        Line::styled("No sessions yet", theme.title()),
        Line::default(),
        Line::raw("Every drill you answer is saved here, so you can see"),
        Line::raw("which principles you have not practised yet, whether your"),
        Line::raw("Situation keeps to 30 seconds, and how your ratings move."),
        Line::default(),
        Line::from(vec![
            Span::raw("Start one now: quit with "),
            Span::styled("q", theme.key()),
            Span::raw(" and run "),
            Span::styled("stardrill", theme.key()),
        ]),
        Line::from(vec![
            Span::raw("or practise one principle: "),
            Span::styled("stardrill -p dive-deep", theme.key()),
        ]),
        Line::default(),
        Line::styled(
            format!("Looking in {}", review.data_dir.join("sessions").display()),
            theme.muted(),
        ),
    ];
    if !review.skipped.is_empty() {
        lines.push(Line::styled(
            format!(
                "{} file(s) there could not be read: stardrill review --check",
                review.skipped.len()
            ),
            theme.warn(),
        ));
    }
    Card::new(lines, 66, theme.muted())
        .padding(Padding::horizontal(1))
        .centred_text()
        .wrapped()
        .over_nothing()
        .render(buf, area);
}
