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
