//! What was said, read from an answer's transcript, as lines: the review
//! detail shows them under the delivery figures.

use ratatui::text::Line;

use super::delivery::hanging;
use super::theme::Theme;
use crate::domain::cues::{Cues, StepRole};

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The whole answer, then a line a step, then the flags, wrapped to `width`.
pub fn lines(c: &Cues, width: usize, theme: Theme) -> Vec<Line<'static>> {
    let width = width.max(10);
    let mut lines = Vec::new();
    let mut wrapped = |text: String, style| lines.extend(hanging(&text, width, style));
    let t = &c.total;
    let mut head = vec![
        plural(t.words, "word", "words"),
        format!("{} I / {} we", t.i, t.we),
    ];
    if let Some(w) = c.wpm() {
        head.push(format!("{w:.0} wpm"));
    }
    head.push(match c.fillers_per_minute() {
        Some(f) => format!("{f:.1} fillers a minute (at least)"),
        None => format!(
            "{} (at least)",
            plural(t.fillers + c.filled_pauses, "filler", "fillers")
        ),
    });
    wrapped(head.join(" · "), theme.text());
    for s in c.steps.iter().filter(|s| s.text.words > 0) {
        let x = &s.text;
        let mut parts = vec![
            plural(x.words, "word", "words"),
            format!("{} I / {} we", x.i, x.we),
        ];
        if x.fillers > 0 {
            parts.push(plural(x.fillers, "filler", "fillers"));
        }
        if x.hedges > 0 {
            parts.push(plural(x.hedges, "hedge", "hedges"));
        }
        match s.role {
            StepRole::Result if x.numbers.is_empty() => parts.push("no number".into()),
            StepRole::Result => parts.push(format!("numbers: {}", x.numbers.join(", "))),
            StepRole::Lessons => parts.push(plural(x.lesson_cues, "lesson cue", "lesson cues")),
            _ => {}
        }
        wrapped(format!("{}: {}", s.name, parts.join(" · ")), theme.muted());
    }
    if c.filled_pauses > 0 {
        wrapped(
            format!(
                "{} heard with no word (counted as fillers)",
                plural(c.filled_pauses, "filled pause", "filled pauses")
            ),
            theme.muted(),
        );
    }
    for flag in c.flags() {
        wrapped(format!("→ {flag}"), theme.warn());
    }
    lines
}

/// What the transcript suggests for each rubric item it can judge, one line
/// each: shown under the rubric, whose ticks stay the candidate's.
pub fn rubric_lines(c: &Cues, width: usize, theme: Theme) -> Vec<Line<'static>> {
    c.rubric_suggestions()
        .iter()
        .flat_map(|s| {
            let mark = if s.agrees { "✓" } else { "✗" };
            let style = if s.agrees { theme.ok() } else { theme.warn() };
            hanging(&format!("heard {mark} {s}"), width.max(10), style)
        })
        .collect()
}
