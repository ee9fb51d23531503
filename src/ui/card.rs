//! A bordered card centred over the screen: pop-ups, help overlays and the
//! cards shown between questions all draw through it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Span, Text};
use ratatui::widgets::{Clear, Padding, Paragraph, Wrap};

use crate::ui::widgets::Draw;

use super::pane::Pane;
use super::widgets::centered;

pub struct Card<'a> {
    text: Text<'a>,
    width: u16,
    /// Rows in all; `None` fits the text (wrapped, with borders and padding).
    height: Option<u16>,
    border: Style,
    title: Option<Span<'a>>,
    bottom: Option<Span<'a>>,
    padding: Padding,
    alignment: Alignment,
    wrap: Option<Wrap>,
    /// Blank what lies under it first (a pop-up over a screen).
    clear: bool,
}

impl<'a> Card<'a> {
    /// A card at most `width` wide that fits its text, over whatever is below.
    pub fn new(text: impl Into<Text<'a>>, width: u16, border: Style) -> Self {
        Self {
            text: text.into(),
            width,
            height: None,
            border,
            title: None,
            bottom: None,
            padding: Padding::ZERO,
            alignment: Alignment::Left,
            wrap: None,
            clear: true,
        }
    }

    pub fn title(mut self, title: Span<'a>) -> Self {
        self.title = Some(title);
        self
    }

    /// A line on the bottom border, e.g. " any key closes ".
    pub fn bottom(mut self, text: Span<'a>) -> Self {
        self.bottom = Some(text);
        self
    }

    pub fn height(mut self, rows: u16) -> Self {
        self.height = Some(rows);
        self
    }

    pub fn padding(mut self, padding: Padding) -> Self {
        self.padding = padding;
        self
    }

    pub fn centred_text(mut self) -> Self {
        self.alignment = Alignment::Center;
        self
    }

    /// Wraps long lines at word boundaries, trimming leading spaces.
    pub fn wrapped(mut self) -> Self {
        self.wrap = Some(Wrap { trim: true });
        self
    }

    /// Wraps long lines, keeping their indentation (key columns).
    pub fn wrapped_keeping_indent(mut self) -> Self {
        self.wrap = Some(Wrap { trim: false });
        self
    }

    /// Draws on the screen as it is (nothing to hide underneath).
    pub fn over_nothing(mut self) -> Self {
        self.clear = false;
        self
    }

    pub fn render(self, buf: &mut Buffer, area: Rect) {
        let width = self.width.min(area.width);
        let mut pane = Pane::new(self.border).padding(self.padding);
        if let Some(title) = self.title {
            pane = pane.title(title);
        }
        if let Some(bottom) = self.bottom {
            pane = pane.title_bottom(bottom);
        }
        let mut paragraph = Paragraph::new(self.text).alignment(self.alignment);
        if let Some(wrap) = self.wrap {
            paragraph = paragraph.wrap(wrap);
        }
        let frame_rows = 2 + self.padding.top + self.padding.bottom;
        let height = self.height.unwrap_or_else(|| {
            let inner = width.saturating_sub(2 + self.padding.left + self.padding.right);
            let lines = paragraph.line_count(inner.max(1));
            u16::try_from(lines)
                .unwrap_or(u16::MAX)
                .saturating_add(frame_rows)
        });
        let rect = centered(area, width, height.min(area.height));
        if self.clear {
            buf.render_widget(Clear, rect);
        }
        let inner = pane.draw(rect, buf);
        buf.render_widget(paragraph, inner);
    }
}
