//! The answering screen: question, countdown, checklist, notes.

use std::time::Duration;

use ratatui::buffer::Buffer;

use crate::ui::widgets::Draw;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::keep::{self, Keep, PaneId};
use super::pane::Pane;
use super::theme::Theme;
use super::widgets::{bar_solid, draw_line, wrap_indented};
use super::{answer_layout, draw_notes, draw_status};
use crate::app::attempt::{Attempt, StepTime};
use crate::app::countdown::{TimeLeft, clock_face, clock_face_width, push_clock_face};
use crate::app::sound::Rec;
use crate::app::{ANSWERING_KEYS, Answering, App, Focus};
use crate::domain::framework::Framework;

pub fn draw(
    buf: &mut Buffer,
    keep: &mut Keep,
    app: &App,
    attempt: &Attempt,
    now: Duration,
    theme: Theme,
) {
    let area = buf.area;
    let [timer, panes, status, footer] = answer_layout(buf, keep, area, app, attempt, theme);
    draw_timer(buf, keep, timer, app, attempt, now, theme);

    let framework = app.catalog.frameworks.get(attempt.framework);
    let [checklist, notes] = super::split::sixty_forty(panes);
    draw_checklist(buf, keep, checklist, app, attempt, framework, now, theme);
    draw_notes(buf, keep, notes, attempt, app.focus == Focus::Notes, theme);
    draw_status(
        buf,
        keep,
        status,
        app,
        situation_warning(attempt, framework, now, theme),
        theme,
    );

    let other = app
        .catalog
        .frameworks
        .get(attempt.framework + 1)
        .name
        .as_str();
    let pause = if attempt.countdown.is_paused() {
        "resume"
    } else {
        "pause"
    };
    // The hints follow from the focus and the two words that change; on
    // this screen the notes box's keys are always the same ones.
    let typing = app.focus == Focus::Notes;
    let hints = || {
        if typing {
            app.notes_keys().footer_as_written()
        } else {
            ANSWERING_KEYS.footer(|action, text| {
                Some(match action {
                    Answering::Pause => pause,
                    Answering::Framework => other,
                    _ => text,
                })
            })
        }
    };
    super::draw_footer(buf, keep, &(typing, pause, other), hints, footer, theme);
}

/// The countdown box as it is to look, in the few numbers it is drawn
/// from: worked out before anything is drawn, so a frame in which it would
/// look the same keeps the last frame's without making its text.
#[derive(Hash)]
struct TimerBox {
    shows: TimerShows,
    badge: Option<Line<'static>>,
}

#[derive(Hash)]
enum TimerShows {
    /// Think time: whole seconds left, rounded up.
    Think { secs: u64 },
    /// The answer's countdown: the time shown, whether it is paused, and the
    /// bar's width and how many of its cells are solid.
    Answer {
        left: TimeLeft,
        paused: bool,
        bar: usize,
        solid: usize,
    },
}

fn draw_timer(
    buf: &mut Buffer,
    keep: &mut Keep,
    area: Rect,
    app: &App,
    attempt: &Attempt,
    now: Duration,
    theme: Theme,
) {
    let timer = timer_box(area.intersection(buf.area), app, attempt, now, theme);
    let key = keep::key(&(&timer, area, theme));
    keep.pane(buf, PaneId::Timer, key, area, |buf| {
        let (border, title) = match timer.shows {
            TimerShows::Think { .. } => (theme.title(), Span::styled(" Think ", theme.title())),
            TimerShows::Answer { paused, .. } => (
                if paused { theme.warn() } else { theme.muted() },
                Span::styled(" Time ", theme.muted()),
            ),
        };
        let inner = Pane::new(border).title(title).draw(area, buf);
        match timer.shows {
            TimerShows::Think { secs } => {
                buf.render_widget(Paragraph::new(think_time(secs, theme)), inner);
            }
            TimerShows::Answer {
                left,
                paused,
                bar,
                solid,
            } => draw_line(&countdown_line(left, paused, bar, solid, theme), inner, buf),
        }
        draw_badge(buf, area, timer.badge);
    });
}

fn timer_box(area: Rect, app: &App, attempt: &Attempt, now: Duration, theme: Theme) -> TimerBox {
    let badge = recording_badge(app, theme);
    let countdown = &attempt.countdown;
    if countdown.is_waiting(now) {
        let left = countdown.started().saturating_sub(now);
        let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        return TimerBox {
            shows: TimerShows::Think { secs },
            badge,
        };
    }
    let left = countdown.time_left(now);
    let paused = countdown.is_paused();
    let inner = Pane::new(theme.muted()).inner(area);
    let bar = usize::from(inner.width).saturating_sub(countdown_label_width(left, paused) + 1);
    // Overtime fills the bar again, in red: an alarm, not an empty gauge.
    let remaining_share = if countdown.is_over(now) {
        1.0
    } else {
        1.0 - countdown.ratio_used(now)
    };
    TimerBox {
        shows: TimerShows::Answer {
            left,
            paused,
            bar,
            solid: bar_solid(remaining_share, bar),
        },
        badge,
    }
}

/// " 1:42 left " and, when paused, the note that says so.
fn countdown_label(left: TimeLeft, paused: bool, theme: Theme) -> Vec<Span<'static>> {
    let style = theme.timer(left);
    let (face, caption) = match left {
        TimeLeft::Remaining(s) => (clock_face(s), "left"),
        TimeLeft::Overtime(s) => (format!("+{}", clock_face(s)), "over time"),
    };
    let mut label = vec![
        Span::styled(format!(" {face} "), style),
        Span::styled(format!("{caption} "), theme.muted()),
    ];
    if paused {
        label.push(Span::styled(PAUSED, theme.warn()));
    }
    label
}

const PAUSED: &str = "PAUSED (p resumes) ";

/// The columns `countdown_label` takes, worked out without making it.
fn countdown_label_width(left: TimeLeft, paused: bool) -> usize {
    let (face, caption) = match left {
        TimeLeft::Remaining(s) => (clock_face_width(s), "left"),
        TimeLeft::Overtime(s) => (1 + clock_face_width(s), "over time"),
    };
    face + 2 + caption.len() + 1 + if paused { PAUSED.len() } else { 0 }
}

/// The countdown's line: its label, then the bar.
fn countdown_line(
    left: TimeLeft,
    paused: bool,
    bar: usize,
    solid: usize,
    theme: Theme,
) -> Line<'static> {
    let mut spans = countdown_label(left, paused, theme);
    spans.push(Span::styled("█".repeat(solid), theme.timer(left)));
    spans.push(Span::styled("░".repeat(bar - solid), theme.muted()));
    Line::from(spans)
}

/// Cells of the level meter.
const METER_CELLS: usize = 8;

/// The recording light `recording_badge` makes, on the top border of the
/// timer box `area`, right-aligned.
pub(super) fn draw_badge(buf: &mut Buffer, area: Rect, badge: Option<Line<'static>>) {
    if let Some(badge) = badge {
        // Inside the corners, as a border title would be.
        let top = Rect::new(area.x + 1, area.y, area.width.saturating_sub(2), 1);
        buf.render_widget(Paragraph::new(badge.right_aligned()), top);
    }
}

/// `R` and a level meter while the answer is being recorded; `R` and why
/// not otherwise, whenever recording is on.
pub(super) fn recording_badge(app: &App, theme: Theme) -> Option<Line<'static>> {
    if !app.settings.record {
        return None;
    }
    let rec = app.live_rec()?;
    let spans = match (rec, app.meter()) {
        (_, Some(level)) => {
            let filled =
                ((level.clamp(0.0, 1.0) * METER_CELLS as f32).round() as usize).min(METER_CELLS);
            vec![
                Span::styled(" R ", theme.danger()),
                Span::styled("█".repeat(filled), theme.ok()),
                Span::styled("░".repeat(METER_CELLS - filled), theme.muted()),
                Span::raw(" "),
            ]
        }
        (Rec::On { .. }, None) => vec![
            Span::styled(" R ", theme.warn()),
            Span::styled("paused ", theme.muted()),
        ],
        (Rec::Waiting, _) => vec![
            Span::styled(" R ", theme.muted()),
            Span::styled("from the answer ", theme.muted()),
        ],
        (Rec::Off | Rec::Saved { .. }, _) => vec![Span::styled(" R off ", theme.warn())],
    };
    Some(Line::from(spans))
}

const CHECKLIST_MAX_WIDTH: usize = 72;

fn think_time(secs: u64, theme: Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!(" {} ", clock_face(secs)), theme.title()),
        Span::styled("to pick your story and its principle · ", theme.muted()),
        Span::styled("Space", theme.key()),
        Span::styled(" starts the answer", theme.muted()),
    ])
}

#[allow(clippy::too_many_arguments)]
fn draw_checklist(
    buf: &mut Buffer,
    keep: &mut Keep,
    area: Rect,
    app: &App,
    attempt: &Attempt,
    framework: &Framework,
    now: Duration,
    theme: Theme,
) {
    let focused = app.focus == Focus::Checklist;
    let steps = framework.steps.len();
    let ticked = attempt.ticked_count(steps);
    let title = Line::from(vec![
        Span::styled([" ", &framework.name, " "].concat(), theme.title()),
        Span::styled(
            [
                itoa::Buffer::new().format(ticked),
                "/",
                itoa::Buffer::new().format(steps),
                " ",
            ]
            .concat(),
            theme.muted(),
        ),
    ]);
    let inner = Pane::new(theme.border(focused)).title(title).draw_keeping(
        area,
        buf,
        keep,
        PaneId::ChecklistEdge,
    );
    let times = attempt.step_times(steps, now);
    // On wide screens the times stay near the step names instead of drifting
    // to the far edge.
    let hint_width = usize::from(inner.width).min(CHECKLIST_MAX_WIDTH);
    let hints: Vec<_> = framework
        .steps
        .iter()
        .map(|step| keep.wrapped(&step.hint, hint_width.saturating_sub(1), "      "))
        .collect();
    // When every hint does not fit, only the step being spoken keeps its hint;
    // in a very short pane not even that, so every step stays visible.
    let rows = usize::from(inner.height);
    let all_fit = steps + hints.iter().map(|h| h.len()).sum::<usize>() <= rows;
    let current_hint = times
        .iter()
        .position(|t| matches!(t, StepTime::Current { .. }))
        .map_or(0, |i| hints[i].len());
    let current_fits = steps + current_hint <= rows;
    // Row by row, each kept while what it shows is the same: a tick redraws
    // the step ticked and the one after it, not the list.
    let mut rows = Rows {
        keep,
        buf,
        area: inner,
        next: 0,
    };
    for (index, (step, &time)) in framework.steps.iter().zip(&times).enumerate() {
        let current = matches!(time, StepTime::Current { .. });
        let row = StepRow {
            index,
            name: &step.name,
            time: time.whole_seconds(),
            target_secs: step.target_secs,
            hint_width,
            theme,
        };
        rows.put_drawn(&row, |buf, rect| row.draw(rect, buf));
        if all_fit || (current && current_fits) {
            for hint in hints[index].iter() {
                rows.put(&(hint, theme), || {
                    Line::styled(hint.as_str(), theme.muted())
                });
            }
        }
    }
    // The candidate's prepared stories that prove this question's principles.
    if !app.catalog.stories.stories.is_empty() && rows.next + 2 < inner.height {
        let mut lines = vec![Line::default()];
        let matching = app.stories_for_question();
        let motivation = app
            .attempt()
            .is_some_and(|a| app.catalog.bank.get(a.question).principles.is_empty());
        if motivation {
            lines.push(Line::styled(
                " Not a principle question: your own why, in your own words.",
                theme.muted(),
            ));
        } else if matching.is_empty() {
            lines.push(Line::styled(
                " No story of yours proves this yet.",
                theme.warn(),
            ));
        } else {
            let titles: Vec<&str> = matching.iter().map(|s| s.title.as_str()).collect();
            let text = format!("Your stories: {}", titles.join(" · "));
            lines.extend(
                wrap_indented(&text, hint_width.saturating_sub(1), " ")
                    .into_iter()
                    .map(|l| Line::styled(l, theme.principle())),
            );
        }
        for line in lines {
            rows.put(&line, || line.clone());
        }
    }
    rows.blank_rest();
}

/// The checklist's rows, drawn one after another from the top, each a pane
/// of its own kept while the inputs it is drawn from are the same.
struct Rows<'k, 'b> {
    keep: &'k mut Keep,
    buf: &'b mut Buffer,
    area: Rect,
    /// The next row to draw, from the top of `area`.
    next: u16,
}

impl Rows<'_, '_> {
    /// Draws the next row, the line `line` makes, unless the last frame drew
    /// it from the same `inputs`; past the bottom, nothing.
    fn put<'a>(&mut self, inputs: &impl std::hash::Hash, line: impl FnOnce() -> Line<'a>) {
        self.put_drawn(inputs, |buf, row| draw_line(&line(), row, buf));
    }

    /// Draws the next row with `draw`, given the row, unless the last frame
    /// drew it from the same `inputs`; past the bottom, nothing.
    fn put_drawn(&mut self, inputs: &impl std::hash::Hash, draw: impl FnOnce(&mut Buffer, Rect)) {
        if self.next >= self.area.height {
            return;
        }
        let row = Rect::new(self.area.x, self.area.y + self.next, self.area.width, 1);
        let key = keep::key(&(inputs, row));
        self.keep
            .pane(self.buf, PaneId::ChecklistRow(self.next), key, row, |buf| {
                draw(buf, row);
            });
        self.next += 1;
    }

    /// The rows left, blank.
    fn blank_rest(&mut self) {
        while self.next < self.area.height {
            self.put(&(), Line::default);
        }
    }
}

/// A step's row as it is shown: its key is everything drawing it reads.
#[derive(Hash)]
struct StepRow<'a> {
    index: usize,
    name: &'a str,
    /// To the whole second, as shown.
    time: StepTime,
    target_secs: u64,
    hint_width: usize,
    theme: Theme,
}

impl StepRow<'_> {
    /// Pointer, tick box, number, name, and the step's times, the gap
    /// between them as spaces.
    #[cfg(test)]
    fn line(&self) -> Line<'static> {
        let (left, gap, right) = self.parts();
        joined(left, gap, right)
    }

    /// The step's pointer, tick box, number and name; how many columns
    /// apart; the step's times.
    fn parts(&self) -> (Line<'static>, usize, Line<'static>) {
        let theme = self.theme;
        let current = matches!(self.time, StepTime::Current { .. });
        let (mark, mark_style) = match self.time {
            StepTime::Done { .. } => ("[x]", theme.ok()),
            _ => ("[ ]", theme.text()),
        };
        let pointer = if current { "▸ " } else { "  " };
        let name_style = if current { theme.title() } else { theme.text() };
        let left = Line::from(vec![
            Span::styled(pointer, theme.title()),
            Span::styled(mark, mark_style),
            Span::styled(
                [" ", itoa::Buffer::new().format(self.index + 1), " "].concat(),
                theme.key(),
            ),
            Span::styled(self.name.to_string(), name_style),
        ]);
        let right = Line::from(step_time_spans(self.time, self.target_secs, theme));
        let gap = self
            .hint_width
            .saturating_sub(left.width() + right.width())
            .max(1);
        (left, gap, right)
    }

    /// Draws the row on `row`, blank before: as its `line` would be drawn,
    /// but the gap (most of the row) is left blank rather than written
    /// space by space.
    fn draw(&self, row: Rect, buf: &mut Buffer) {
        let (left, gap, right) = self.parts();
        let right_x = left.width() + gap;
        if right_x + right.width() > usize::from(row.width) {
            // Cut at the row's end, as a line is.
            draw_line(&joined(left, gap, right), row, buf);
            return;
        }
        draw_line(&left, row, buf);
        let right_x = row.x + right_x as u16;
        let right_row = Rect {
            x: right_x,
            width: row.right() - right_x,
            ..row
        };
        draw_line(&right, right_row, buf);
    }
}

/// `left`, `gap` spaces, then `right`, as one line.
fn joined(left: Line<'static>, gap: usize, right: Line<'static>) -> Line<'static> {
    let mut spans = left.spans;
    spans.push(Span::raw(" ".repeat(gap)));
    spans.extend(right.spans);
    Line::from(spans)
}

/// "at 0:25 · 0:25/0:30" for a ticked step, the running time for the current one.
fn step_time_spans(time: StepTime, target_secs: u64, theme: Theme) -> Vec<Span<'static>> {
    // Written piece by piece: this runs on the key that ticks a step.
    let face = |before: &str, secs: u64, after: &str| {
        let mut text = String::with_capacity(before.len() + 8 + after.len());
        text.push_str(before);
        push_clock_face(&mut text, secs);
        text.push_str(after);
        text
    };
    let over = |d: Duration| d.as_secs() > target_secs;
    match time {
        StepTime::Done { at, took } => vec![
            Span::styled(face("at ", at.as_secs(), " · "), theme.muted()),
            Span::styled(
                clock_face(took.as_secs()),
                if over(took) { theme.warn() } else { theme.ok() },
            ),
            Span::styled(face("/", target_secs, ""), theme.muted()),
        ],
        StepTime::Current { running } => vec![
            Span::styled(
                clock_face(running.as_secs()),
                if over(running) {
                    theme.danger()
                } else {
                    theme.title()
                },
            ),
            Span::styled(face("/", target_secs, ""), theme.muted()),
        ],
        StepTime::Pending => vec![Span::styled(face("~", target_secs, ""), theme.muted())],
    }
}

/// The seeds' most common mistake: a Situation that runs past 30 seconds
/// (the step's `warn_after_secs`, later than its target).
pub fn situation_warning(
    attempt: &Attempt,
    framework: &Framework,
    now: Duration,
    theme: Theme,
) -> Option<Line<'static>> {
    let step = framework.steps.first()?;
    let spent = attempt
        .step_times(framework.steps.len(), now)
        .first()?
        .spent()?;
    let limit = step.warn_after();
    if spent.as_secs() <= limit {
        return None;
    }
    let running = attempt.ticks[0].is_none();
    let text = if running {
        format!(
            " ⚠ {} at {}, past {}: move on.",
            step.name,
            clock_face(spent.as_secs()),
            clock_face(limit)
        )
    } else {
        format!(
            " ⚠ {} ran {}, past {}: set the scene faster next time.",
            step.name,
            clock_face(spent.as_secs()),
            clock_face(limit)
        )
    };
    Some(Line::styled(text, theme.warn()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The countdown's label is as wide as worked out before it is made
    /// (the bar fills what is left).
    #[test]
    fn the_countdown_label_is_as_wide_as_worked_out() {
        for secs in [0, 5, 59, 60, 119, 600, 6000] {
            for left in [TimeLeft::Remaining(secs), TimeLeft::Overtime(secs)] {
                for paused in [false, true] {
                    let label = countdown_label(left, paused, Theme::COLOR);
                    assert_eq!(
                        Line::from(label).width(),
                        countdown_label_width(left, paused),
                        "{left:?} {paused}"
                    );
                }
            }
        }
    }

    /// A step's row drawn in parts, its gap left blank, is its line drawn
    /// whole on a blank row, at every width, cut ones too.
    #[test]
    fn a_step_row_drawn_in_parts_is_its_line() {
        let secs = Duration::from_secs;
        let times = [
            StepTime::Done {
                at: secs(75),
                took: secs(40),
            },
            StepTime::Current { running: secs(12) },
            StepTime::Pending,
        ];
        for (time, name) in times.into_iter().zip(["Situation", "Action", "Résumé 面"]) {
            for theme in [Theme::COLOR, Theme::MONO] {
                for (width, hint_width) in
                    (0..60u16).flat_map(|w| [(w, usize::from(w)), (w, 40), (w, 72)])
                {
                    let row = StepRow {
                        index: 2,
                        name,
                        time,
                        target_secs: 30,
                        hint_width,
                        theme,
                    };
                    let area = Rect::new(0, 0, width + 4, 2);
                    let at = Rect::new(2, 1, width, 1);
                    let (mut whole, mut parts) = (Buffer::empty(area), Buffer::empty(area));
                    draw_line(&row.line(), at, &mut whole);
                    row.draw(at, &mut parts);
                    assert_eq!(parts, whole, "{time:?} {width} {hint_width}");
                }
            }
        }
    }
}
