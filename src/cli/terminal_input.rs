//! Terminal input decoded on the event loop's own thread: the bytes a
//! terminal sends for keys and pastes, turned into the loop's messages.
//!
//! The loop reads the terminal itself, in the same `poll` that waits for
//! signals, background work and the countdown, so a key is handled by the
//! thread that woke for it (no second thread to wake, no channel between).
//! The escape-sequence parser is crossterm's, as terminput publishes it.

use std::collections::VecDeque;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::Msg;
use crate::app::keymap::SUSPEND_KEYS;

/// Bytes a single read takes from the terminal (as crossterm's reader).
pub const READ_SIZE: usize = 1024;

const ESCAPE: u8 = 0x1b;

/// Terminal bytes in, events out. Bytes of a sequence that has not fully
/// arrived are kept for the next read.
#[derive(Debug, Default)]
pub struct InputDecoder {
    /// The start of an escape sequence or character still incomplete.
    partial: Vec<u8>,
    /// Events decoded and not yet taken.
    decoded: VecDeque<Event>,
    /// Whether the last read filled its buffer: only then may more of what
    /// arrived together be waiting.
    filled: bool,
}

/// What decoding asks of the terminal while it gathers a run of typed
/// characters: more input if some is waiting right now.
pub trait Waiting {
    /// Feeds the decoder what the terminal holds now, without waiting.
    fn read_waiting(&mut self, decoder: &mut InputDecoder);
}

/// What a Ctrl-Z asks of the loop besides the message it becomes.
pub trait Suspend {
    fn ask_suspend(&self);
}

impl InputDecoder {
    /// Decodes `bytes` from one read; `more` says the read filled its buffer,
    /// so more input may be waiting: a lone Escape at the end is then the
    /// start of a sequence rather than the Escape key (crossterm's rule).
    pub fn feed(&mut self, bytes: &[u8], more: bool) {
        self.filled = more;
        for (at, &byte) in bytes.iter().enumerate() {
            // A printable ASCII byte outside a sequence is its character's
            // key, made as the parser makes it without going through it:
            // most keys are one, and the parser's code is cold after a pause.
            if self.partial.is_empty() && (b' '..=b'~').contains(&byte) {
                self.decoded.push_back(Event::Key(ascii_key(byte)));
                continue;
            }
            self.partial.push(byte);
            let followed = at + 1 < bytes.len() || more;
            if followed && self.partial == [ESCAPE] {
                continue;
            }
            match terminput::Event::parse_from(&self.partial) {
                // Not complete yet: the next byte may finish it.
                Ok(None) => continue,
                Ok(Some(event)) => {
                    // Events crossterm's types cannot hold (none a key or
                    // paste) are dropped, as unknown sequences are.
                    if let Ok(event) = terminput_crossterm::to_crossterm(event) {
                        self.decoded.push_back(event);
                    }
                }
                // A sequence nobody knows: dropped, as crossterm does.
                Err(_) => {}
            }
            self.partial.clear();
        }
    }

    /// Whether no decoded event is waiting to be taken.
    pub fn is_empty(&self) -> bool {
        self.decoded.is_empty()
    }

    /// The next message the decoded input makes, if any. Characters that
    /// arrive together, faster than anyone types (a paste into a terminal
    /// without bracketed paste), become one `Msg::Typed`, so a text box
    /// takes them in one edit instead of one per character. When the read
    /// filled its buffer, input waiting at the terminal is looked for (not
    /// waited for) to complete the run; a read that did not took all there
    /// was, and a key costs no second system call.
    /// Ctrl-Z (a key in raw mode, not a signal) asks to suspend.
    pub fn next_msg(&mut self, terminal: &mut impl Waiting, control: &impl Suspend) -> Option<Msg> {
        while let Some(event) = self.decoded.pop_front() {
            let msg = match event {
                Event::Key(key) if SUSPEND_KEYS.action(&key).is_some() => {
                    control.ask_suspend();
                    Msg::Resize
                }
                // A character with no other right behind it is a key: no
                // run is built for it.
                Event::Key(key) => match typed_char(&key)
                    .and_then(|first| Some((first, self.next_typed(terminal)?)))
                {
                    Some((first, second)) => {
                        let mut run = String::from_iter([first, second]);
                        while let Some(next) = self.next_typed(terminal) {
                            run.push(next);
                        }
                        Msg::Typed(run)
                    }
                    None => Msg::Key(key),
                },
                Event::Paste(text) => Msg::Paste(text),
                // Resizes come from SIGWINCH; focus and mouse are not asked for.
                _ => continue,
            };
            return Some(msg);
        }
        None
    }

    /// The next decoded event if it is a typed character, reading what the
    /// terminal holds when none is decoded yet and more may be waiting.
    fn next_typed(&mut self, terminal: &mut impl Waiting) -> Option<char> {
        if self.decoded.is_empty() && self.filled {
            terminal.read_waiting(self);
        }
        let typed = match self.decoded.front()? {
            Event::Key(key) => typed_char(key)?,
            _ => return None,
        };
        self.decoded.pop_front();
        Some(typed)
    }
}

/// The key a printable ASCII byte is: its character, with Shift when it is
/// a capital (crossterm's rule).
fn ascii_key(byte: u8) -> KeyEvent {
    let c = char::from(byte);
    let modifiers = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(KeyCode::Char(c), modifiers)
}

/// The character a plain key press types (Enter as a line break), if any.
fn typed_char(key: &KeyEvent) -> Option<char> {
    let plain =
        key.modifiers.difference(KeyModifiers::SHIFT).is_empty() && key.kind == KeyEventKind::Press;
    match key.code {
        KeyCode::Char(c) if plain => Some(c),
        KeyCode::Enter if plain => Some('\n'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// A terminal with nothing more waiting, or the chunks it will hand over
    /// one per look; the first `filling` of them fill the read's buffer.
    #[derive(Default)]
    struct Chunks {
        chunks: VecDeque<&'static [u8]>,
        filling: usize,
    }

    impl Waiting for Chunks {
        fn read_waiting(&mut self, decoder: &mut InputDecoder) {
            if let Some(bytes) = self.chunks.pop_front() {
                let filled = self.filling > 0;
                self.filling = self.filling.saturating_sub(1);
                decoder.feed(bytes, filled);
            }
        }
    }

    #[derive(Default)]
    struct Asked(Cell<u32>);

    impl Suspend for Asked {
        fn ask_suspend(&self) {
            self.0.set(self.0.get() + 1);
        }
    }

    fn msgs(bytes: &[u8], more: bool) -> Vec<Msg> {
        let mut decoder = InputDecoder::default();
        decoder.feed(bytes, more);
        let mut all = Vec::new();
        while let Some(msg) = decoder.next_msg(&mut Chunks::default(), &Asked::default()) {
            all.push(msg);
        }
        all
    }

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Msg {
        Msg::Key(KeyEvent::new(code, modifiers))
    }

    #[test]
    fn a_printable_ascii_byte_is_the_key_the_parser_makes_of_it() {
        for byte in b' '..=b'~' {
            let parsed = terminput::Event::parse_from(&[byte])
                .ok()
                .flatten()
                .and_then(|event| terminput_crossterm::to_crossterm(event).ok());
            assert_eq!(
                parsed,
                Some(Event::Key(ascii_key(byte))),
                "{:?}",
                char::from(byte)
            );
        }
    }

    #[test]
    fn one_key_is_a_key_and_a_burst_of_characters_one_typed_run() {
        assert_eq!(
            msgs(b"1", false),
            [key(KeyCode::Char('1'), KeyModifiers::NONE)]
        );
        assert_eq!(msgs(b"ab\rC", false), [Msg::Typed("ab\nC".into())]);
        assert_eq!(
            msgs("café 面".as_bytes(), false),
            [Msg::Typed("café 面".into())]
        );
    }

    #[test]
    fn a_run_stops_at_a_key_that_types_nothing() {
        assert_eq!(
            msgs(b"ab\x1b[Bc", false),
            [
                Msg::Typed("ab".into()),
                key(KeyCode::Down, KeyModifiers::NONE),
                key(KeyCode::Char('c'), KeyModifiers::NONE),
            ]
        );
    }

    #[test]
    fn a_run_after_a_full_read_takes_what_is_waiting_at_the_terminal() {
        let mut decoder = InputDecoder::default();
        decoder.feed(b"a", true);
        // The second chunk fills its read too; the third does not.
        let mut terminal = Chunks {
            chunks: VecDeque::from([&b"bc"[..], b"d", b"e"]),
            filling: 1,
        };
        assert_eq!(
            decoder.next_msg(&mut terminal, &Asked::default()),
            Some(Msg::Typed("abcd".into()))
        );
        assert_eq!(terminal.chunks, [&b"e"[..]]);
    }

    #[test]
    fn a_key_from_a_read_that_took_all_there_was_looks_no_further() {
        let mut decoder = InputDecoder::default();
        decoder.feed(b"1", false);
        let mut terminal = Chunks {
            chunks: VecDeque::from([&b"2"[..]]),
            filling: 0,
        };
        assert_eq!(
            decoder.next_msg(&mut terminal, &Asked::default()),
            Some(key(KeyCode::Char('1'), KeyModifiers::NONE))
        );
        assert_eq!(terminal.chunks, [&b"2"[..]]);
    }

    #[test]
    fn escape_alone_is_the_key_unless_more_input_follows() {
        assert_eq!(
            msgs(b"\x1b", false),
            [key(KeyCode::Esc, KeyModifiers::NONE)]
        );
        // The read filled its buffer: the sequence goes on in the next read.
        let mut decoder = InputDecoder::default();
        decoder.feed(b"\x1b", true);
        assert!(decoder.is_empty());
        decoder.feed(b"[A", false);
        assert_eq!(
            decoder.next_msg(&mut Chunks::default(), &Asked::default()),
            Some(key(KeyCode::Up, KeyModifiers::NONE))
        );
    }

    #[test]
    fn a_sequence_split_across_reads_is_one_key() {
        let mut decoder = InputDecoder::default();
        decoder.feed(b"\x1b[1;5", false);
        assert!(decoder.is_empty());
        decoder.feed(b"C", false);
        assert_eq!(
            decoder.next_msg(&mut Chunks::default(), &Asked::default()),
            Some(key(KeyCode::Right, KeyModifiers::CONTROL))
        );
    }

    #[test]
    fn keys_the_screens_use_decode_as_crossterm_decodes_them() {
        let cases: [(&[u8], Msg); 10] = [
            (b"\t", key(KeyCode::Tab, KeyModifiers::NONE)),
            (b"\x1b[Z", key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            (b"\x7f", key(KeyCode::Backspace, KeyModifiers::NONE)),
            (b"\x1b[3~", key(KeyCode::Delete, KeyModifiers::NONE)),
            (b"\x1b[5~", key(KeyCode::PageUp, KeyModifiers::NONE)),
            (b"\x1bOH", key(KeyCode::Home, KeyModifiers::NONE)),
            (b"\x1b[F", key(KeyCode::End, KeyModifiers::NONE)),
            (b"\x03", key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            (b"\x1bb", key(KeyCode::Char('b'), KeyModifiers::ALT)),
            (b"\x1bOP", key(KeyCode::F(1), KeyModifiers::NONE)),
        ];
        for (bytes, expected) in cases {
            assert_eq!(msgs(bytes, false), [expected], "{bytes:?}");
        }
    }

    #[test]
    fn a_bracketed_paste_is_one_message_even_across_reads() {
        let mut decoder = InputDecoder::default();
        decoder.feed(b"\x1b[200~line one\r", true);
        assert!(decoder.is_empty());
        decoder.feed("line two 👍\x1b[201~".as_bytes(), false);
        assert_eq!(
            decoder.next_msg(&mut Chunks::default(), &Asked::default()),
            Some(Msg::Paste("line one\rline two 👍".into()))
        );
    }

    #[test]
    fn ctrl_z_asks_to_suspend_and_wakes_the_loop() {
        let mut decoder = InputDecoder::default();
        decoder.feed(b"\x1a", false);
        let asked = Asked::default();
        assert_eq!(
            decoder.next_msg(&mut Chunks::default(), &asked),
            Some(Msg::Resize)
        );
        assert_eq!(asked.0.get(), 1);
    }

    #[test]
    fn unknown_sequences_and_mouse_reports_are_dropped() {
        assert_eq!(
            msgs(b"\x1b[999;999;999X\x1b[<0;10;5Mq", false),
            [key(KeyCode::Char('q'), KeyModifiers::NONE)]
        );
    }
}
