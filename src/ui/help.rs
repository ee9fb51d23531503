//! The `?` overlay: every key, and the method in brief.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::theme::Theme;
use super::widgets::centered;

const SECTIONS: &[(&str, &[(&str, &str)])] = &[
    (
        "While answering",
        &[
            ("Space", "tick the next step"),
            ("1-5", "tick or untick a step"),
            ("Tab", "type notes (Tab or Esc to leave)"),
            ("p", "pause / resume the countdown"),
            ("Enter", "finish the answer"),
            ("n", "skip to a new question (saved as skipped)"),
            ("f", "switch between STAR and SPSIL"),
            ("?", "this help"),
            ("q Esc", "quit (the attempt is saved)"),
        ],
    ),
    (
        "Wrap-up card",
        &[
            ("1-5", "rate your answer"),
            ("↑↓ j k", "move in the rubric; Space ticks"),
            ("s", "pick the story you told"),
            ("Enter", "save and go on"),
        ],
    ),
];

const TIPS: &[&str] = &[
    "Set the Situation in 30 seconds or less.",
    "Say \"I\", not \"we\": your part, not the team's.",
    "Quantify the result, and know how you measured it.",
    "Close with the lesson, above all in a failure story.",
];

pub fn draw(frame: &mut Frame, area: Rect, theme: Theme) {
    let mut lines: Vec<Line> = Vec::new();
    for (title, keys) in SECTIONS {
        lines.push(Line::styled(*title, theme.title()));
        for (key, what) in *keys {
            lines.push(Line::from(vec![
                Span::styled(format!("  {key:<8}"), theme.key()),
                Span::raw(*what),
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
