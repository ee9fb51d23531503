//! Small drawing helpers shared by the screens.

use std::borrow::Cow;

use ratatui::buffer::Cell;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use super::pane::Pane;
use super::theme::Theme;
use crate::domain::text::visible_line;

/// Drawing a widget onto a screen's buffer, as `ratatui::Frame` does: the
/// screens draw into a buffer the event loop owns (see `cli::screen`).
pub trait Draw {
    fn render_widget<W: Widget>(&mut self, widget: W, area: Rect);
}

impl Draw for ratatui::buffer::Buffer {
    fn render_widget<W: Widget>(&mut self, widget: W, area: Rect) {
        widget.render(area, self);
    }
}

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
    buf: &mut ratatui::buffer::Buffer,
    area: Rect,
    text: &ratatui_textarea::TextArea<'_>,
    title: &str,
    focused: bool,
    theme: Theme,
) {
    let pane = Pane::new(theme.border(focused)).title(Span::styled(
        title.to_string(),
        if focused {
            theme.title()
        } else {
            theme.muted()
        },
    ));
    let mut inner = pane.draw(area, buf);
    // Empty, the editor shows its placeholder on the first row and nothing
    // below; it draws it as a paragraph over all the rows it is given, each
    // cell restyled twice with a style that changes nothing, which was most
    // of the cost of a big notes box. The same cells come out either way.
    if text.is_empty() {
        inner.height = inner.height.min(1);
    }
    buf.render_widget(text, inner);
}

/// Draws `lines` in `pane`, as `Paragraph::new(lines).block(block)` does
/// (no wrapping, default styles), in less time: a paragraph styles its whole
/// area three times over, with a style that changes nothing, and copies each
/// line's graphemes before it draws them; here each line goes onto its row.
pub fn lines_in_pane(
    buf: &mut ratatui::buffer::Buffer,
    area: Rect,
    pane: Pane<'_>,
    lines: Vec<Line<'_>>,
) {
    let inner = pane.draw(area, buf);
    for (row, line) in (inner.y..inner.bottom()).zip(&lines) {
        draw_line(line, Rect::new(inner.x, row, inner.width, 1), buf);
    }
}

/// Draws `line` on the first row of `area` exactly as `line.render` does.
/// Most of what a screen shows is ASCII and a few one-cell symbols (`·`, `…`,
/// arrows, bars) in lines that fit their row: such a line is written a
/// character to a cell. Anything else (other characters, a line to truncate)
/// goes through ratatui, which splits every line into graphemes and measures
/// each one, and restyles the row cell by cell through the buffer's index even
/// when the style changes nothing: most of a frame's text cost.
pub fn draw_line(line: &Line<'_>, area: Rect, buf: &mut ratatui::buffer::Buffer) {
    let area = area.intersection(buf.area);
    let room = usize::from(area.width);
    let width = one_cell_chars(line);
    // Nothing to write (an empty status line, most of the time).
    if width == Some(0) && line.style == ratatui::style::Style::default() {
        return;
    }
    let Some(width) = width.filter(|width| (1..=room).contains(width)) else {
        line.render(area, buf);
        return;
    };
    let row = buf.index_of(area.x, area.y);
    if line.style != ratatui::style::Style::default() {
        for cell in &mut buf.content[row..row + room] {
            cell.set_style(line.style);
        }
    }
    let indent = match line.alignment {
        Some(ratatui::layout::Alignment::Center) => (room - width) / 2,
        Some(ratatui::layout::Alignment::Right) => room - width,
        Some(ratatui::layout::Alignment::Left) | None => 0,
    };
    // One character, one cell: `width` cells from the indent, all on this row.
    let start = row + indent;
    let mut cells = buf.content[start..start + width].iter_mut();
    for span in &line.spans {
        for (ch, cell) in span.content.chars().zip(cells.by_ref()) {
            match ASCII.get((ch as usize).wrapping_sub(usize::from(b' '))) {
                Some(text) => set_text(cell, text),
                None => {
                    cell.set_char(ch);
                }
            }
            cell.set_style(span.style);
        }
    }
}

/// Printable ASCII, one cell for each character: copying a cell's text is
/// a few moves, where `Cell::set_char` builds it and calls out to copy one
/// byte (a fifth of drawing a line).
static ASCII: [Cell; 95] = {
    #[rustfmt::skip]
    const PRINTABLE: [&str; 95] = [
        " ", "!", "\"", "#", "$", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?",
        "@", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
        "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "[", "\\", "]", "^", "_",
        "`", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
        "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "{", "|", "}", "~",
    ];
    const BLANK: Cell = Cell::EMPTY;
    let mut cells = [BLANK; 95];
    let mut i = 0;
    while i < cells.len() {
        // A blank cell holds nothing to drop, which a constant cannot do.
        std::mem::forget(std::mem::replace(&mut cells[i], Cell::new(PRINTABLE[i])));
        i += 1;
    }
    cells
};

/// Gives `cell` the text of `text`, leaving its colours and modifiers: what
/// `Cell::set_symbol(text.symbol())` does, by copying.
#[inline(always)]
#[allow(deprecated)] // `skip` is still a field of a cell
fn set_text(cell: &mut Cell, text: &Cell) {
    let mut new = text.clone();
    new.fg = cell.fg;
    new.bg = cell.bg;
    new.underline_color = cell.underline_color;
    new.modifier = cell.modifier;
    new.diff_option = cell.diff_option;
    new.skip = cell.skip;
    *cell = new;
}

/// How many characters `line` has when each is a grapheme of its own one
/// cell wide (printable ASCII and the symbols the screens use); `None` if any
/// is not.
fn one_cell_chars(line: &Line<'_>) -> Option<usize> {
    let mut count = 0;
    for span in &line.spans {
        for ch in span.content.chars() {
            if !one_cell(ch) {
                return None;
            }
            count += 1;
        }
    }
    Some(count)
}

/// Printable ASCII and the symbols the screens use, each a grapheme of its
/// own one column wide when no combining mark follows it (the property tests
/// of `draw_line` and of the screen's comparison hold this to ratatui's
/// measure).
pub fn one_cell(ch: char) -> bool {
    matches!(ch,
        ' '..='~'
        | '·' | '×' | '–' | '—' | '•' | '…'
        | '←'..='↓' | '↳'
        | '─'..='▟' // box drawing and blocks
        | '▸' | '★' | '☆' | '✓')
}

/// A footer of key hints, keeping as many as fit, in priority order.
/// Each hint is " key label " (the key in the key style), in borrowed
/// pieces: a footer is drawn every frame.
pub fn key_hints<'a>(hints: &[(&'a str, &'a str)], width: u16, theme: Theme) -> Line<'a> {
    let mut spans = Vec::with_capacity(hints.len() * 5);
    let mut used = 0usize;
    for &(key, label) in hints {
        let needed = key.width() + 1 + label.width() + 2;
        if used + needed > usize::from(width) {
            break;
        }
        spans.extend([
            Span::styled(" ", theme.key()),
            Span::styled(key, theme.key()),
            Span::styled(" ", theme.muted()),
            Span::styled(label, theme.muted()),
            Span::styled(" ", theme.muted()),
        ]);
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

/// How many of a bar's `width` cells are solid when `filled` of it is.
pub fn bar_solid(filled: f64, width: usize) -> usize {
    ((filled.clamp(0.0, 1.0) * width as f64).round() as usize).min(width)
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
    use proptest::prelude::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Alignment;
    use ratatui::style::{Color, Modifier, Style};

    /// A cell's text set from a copy is the text `set_symbol` would give it,
    /// and the rest of the cell is left as it was.
    #[test]
    #[allow(deprecated)]
    fn text_copied_into_a_cell_leaves_the_rest_alone() {
        let mut styled = Cell::new("あ");
        styled
            .set_style(
                Style::new()
                    .fg(Color::Red)
                    .bg(Color::Blue)
                    .underline_color(Color::Green),
            )
            .set_style(Style::new().add_modifier(Modifier::BOLD | Modifier::ITALIC))
            .set_diff_option(ratatui::buffer::CellDiffOption::AlwaysUpdate);
        styled.skip = true;
        for (i, text) in ASCII.iter().enumerate() {
            let ch = char::from(b' ' + i as u8);
            assert_eq!(text.symbol(), ch.to_string());
            for before in [Cell::EMPTY, styled.clone()] {
                let (mut copied, mut set) = (before.clone(), before);
                set_text(&mut copied, text);
                set.set_char(ch);
                assert_eq!(copied, set, "{ch:?}");
                assert_eq!(copied.skip, set.skip);
            }
        }
    }

    fn style_from(pick: u8) -> Style {
        match pick % 6 {
            0 => Style::default(),
            1 => Style::default().fg(Color::Red),
            2 => Style::default()
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            3 => Style::default().remove_modifier(Modifier::BOLD),
            4 => Style::default()
                .fg(Color::Indexed(8))
                .add_modifier(Modifier::REVERSED),
            _ => Style::default().bg(Color::Reset),
        }
    }

    // Printable ASCII mostly, with what takes ratatui's path: wide and
    // combining characters, a control character, an accent.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                8 => proptest::char::range(' ', '~'),
                2 => proptest::sample::select(vec![
                    '·', '×', '–', '—', '•', '…', '←', '↑', '→', '↓', '↳', '─', '│', '╭',
                    '█', '░', '▒', '▓', '▟', '▸', '★', '☆', '✓',
                ]),
                1 => proptest::sample::select(vec!['é', '面', '\u{301}', '\u{fe0f}', '\t', '⚠', '▶']),
            ],
            0..12,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        /// The fast path draws exactly what `Line::render` draws: symbols and
        /// styles of every cell, over a buffer that already holds a frame.
        #[test]
        fn draw_line_matches_ratatui(
            spans in proptest::collection::vec((text(), any::<u8>()), 0..4),
            line_style in any::<u8>(),
            alignment in 0u8..4,
            x in 0u16..4,
            width in 0u16..40,
            background in any::<u8>(),
        ) {
            let mut line = Line::from(
                spans
                    .into_iter()
                    .map(|(text, pick)| Span::styled(text, style_from(pick)))
                    .collect::<Vec<_>>(),
            )
            .style(style_from(line_style));
            line.alignment = match alignment {
                0 => None,
                1 => Some(Alignment::Left),
                2 => Some(Alignment::Center),
                _ => Some(Alignment::Right),
            };
            let full = Rect::new(0, 0, 30, 2);
            let mut before = Buffer::empty(full);
            before.set_string(0, 0, "x".repeat(30), style_from(background));
            before.set_string(0, 1, "y".repeat(30), style_from(background / 7));
            let area = Rect::new(x, 1, width, 1);
            let mut expected = before.clone();
            (&line).render(area, &mut expected);
            let mut drawn = before;
            draw_line(&line, area, &mut drawn);
            prop_assert_eq!(drawn, expected);
        }
    }

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
        assert_eq!(bar_solid(0.5, 4), 2);
        assert_eq!(bar_solid(2.0, 3), 3);
        assert_eq!(bar_solid(-1.0, 3), 0);
    }
}

/// Word-wraps `text` to `width` columns, each line prefixed by `indent`.
/// Words wider than a line (long URLs, CJK text without spaces) are split.
/// Text from outside is shown safely (`domain::text::visible_line`).
pub fn wrap_indented(text: &str, width: usize, indent: &str) -> Vec<String> {
    let mut lines = Lines {
        room: width.saturating_sub(indent.width()).max(8),
        indent,
        done: Vec::new(),
        line: String::new(),
        line_width: 0,
    };
    for word in text.split_whitespace() {
        // Printable ASCII (nearly every word) is shown as it is, a column a
        // byte: no character-by-character checks.
        let (word, word_width) = if word.bytes().all(|b| matches!(b, b' '..=b'~')) {
            (Cow::Borrowed(word), word.len())
        } else {
            let shown = visible_line(word);
            let width = shown.width();
            (shown, width)
        };
        if word_width <= lines.room {
            lines.push(&word, word_width);
        } else {
            for piece in split_wide(&word, lines.room) {
                lines.push(piece, piece.width());
            }
        }
    }
    lines.finish()
}

/// Lines being filled word by word (drawn every frame: no allocation per
/// word).
struct Lines<'a> {
    room: usize,
    indent: &'a str,
    done: Vec<String>,
    line: String,
    line_width: usize,
}

impl Lines<'_> {
    fn push(&mut self, word: &str, word_width: usize) {
        if !self.line.is_empty() && self.line_width + 1 + word_width > self.room {
            self.break_line();
        }
        if !self.line.is_empty() {
            self.line.push(' ');
            self.line_width += 1;
        }
        self.line.push_str(word);
        self.line_width += word_width;
    }

    fn break_line(&mut self) {
        let mut line = String::with_capacity(self.indent.len() + self.line.len());
        line.push_str(self.indent);
        line.push_str(&self.line);
        self.done.push(line);
        self.line.clear();
        self.line_width = 0;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.line.is_empty() {
            self.break_line();
        }
        self.done
    }
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
