//! The `?` overlay: every key, and the method in brief.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::card::Card;
use super::theme::Theme;
use crate::app::keymap::Hint;
use crate::app::{ANSWERING_KEYS, WRAP_UP_KEYS};

const TIPS: &[&str] = &[
    "One specific, recent example: not \"we usually…\".",
    "Set the Situation in 30 seconds or less.",
    "Say \"I\" for your part, and credit the team for theirs.",
    "Quantify the result, and know how you measured it.",
    "A failure is a failure: own it, and say what you learned.",
];

pub fn draw(buf: &mut Buffer, area: Rect, theme: Theme) {
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

    Card::new(lines, 64, theme.title())
        .title(Span::styled(" Help ", theme.title()))
        .bottom(Span::styled(" any key closes ", theme.muted()))
        .wrapped_keeping_indent()
        .render(buf, area);
}
