//! Colours, with a monochrome fallback for `NO_COLOR`.

use ratatui::style::{Color, Modifier, Style};

use crate::app::countdown::TimeLeft;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub const COLOR: Theme = Theme { color: true };
    pub const MONO: Theme = Theme { color: false };

    /// Colour unless `NO_COLOR` is set to anything non-empty (no-color.org).
    pub fn from_env() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if no_color { Self::MONO } else { Self::COLOR }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default()
        }
    }

    /// The configured choice; `NO_COLOR` always wins.
    pub fn choose(choice: crate::domain::config::ThemeChoice) -> Self {
        use crate::domain::config::ThemeChoice;
        match (Self::from_env(), choice) {
            (Self::MONO, _) | (_, ThemeChoice::Mono) => Self::MONO,
            _ => Self::COLOR,
        }
    }

    pub fn text(self) -> Style {
        Style::default()
    }

    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn question(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    pub fn muted(self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn principle(self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }

    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn warn(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn danger(self) -> Style {
        if self.color {
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }

    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    pub fn border(self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan)
        } else {
            self.muted()
        }
    }

    /// Green with time to spare, yellow from 30 s left, red from 10 s and overtime.
    pub fn timer(self, left: TimeLeft) -> Style {
        match left {
            TimeLeft::Remaining(s) if s > 30 => self.ok().add_modifier(Modifier::BOLD),
            TimeLeft::Remaining(s) if s > 10 => self.warn(),
            _ => self.danger(),
        }
    }
}
