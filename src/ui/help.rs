//! The `?` overlay: every key, and the method in brief.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::theme::Theme;
use super::widgets::centered;
use crate::app::keymap::Hint;
use crate::app::{ANSWERING_KEYS, WRAP_UP_KEYS};

const TIPS: &[&str] = &[
    "Set the Situation in 30 seconds or less.",
    "Say \"I\", not \"we\": your part, not the team's.",
    "Quantify the result, and know how you measured it.",
    "Close with the lesson, above all in a failure story.",
];

pub fn draw(frame: &mut Frame, area: Rect, theme: Theme) {
    let mut lines: Vec<Line> = Vec::new();
    let sections: [(&str, Vec<Hint>); 2] = [
        ("While answering", ANSWERING_KEYS.help().collect()),
        ("Wrap-up card", WRAP_UP_KEYS.help().collect()),
    ];
    for (title, rows) in sections {
        lines.push(Line::styled(title, theme.title()));
        for Hint { key, text } in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("  {key:<8}"), theme.key()),
                Span::raw(text),
            ]));
        }
        lines.push(Line::default());
    }
    lines.push(Line::styled("The method", theme.title()));
    for tip in TIPS {
        lines.push(Line::raw(format!("  • {tip}")));
    }

    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, 64.min(area.width), height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.title())
        .title(Span::styled(" Help ", theme.title()))
        .title_bottom(Span::styled(" any key closes ", theme.muted()));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .block(block),
        rect,
    );
}
