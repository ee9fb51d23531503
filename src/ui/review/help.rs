//! The `?` overlay of the review browser.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::app::keymap::Hint;
use crate::app::review::LIST_KEYS;
use crate::ui::theme::Theme;
use crate::ui::widgets::centered;

pub fn draw(frame: &mut Frame, area: Rect, theme: Theme) {
    let mut lines: Vec<Line> = vec![Line::styled("Review keys", theme.title())];
    for Hint { key, text } in LIST_KEYS.help() {
        lines.push(Line::from(vec![
            Span::styled(format!("  {key:<10}"), theme.key()),
            Span::raw(text),
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
