//! How an answer was said, as lines: shared by the wrap-up card and review's
//! detail, so both read the same.

use ratatui::style::Style;
use ratatui::text::Line;

use super::theme::Theme;
use super::widgets::wrap_indented;
use crate::app::countdown::clock_face;
use crate::domain::delivery::{COMFORTABLE_WPM, Delivery};
use crate::domain::session::LoggedStep;

/// `m:ss` of seconds.
fn mmss(secs: f64) -> String {
    clock_face(secs.max(0.0).round() as u64)
}

pub use crate::domain::delivery::short_secs;

/// "about 150 wpm, comfortable (130–160)" and the style it is shown in.
pub fn pace_words(d: &Delivery, theme: Theme) -> (String, Style) {
    match d.wpm {
        Some(wpm) => {
            let (word, style) = if COMFORTABLE_WPM.contains(&wpm) {
                ("comfortable", theme.ok())
            } else if wpm > *COMFORTABLE_WPM.end() {
                ("fast", theme.warn())
            } else {
                ("slow", theme.warn())
            };
            (
                format!(
                    "about {wpm:.0} wpm, {word} ({:.0}–{:.0})",
                    COMFORTABLE_WPM.start(),
                    COMFORTABLE_WPM.end()
                ),
                style,
            )
        }
        None => ("too little speech for a rate".into(), theme.muted()),
    }
}

/// `text` wrapped to `width` in `style`, lines after the first indented two
/// columns.
pub(crate) fn hanging(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    let mut lines = wrap_indented(text, width.saturating_sub(2), "");
    for line in lines.iter_mut().skip(1) {
        line.insert_str(0, "  ");
    }
    lines.into_iter().map(|l| Line::styled(l, style)).collect()
}

/// The figures, then the suggestions, wrapped to `width`. `steps` (the
/// log's) name the steps.
pub fn lines(d: &Delivery, steps: &[LoggedStep], width: usize, theme: Theme) -> Vec<Line<'static>> {
    let width = width.max(10);
    let name = |key: &str| {
        steps
            .iter()
            .find(|s| s.key == key)
            .map_or_else(|| key.to_string(), |s| s.name.clone())
    };
    let mut lines = Vec::new();
    let mut wrapped = |text: String, style| lines.extend(hanging(&text, width, style));
    if d.first_word_secs.is_none() {
        wrapped(
            format!("No speech heard in {}.", mmss(d.audio_secs)),
            theme.warn(),
        );
    } else {
        let first = d
            .first_word_secs
            .map_or_else(String::new, |t| format!(" · first word {}", short_secs(t)));
        wrapped(
            format!(
                "Spoke {} of {}{first}",
                mmss(d.speaking_secs),
                mmss(d.audio_secs)
            ),
            theme.text(),
        );
    }
    let (pace_text, pace_style) = pace_words(d, theme);
    wrapped(format!("Pace: {pace_text}"), pace_style);
    match d.pauses.as_slice() {
        [] => wrapped("No long pauses (2 s or more)".into(), theme.muted()),
        pauses => {
            let each: Vec<String> = pauses
                .iter()
                .map(|p| {
                    let place = p
                        .step
                        .as_deref()
                        .map_or_else(String::new, |k| format!(" in {}", name(k)));
                    format!("{} at {}{place}", short_secs(p.secs), mmss(p.at_secs))
                })
                .collect();
            wrapped(
                format!(
                    "{} long pause{}: {}",
                    pauses.len(),
                    if pauses.len() == 1 { "" } else { "s" },
                    each.join(", ")
                ),
                theme.warn(),
            );
        }
    }
    for tip in d.suggestions(steps) {
        wrapped(format!("→ {tip}"), theme.title());
    }
    if !d.steps.is_empty() {
        let each: Vec<String> = d
            .steps
            .iter()
            .map(|s| {
                format!(
                    "{} {}/{}",
                    name(&s.key),
                    mmss(s.spoke_secs),
                    mmss(s.span_secs)
                )
            })
            .collect();
        wrapped(format!("Talking: {}", each.join(" · ")), theme.text());
    }
    lines
}
