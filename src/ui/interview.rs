//! Interview loop screens: the next interviewer, the follow-up probe, the summary.

use std::time::Duration;

use ratatui::buffer::Buffer;

use crate::ui::widgets::Draw;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use super::card::Card;
use super::keep::{self, Keep, PaneId};
use super::pane::Pane;
use super::theme::Theme;
use super::widgets::{either_key, inline_hints};
use super::{answer_layout, draw_notes, draw_status};
use crate::app::attempt::Attempt;
use crate::app::countdown::{TimeLeft, clock_face};
use crate::app::interview::{InterviewLoop, Probe};
use crate::app::{App, CLOSING_KEYS, Focus, PROBE_KEYS, ROUND_INTRO_KEYS, SUMMARY_KEYS, Summary};
use crate::domain::session::Outcome;
use crate::domain::text::visible;

pub fn draw_round_intro(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    interview: &InterviewLoop,
    theme: Theme,
) {
    let Some(round) = interview.plan.rounds.get(interview.round) else {
        return;
    };
    let total = interview.plan.rounds.len();
    let mut lines = vec![
        Line::styled(
            format!("Round {} of {total}", interview.round + 1),
            theme.muted(),
        ),
        Line::styled(round.interviewer.clone(), theme.title()),
        Line::default(),
    ];
    if round.bar_raiser {
        lines.push(Line::raw(
            "An experienced interviewer from outside the hiring team who keeps the bar high.",
        ));
        lines.push(Line::raw(
            "Assigned principles like everyone, digs into any story, and holds a veto in the debrief.",
        ));
        lines.push(Line::default());
    }
    let names: Vec<&str> = round
        .principles
        .iter()
        .map(|p| app.catalog.principles.name_of(p))
        .collect();
    lines.push(Line::from(vec![
        Span::styled("Assigned principles: ", theme.muted()),
        Span::styled(names.join(" · "), theme.principle()),
    ]));
    if round.openers > 0 {
        lines.push(Line::styled(
            "Opens with your introduction and why you want this job.",
            theme.muted(),
        ));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        format!(
            "{} questions · {} each · then 2–3 follow-up probes of {} on your story",
            round.questions.len(),
            clock_face(app.settings.seconds),
            clock_face(interview.follow_up_secs)
        ),
        theme.muted(),
    ));
    lines.push(Line::default());
    lines.push(inline_hints(&ROUND_INTRO_KEYS.footer_as_written(), theme));
    Card::new(lines, 80, theme.title())
        .title(Span::styled(" Interview loop ", theme.title()))
        .padding(Padding::uniform(1))
        .centred_text()
        .wrapped()
        .render(buf, area);
}

pub fn draw_probe(
    buf: &mut Buffer,
    keep: &mut Keep,
    app: &App,
    attempt: &Attempt,
    probe: &Probe,
    now: Duration,
    theme: Theme,
) {
    let area = buf.area;
    let [timer, panes, status, footer] = answer_layout(buf, keep, area, app, attempt, theme);
    let left = probe.countdown.time_left(now);
    let (face, caption) = match left {
        TimeLeft::Remaining(s) if probe.current.new_story => {
            (clock_face(s), "left for the new story")
        }
        TimeLeft::Remaining(s) => (clock_face(s), "left for the follow-up"),
        TimeLeft::Overtime(s) => (format!("+{}", clock_face(s)), "over time"),
    };
    let mut spans = vec![
        Span::styled(format!(" {face} "), theme.timer(left)),
        Span::styled(caption, theme.muted()),
    ];
    if probe.countdown.is_paused() {
        spans.push(Span::styled("  PAUSED (p resumes)", theme.warn()));
    }
    let title = Span::styled(
        format!(" Follow-up probe {} of {} ", probe.number, probe.total),
        theme.muted(),
    );
    let line = Line::from(spans);
    let badge = super::drill::recording_badge(app, theme);
    // Kept while it would look the same, as the drill's countdown is.
    let key = keep::key(&(&title, &line, &badge, timer, theme));
    keep.pane(buf, PaneId::Timer, key, timer, |buf| {
        let inner = Pane::new(theme.muted()).title(title).draw(timer, buf);
        buf.render_widget(Paragraph::new(line), inner);
        super::drill::draw_badge(buf, timer, badge);
    });

    let [card, notes] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(panes);
    let (lead, advice) = if probe.current.new_story {
        (
            "Now another story:",
            "A new example, with its own Situation, Task, Action and Result, in full time.",
        )
    } else if probe.number == 1 {
        (
            "The interviewer digs in:",
            "Answer out loud: your part, the numbers, the trade-off, what you would change.",
        )
    } else {
        (
            "Deeper into the same story:",
            "Stay with the facts of that story; an answer that changes it does not hold up.",
        )
    };
    let focused = app.focus == Focus::Checklist;
    let question = &probe.current.question;
    // Typing notes leaves the card as it is: it is wrapped text.
    let key = keep::key(&(lead, advice, question, focused, card, theme));
    keep.pane(buf, PaneId::Question, key, card, |buf| {
        let lines = vec![
            Line::styled(lead, theme.muted()),
            Line::default(),
            Line::styled(visible(question).into_owned(), theme.question()),
            Line::default(),
            Line::styled(advice, theme.muted()),
        ];
        let pane = Pane::new(theme.border(focused))
            .title(Span::styled(" Follow-up ", theme.title()))
            .padding(Padding::horizontal(1));
        let inner = pane.draw(card, buf);
        buf.render_widget(
            Paragraph::new(Text::from(lines)).wrap(Wrap { trim: true }),
            inner,
        );
    });
    draw_notes(buf, keep, notes, attempt, app.focus == Focus::Notes, theme);
    draw_status(buf, keep, status, app, None, theme);
    let hints = PROBE_KEYS.footer_as_written();
    super::draw_footer(buf, keep, &hints, || hints.clone(), footer, theme);
}

/// The end of the last interview: the candidate's turn to ask.
pub fn draw_closing(buf: &mut Buffer, area: Rect, app: &App, theme: Theme) {
    let closing = app.catalog.interviewer.closing();
    let mut lines = vec![
        Line::styled(visible(&closing.prompt).into_owned(), theme.question()),
        Line::default(),
        Line::styled(visible(&closing.advice).into_owned(), theme.muted()),
        Line::default(),
        Line::styled("For example:", theme.muted()),
    ];
    // The same examples every time this card is drawn: the first few.
    for example in closing.examples.iter().take(3) {
        lines.push(Line::raw(format!("• {}", visible(example))));
    }
    lines.push(Line::default());
    lines.push(inline_hints(&CLOSING_KEYS.footer_as_written(), theme));
    Card::new(lines, 80, theme.title())
        .title(Span::styled(" Your questions ", theme.title()))
        .padding(Padding::uniform(1))
        .wrapped()
        .render(buf, area);
}

pub fn draw_summary(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    interview: &InterviewLoop,
    theme: Theme,
) {
    let mut lines = Vec::new();
    let covered = interview.principles_covered();
    let names: Vec<&str> = covered
        .iter()
        .map(|p| app.catalog.principles.name_of(p))
        .collect();
    lines.push(Line::from(vec![
        Span::styled(
            format!("Principles covered ({}/16): ", covered.len()),
            theme.muted(),
        ),
        Span::styled(names.join(" · "), theme.principle()),
    ]));
    lines.push(Line::default());
    for (round, answers) in interview.plan.rounds.iter().zip(&interview.answers) {
        let answered: Vec<_> = answers
            .iter()
            .filter(|a| a.outcome == Outcome::Completed)
            .collect();
        let in_time = answered.iter().filter(|a| a.overtime_secs <= 0.0).count();
        let ratings: Vec<u8> = answered.iter().filter_map(|a| a.rating).collect();
        let rating = if ratings.is_empty() {
            "unrated".to_string()
        } else {
            format!(
                "rating {:.1}",
                ratings.iter().map(|&r| f64::from(r)).sum::<f64>() / ratings.len() as f64
            )
        };
        let times: Vec<String> = answered
            .iter()
            .map(|a| {
                let t = clock_face(a.answer_secs.round() as u64);
                if a.overtime_secs > 0.0 {
                    format!("{t}!")
                } else {
                    t
                }
            })
            .collect();
        let style = if answered.is_empty() || in_time == answered.len() {
            theme.ok()
        } else {
            theme.warn()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<20}", round.interviewer), theme.title()),
            Span::styled(format!("{in_time}/{} in time ", answered.len()), style),
            Span::styled(
                format!(
                    "({})  ",
                    if times.is_empty() {
                        "–".into()
                    } else {
                        times.join(", ")
                    }
                ),
                theme.muted(),
            ),
            Span::raw(rating),
        ]));
    }
    let skipped = interview
        .answers
        .iter()
        .flatten()
        .filter(|a| a.outcome == Outcome::Skipped)
        .count();
    if skipped > 0 {
        lines.push(Line::styled(
            format!("{skipped} question(s) skipped and replaced"),
            theme.muted(),
        ));
    }
    lines.push(Line::default());
    if let Some(path) = &interview.record_path {
        lines.push(Line::styled(
            format!("Loop recorded in {}", path.display()),
            theme.muted(),
        ));
    }
    lines.push(either_key(
        SUMMARY_KEYS.key_of(Summary::Finish).unwrap_or_default(),
        "to finish",
        theme,
    ));
    Card::new(lines, 96, theme.title())
        .title(Span::styled(" Loop summary ", theme.title()))
        .padding(Padding::uniform(1))
        .wrapped()
        .render(buf, area);
}
