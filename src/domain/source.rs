//! Where a piece of configuration came from, and how to point at a line in it.

use std::fmt;

/// A problem found in a data file, located as precisely as the parser allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Every problem found in one load; the loaders report all of them at once so a
/// user fixes a file in one pass rather than one error per run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadError {
    pub fn single(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            diagnostics: vec![Diagnostic {
                file: file.to_string(),
                line,
                message: message.into(),
            }],
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The text of a data file together with the name used in messages about it.
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
    /// Byte offsets of every newline, so a line lookup is a binary search.
    newlines: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Self {
        let newlines = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect();
        Self {
            name,
            text,
            newlines,
        }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.newlines.partition_point(|&n| n < end) + 1
    }

    pub fn diagnostic(
        &self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            file: self.name.to_string(),
            line: Some(self.line_of(span.start)),
            message: message.into(),
        }
    }

    /// Parses the whole file, turning a TOML or shape error into a located diagnostic.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, LoadError> {
        toml::from_str(self.text).map_err(|err| {
            let line = err.span().map(|span| self.line_of(span.start));
            LoadError {
                diagnostics: vec![Diagnostic {
                    file: self.name.to_string(),
                    line,
                    message: err.message().trim().to_string(),
                }],
            }
        })
    }
}

/// Lower-cases and keeps letters and digits, so "Are Right, A Lot", "are-right-a-lot"
/// and "ARE RIGHT A LOT" all compare equal.
pub fn normalize_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_dash = false;
    for c in s.chars() {
        if c == '\'' || c == '’' {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_ignores_case_punctuation_and_apostrophes() {
        assert_eq!(normalize_key("Are Right, A Lot"), "are-right-a-lot");
        assert_eq!(normalize_key("  are-right-a-lot "), "are-right-a-lot");
        assert_eq!(
            normalize_key("Strive to be Earth’s Best Employer"),
            "strive-to-be-earths-best-employer"
        );
    }

    #[test]
    fn line_of_counts_newlines_before_offset() {
        let src = Source::new("f", "a\nb\nc");
        assert_eq!(src.line_of(0), 1);
        assert_eq!(src.line_of(2), 2);
        assert_eq!(src.line_of(4), 3);
        assert_eq!(src.line_of(99), 3);
    }
}
