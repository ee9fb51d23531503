//! The bordered pane every screen draws its boxes with: a rounded border in
//! one style, a title on the top border, maybe a line on the bottom one, and
//! padding inside.
//!
//! It draws exactly what ratatui's `Block` with the same settings draws (a
//! test holds the two side by side), in a fraction of the time: a block
//! restyles every cell of its area through the buffer's index before drawing
//! its border, even with a style that changes nothing, and it was the largest
//! single cost of a drill frame after ratatui's own diff.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Padding, Widget};

use super::keep::{self, Keep, PaneId};
use super::widgets::draw_line;

#[derive(Debug, Clone, Default)]
pub struct Pane<'a> {
    border: Style,
    title: Option<Line<'a>>,
    bottom: Option<Line<'a>>,
    padding: Padding,
}

impl<'a> Pane<'a> {
    /// A pane whose border is drawn in `border`.
    pub fn new(border: Style) -> Self {
        Self {
            border,
            ..Self::default()
        }
    }

    /// The line on the top border, at the left unless it says otherwise.
    pub fn title(mut self, title: impl Into<Line<'a>>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The line on the bottom border, at the left unless it says otherwise.
    pub fn title_bottom(mut self, title: impl Into<Line<'a>>) -> Self {
        self.bottom = Some(title.into());
        self
    }

    pub fn padding(mut self, padding: Padding) -> Self {
        self.padding = padding;
        self
    }

    /// What lies inside the border and the padding.
    pub fn inner(&self, area: Rect) -> Rect {
        let Padding {
            left,
            right,
            top,
            bottom,
        } = self.padding;
        Rect {
            x: area
                .x
                .saturating_add(1)
                .min(area.right())
                .saturating_add(left),
            y: area
                .y
                .saturating_add(1)
                .min(area.bottom())
                .saturating_add(top),
            width: area.width.saturating_sub(2 + left + right),
            height: area.height.saturating_sub(2 + top + bottom),
        }
    }

    /// The same pane as a ratatui block: what `draw` must match, and what
    /// draws the cases it leaves to ratatui.
    fn block(&self) -> Block<'a> {
        let mut block = Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(self.border)
            .padding(self.padding);
        if let Some(title) = &self.title {
            block = block.title(title.clone());
        }
        if let Some(bottom) = &self.bottom {
            block = block.title_bottom(bottom.clone());
        }
        block
    }

    /// Draws the border and titles; returns the inner area.
    pub fn draw(&self, area: Rect, buf: &mut Buffer) -> Rect {
        let area = area.intersection(buf.area);
        if !self.has_edges(area) {
            self.block().render(area, buf);
            return self.inner(area);
        }
        for edge in [Edge::Top, Edge::Bottom, Edge::Left, Edge::Right] {
            self.draw_edge(area, edge, edge.of(area), buf);
        }
        self.inner(area)
    }

    /// Draws the border and titles like `draw`, each edge a pane `keep`
    /// leaves as the last frame drew it while it would look the same. A
    /// title at the left is a pane of its own with the corner before it, so
    /// a title that counts changes those cells alone. Returns the inner area.
    pub fn draw_keeping(
        &self,
        area: Rect,
        buf: &mut Buffer,
        keep: &mut Keep,
        id: impl Fn(Edge) -> PaneId,
    ) -> Rect {
        let area = area.intersection(buf.area);
        if !self.has_edges(area) {
            return self.draw(area, buf);
        }
        let head = self.head(area);
        for edge in Edge::ALL {
            let rect = match edge {
                Edge::Head => head,
                Edge::Top => Rect {
                    x: area.x + head.width,
                    width: area.width - head.width,
                    ..edge.of(area)
                },
                _ => edge.of(area),
            };
            let key = match edge {
                Edge::Head => keep::key(&(&self.title, self.border, area)),
                // Holding the title itself when there is no head.
                Edge::Top => keep::key(&(
                    head,
                    head.is_empty().then_some(&self.title),
                    self.border,
                    area,
                )),
                Edge::Bottom => keep::key(&(&self.bottom, self.border, area)),
                Edge::Left | Edge::Right => keep::key(&(self.border, area)),
            };
            if !rect.is_empty() {
                keep.pane(buf, id(edge), key, rect, |buf| {
                    self.draw_edge(area, edge, rect, buf);
                });
            }
        }
        self.inner(area)
    }

    /// The top edge's first corner and the title after it, when the title
    /// is at the left and fits; otherwise nothing (the top edge has it all).
    fn head(&self, area: Rect) -> Rect {
        let width = match &self.title {
            Some(title) if title.alignment.is_none_or(|a| a == Alignment::Left) => title.width(),
            _ => 0,
        };
        match u16::try_from(width) {
            Ok(width) if width > 0 && width <= area.width.saturating_sub(2) => {
                Rect::new(area.x, area.y, 1 + width, 1)
            }
            _ => Rect::new(area.x, area.y, 0, 1),
        }
    }

    /// Whether the border of `area` is drawn edge by edge here; otherwise
    /// (a box of one row or column, a centred title) ratatui draws it.
    fn has_edges(&self, area: Rect) -> bool {
        let centred = |line: &Option<Line>| {
            line.as_ref()
                .is_some_and(|l| l.alignment == Some(Alignment::Center))
        };
        area.width >= 2 && area.height >= 2 && !centred(&self.title) && !centred(&self.bottom)
    }

    /// Draws the cells `part` of one edge of the border of `area`: a row
    /// with its corners and title, or a column between the corners. A row's
    /// title is drawn when `part` holds all of it.
    fn draw_edge(&self, area: Rect, edge: Edge, part: Rect, buf: &mut Buffer) {
        let set = border::ROUNDED;
        match edge {
            Edge::Head | Edge::Top | Edge::Bottom => {
                let (y, (left, fill, right), title) = if edge == Edge::Bottom {
                    let corners = (set.bottom_left, set.horizontal_bottom, set.bottom_right);
                    (area.bottom() - 1, corners, &self.bottom)
                } else {
                    let corners = (set.top_left, set.horizontal_top, set.top_right);
                    (area.y, corners, &self.title)
                };
                let (first, last) = (area.x, area.right() - 1);
                let start = buf.index_of(part.x, y);
                let cells = &mut buf.content[start..start + usize::from(part.width)];
                for (x, cell) in (part.left()..part.right()).zip(cells) {
                    let symbol = match x {
                        x if x == first => left,
                        x if x == last => right,
                        _ => fill,
                    };
                    cell.set_symbol(symbol).set_style(self.border);
                }
                let row = Rect::new(area.x + 1, y, area.width - 2, 1);
                if let Some(line) = title
                    && title_cells(line, row).is_some_and(|cells| part.union(cells) == part)
                {
                    draw_title(line, row, buf);
                }
            }
            Edge::Left | Edge::Right => {
                let (x, symbol) = if edge == Edge::Left {
                    (area.x, set.vertical_left)
                } else {
                    (area.right() - 1, set.vertical_right)
                };
                for y in area.y + 1..area.bottom() - 1 {
                    let at = buf.index_of(x, y);
                    buf.content[at].set_symbol(symbol).set_style(self.border);
                }
            }
        }
    }
}

/// One edge of a pane's border.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// The top edge's first corner and a title at the left.
    Head,
    /// The top edge, or what `Head` leaves of it.
    Top,
    Bottom,
    Left,
    Right,
}

impl Edge {
    const ALL: [Self; 5] = [Self::Head, Self::Top, Self::Bottom, Self::Left, Self::Right];

    /// The cells of this edge of a border around `area`.
    fn of(self, area: Rect) -> Rect {
        let sides = area.height.saturating_sub(2);
        match self {
            Self::Head | Self::Top => Rect::new(area.x, area.y, area.width, 1),
            Self::Bottom => Rect::new(area.x, area.bottom() - 1, area.width, 1),
            Self::Left => Rect::new(area.x, area.y + 1, 1, sides),
            Self::Right => Rect::new(area.right() - 1, area.y + 1, 1, sides),
        }
    }
}

/// One title on a border row, where a block puts it: from the left, or
/// against the right end, cut to the row.
fn draw_title(line: &Line<'_>, row: Rect, buf: &mut Buffer) {
    if let Some(cells) = title_cells(line, row) {
        draw_line(line, cells, buf);
    }
}

/// The cells of `row` a title takes.
fn title_cells(line: &Line<'_>, row: Rect) -> Option<Rect> {
    if row.is_empty() {
        return None;
    }
    let width = u16::try_from(line.width()).unwrap_or(u16::MAX);
    let x = match line.alignment {
        Some(Alignment::Right) => row.right().saturating_sub(width).max(row.left()),
        _ => row.x,
    };
    Some(Rect::new(x, row.y, width.min(row.width), 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;

    fn style_from(pick: u8) -> Style {
        match pick % 5 {
            0 => Style::default(),
            1 => Style::default().fg(Color::Indexed(8)),
            2 => Style::default()
                .fg(Color::Green)
                .add_modifier(Modifier::BOLD),
            3 => Style::default().remove_modifier(Modifier::BOLD),
            _ => Style::default().bg(Color::Blue),
        }
    }

    fn title() -> impl Strategy<Value = Option<Line<'static>>> {
        let text = prop_oneof![
            4 => "[ -~]{0,14}",
            1 => "[ a-zé面·…]{0,8}",
        ];
        proptest::option::of(
            (proptest::collection::vec((text, any::<u8>()), 1..3), 0u8..4).prop_map(
                |(spans, alignment)| {
                    let mut line = Line::from(
                        spans
                            .into_iter()
                            .map(|(text, pick)| Span::styled(text, style_from(pick)))
                            .collect::<Vec<_>>(),
                    );
                    line.alignment = match alignment {
                        0 => None,
                        1 => Some(Alignment::Left),
                        2 => Some(Alignment::Right),
                        _ => Some(Alignment::Center),
                    };
                    line
                },
            ),
        )
    }

    proptest! {
        /// A pane draws exactly what the block with its settings draws, over
        /// a buffer that already holds something, and has the same inside.
        #[test]
        fn pane_matches_block(
            border in any::<u8>(),
            top in title(),
            bottom in title(),
            padding in (0u16..3, 0u16..3, 0u16..2, 0u16..2),
            area in (0u16..4, 0u16..3, 0u16..24, 0u16..8),
        ) {
            let mut pane = Pane::new(style_from(border))
                .padding(Padding::new(padding.0, padding.1, padding.2, padding.3));
            if let Some(top) = top {
                pane = pane.title(top);
            }
            if let Some(bottom) = bottom {
                pane = pane.title_bottom(bottom);
            }
            let full = Rect::new(0, 0, 26, 10);
            let mut before = Buffer::empty(full);
            for y in 0..full.height {
                before.set_string(0, y, "abcdefghijklmnopqrstuvwxyz", style_from(y as u8));
            }
            let area = Rect::new(area.0, area.1, area.2, area.3);
            let mut expected = before.clone();
            pane.block().render(area, &mut expected);
            let mut drawn = before.clone();
            let inner = pane.draw(area, &mut drawn);
            prop_assert_eq!(&drawn, &expected);
            prop_assert_eq!(inner, pane.block().inner(area));
            // Edge by edge, each a pane, the same.
            let mut keep = Keep::new();
            keep.begin(false);
            let mut drawn = before;
            let inner = pane.draw_keeping(area, &mut drawn, &mut keep, PaneId::ChecklistEdge);
            prop_assert_eq!(drawn, expected);
            prop_assert_eq!(inner, pane.block().inner(area));
        }

        /// A pane drawn edge by edge over the last frame, which it keeps
        /// what it can of, is the block with its new title on a blank
        /// buffer, whatever the titles and wherever they sit.
        #[test]
        fn a_pane_kept_edge_by_edge_matches_the_block_with_its_new_title(
            border in any::<u8>(),
            first in title(),
            other in title(),
            recount in any::<bool>(),
            area in (0u16..4, 0u16..3, 0u16..24, 0u16..8),
        ) {
            // Half the time the same title with other letters, as a count
            // that moves on is: the same width, other text.
            let then = if recount {
                first.clone().map(|mut line| {
                    for span in &mut line.spans {
                        let bumped: String = span
                            .content
                            .chars()
                            .map(|c| if ('a'..='y').contains(&c) { char::from(c as u8 + 1) } else { c })
                            .collect();
                        span.content = bumped.into();
                    }
                    line
                })
            } else {
                other
            };
            let titled = |title: Option<Line<'static>>| {
                let pane = Pane::new(style_from(border));
                match title {
                    Some(title) => pane.title(title),
                    None => pane,
                }
            };
            let full = Rect::new(0, 0, 26, 10);
            let area = Rect::new(area.0, area.1, area.2, area.3);
            let mut keep = Keep::new();
            let mut drawn = Buffer::empty(full);
            keep.begin(false);
            titled(first).draw_keeping(area, &mut drawn, &mut keep, PaneId::ChecklistEdge);
            keep.begin(true);
            // As the screen readies a frame: blank but for the panes held.
            let held: Vec<Rect> = keep.held().collect();
            for position in full.positions() {
                if !held.iter().any(|rect| rect.contains(position)) {
                    drawn[position].reset();
                }
            }
            let pane = titled(then);
            pane.draw_keeping(area, &mut drawn, &mut keep, PaneId::ChecklistEdge);
            if !keep.finish() {
                // The panes moved: drawn again from blank, as the screen does.
                drawn = Buffer::empty(full);
                keep.begin(false);
                pane.draw_keeping(area, &mut drawn, &mut keep, PaneId::ChecklistEdge);
            }
            let mut expected = Buffer::empty(full);
            pane.block().render(area, &mut expected);
            prop_assert_eq!(drawn, expected);
        }
    }
}
