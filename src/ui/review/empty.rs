//! What a first-time user sees: no sessions yet, and how to record one.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Padding, Paragraph, Wrap};

use crate::app::review::Review;
use crate::ui::theme::Theme;
use crate::ui::widgets::centered;

pub fn draw(frame: &mut Frame, area: Rect, review: &Review, theme: Theme) {
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
    let height = lines.len() as u16 + 2;
    let rect = centered(area, 66.min(area.width), height);
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true })
            .block(
                Block::bordered()
                    .border_type(BorderType::Rounded)
                    .border_style(theme.muted())
                    .padding(Padding::horizontal(1)),
            ),
        rect,
    );
}
