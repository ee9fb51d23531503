//! The terminal the screens draw on: the frame shown and the frame being
//! drawn, and the cells that changed between them sent to the backend.
//!
//! It does what `ratatui::Terminal` does for a full-screen program, with one
//! difference that matters for speed: finding what changed. Ratatui compares
//! every cell of the two frames through a general comparison that measures
//! the width of both cells' text on the way (for wide characters): at 120×40
//! that was 0.8 M of the 2.1 M instructions a key press cost. Here a frame
//! whose cells are all one column wide (nearly every frame: ASCII, box
//! drawing, `·`, `…`) is compared field by field with no measuring, about 60
//! instructions a cell; any other frame goes through ratatui's own diff. A
//! property test holds the two to the same list of changes.

use ratatui::backend::{Backend, ClearType};
use ratatui::buffer::{Buffer, Cell, CellDiffOption, CellWidth};
use ratatui::layout::{Rect, Size};

pub struct Screen<B: Backend> {
    backend: B,
    /// What the terminal shows.
    shown: Buffer,
    /// The frame being drawn: blank until drawn on.
    next: Buffer,
    /// Indices of the cells that changed, kept to reuse the allocation (a
    /// first frame changes them all: 4 bytes each).
    changed: Vec<u32>,
}

impl<B: Backend> Screen<B> {
    /// A screen the size of the terminal, which is taken to be blank.
    pub fn new(backend: B) -> Result<Self, B::Error> {
        let area = Rect::from((ratatui::layout::Position::ORIGIN, backend.size()?));
        Ok(Self {
            backend,
            shown: Buffer::empty(area),
            next: Buffer::empty(area),
            changed: Vec::new(),
        })
    }

    /// The terminal's size, asked of the terminal.
    pub fn size(&self) -> Result<Size, B::Error> {
        self.backend.size()
    }

    /// Draws a frame of `size` (the terminal's, as last asked): `render`
    /// draws on a blank buffer, and the cells that differ from what is shown
    /// go to the terminal in one flush. A new size clears the terminal first,
    /// so every cell is drawn.
    pub fn draw(&mut self, size: Size, render: impl FnOnce(&mut Buffer)) -> Result<(), B::Error> {
        let area = Rect::from((ratatui::layout::Position::ORIGIN, size));
        if area != self.shown.area {
            self.shown.resize(area);
            self.next.resize(area);
            self.backend.clear_region(ClearType::All)?;
            self.shown.reset();
        }
        render(&mut self.next);
        if changes(&self.shown, &self.next, &mut self.changed) {
            let next = &self.next;
            let width = usize::from(area.width);
            self.backend.draw(self.changed.iter().map(|&i| {
                // Indices of a buffer of `area`, which fits in u16 by rows and columns.
                let i = i as usize;
                let (x, y) = (i % width, i / width);
                (x as u16, y as u16, &next.content[i])
            }))?;
        } else {
            self.backend.draw(self.shown.diff(&self.next).into_iter())?;
        }
        self.backend.hide_cursor()?;
        std::mem::swap(&mut self.shown, &mut self.next);
        self.next.reset();
        self.backend.flush()
    }

    pub fn show_cursor(&mut self) -> Result<(), B::Error> {
        self.backend.show_cursor()
    }
}

/// Puts in `out` the index of every cell of `next` that differs from `shown`,
/// when every cell of both is one column wide and diffed normally: then
/// that is exactly what ratatui's diff lists. Returns false, with `out`
/// unspecified, when some cell is not (wide text, a cell to skip), for
/// ratatui's diff to handle.
fn changes(shown: &Buffer, next: &Buffer, out: &mut Vec<u32>) -> bool {
    out.clear();
    if shown.area != next.area {
        return false;
    }
    for (i, (now, was)) in next.content.iter().zip(&shown.content).enumerate() {
        let (a, b) = (now.symbol().as_bytes(), was.symbol().as_bytes());
        let same_symbol = match (a, b) {
            // Printable ASCII, one column: the usual case, no measuring.
            ([x @ b' '..=b'~'], [y @ b' '..=b'~']) => x == y,
            // The same symbol (a border): measured once.
            _ if a == b && one_column(now) => true,
            _ if one_column(now) && one_column(was) => false,
            _ => return false,
        };
        if !(diffed_normally(now) && diffed_normally(was)) {
            return false;
        }
        let same = same_symbol
            && now.fg == was.fg
            && now.bg == was.bg
            && now.modifier == was.modifier
            && now.underline_color == was.underline_color;
        if !same {
            // At most u16::MAX × u16::MAX cells.
            out.push(i as u32);
        }
    }
    true
}

/// One column wide, as ratatui measures it: measured only when the symbol
/// is not one character the screens are known to draw.
fn one_column(cell: &Cell) -> bool {
    let symbol = cell.symbol();
    let mut chars = symbol.chars();
    match (chars.next(), chars.next()) {
        (Some(ch), None) if crate::ui::widgets::one_cell(ch) => true,
        _ => symbol.cell_width() == 1,
    }
}

/// Neither skipped nor forced to a width nor always sent.
#[allow(deprecated)] // `skip` is still read by ratatui's diff
fn diffed_normally(cell: &Cell) -> bool {
    cell.diff_option == CellDiffOption::None && !cell.skip
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier, Style};

    fn cell() -> impl Strategy<Value = Cell> {
        let symbol = prop_oneof![
            8 => proptest::char::range(' ', '~').prop_map(String::from),
            2 => proptest::sample::select(vec![
                "─", "│", "╭", "·", "…", "█", "░", "▸", "★", "☆", "✓", "←", "↓", "↳", "×", "–",
                "—", "•",
            ])
            .prop_map(String::from),
            1 => proptest::sample::select(vec!["面", "é", "👍", "❤\u{fe0f}", "", "\u{301}"])
                .prop_map(String::from),
        ];
        let color = proptest::sample::select(vec![
            Color::Reset,
            Color::Red,
            Color::Indexed(8),
            Color::Rgb(1, 2, 3),
        ]);
        (symbol, color.clone(), color, any::<bool>(), 0u8..20).prop_map(
            |(symbol, fg, bg, bold, special)| {
                let mut cell = Cell::default();
                cell.set_symbol(&symbol)
                    .set_style(Style::default().fg(fg).bg(bg));
                if bold {
                    cell.modifier = Modifier::BOLD;
                }
                match special {
                    0 => cell.diff_option = CellDiffOption::Skip,
                    1 => cell.diff_option = CellDiffOption::AlwaysUpdate,
                    _ => {}
                }
                cell
            },
        )
    }

    /// Two frames of the same size, the second mostly like the first.
    fn frames() -> impl Strategy<Value = (Buffer, Buffer)> {
        (1u16..12, 1u16..4).prop_flat_map(|(width, height)| {
            let n = usize::from(width * height);
            (
                proptest::collection::vec(cell(), n),
                proptest::collection::vec(proptest::option::weighted(0.3, cell()), n),
            )
                .prop_map(move |(before, edits)| {
                    let area = Rect::new(0, 0, width, height);
                    let mut shown = Buffer::empty(area);
                    shown.content = before;
                    let mut next = shown.clone();
                    for (cell, edit) in next.content.iter_mut().zip(edits) {
                        if let Some(edit) = edit {
                            *cell = edit;
                        }
                    }
                    (shown, next)
                })
        })
    }

    proptest! {
        /// Whenever the fast comparison answers, it lists exactly the cells
        /// ratatui's diff sends, in the same order.
        #[test]
        fn changes_match_ratatui((shown, next) in frames()) {
            let mut out = Vec::new();
            if changes(&shown, &next, &mut out) {
                let width = usize::from(next.area.width);
                let ours: Vec<(u16, u16, &Cell)> = out
                    .iter()
                    .map(|&i| i as usize)
                    .map(|i| ((i % width) as u16, (i / width) as u16, &next.content[i]))
                    .collect();
                prop_assert_eq!(ours, shown.diff(&next));
            }
        }
    }

    #[test]
    fn plain_frames_take_the_fast_way_and_wide_text_does_not() {
        let area = Rect::new(0, 0, 6, 1);
        let mut shown = Buffer::empty(area);
        shown.set_string(0, 0, "╭─ab·", Style::default());
        let mut next = Buffer::empty(area);
        next.set_string(0, 0, "╭─ac·", Style::default().fg(Color::Red));
        let mut out = Vec::new();
        assert!(changes(&shown, &next, &mut out));
        assert_eq!(out, vec![0, 1, 2, 3, 4]);
        next.set_string(0, 0, "面", Style::default());
        assert!(!changes(&shown, &next, &mut out));
    }
}
