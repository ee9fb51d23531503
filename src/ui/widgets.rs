//! Small drawing helpers shared by the screens.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::domain::text::visible_line;

/// A rectangle of at most `width`×`height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// A bordered text editor whose border and title light up when it has focus.
pub fn draw_text_box(
    frame: &mut ratatui::Frame,
    area: Rect,
    text: &ratatui_textarea::TextArea<'_>,
    title: &str,
    focused: bool,
    theme: Theme,
) {
    let block = ratatui::widgets::Block::bordered()
        .border_type(ratatui::widgets::BorderType::Rounded)
        .border_style(theme.border(focused))
        .title(Span::styled(
            title.to_string(),
            if focused {
                theme.title()
            } else {
                theme.muted()
            },
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(text, inner);
}

/// Draws `lines` in `block`, as `Paragraph::new(lines).block(block)` does
/// (no wrapping, default styles), in less time: a paragraph styles its whole
/// area three times over, with a style that changes nothing, and copies each
/// line's graphemes before it draws them; here each line goes onto its row.
pub fn lines_in_block(
    frame: &mut ratatui::Frame,
    area: Rect,
    block: ratatui::widgets::Block<'_>,
    lines: Vec<Line<'_>>,
) {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // Each line straight onto its row: a paragraph would restyle every cell
    // of its area and copy each line's graphemes before writing them.
    let buf = frame.buffer_mut();
    for (row, line) in (inner.y..inner.bottom()).zip(&lines) {
        line.render(Rect::new(inner.x, row, inner.width, 1), buf);
    }
}

/// A footer of key hints, keeping as many as fit, in priority order.
pub fn key_hints(hints: &[(&str, &str)], width: u16, theme: Theme) -> Line<'static> {
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (key, label) in hints {
        let needed = key.width() + 1 + label.width() + 2;
        if used + needed > usize::from(width) {
            break;
        }
        spans.push(Span::styled(format!(" {key}"), theme.key()));
        spans.push(Span::styled(format!(" {label} "), theme.muted()));
        used += needed;
    }
    Line::from(spans)
}

/// Key hints inside a card: "Enter next question    q quit".
pub fn inline_hints(hints: &[(&str, &str)], theme: Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (key, text)) in hints.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("    "));
        }
        spans.push(Span::styled(key.to_string(), theme.key()));
        spans.push(Span::raw(format!(" {text}")));
    }
    Line::from(spans)
}

/// The keys of a yes-or-no prompt: "y delete   any other key keep".
pub fn confirm_keys(theme: Theme) -> Line<'static> {
    let mut line = inline_hints(&crate::app::keymap::CONFIRM_KEYS.footer_as_written(), theme);
    line.spans.push(Span::raw("   "));
    line.spans.push(Span::styled("any other key", theme.key()));
    line.spans.push(Span::raw(" keep"));
    line
}

/// Keys that all do one thing, inside a card: "Enter or q to finish".
pub fn either_key(keys: &str, text: &str, theme: Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, key) in keys.split_whitespace().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" or "));
        }
        spans.push(Span::styled(key.to_string(), theme.key()));
    }
    spans.push(Span::raw(format!(" {text}")));
    Line::from(spans)
}

/// A bar of `width` cells, `filled` share of it solid.
pub fn bar(filled: f64, width: u16) -> (String, String) {
    let width = usize::from(width);
    let solid = ((filled.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    ("█".repeat(solid), "░".repeat(width - solid))
}

/// Cuts `text` to `max` columns, ending in an ellipsis when cut. Text from
/// outside is shown safely (`domain::text::visible_line`).
pub fn truncate(text: &str, max: usize) -> String {
    let text = &*visible_line(text);
    if text.width() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_respects_wide_characters() {
        assert_eq!(truncate("hello", 10), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        let cut = truncate("面试问题很长", 7);
        assert!(cut.width() <= 7, "{cut}");
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn bar_fills_its_share() {
        assert_eq!(bar(0.5, 4), ("██".into(), "░░".into()));
        assert_eq!(bar(2.0, 3), ("███".into(), String::new()));
    }
}

/// Word-wraps `text` to `width` columns, each line prefixed by `indent`.
/// Words wider than a line (long URLs, CJK text without spaces) are split.
/// Text from outside is shown safely (`domain::text::visible_line`).
pub fn wrap_indented(text: &str, width: usize, indent: &str) -> Vec<String> {
    let room = width.saturating_sub(indent.width()).max(8);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0;
    let words: Vec<_> = text.split_whitespace().map(visible_line).collect();
    for word in words.iter().flat_map(|w| split_wide(w, room)) {
        let word_width = word.width();
        let needed = if line.is_empty() {
            word_width
        } else {
            line_width + 1 + word_width
        };
        if needed > room && !line.is_empty() {
            lines.push(format!("{indent}{line}"));
            line.clear();
            line_width = 0;
        }
        if !line.is_empty() {
            line.push(' ');
            line_width += 1;
        }
        line.push_str(word);
        line_width += word_width;
    }
    if !line.is_empty() {
        lines.push(format!("{indent}{line}"));
    }
    lines
}

/// Splits a word into pieces of at most `room` columns.
fn split_wide(word: &str, room: usize) -> Vec<&str> {
    if word.width() <= room {
        return vec![word];
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut used = 0;
    for (i, c) in word.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > room && i > start {
            pieces.push(&word[start..i]);
            start = i;
            used = 0;
        }
        used += w;
    }
    pieces.push(&word[start..]);
    pieces
}

#[cfg(test)]
mod wrap_tests {
    use super::*;

    #[test]
    fn wraps_on_words_with_indent() {
        assert_eq!(
            wrap_indented("one two three four", 13, "  "),
            ["  one two", "  three four"]
        );
        assert_eq!(wrap_indented("", 10, "  "), Vec::<String>::new());
        // A word longer than the room is split, wide characters counted as two columns.
        assert_eq!(
            wrap_indented("a extraordinarily b", 10, ""),
            ["a", "extraordin", "arily b"]
        );
        let cjk = wrap_indented("请描述一次你为客户着想的经历", 10, "");
        assert!(cjk.iter().all(|l| l.width() <= 10), "{cjk:?}");
        assert_eq!(cjk.concat(), "请描述一次你为客户着想的经历");
    }
}
