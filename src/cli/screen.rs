//! The terminal the screens draw on: what the terminal shows, the frame
//! being drawn, and the cells that changed between them sent to the backend.
//!
//! It does what `ratatui::Terminal` does for a full-screen program, with one
//! difference: what it keeps of the frame on screen. Ratatui keeps a second
//! whole buffer (48 bytes a cell: 230 KB at 120×40) and compares the two
//! through a general comparison that calls out for each colour and measures
//! the width of both cells' text. Here the frame on screen is kept packed,
//! 16 bytes a cell, whenever every cell is one character one column wide
//! (nearly every frame: ASCII, box drawing, `·`, `…`), and the next frame is
//! compared with it field by field, inline. A frame with any other cell
//! (wide text, an emoji) goes through ratatui's own diff. A property test
//! holds both to ratatui's list of changes.
//!
//! Most of a frame is blank. After a packed frame, the buffer drawn on still
//! holds it, so only the cells shown as something other than blank are
//! blanked for the next one, and a cell blank on both sides is passed over
//! after a few field checks instead of being packed and compared.
//!
//! Nothing is done after a frame is written: work there (clearing the
//! buffer) ran while the terminal was taking the frame, on a two-core
//! machine, and a key's response measured 0.39 ms instead of 0.36 (7 rounds
//! of `cargo bench --bench versus`, both builds in turn).

use std::ops::Range;

use ratatui::backend::{Backend, ClearType};
use ratatui::buffer::{Buffer, Cell, CellDiffOption, CellWidth};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier};

use crate::ui::keep::Keep;

pub struct Screen<B: Backend> {
    backend: B,
    /// What the terminal shows.
    shown: Shown,
    /// The frame being drawn: blank until drawn on.
    next: Buffer,
    /// What `next` holds before a frame is drawn on it: blank as made, the
    /// frame on screen after a packed frame, or anything else.
    next_holds: Holds,
    /// The cells that changed: index and `Packed::text`, kept to reuse the
    /// allocation (a first frame changes up to all of them: 8 bytes each).
    changed: Vec<(u32, u32)>,
    /// The panes of the last frame that the next can keep.
    keep: Keep,
    /// The cells outside some panes, as ranges of indices: kept to reuse
    /// the allocation.
    outside: Outside,
}

/// What the buffer drawn on holds, so that blanking it touches only what
/// is not blank already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holds {
    /// Every cell blank.
    Blank,
    /// The packed frame on screen, cell for cell.
    Shown,
    /// Anything.
    Other,
}

/// The frame on the terminal.
enum Shown {
    /// Every cell packed, row by row: the usual case.
    Packed { area: Rect, cells: Vec<Packed> },
    /// Some cell is not one character one column wide: the whole frame.
    Frame(Buffer),
}

impl Shown {
    /// A blank terminal of `area`.
    fn blank(area: Rect) -> Self {
        Self::Packed {
            area,
            cells: filled(cells(area), Packed::BLANK),
        }
    }

    fn area(&self) -> Rect {
        match self {
            Self::Packed { area, .. } => *area,
            Self::Frame(buffer) => buffer.area,
        }
    }
}

impl<B: Backend> Screen<B> {
    /// A screen the size of the terminal, which is taken to be blank.
    pub fn new(backend: B) -> Result<Self, B::Error> {
        let area = Rect::from((Position::ORIGIN, backend.size()?));
        Ok(Self {
            backend,
            shown: Shown::blank(area),
            next: blank_buffer(area),
            next_holds: Holds::Blank,
            changed: Vec::with_capacity(cells(area)),
            keep: Keep::new(),
            outside: Outside::default(),
        })
    }

    /// The terminal's size, asked of the terminal.
    pub fn size(&self) -> Result<Size, B::Error> {
        self.backend.size()
    }

    /// The area of the frame on screen: the terminal's size when it was
    /// last drawn on, or when the screen was made.
    pub fn area(&self) -> Rect {
        self.shown.area()
    }

    /// Draws a frame of `size` (the terminal's, as last asked): `render`
    /// draws on a buffer blank but for the panes `Keep` says it holds, and
    /// the cells that differ from what is shown go to the terminal in one
    /// flush. A new size clears the terminal first, so every cell is drawn.
    pub fn draw(
        &mut self,
        size: Size,
        mut render: impl FnMut(&mut Buffer, &mut Keep),
    ) -> Result<(), B::Error> {
        let area = Rect::from((Position::ORIGIN, size));
        if area != self.shown.area() {
            self.next = blank_buffer(area);
            self.next_holds = Holds::Blank;
            // A first frame changes every cell: room for them all at once.
            self.changed.reserve(cells(area));
            self.backend.clear_region(ClearType::All)?;
            self.shown = Shown::blank(area);
        }
        let holding = matches!(
            (self.next_holds, &self.shown),
            (Holds::Shown, Shown::Packed { .. })
        );
        self.keep.begin(holding);
        match (self.next_holds, &self.shown) {
            (Holds::Blank, _) => {}
            // Most of a frame is blank: only the rest needs blanking, and
            // the panes that can be kept are left as they are.
            (Holds::Shown, Shown::Packed { cells, .. }) => {
                let held = self.outside.uncovered(area, self.keep.held());
                blank_shown(&mut self.next, cells, held);
            }
            _ => self.next.reset(),
        }
        self.next_holds = Holds::Other;
        render(&mut self.next, &mut self.keep);
        if !self.keep.finish() {
            // The panes moved: drawn again, nothing kept.
            self.next.reset();
            self.keep.begin(false);
            render(&mut self.next, &mut self.keep);
        }
        #[cfg(debug_assertions)]
        if self.keep.kept_any() {
            let mut fresh = blank_buffer(area);
            render(&mut fresh, &mut Keep::new());
            debug_assert!(
                fresh == self.next,
                "a kept pane differs from the pane drawn afresh"
            );
        }
        // Kept panes are as shown: only the cells outside them are compared,
        // those no pane covers and those of the panes drawn afresh.
        let compared = if self.keep.kept_unchanged() {
            self.outside
                .beside(area, self.keep.panes(), self.keep.redrawn())
        } else {
            self.outside.find(area, [])
        };
        let drawn = match &mut self.shown {
            Shown::Packed { cells, .. }
                if changes(cells, &self.next, compared, &mut self.changed) =>
            {
                let next = &self.next;
                let width = usize::from(area.width);
                let drawn = self.backend.draw(self.changed.iter().map(|&(i, _)| {
                    // Indices of a buffer of `area`, which fits in u16 by rows and columns.
                    let i = i as usize;
                    let (x, y) = (i % width, i / width);
                    (x as u16, y as u16, &next.content[i])
                }));
                for &(i, text) in &self.changed {
                    let i = i as usize;
                    cells[i] = Packed::with_text(text, &next.content[i]);
                }
                self.next_holds = Holds::Shown;
                drawn
            }
            _ => self.draw_any(),
        };
        drawn?;
        #[cfg(debug_assertions)]
        if let Shown::Packed { cells, .. } = &self.shown {
            debug_assert!(
                cells
                    .iter()
                    .zip(&self.next.content)
                    .all(|(shown, cell)| Packed::text(cell) == Some(shown.text)
                        && shown.is(shown.text, cell)),
                "the terminal was not sent a cell of the frame"
            );
        }
        self.backend.hide_cursor()?;
        self.backend.flush()
    }

    /// Draws `next` over any shown frame through ratatui's diff, and keeps it
    /// packed if it can be.
    fn draw_any(&mut self) -> Result<(), B::Error> {
        let mut shown = match std::mem::replace(&mut self.shown, Shown::blank(Rect::ZERO)) {
            Shown::Packed { area, cells } => unpack(area, &cells),
            Shown::Frame(buffer) => buffer,
        };
        let drawn = self.backend.draw(shown.diff(&self.next).into_iter());
        self.shown = match pack(&self.next) {
            Some(cells) => {
                self.next_holds = Holds::Shown;
                Shown::Packed {
                    area: self.next.area,
                    cells,
                }
            }
            None => {
                // Kept whole; the old buffer becomes the next one to draw in.
                std::mem::swap(&mut shown, &mut self.next);
                Shown::Frame(shown)
            }
        };
        drawn
    }

    /// The terminal drawn on.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The terminal drawn on, to change (a test terminal's size).
    pub fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }

    pub fn show_cursor(&mut self) -> Result<(), B::Error> {
        self.backend.show_cursor()
    }
}

/// The cells outside some panes, worked out with room kept from frame to
/// frame.
#[derive(Debug, Default)]
struct Outside {
    /// The panes, rows of one list joined.
    panes: Vec<Rect>,
    /// The columns of one band of rows outside the panes.
    gaps: Vec<Range<usize>>,
    /// The cells outside the panes, as ranges of indices in order.
    cells: Vec<Range<usize>>,
    /// The area and panes `uncovered` last found the cells outside of: the
    /// same from frame to frame while the layout is.
    uncovered_of: (Rect, Vec<Rect>),
    /// The cells outside `uncovered_of`'s panes, as ranges in order.
    uncovered: Vec<Range<usize>>,
    /// The panes asked about, gathered to compare with `uncovered_of`.
    asked: Vec<Rect>,
    /// The rows of the panes drawn afresh, as ranges in order.
    redrawn: Vec<Range<usize>>,
}

impl Outside {
    /// The cells of `area` outside `rects`, as `find` gives them, found
    /// again only when the area or the rects differ from the last call's.
    fn uncovered(&mut self, area: Rect, rects: impl IntoIterator<Item = Rect>) -> &[Range<usize>] {
        self.asked.clear();
        self.asked.extend(rects);
        if (area, &self.asked) != (self.uncovered_of.0, &self.uncovered_of.1) {
            let asked = std::mem::take(&mut self.asked);
            self.find(area, asked.iter().copied());
            std::mem::swap(&mut self.uncovered, &mut self.cells);
            self.uncovered_of = (area, asked);
        }
        &self.uncovered
    }

    /// The cells of `area` outside every pane of `panes` but those of
    /// `redrawn`, which are among them and overlap no other: those no pane
    /// covers and those of `redrawn`, as ranges in order, adjacent ones
    /// joined.
    fn beside(
        &mut self,
        area: Rect,
        panes: impl IntoIterator<Item = Rect>,
        redrawn: &[Rect],
    ) -> &[Range<usize>] {
        self.uncovered(area, panes);
        let width = usize::from(area.width);
        self.redrawn.clear();
        for rect in redrawn {
            let rect = rect.intersection(area);
            for y in rect.top()..rect.bottom() {
                let start = usize::from(y) * width + usize::from(rect.x);
                self.redrawn.push(start..start + usize::from(rect.width));
            }
        }
        self.redrawn.sort_unstable_by_key(|range| range.start);
        self.cells.clear();
        let (mut uncovered, mut redrawn) = (
            self.uncovered.iter().peekable(),
            self.redrawn.iter().peekable(),
        );
        loop {
            let next = match (uncovered.peek(), redrawn.peek()) {
                (Some(a), Some(b)) if a.start < b.start => uncovered.next(),
                (Some(_), Some(_)) | (None, Some(_)) => redrawn.next(),
                (Some(_), None) => uncovered.next(),
                (None, None) => break,
            };
            let Some(range) = next.filter(|range| !range.is_empty()) else {
                continue;
            };
            match self.cells.last_mut() {
                Some(last) if last.end == range.start => last.end = range.end,
                _ => self.cells.push(range.clone()),
            }
        }
        &self.cells
    }

    /// The cells of `area` (at the origin) outside `rects`, as ranges of
    /// indices in order, adjacent ones joined.
    fn find(&mut self, area: Rect, rects: impl IntoIterator<Item = Rect>) -> &[Range<usize>] {
        self.cells.clear();
        self.panes.clear();
        for rect in rects {
            let rect = rect.intersection(area);
            match self.panes.last_mut() {
                _ if rect.is_empty() => {}
                // The rows of a list, kept row by row, top to bottom: one rect.
                Some(last)
                    if (last.x, last.width) == (rect.x, rect.width) && last.bottom() == rect.y =>
                {
                    last.height += rect.height;
                }
                _ => self.panes.push(rect),
            }
        }
        self.panes.sort_unstable_by_key(|r| r.x);
        let width = usize::from(area.width);
        let mut top = 0;
        // A band of rows between one pane's edge and the next has the same
        // gaps in every row.
        while top < area.height {
            let bottom = self
                .panes
                .iter()
                .flat_map(|r| [r.y, r.bottom()])
                .filter(|&edge| edge > top)
                .min()
                .unwrap_or(area.height);
            self.gaps.clear();
            let mut x = 0;
            for pane in self.panes.iter().filter(|r| r.y <= top && top < r.bottom()) {
                let (left, right) = (usize::from(pane.x), usize::from(pane.right()));
                if left > x {
                    self.gaps.push(x..left);
                }
                x = x.max(right);
            }
            if x < width {
                self.gaps.push(x..width);
            }
            for y in top..bottom {
                let row = usize::from(y) * width;
                for gap in &self.gaps {
                    let range = row + gap.start..row + gap.end;
                    match self.cells.last_mut() {
                        Some(last) if last.end == range.start => last.end = range.end,
                        _ => self.cells.push(range),
                    }
                }
            }
            top = bottom;
        }
        &self.cells
    }
}

/// Blanks the cells of `next` in the ranges `cells` that the packed frame
/// `shown` (which `next` holds) does not show blank.
fn blank_shown(next: &mut Buffer, shown: &[Packed], cells: &[Range<usize>]) {
    for range in cells {
        for (cell, shown) in next.content[range.clone()]
            .iter_mut()
            .zip(&shown[range.clone()])
        {
            if shown.text != Packed::BLANK.text {
                cell.reset();
            }
        }
    }
}

/// A blank buffer of `area`, each cell written from the constant: ratatui's
/// `Buffer::empty` clones its blank cell into each one, 0.12 M instructions
/// at 120×40, a twentieth of a start to its first frame.
fn blank_buffer(area: Rect) -> Buffer {
    Buffer {
        area,
        content: filled(cells(area), Cell::EMPTY),
    }
}

/// `len` copies of `value`, the memory for them faulted in by one call to
/// the kernel before they are written. Both of a screen's buffers are
/// written whole at once (230 KB and 77 KB at 120×40), and page by page
/// that is some eighty faults, each a trip into the kernel: with one call
/// the kernel maps them all in 22 µs instead of 38 (on the 2-core machine).
fn filled<T: Clone>(len: usize, value: T) -> Vec<T> {
    let mut cells = Vec::with_capacity(len);
    prefault(cells.spare_capacity_mut());
    cells.resize(len, value);
    cells
}

/// Faults in the whole pages of `memory` for writing, without changing
/// what they hold; where the kernel cannot (before Linux 5.14), the pages
/// fault in as they are written, as they would have anyway.
#[cfg(target_os = "linux")]
fn prefault<T>(memory: &mut [std::mem::MaybeUninit<T>]) {
    const PAGE: usize = 4096;
    let start = memory.as_mut_ptr() as usize;
    let end = start + std::mem::size_of_val(memory);
    let (first, last) = (start.next_multiple_of(PAGE), end / PAGE * PAGE);
    if last > first {
        // SAFETY: the pages lie inside `memory`, which this function holds
        // exclusively, and populating them leaves their contents as they are.
        let _ = unsafe {
            rustix::mm::madvise(
                first as *mut std::ffi::c_void,
                last - first,
                rustix::mm::Advice::LinuxPopulateWrite,
            )
        };
    }
}

#[cfg(not(target_os = "linux"))]
fn prefault<T>(_memory: &mut [std::mem::MaybeUninit<T>]) {}

/// How many cells `area` has.
fn cells(area: Rect) -> usize {
    usize::from(area.width) * usize::from(area.height)
}

/// Puts in `out` the index (and packed text) of every cell of `next` in the
/// ranges `cells` that differs from the packed frame `shown`, when every
/// cell of `next` there packs: then, if the cells outside the ranges are as
/// shown, that is exactly what ratatui's diff lists. Returns false, with
/// `out` unspecified, when some cell does not, for ratatui's diff to handle.
fn changes(
    shown: &[Packed],
    next: &Buffer,
    cells: &[Range<usize>],
    out: &mut Vec<(u32, u32)>,
) -> bool {
    out.clear();
    if shown.len() != next.content.len() {
        return false;
    }
    for range in cells {
        let start = range.start;
        let pairs = next.content[range.clone()]
            .iter()
            .zip(&shown[range.clone()]);
        for (i, (cell, was)) in pairs.enumerate() {
            // Blank on both sides, as most of a frame is: nothing to work out.
            if was.text == Packed::BLANK.text && blank(cell) {
                continue;
            }
            let Some(text) = Packed::text(cell) else {
                return false;
            };
            if !was.is(text, cell) {
                // At most u16::MAX × u16::MAX cells.
                out.push(((start + i) as u32, text));
            }
        }
    }
    true
}

/// Whether `cell` is `Cell::EMPTY`: a space in the terminal's own colours,
/// no modifier, diffed normally.
#[inline(always)]
#[allow(deprecated)] // `skip` is still read by ratatui's diff
fn blank(cell: &Cell) -> bool {
    cell.modifier.is_empty()
        && cell.diff_option == CellDiffOption::None
        && !cell.skip
        && matches!(
            (cell.fg, cell.bg, cell.underline_color),
            (Color::Reset, Color::Reset, Color::Reset)
        )
        && cell.symbol() == " "
}

/// Every cell of `buffer` packed, if each one packs.
fn pack(buffer: &Buffer) -> Option<Vec<Packed>> {
    buffer.content.iter().map(Packed::of).collect()
}

/// The buffer a packed frame was drawn from (equal to it cell for cell).
fn unpack(area: Rect, cells: &[Packed]) -> Buffer {
    let mut buffer = Buffer::empty(area);
    for (cell, packed) in buffer.content.iter_mut().zip(cells) {
        *cell = packed.cell();
    }
    buffer
}

/// A cell whose text is one character one column wide and that is diffed
/// normally: the character and modifiers in one number, then the colours;
/// 16 bytes.
#[derive(Debug, Clone, Copy)]
struct Packed {
    /// The character in the low 21 bits, the modifiers in the next 10, and
    /// in the top bit whether all three colours are the terminal's own.
    text: u32,
    fg: Color,
    bg: Color,
    underline: Color,
}

impl Packed {
    /// `Cell::EMPTY`: a space in the terminal's own colours.
    const BLANK: Self = Self {
        text: b' ' as u32 | DEFAULT_COLOURS,
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
    };

    /// The cell packed, unless it is not one character one column wide or
    /// is skipped, forced to a width or always sent.
    fn of(cell: &Cell) -> Option<Self> {
        Self::text(cell).map(|text| Self::with_text(text, cell))
    }

    /// `cell` packed, given its `Packed::text`.
    fn with_text(text: u32, cell: &Cell) -> Self {
        Self {
            text,
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.underline_color,
        }
    }

    /// The cell's `Packed::text`, if the cell packs.
    #[inline(always)]
    #[allow(deprecated)] // `skip` is still read by ratatui's diff
    fn text(cell: &Cell) -> Option<u32> {
        let modifier = u32::from(cell.modifier.bits());
        if cell.diff_option != CellDiffOption::None || cell.skip || modifier >> 10 != 0 {
            return None;
        }
        let colours = [cell.fg, cell.bg, cell.underline_color];
        let default = if colours.iter().all(|c| matches!(c, Color::Reset)) {
            DEFAULT_COLOURS
        } else {
            0
        };
        Self::plain_char(cell).map(|ch| u32::from(ch) | modifier << 21 | default)
    }

    #[inline(always)]
    fn plain_char(cell: &Cell) -> Option<char> {
        let symbol = cell.symbol();
        match symbol.as_bytes() {
            // Printable ASCII, one column: the usual case, no measuring.
            [b @ b' '..=b'~'] => Some(char::from(*b)),
            // One character the screens draw (borders, `·`, `…`): no measuring.
            [_, _] | [_, _, _] => match symbol.chars().next() {
                Some(ch) if ch.len_utf8() == symbol.len() && crate::ui::widgets::one_cell(ch) => {
                    Some(ch)
                }
                _ => Self::measured_char(symbol),
            },
            _ => Self::measured_char(symbol),
        }
    }

    #[cold]
    fn measured_char(symbol: &str) -> Option<char> {
        let mut chars = symbol.chars();
        match (chars.next(), chars.next()) {
            (Some(ch), None) if symbol.cell_width() == 1 => Some(ch),
            _ => None,
        }
    }

    /// Whether this is `cell`, whose `Packed::text` is `text`: what
    /// ratatui's comparison of cells answers, without its call per colour.
    /// Blank cells (most of a frame) have the terminal's own colours on both
    /// sides: then equal `text` says it all.
    #[inline(always)]
    fn is(&self, text: u32, cell: &Cell) -> bool {
        self.text == text
            && (text & DEFAULT_COLOURS != 0
                || same(self.fg, cell.fg)
                    && same(self.bg, cell.bg)
                    && same(self.underline, cell.underline_color))
    }

    /// The cell this was packed from.
    fn cell(self) -> Cell {
        // Packed from a char and a u16 of modifiers: both come back whole.
        let ch = char::from_u32(self.text & 0x1f_ffff).unwrap_or(' ');
        let mut cell = Cell::from(ch);
        cell.fg = self.fg;
        cell.bg = self.bg;
        cell.underline_color = self.underline;
        cell.modifier = Modifier::from_bits_retain((self.text >> 21 & 0x3ff) as u16);
        cell
    }
}

/// The top bit of `Packed::text`: foreground, background and underline all
/// `Color::Reset`.
const DEFAULT_COLOURS: u32 = 1 << 31;

/// `a == b`, in a form the compiler inlines: the variants first, then the
/// two that carry values.
#[inline(always)]
fn same(a: Color, b: Color) -> bool {
    std::mem::discriminant(&a) == std::mem::discriminant(&b)
        && match (a, b) {
            (Color::Rgb(r, g, b), Color::Rgb(r2, g2, b2)) => (r, g, b) == (r2, g2, b2),
            (Color::Indexed(i), Color::Indexed(j)) => i == j,
            _ => true,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::backend::{TestBackend, WindowSize};
    use ratatui::style::Style;

    fn any_color() -> impl Strategy<Value = Color> {
        prop_oneof![
            proptest::sample::select(vec![
                Color::Reset,
                Color::Black,
                Color::Red,
                Color::Gray,
                Color::DarkGray,
                Color::LightCyan,
                Color::White,
            ]),
            any::<u8>().prop_map(Color::Indexed),
            any::<(u8, u8, u8)>().prop_map(|(r, g, b)| Color::Rgb(r, g, b)),
        ]
    }

    fn cell() -> impl Strategy<Value = Cell> {
        let symbol = prop_oneof![
            8 => proptest::char::range(' ', '~').prop_map(String::from),
            2 => proptest::sample::select(vec![
                "─", "│", "╭", "·", "…", "█", "░", "▸", "★", "☆", "✓", "←", "↓", "↳", "×", "–",
                "—", "•", "é",
            ])
            .prop_map(String::from),
            1 => proptest::sample::select(vec!["面", "👍", "❤\u{fe0f}", "", "\u{301}", "ab"])
                .prop_map(String::from),
        ];
        let modifier = any::<u16>().prop_map(Modifier::from_bits_truncate);
        (
            symbol,
            any_color(),
            any_color(),
            any_color(),
            modifier,
            0u8..40,
        )
            .prop_map(|(symbol, fg, bg, underline, modifier, special)| {
                let mut cell = Cell::default();
                cell.set_symbol(&symbol)
                    .set_style(Style::default().fg(fg).bg(bg));
                cell.underline_color = underline;
                cell.modifier = modifier;
                match special {
                    0 => cell.diff_option = CellDiffOption::Skip,
                    1 => cell.diff_option = CellDiffOption::AlwaysUpdate,
                    _ => {}
                }
                cell
            })
    }

    /// Frames of one size, each mostly like the one before; `rare` in 1 of
    /// `rare` cells is anything `cell()` makes, the rest plain.
    fn frames(count: usize) -> impl Strategy<Value = Vec<Buffer>> {
        (1u16..12, 1u16..4).prop_flat_map(move |(width, height)| {
            let n = usize::from(width * height);
            let plain = (proptest::char::range(' ', '~'), any_color(), any::<bool>()).prop_map(
                |(ch, fg, bold)| {
                    let mut cell = Cell::from(ch);
                    cell.fg = fg;
                    if bold {
                        cell.modifier = Modifier::BOLD;
                    }
                    cell
                },
            );
            let any_cell = prop_oneof![6 => plain, 1 => cell()];
            proptest::collection::vec(
                proptest::collection::vec(proptest::option::weighted(0.3, any_cell), n),
                count,
            )
            .prop_map(move |edits| {
                let mut frame = Buffer::empty(Rect::new(0, 0, width, height));
                let mut frames = Vec::new();
                for edit in edits {
                    for (cell, edit) in frame.content.iter_mut().zip(edit) {
                        if let Some(edit) = edit {
                            *cell = edit;
                        }
                    }
                    // No wide text in the last cell, where it cannot be
                    // drawn (and ratatui's diff reads past the end).
                    if let Some(last) = frame.content.last_mut().filter(|c| c.cell_width() > 1) {
                        last.set_char('x');
                    }
                    frames.push(frame.clone());
                }
                frames
            })
        })
    }

    /// A test terminal that also remembers the cells each frame sent.
    struct Recording {
        terminal: TestBackend,
        sent: Vec<(u16, u16, Cell)>,
    }

    impl Backend for Recording {
        type Error = std::convert::Infallible;
        fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
        where
            I: Iterator<Item = (u16, u16, &'a Cell)>,
        {
            let content: Vec<_> = content.collect();
            self.sent
                .extend(content.iter().map(|&(x, y, cell)| (x, y, cell.clone())));
            self.terminal.draw(content.into_iter())
        }
        fn hide_cursor(&mut self) -> Result<(), Self::Error> {
            self.terminal.hide_cursor()
        }
        fn show_cursor(&mut self) -> Result<(), Self::Error> {
            self.terminal.show_cursor()
        }
        fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
            self.terminal.get_cursor_position()
        }
        fn set_cursor_position<P: Into<Position>>(&mut self, at: P) -> Result<(), Self::Error> {
            self.terminal.set_cursor_position(at)
        }
        fn clear(&mut self) -> Result<(), Self::Error> {
            self.terminal.clear()
        }
        fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
            self.terminal.clear_region(clear_type)
        }
        fn size(&self) -> Result<Size, Self::Error> {
            self.terminal.size()
        }
        fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
            self.terminal.window_size()
        }
        fn flush(&mut self) -> Result<(), Self::Error> {
            self.terminal.flush()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Frame after frame, the screen sends exactly the cells ratatui's
        /// diff lists against the frame before (a blank one first), in the
        /// same order, and the terminal ends up showing the frame.
        #[test]
        fn each_frame_sends_what_ratatui_would(frames in frames(6)) {
            let area = frames[0].area;
            let backend = Recording {
                terminal: TestBackend::new(area.width, area.height),
                sent: Vec::new(),
            };
            let Ok(mut screen) = Screen::new(backend);
            let mut before = Buffer::empty(area);
            for frame in &frames {
                // Drawn as screens draw: on a blank buffer, blank cells left alone.
                let Ok(()) = screen.draw(area.as_size(), |buf, _| {
                    for (cell, drawn) in buf.content.iter_mut().zip(&frame.content) {
                        if *drawn != Cell::EMPTY {
                            *cell = drawn.clone();
                        }
                    }
                });
                let sent = std::mem::take(&mut screen.backend.sent);
                let expected: Vec<_> = before
                    .diff(frame)
                    .into_iter()
                    .map(|(x, y, cell)| (x, y, cell.clone()))
                    .collect();
                prop_assert_eq!(sent, expected);
                before = frame.clone();
            }
        }

        /// The cells outside some rects are those no rect covers, in order,
        /// adjacent ones joined, however the rects lie (rows of a list one
        /// under another, overlapping, past the edge).
        #[test]
        fn outside_is_every_cell_no_rect_covers(
            size in (1u16..30, 1u16..12),
            rects in proptest::collection::vec((0u16..32, 0u16..14, 0u16..12, 0u16..5), 0..12),
        ) {
            let area = Rect::new(0, 0, size.0, size.1);
            let rects: Vec<Rect> = rects.into_iter().map(|(x, y, w, h)| Rect::new(x, y, w, h)).collect();
            let mut outside = Outside::default();
            let found = outside.find(area, rects.iter().copied()).to_vec();
            let covered = |i: usize| {
                let position = Position::new((i % usize::from(area.width)) as u16, (i / usize::from(area.width)) as u16);
                rects.iter().any(|r| r.contains(position))
            };
            let expected: Vec<usize> = (0..cells(area)).filter(|&i| !covered(i)).collect();
            let listed: Vec<usize> = found.iter().flat_map(|r| r.clone()).collect();
            prop_assert_eq!(listed, expected);
            prop_assert!(found.iter().all(|r| !r.is_empty()));
            prop_assert!(found.windows(2).all(|w| w[0].end < w[1].start));
        }

        /// The cells beside the kept panes are those no kept pane covers,
        /// however the panes lie, with the same list found again from the
        /// last call's.
        #[test]
        fn beside_is_every_cell_no_kept_pane_covers(
            size in (1u16..30, 1u16..12),
            rects in proptest::collection::vec((0u16..32, 0u16..14, 0u16..12, 0u16..5, any::<bool>()), 0..12),
        ) {
            let area = Rect::new(0, 0, size.0, size.1);
            let panes: Vec<Rect> = rects.iter().map(|&(x, y, w, h, _)| Rect::new(x, y, w, h)).collect();
            // Redrawn: picked, and overlapping no other pane, as a frame that
            // keeps panes has them.
            let redrawn: Vec<Rect> = panes
                .iter()
                .zip(&rects)
                .enumerate()
                .filter(|&(i, (pane, rect))| {
                    rect.4 && panes.iter().enumerate().all(|(j, other)| i == j || !other.intersects(*pane))
                })
                .map(|(_, (pane, _))| *pane)
                .collect();
            let kept: Vec<Rect> = panes.iter().copied().filter(|pane| !redrawn.contains(pane)).collect();
            let mut outside = Outside::default();
            let expected = Outside::default().find(area, kept.iter().copied()).to_vec();
            for _ in 0..2 {
                let found = outside.beside(area, panes.iter().copied(), &redrawn).to_vec();
                prop_assert_eq!(&found, &expected);
            }
        }

        /// A packed cell unpacks to one equal to it.
        #[test]
        fn a_packed_cell_comes_back_whole(cell in cell()) {
            if let Some(packed) = Packed::of(&cell) {
                prop_assert_eq!(packed.cell(), cell.clone());
                prop_assert!(packed.is(packed.text, &cell));
            }
        }

        #[test]
        fn colours_are_the_same_when_equal(a in any_color(), b in any_color()) {
            prop_assert_eq!(same(a, b), a == b);
            prop_assert!(same(a, a));
        }
    }

    #[test]
    fn plain_cells_pack_and_wide_text_does_not() {
        let area = Rect::new(0, 0, 6, 1);
        let mut frame = Buffer::empty(area);
        let blank = &frame.content[0];
        assert!(Packed::text(blank).is_some_and(|text| Packed::BLANK.is(text, blank)));
        frame.set_string(0, 0, "╭─ab·é", Style::default().fg(Color::Red));
        assert!(pack(&frame).is_some());
        frame.set_string(0, 0, "面", Style::default());
        assert!(pack(&frame).is_none());
        frame.set_string(0, 0, "ab", Style::default());
        assert!(pack(&frame).is_some());
        frame.content[2].modifier = Modifier::from_bits_retain(1 << 12);
        assert!(pack(&frame).is_none());
        frame.content[2].modifier = Modifier::BOLD;
        frame.content[3].set_diff_option(CellDiffOption::Skip);
        assert!(pack(&frame).is_none());
    }

    /// A new size starts from a blank terminal and a blank buffer: nothing
    /// of the frame before is left in either.
    #[test]
    fn a_new_size_draws_on_blank() {
        let Ok(mut screen) = Screen::new(TestBackend::new(6, 2));
        let Ok(()) = screen.draw(Size::new(6, 2), |buf, _| {
            buf.set_string(0, 0, "abcdef", Style::default());
            buf.set_string(0, 1, "ghijkl", Style::default());
        });
        let Ok(()) = screen.draw(Size::new(4, 1), |buf, _| {
            buf.set_string(1, 0, "x", Style::default());
        });
        screen.backend.assert_buffer_lines([" x    ", "      "]);
        let Ok(()) = screen.draw(Size::new(6, 2), |buf, _| {
            buf.set_string(5, 1, "y", Style::default());
        });
        screen.backend.assert_buffer_lines(["      ", "     y"]);
    }

    /// After a frame with wide text, the next plain frame is packed again.
    #[test]
    fn the_screen_goes_back_to_packed_frames() {
        let Ok(mut screen) = Screen::new(TestBackend::new(6, 1));
        let size = Size::new(6, 1);
        let Ok(()) = screen.draw(size, |buf, _| {
            buf.set_string(0, 0, "面ab", Style::default());
        });
        assert!(matches!(screen.shown, Shown::Frame(_)));
        let Ok(()) = screen.draw(size, |buf, _| {
            buf.set_string(0, 0, "xyab", Style::default());
        });
        assert!(matches!(screen.shown, Shown::Packed { .. }));
        screen.backend.assert_buffer_lines(["xyab  "]);
    }
}
