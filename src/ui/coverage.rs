//! The coverage grid: stories down, the 16 principles across.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Padding;

use super::pane::Pane;
use super::theme::Theme;
use super::widgets::{truncate, wrap_indented};
use crate::app::stories::{RECENT_WINDOW, StoriesApp};

const SMALL_WORDS: [&str; 8] = ["and", "the", "to", "be", "a", "on", "of", "for"];

/// Two-letter column code: initials of the main words ("Dive Deep" → "DD"),
/// or the first two letters of a one-word name ("Frugality" → "FR").
pub fn abbreviation(name: &str) -> String {
    let words: Vec<&str> = name
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty() && !SMALL_WORDS.contains(&w.to_lowercase().as_str()))
        .collect();
    let code: String = match words.as_slice() {
        [one] => one.chars().take(2).collect(),
        many => many
            .iter()
            .filter_map(|w| w.chars().next())
            .take(2)
            .collect(),
    };
    code.to_uppercase()
}

pub fn draw(buf: &mut Buffer, area: Rect, app: &StoriesApp, theme: Theme) {
    let pane = Pane::new(theme.border(true))
        .title(Span::styled(
            " Coverage: your stories × the 16 principles ",
            theme.title(),
        ))
        .padding(Padding::horizontal(1));
    let inner = pane.inner(area);
    let principles = app.principles.all();
    let coverage = app.book.coverage(&app.principles);
    let name_width = usize::from(inner.width)
        .saturating_sub(principles.len() * 3 + 8)
        .clamp(8, 30);

    let mut header = vec![Span::raw(" ".repeat(name_width))];
    for (p, n) in principles.iter().zip(&coverage) {
        let style = if *n == 0 {
            theme.danger()
        } else {
            theme.title()
        };
        header.push(Span::styled(format!(" {}", abbreviation(&p.name)), style));
    }
    let mut lines = vec![Line::from(header)];

    let rows = usize::from(inner.height).saturating_sub(5);
    let first = app.selected.saturating_sub(rows.saturating_sub(1));
    for (i, story) in app.book.stories.iter().enumerate().skip(first).take(rows) {
        let selected = i == app.selected;
        let mut spans = vec![Span::styled(
            format!(
                "{:<name_width$}",
                truncate(&story.title, name_width.saturating_sub(1))
            ),
            if selected {
                theme.selected()
            } else {
                theme.text()
            },
        )];
        for p in principles {
            let mark = if story.proves(&p.slug) {
                "  ●"
            } else {
                "  ·"
            };
            spans.push(Span::styled(
                mark,
                if story.proves(&p.slug) {
                    theme.ok()
                } else {
                    theme.muted()
                },
            ));
        }
        let used = app.recent_use.get(&story.id).copied().unwrap_or(0);
        if app.is_overused(&story.id) {
            spans.push(Span::styled(
                format!("  ⚠ {used}/{RECENT_WINDOW}"),
                theme.warn(),
            ));
        }
        lines.push(Line::from(spans));
    }
    if app.book.stories.is_empty() {
        lines.push(Line::styled(
            "No stories yet: press a to add one.",
            theme.muted(),
        ));
    }

    let mut totals = vec![Span::styled(
        format!("{:<name_width$}", "stories"),
        theme.muted(),
    )];
    for n in &coverage {
        let style = if *n == 0 {
            theme.danger()
        } else {
            theme.muted()
        };
        totals.push(Span::styled(format!("{n:>3}"), style));
    }
    lines.push(Line::from(totals));
    lines.push(Line::default());
    let legend: Vec<String> = principles
        .iter()
        .map(|p| format!("{} {}", abbreviation(&p.name), p.name))
        .collect();
    lines.extend(
        wrap_indented(&legend.join(" · "), usize::from(inner.width), "")
            .into_iter()
            .map(|l| Line::styled(l, theme.muted())),
    );
    super::widgets::lines_in_pane(buf, area, pane, lines);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::principles::Principles;
    use std::collections::HashSet;

    #[test]
    fn every_principle_gets_a_distinct_code() {
        let principles = Principles::embedded().expect("principles");
        let codes: HashSet<String> = principles
            .all()
            .iter()
            .map(|p| abbreviation(&p.name))
            .collect();
        assert_eq!(codes.len(), 16, "{codes:?}");
        assert_eq!(abbreviation("Dive Deep"), "DD");
        assert_eq!(abbreviation("Frugality"), "FR");
        assert_eq!(abbreviation("Are Right, A Lot"), "AR");
    }
}
