//! The real terminal's backend: ratatui's crossterm backend, with the cells
//! of a frame written straight into the output buffer.
//!
//! The crossterm backend writes every cell's text and every cursor move as
//! a crossterm command, through Rust's formatting machinery: about 200
//! instructions a cell, most of a first frame's cost (0.46 M instructions at
//! 120×40, more than drawing it). Here the text and the moves are written as
//! bytes; colours and modifiers, which change a few dozen times a frame,
//! still go through crossterm's own commands. A property test holds the
//! bytes to the crossterm backend's for any list of cells.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::queue;
use ratatui::crossterm::style::{
    Attribute, Color as CrosstermColor, Colors, SetAttribute, SetBackgroundColor, SetColors,
    SetForegroundColor, SetUnderlineColor,
};
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

pub struct AnsiBackend<W: Write> {
    inner: CrosstermBackend<W>,
}

impl<W: Write> AnsiBackend<W> {
    pub fn new(writer: W) -> Self {
        Self {
            inner: CrosstermBackend::new(writer),
        }
    }
}

impl<W: Write> Backend for AnsiBackend<W> {
    type Error = io::Error;

    /// What `CrosstermBackend::draw` writes, step for step.
    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let out = self.inner.writer_mut();
        let (mut fg, mut bg, mut underline) = (Color::Reset, Color::Reset, Color::Reset);
        let mut modifier = Modifier::empty();
        let mut last: Option<(u16, u16)> = None;
        for (x, y, cell) in content {
            if !matches!(last, Some((px, py)) if px.checked_add(1) == Some(x) && py == y) {
                move_to(out, x, y)?;
            }
            last = Some((x, y));
            if cell.modifier != modifier {
                modifier_diff(out, modifier, cell.modifier)?;
                modifier = cell.modifier;
            }
            if cell.fg != fg || cell.bg != bg {
                let colors = Colors::new(cell.fg.into_crossterm(), cell.bg.into_crossterm());
                queue!(out, SetColors(colors))?;
                fg = cell.fg;
                bg = cell.bg;
            }
            if cell.underline_color != underline {
                queue!(
                    out,
                    SetUnderlineColor(cell.underline_color.into_crossterm())
                )?;
                underline = cell.underline_color;
            }
            out.write_all(cell.symbol().as_bytes())?;
        }
        queue!(
            out,
            SetForegroundColor(CrosstermColor::Reset),
            SetBackgroundColor(CrosstermColor::Reset),
            SetUnderlineColor(CrosstermColor::Reset),
            SetAttribute(Attribute::Reset),
        )
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

/// crossterm's `MoveTo(x, y)`: `ESC [ row ; column H`, counted from 1.
fn move_to(out: &mut impl Write, x: u16, y: u16) -> io::Result<()> {
    let mut bytes = [0; 16];
    let mut at = 0;
    for part in [b"\x1b[".as_slice(), digits(u32::from(y) + 1).as_bytes()] {
        bytes[at..at + part.len()].copy_from_slice(part);
        at += part.len();
    }
    for part in [b";".as_slice(), digits(u32::from(x) + 1).as_bytes(), b"H"] {
        bytes[at..at + part.len()].copy_from_slice(part);
        at += part.len();
    }
    out.write_all(&bytes[..at])
}

/// `n` in decimal, without formatting machinery.
fn digits(mut n: u32) -> Digits {
    let mut buf = [0; 5];
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    Digits { buf, start }
}

struct Digits {
    buf: [u8; 5],
    start: usize,
}

impl Digits {
    fn as_bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

/// The attributes that take the terminal from `from` to `to`, in the order
/// ratatui's crossterm backend sends them (its `ModifierDiff`).
fn modifier_diff(out: &mut impl Write, from: Modifier, to: Modifier) -> io::Result<()> {
    let mut set = |attribute: Attribute| queue!(out, SetAttribute(attribute));
    let removed = from - to;
    if removed.contains(Modifier::REVERSED) {
        set(Attribute::NoReverse)?;
    }
    // Normal intensity ends both bold and dim; what stays is set again.
    let reset_intensity = removed.intersects(Modifier::BOLD | Modifier::DIM);
    if reset_intensity {
        set(Attribute::NormalIntensity)?;
        if to.contains(Modifier::DIM) {
            set(Attribute::Dim)?;
        }
        if to.contains(Modifier::BOLD) {
            set(Attribute::Bold)?;
        }
    }
    for (modifier, attribute) in [
        (Modifier::ITALIC, Attribute::NoItalic),
        (Modifier::UNDERLINED, Attribute::NoUnderline),
        (Modifier::CROSSED_OUT, Attribute::NotCrossedOut),
        (Modifier::HIDDEN, Attribute::NoHidden),
    ] {
        if removed.contains(modifier) {
            set(attribute)?;
        }
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        set(Attribute::NoBlink)?;
    }
    let added = to - from;
    for (modifier, attribute) in [
        (Modifier::REVERSED, Attribute::Reverse),
        (Modifier::BOLD, Attribute::Bold),
        (Modifier::ITALIC, Attribute::Italic),
        (Modifier::UNDERLINED, Attribute::Underlined),
        (Modifier::DIM, Attribute::Dim),
        (Modifier::CROSSED_OUT, Attribute::CrossedOut),
        (Modifier::HIDDEN, Attribute::Hidden),
        (Modifier::SLOW_BLINK, Attribute::SlowBlink),
        (Modifier::RAPID_BLINK, Attribute::RapidBlink),
    ] {
        let intensity = matches!(attribute, Attribute::Bold | Attribute::Dim);
        if added.contains(modifier) && !(intensity && reset_intensity) {
            set(attribute)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn any_color() -> impl Strategy<Value = Color> {
        prop_oneof![
            Just(Color::Reset),
            (0u8..16).prop_map(|i| [
                Color::Black,
                Color::Red,
                Color::Green,
                Color::Yellow,
                Color::Blue,
                Color::Magenta,
                Color::Cyan,
                Color::Gray,
                Color::DarkGray,
                Color::LightRed,
                Color::LightGreen,
                Color::LightYellow,
                Color::LightBlue,
                Color::LightMagenta,
                Color::LightCyan,
                Color::White,
            ][usize::from(i)]),
            any::<u8>().prop_map(Color::Indexed),
            any::<(u8, u8, u8)>().prop_map(|(r, g, b)| Color::Rgb(r, g, b)),
        ]
    }

    /// A cell somewhere on a 300×300 screen: any text, colours and modifiers.
    fn placed_cell() -> impl Strategy<Value = (u16, u16, Cell)> {
        let text = prop_oneof![Just(" ".to_string()), "[a-z]", "[─│╭·…é面👍]", ".{0,3}"];
        (
            0u16..300,
            0u16..300,
            text,
            any_color(),
            any_color(),
            any_color(),
            any::<u16>(),
        )
            .prop_map(|(x, y, text, fg, bg, underline, bits)| {
                let mut cell = Cell::default();
                cell.set_symbol(&text);
                cell.fg = fg;
                cell.bg = bg;
                cell.underline_color = underline;
                cell.modifier = Modifier::from_bits_truncate(bits);
                (x, y, cell)
            })
    }

    proptest! {
        #[test]
        fn writes_what_the_crossterm_backend_writes(
            cells in prop::collection::vec(placed_cell(), 0..40),
            runs in prop::collection::vec(any::<bool>(), 40),
        ) {
            // Runs of neighbouring cells, as frames have, and jumps.
            let mut placed = Vec::new();
            for (i, (x, y, cell)) in cells.iter().enumerate() {
                let next_to_last = placed.last().map(|&(lx, ly, _): &(u16, u16, &Cell)| (lx.saturating_add(1), ly));
                let (x, y) = match next_to_last {
                    Some(at) if runs[i] => at,
                    _ => (*x, *y),
                };
                placed.push((x, y, cell));
            }
            let mut ours = AnsiBackend::new(Vec::new());
            let mut theirs = CrosstermBackend::new(Vec::new());
            ours.draw(placed.iter().copied()).unwrap();
            theirs.draw(placed.iter().copied()).unwrap();
            prop_assert_eq!(
                String::from_utf8_lossy(ours.inner.writer()),
                String::from_utf8_lossy(theirs.writer())
            );
        }
    }

    #[test]
    fn moves_count_from_one_up_to_the_largest_screen() {
        for (x, y) in [(0, 0), (9, 99), (119, 39), (u16::MAX - 1, u16::MAX - 1)] {
            let mut ours = Vec::new();
            move_to(&mut ours, x, y).unwrap();
            let mut theirs = Vec::new();
            queue!(theirs, ratatui::crossterm::cursor::MoveTo(x, y)).unwrap();
            assert_eq!(ours, theirs);
        }
    }
}
