//! Key-binding tables. Each screen has one table of bindings: the key handler
//! looks keys up in it, and the footer and the help overlay are drawn from
//! it, so what a hint says and what the key does cannot drift apart.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key, or a family of keys, a binding answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A character, whatever the modifiers (terminals differ in what they
    /// send with Shift); Ctrl bindings come first in a table to take theirs.
    Char(char),
    /// Any character from the first to the second, e.g. the digits 1 to 5.
    Range(char, char),
    /// A non-character key: Enter, Tab, arrows…
    Code(KeyCode),
    /// Ctrl and a letter, in either case.
    Ctrl(char),
}

impl Key {
    pub fn matches(self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        match (self, event.code) {
            (Self::Ctrl(c), KeyCode::Char(k)) => ctrl && k.eq_ignore_ascii_case(&c),
            (Self::Char(c), KeyCode::Char(k)) => k == c,
            (Self::Range(from, to), KeyCode::Char(k)) => (from..=to).contains(&k),
            (Self::Code(code), other) => code == other,
            _ => false,
        }
    }

    /// A key press this pattern answers to (the first of a range).
    pub fn example(self) -> KeyEvent {
        match self {
            Self::Char(c) | Self::Range(c, _) => {
                KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
            }
            Self::Code(code) => KeyEvent::new(code, KeyModifiers::NONE),
            Self::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
        }
    }
}

/// A yes-or-no prompt (delete this?): y goes ahead, any other key keeps.
pub const CONFIRM_KEYS: Keymap<()> =
    Keymap(&[Binding::silent(&[Key::Char('y'), Key::Char('Y')], ()).footer(0, "y", "delete")]);

/// While the window is too small to show the screen, only these act: no
/// key may do something the user cannot see.
pub const TOO_SMALL_KEYS: Keymap<()> = Keymap(&[Binding::silent(
    &[Key::Char('q'), Key::Code(KeyCode::Esc), Key::Ctrl('c')],
    (),
)
.footer(0, "q", "quit")]);

/// Ctrl-Z suspends the program, as in a shell (raw mode makes it a key, not
/// a signal, so the event loop acts on it before any screen sees it).
pub const SUSPEND_KEYS: Keymap<()> = Keymap(&[Binding::silent(&[Key::Ctrl('z')], ())]);

/// The key as a hint names it, and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    pub key: &'static str,
    pub text: &'static str,
}

/// One row of a table: keys, the action they trigger, and how it is shown.
#[derive(Debug)]
pub struct Binding<A: 'static> {
    pub keys: &'static [Key],
    pub action: A,
    /// A row of the help overlay; rows keep the table's order.
    pub help: Option<Hint>,
    /// A hint in the footer, with its place there (lower first: the footer
    /// keeps as many as fit, so the most useful come first).
    pub footer: Option<(u8, Hint)>,
}

impl<A> Binding<A> {
    /// A binding with no hint anywhere (a second key for the same thing).
    pub const fn silent(keys: &'static [Key], action: A) -> Self {
        Self {
            keys,
            action,
            help: None,
            footer: None,
        }
    }

    pub const fn help(mut self, key: &'static str, text: &'static str) -> Self {
        self.help = Some(Hint { key, text });
        self
    }

    pub const fn footer(self, place: u8, key: &'static str, text: &'static str) -> Self {
        self.footer_at(Some(place), key, text)
    }

    /// A footer hint in some tables built from one template and not in others.
    pub const fn footer_at(
        mut self,
        place: Option<u8>,
        key: &'static str,
        text: &'static str,
    ) -> Self {
        self.footer = match place {
            Some(place) => Some((place, Hint { key, text })),
            None => None,
        };
        self
    }
}

/// A screen's table: the first binding whose keys match wins.
#[derive(Debug)]
pub struct Keymap<A: 'static>(pub &'static [Binding<A>]);

impl<A: Copy> Keymap<A> {
    pub fn action(&self, key: &KeyEvent) -> Option<A> {
        self.0
            .iter()
            .find(|b| b.keys.iter().any(|k| k.matches(key)))
            .map(|b| b.action)
    }

    /// The help overlay's rows, in table order.
    pub fn help(&self) -> impl Iterator<Item = Hint> + '_ {
        self.0.iter().filter_map(|b| b.help)
    }

    /// The footer's hints in their places. `text` gives the words shown for
    /// an action (the table's own, or one that depends on the state), or
    /// `None` to leave that hint out for now.
    pub fn footer<'a>(
        &self,
        text: impl Fn(A, &'static str) -> Option<&'a str>,
    ) -> Vec<(&'static str, &'a str)> {
        let mut hints: Vec<(u8, &'static str, &'a str)> = self
            .0
            .iter()
            .filter_map(|b| {
                let (place, hint) = b.footer?;
                Some((place, hint.key, text(b.action, hint.text)?))
            })
            .collect();
        hints.sort_by_key(|h| h.0);
        hints
            .into_iter()
            .map(|(_, key, text)| (key, text))
            .collect()
    }

    /// The key a hint names for `action` (its footer hint's, else its help row's).
    pub fn key_of(&self, action: A) -> Option<&'static str>
    where
        A: PartialEq,
    {
        self.0
            .iter()
            .filter(|b| b.action == action)
            .find_map(|b| b.footer.map(|f| f.1).or(b.help))
            .map(|h| h.key)
    }

    /// Every hint's words as the table has them, with its key.
    pub fn footer_as_written(&self) -> Vec<(&'static str, &'static str)> {
        self.footer(|_, text| Some(text))
    }
}

/// The keys a hint's label names: "q Esc" is q and Esc, "↑↓" the arrows,
/// "1-5" the digit 1, "Ctrl-S" and "^U" with Ctrl. Used by the tests that
/// check every hint against its table.
pub fn keys_named(label: &str) -> Vec<KeyEvent> {
    let mut keys = Vec::new();
    // "j/k" names two keys; "/" alone is the slash key.
    let words = label.split(' ').flat_map(|w| match w {
        "/" => vec![w],
        _ => w.split('/').collect(),
    });
    for word in words.filter(|w| !w.is_empty()) {
        let named = match word {
            "Space" => Some(KeyCode::Char(' ')),
            "Enter" => Some(KeyCode::Enter),
            "Tab" => Some(KeyCode::Tab),
            "S-Tab" => Some(KeyCode::BackTab),
            "Esc" => Some(KeyCode::Esc),
            "PgUp" => Some(KeyCode::PageUp),
            "PgDn" => Some(KeyCode::PageDown),
            "Home" => Some(KeyCode::Home),
            "End" => Some(KeyCode::End),
            "Del" => Some(KeyCode::Delete),
            "Backspace" => Some(KeyCode::Backspace),
            _ => None,
        };
        if let Some(code) = named {
            keys.push(KeyEvent::new(code, KeyModifiers::NONE));
            continue;
        }
        if let Some(letter) = word
            .strip_prefix("Ctrl-")
            .or_else(|| word.strip_prefix('^'))
            .filter(|l| l.chars().count() == 1)
        {
            let c = letter.chars().next().unwrap_or(' ').to_ascii_lowercase();
            keys.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
            continue;
        }
        if let Some((from, _)) = word
            .split_once('-')
            .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        {
            if let Some(c) = from.chars().next() {
                keys.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            }
            continue;
        }
        for c in word.chars() {
            let code = match c {
                '↑' => KeyCode::Up,
                '↓' => KeyCode::Down,
                '←' => KeyCode::Left,
                '→' => KeyCode::Right,
                c => KeyCode::Char(c),
            };
            keys.push(KeyEvent::new(code, KeyModifiers::NONE));
        }
    }
    keys
}

/// Checks a table the way a user reads it: the first key each hint names
/// triggers that binding's action, and every other key it names does
/// something. Returns what does not hold, for the tests of every screen.
pub fn check<A: Copy + PartialEq + std::fmt::Debug>(keymap: &Keymap<A>) -> Vec<String> {
    let mut problems = Vec::new();
    for binding in keymap.0 {
        for key in binding.keys {
            if keymap.action(&key.example()) != Some(binding.action) {
                problems.push(format!(
                    "{key:?} of {:?} is taken by an earlier binding",
                    binding.action
                ));
            }
        }
        let hints = binding.help.into_iter().chain(binding.footer.map(|f| f.1));
        for hint in hints {
            let named = keys_named(hint.key);
            match named.first() {
                None => problems.push(format!("hint {:?} names no key", hint.key)),
                Some(first) if keymap.action(first) != Some(binding.action) => problems.push(
                    format!("hint {:?} does not trigger {:?}", hint.key, binding.action),
                ),
                Some(_) => {}
            }
            for key in named.iter().skip(1) {
                if keymap.action(key).is_none() {
                    problems.push(format!("hint {:?} names a key that does nothing", hint.key));
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Act {
        Up,
        Down,
        Quit,
        Save,
    }

    const MAP: Keymap<Act> = Keymap(&[
        Binding::silent(&[Key::Ctrl('s')], Act::Save).footer(3, "Ctrl-S", "save"),
        Binding::silent(&[Key::Code(KeyCode::Up), Key::Char('k')], Act::Up)
            .help("↑↓ j k", "move")
            .footer(1, "↑↓", "move"),
        Binding::silent(&[Key::Code(KeyCode::Down), Key::Char('j')], Act::Down),
        Binding::silent(&[Key::Char('q'), Key::Code(KeyCode::Esc)], Act::Quit)
            .help("q Esc", "quit")
            .footer(2, "q", "quit"),
    ]);

    #[test]
    fn first_match_wins_and_ctrl_is_its_own_key() {
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(MAP.action(&ctrl_s), Some(Act::Save));
        assert_eq!(MAP.action(&Key::Char('s').example()), None);
        assert_eq!(MAP.action(&Key::Char('j').example()), Some(Act::Down));
        assert_eq!(
            MAP.action(&Key::Code(KeyCode::Esc).example()),
            Some(Act::Quit)
        );
    }

    #[test]
    fn footer_is_in_place_order_and_can_change_or_hide_a_hint() {
        assert_eq!(
            MAP.footer_as_written(),
            [("↑↓", "move"), ("q", "quit"), ("Ctrl-S", "save")]
        );
        let shown = MAP.footer(|action, text| match action {
            Act::Save => None,
            Act::Quit => Some("leave"),
            _ => Some(text),
        });
        assert_eq!(shown, [("↑↓", "move"), ("q", "leave")]);
        assert_eq!(
            MAP.help().map(|h| h.key).collect::<Vec<_>>(),
            ["↑↓ j k", "q Esc"]
        );
    }

    #[test]
    fn a_hint_that_lies_is_caught() {
        assert!(check(&MAP).is_empty(), "{:?}", check(&MAP));
        const LYING: Keymap<Act> = Keymap(&[
            Binding::silent(&[Key::Char('q')], Act::Quit).footer(0, "x", "quit"),
            Binding::silent(&[Key::Char('q')], Act::Save),
        ]);
        let problems = check(&LYING);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn labels_name_their_keys() {
        let codes: Vec<KeyCode> = keys_named("↑↓ j k").iter().map(|k| k.code).collect();
        assert_eq!(
            codes,
            [
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::Char('j'),
                KeyCode::Char('k')
            ]
        );
        assert_eq!(keys_named("1-5")[0].code, KeyCode::Char('1'));
        assert_eq!(keys_named("^U")[0].modifiers, KeyModifiers::CONTROL);
        assert_eq!(keys_named("S-Tab")[0].code, KeyCode::BackTab);
        assert_eq!(keys_named("j/k").len(), 2);
    }
}
