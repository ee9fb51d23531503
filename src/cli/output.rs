//! Everything the commands print goes through here.
//!
//! - Text from outside the program (question text, notes, story fields, file
//!   names) is shown with its control characters made visible on a terminal
//!   (`domain::text::visible`); in a pipe or a file, data is kept exact.
//! - A closed pipe (`stardrill review --check | head -1`) ends the command
//!   quietly, like other Unix tools; any other write error (a full disk) is a
//!   one-line message and a non-zero exit, never a panic.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use crate::domain::text::visible;

/// What is being printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A report for a person (`review --check`, `stats`, messages): always
    /// shown safely.
    Report,
    /// Data a script may read (`export`, `stories --export`): exact in a pipe
    /// or a file, shown safely on a terminal.
    Data,
}

/// Why printing stopped early; `exit_code` says how the command ends.
#[derive(Debug)]
pub enum Stopped {
    /// The reader went away: nothing more to say.
    ClosedPipe,
    Failed(io::Error),
}

impl Stopped {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::ClosedPipe => ExitCode::SUCCESS,
            Self::Failed(e) => {
                error(&format!("could not write to standard output: {e}"));
                ExitCode::FAILURE
            }
        }
    }
}

impl From<io::Error> for Stopped {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Self::ClosedPipe
        } else {
            Self::Failed(e)
        }
    }
}

/// Writes `text` to standard output as `kind` says, and flushes.
pub fn print(text: &str, kind: Kind) -> Result<(), Stopped> {
    let stdout = io::stdout();
    let shown = if kind == Kind::Report || stdout.is_terminal() {
        visible(text)
    } else {
        text.into()
    };
    let mut out = stdout.lock();
    out.write_all(shown.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Standard output for data written in pieces (an export): exact in a pipe
/// or a file, shown safely on a terminal.
pub fn data_out() -> Box<dyn Write> {
    let stdout = io::stdout();
    if stdout.is_terminal() {
        Box::new(Visible {
            inner: stdout,
            carry: Vec::new(),
        })
    } else {
        Box::new(stdout)
    }
}

/// Passes text on through `visible`, holding back a character cut in two by
/// the end of a write until the rest of it arrives.
struct Visible<W: Write> {
    inner: W,
    carry: Vec<u8>,
}

impl<W: Write> Visible<W> {
    fn pass(&mut self, text: &str) -> io::Result<()> {
        self.inner.write_all(visible(text).as_bytes())
    }
}

impl<W: Write> Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.carry.extend_from_slice(buf);
        let carry = std::mem::take(&mut self.carry);
        let mut rest = carry.as_slice();
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.pass(text)?;
                    rest = &[];
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    self.pass(std::str::from_utf8(good).unwrap_or_default())?;
                    match e.error_len() {
                        // Not UTF-8 at all: shown as the replacement character.
                        Some(n) => {
                            self.pass("\u{fffd}")?;
                            rest = &bad[n..];
                        }
                        // Cut short: wait for the rest of the character.
                        None => {
                            rest = bad;
                            break;
                        }
                    }
                }
            }
        }
        self.carry = rest.to_vec();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.carry.is_empty() {
            let carry = std::mem::take(&mut self.carry);
            self.pass(&String::from_utf8_lossy(&carry))?;
        }
        self.inner.flush()
    }
}

/// Bytes made elsewhere (a manual page, shell completions), written as they are.
pub fn print_bytes(bytes: &[u8]) -> Result<(), Stopped> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// A line of a report on standard output, ending the command on a closed pipe.
pub fn report(text: &str) -> Result<(), Stopped> {
    print(&format!("{text}\n"), Kind::Report)
}

/// Ends a command whose output stopped: quietly for a closed pipe, with a
/// one-line message otherwise.
pub fn stopped(e: io::Error) -> ExitCode {
    Stopped::from(e).exit_code()
}

/// Prints a report and turns the outcome into the command's exit code.
pub fn report_then(text: &str, code: ExitCode) -> ExitCode {
    match print(text, Kind::Report) {
        Ok(()) => code,
        Err(stopped) => stopped.exit_code(),
    }
}

/// A message on standard error, shown safely. Errors writing it are ignored:
/// with the terminal gone there is no one left to tell.
pub fn error(text: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{}", visible(text));
    let _ = err.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_shows_escapes_even_when_a_character_is_cut_between_writes() {
        let mut shown = Visible {
            inner: Vec::new(),
            carry: Vec::new(),
        };
        let text = "é \u{1b}]52;c;x\u{7} ok";
        let bytes = text.as_bytes();
        // Cut inside the two-byte é.
        shown.write_all(&bytes[..1]).expect("write");
        shown.write_all(&bytes[1..]).expect("write");
        shown.flush().expect("flush");
        assert_eq!(
            String::from_utf8(shown.inner).expect("utf-8"),
            "é ␛]52;c;x␇ ok"
        );
    }
}
