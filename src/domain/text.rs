//! Text from outside the program (a question bank, a session log, a story,
//! a file name) made safe to show on a terminal.
//!
//! A terminal obeys control characters: an ESC in a question could retitle
//! the window, clear it or set the clipboard (OSC 52). Everything such text
//! goes through on its way to a terminal, full screen or printed, is this one
//! function; files written with `-o` keep the data exact.

use std::borrow::Cow;

/// `text` with every control character shown as a visible stand-in: C0
/// controls as their Control Pictures (ESC as `␛`, BEL as `␇`), DEL as `␡`,
/// and C1 controls and bidirectional overrides as `\u{…}`. Newlines and tabs
/// stay, so notes keep their lines.
pub fn visible(text: &str) -> Cow<'_, str> {
    sanitise(text, |c| c == '\n' || c == '\t')
}

/// Like `visible`, for text that must stay on one line (a file name, a
/// table cell): newlines and tabs are shown too.
pub fn visible_line(text: &str) -> Cow<'_, str> {
    sanitise(text, |_| false)
}

/// True for the characters `visible` replaces.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

fn sanitise(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_unsafe(c) && !keep(c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !unsafe_char(c) {
            out.push(c);
            continue;
        }
        match u32::from(c) {
            code @ 0..=0x1F => out.push(char::from_u32(0x2400 + code).unwrap_or('?')),
            0x7F => out.push('␡'),
            code => out.push_str(&format!("\\u{{{code:x}}}")),
        }
    }
    Cow::Owned(out)
}

/// First characters that make a spreadsheet read a cell as a formula.
fn starts_a_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A CSV cell that a spreadsheet shows as text, never runs: one that would
/// start a formula gets a leading `'`, the usual guard. A cell that already
/// starts with `'` before such a character (or before another `'`) gets one
/// too, so `from_spreadsheet_safe` can always undo exactly this.
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    let mut chars = cell.chars();
    let guard = match (chars.next(), chars.next()) {
        (Some(first), _) if starts_a_formula(first) => true,
        (Some('\''), Some(second)) => starts_a_formula(second) || second == '\'',
        _ => false,
    };
    if guard {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undoes `spreadsheet_safe`: the cell as it was before the guard.
pub fn from_spreadsheet_safe(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(|c| starts_a_formula(c) || c == '\'') => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_become_visible_and_plain_text_is_untouched() {
        let attack = "Q \u{1b}]0;PWNED\u{7} \u{1b}]52;c;cHduZWQ=\u{7} \u{1b}[2J";
        assert_eq!(visible(attack), "Q ␛]0;PWNED␇ ␛]52;c;cHduZWQ=␇ ␛[2J");
        assert!(matches!(visible("Tell me about a time…"), Cow::Borrowed(_)));
        assert_eq!(visible("two\nlines\tand a tab"), "two\nlines\tand a tab");
        assert_eq!(visible_line("a\nb\rc"), "a␊b␍c");
        assert_eq!(
            visible("\u{9b}31m \u{7f} \u{202e}gnp.exe"),
            "\\u{9b}31m ␡ \\u{202e}gnp.exe"
        );
    }

    #[test]
    fn formulas_are_neutralised_the_usual_way() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("-90% failed"), "'-90% failed");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("\tx"), "'\tx");
        assert_eq!(spreadsheet_safe("plain"), "plain");
        assert_eq!(spreadsheet_safe("'Tis the season"), "'Tis the season");
        assert_eq!(spreadsheet_safe("'=already"), "''=already");
        assert_eq!(from_spreadsheet_safe("'=1"), "=1");
        assert_eq!(from_spreadsheet_safe("'Tis"), "'Tis");
    }

    proptest! {
        #[test]
        fn spreadsheet_guard_round_trips(cell in any::<String>()) {
            let safe = spreadsheet_safe(&cell);
            prop_assert!(!safe.starts_with(starts_a_formula));
            prop_assert_eq!(from_spreadsheet_safe(&safe), cell.as_str());
        }

        #[test]
        fn nothing_a_terminal_obeys_survives(text in any::<String>()) {
            let shown = visible(&text);
            prop_assert!(shown.chars().all(|c| c == '\n' || c == '\t' || !is_unsafe(c)));
            let line = visible_line(&text);
            prop_assert!(line.chars().all(|c| !is_unsafe(c)));
        }
    }
}
