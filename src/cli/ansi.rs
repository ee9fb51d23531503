//! The real terminal's backend: ratatui's crossterm backend, with the cells
//! of a frame written straight into the output buffer.
//!
//! The crossterm backend writes every cell's text and every cursor move as
//! a crossterm command, through Rust's formatting machinery: about 200
//! instructions a cell, most of a first frame's cost (0.46 M instructions at
//! 120×40, more than drawing it). Here the text and the moves are written as
//! bytes, and so are colours and modifiers (crossterm's commands built each
//! through formatting, its attributes through a `String`: 0.13 M
//! instructions of a first frame). A property test holds the bytes to the
//! crossterm backend's for any list of cells.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::style::{Color as CrosstermColor, Colored};
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
                // crossterm's `SetColors`: both in one sequence.
                let mut sgr = Csi::new();
                sgr.colour(Layer::Foreground, cell.fg);
                sgr.push(b";");
                sgr.colour(Layer::Background, cell.bg);
                sgr.end(b'm', out)?;
                fg = cell.fg;
                bg = cell.bg;
            }
            if cell.underline_color != underline {
                let mut sgr = Csi::new();
                sgr.colour(Layer::Underline, cell.underline_color);
                sgr.end(b'm', out)?;
                underline = cell.underline_color;
            }
            out.write_all(cell.symbol().as_bytes())?;
        }
        for layer in [Layer::Foreground, Layer::Background, Layer::Underline] {
            let mut sgr = Csi::new();
            sgr.colour(layer, Color::Reset);
            sgr.end(b'm', out)?;
        }
        out.write_all(b"\x1b[0m")
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
    let mut csi = Csi::new();
    csi.push_number(u32::from(y) + 1);
    csi.push(b";");
    csi.push_number(u32::from(x) + 1);
    csi.end(b'H', out)
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
/// ratatui's crossterm backend sends them (its `ModifierDiff`), each as
/// crossterm's `SetAttribute` writes it: `ESC [ code m`.
fn modifier_diff(out: &mut impl Write, from: Modifier, to: Modifier) -> io::Result<()> {
    let mut set = |code: &[u8]| {
        let mut sgr = Csi::new();
        sgr.push(code);
        sgr.end(b'm', &mut *out)
    };
    let removed = from - to;
    if removed.contains(Modifier::REVERSED) {
        set(NO_REVERSE)?;
    }
    // Normal intensity ends both bold and dim; what stays is set again.
    let reset_intensity = removed.intersects(Modifier::BOLD | Modifier::DIM);
    if reset_intensity {
        set(NORMAL_INTENSITY)?;
        if to.contains(Modifier::DIM) {
            set(DIM)?;
        }
        if to.contains(Modifier::BOLD) {
            set(BOLD)?;
        }
    }
    for (modifier, code) in [
        (Modifier::ITALIC, NO_ITALIC),
        (Modifier::UNDERLINED, NO_UNDERLINE),
        (Modifier::CROSSED_OUT, NOT_CROSSED_OUT),
        (Modifier::HIDDEN, NO_HIDDEN),
    ] {
        if removed.contains(modifier) {
            set(code)?;
        }
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        set(NO_BLINK)?;
    }
    add_modifiers(set, to - from, reset_intensity)
}

/// The attributes of `added` set, in ratatui's order; bold and dim not when
/// `modifier_diff` has just set them again after resetting the intensity.
fn add_modifiers(
    mut set: impl FnMut(&[u8]) -> io::Result<()>,
    added: Modifier,
    reset_intensity: bool,
) -> io::Result<()> {
    if added.is_empty() {
        return Ok(());
    }
    for (modifier, code) in [
        (Modifier::REVERSED, REVERSE),
        (Modifier::BOLD, BOLD),
        (Modifier::ITALIC, ITALIC),
        (Modifier::UNDERLINED, UNDERLINED),
        (Modifier::DIM, DIM),
        (Modifier::CROSSED_OUT, CROSSED_OUT),
        (Modifier::HIDDEN, HIDDEN),
        (Modifier::SLOW_BLINK, SLOW_BLINK),
        (Modifier::RAPID_BLINK, RAPID_BLINK),
    ] {
        let intensity = modifier.intersects(Modifier::BOLD | Modifier::DIM);
        if added.contains(modifier) && !(intensity && reset_intensity) {
            set(code)?;
        }
    }
    Ok(())
}

// crossterm's `Attribute`s as it writes them (its SGR table).
const BOLD: &[u8] = b"1";
const DIM: &[u8] = b"2";
const ITALIC: &[u8] = b"3";
const UNDERLINED: &[u8] = b"4";
const SLOW_BLINK: &[u8] = b"5";
const RAPID_BLINK: &[u8] = b"6";
const REVERSE: &[u8] = b"7";
const HIDDEN: &[u8] = b"8";
const CROSSED_OUT: &[u8] = b"9";
const NORMAL_INTENSITY: &[u8] = b"22";
const NO_ITALIC: &[u8] = b"23";
const NO_UNDERLINE: &[u8] = b"24";
const NO_BLINK: &[u8] = b"25";
const NO_REVERSE: &[u8] = b"27";
const NO_HIDDEN: &[u8] = b"28";
const NOT_CROSSED_OUT: &[u8] = b"29";

/// Which colour a `Colored` sets.
#[derive(Clone, Copy)]
enum Layer {
    Foreground,
    Background,
    Underline,
}

/// One control sequence, `ESC [ … final`, built on the stack and written
/// in one piece: a cursor move, or colours and attributes (`m`). The
/// longest, two RGB colours, is 36 bytes.
struct Csi {
    bytes: [u8; 40],
    len: usize,
}

impl Csi {
    fn new() -> Self {
        let mut csi = Self {
            bytes: [0; 40],
            len: 0,
        };
        csi.push(b"\x1b[");
        csi
    }

    fn push(&mut self, bytes: &[u8]) {
        self.bytes[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn push_number(&mut self, n: u32) {
        self.push(digits(n).as_bytes());
    }

    /// crossterm's `Colored` for `colour` on `layer` (ratatui's colours
    /// turned into crossterm's as its backend does); nothing at all when
    /// crossterm has colours turned off (`NO_COLOR`), as it writes none then.
    fn colour(&mut self, layer: Layer, colour: Color) {
        if Colored::ansi_color_disabled_memoized() {
            return;
        }
        let (reset, set): (&[u8], &[u8]) = match layer {
            Layer::Foreground => (b"39", b"38;"),
            Layer::Background => (b"49", b"48;"),
            Layer::Underline => (b"59", b"58;"),
        };
        let named: &[u8] = match colour.into_crossterm() {
            CrosstermColor::Reset => return self.push(reset),
            CrosstermColor::Black => b"5;0",
            CrosstermColor::DarkGrey => b"5;8",
            CrosstermColor::Red => b"5;9",
            CrosstermColor::DarkRed => b"5;1",
            CrosstermColor::Green => b"5;10",
            CrosstermColor::DarkGreen => b"5;2",
            CrosstermColor::Yellow => b"5;11",
            CrosstermColor::DarkYellow => b"5;3",
            CrosstermColor::Blue => b"5;12",
            CrosstermColor::DarkBlue => b"5;4",
            CrosstermColor::Magenta => b"5;13",
            CrosstermColor::DarkMagenta => b"5;5",
            CrosstermColor::Cyan => b"5;14",
            CrosstermColor::DarkCyan => b"5;6",
            CrosstermColor::White => b"5;15",
            CrosstermColor::Grey => b"5;7",
            CrosstermColor::Rgb { r, g, b } => {
                self.push(set);
                self.push(b"2;");
                self.push_number(u32::from(r));
                self.push(b";");
                self.push_number(u32::from(g));
                self.push(b";");
                self.push_number(u32::from(b));
                return;
            }
            CrosstermColor::AnsiValue(value) => {
                self.push(set);
                self.push(b"5;");
                self.push_number(u32::from(value));
                return;
            }
        };
        self.push(set);
        self.push(named);
    }

    fn end(mut self, final_byte: u8, out: &mut impl Write) -> io::Result<()> {
        self.push(&[final_byte]);
        out.write_all(&self.bytes[..self.len])
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ratatui::crossterm::queue;

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
