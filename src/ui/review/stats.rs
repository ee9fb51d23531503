//! The stats tab, also printed as plain text by `stardrill stats`: the same
//! lines, so the two never disagree.

use chrono::{Datelike, Duration};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;

use super::list::fit;
use super::{mmss, thousands};
use crate::app::review::Review;
use crate::domain::delivery::COMFORTABLE_WPM;
use crate::domain::history::SITUATION_TARGET_SECS;
use crate::domain::stats::{Stats, TREND_WEEKS, Week, monday_of};
use crate::ui::theme::Theme;
use crate::ui::widgets::Draw;

/// From this width the table and the calendar sit side by side.
const TWO_COLUMNS: u16 = 120;
const TABLE_WIDTH: u16 = 72;

pub fn draw(buf: &mut Buffer, area: Rect, review: &Review, theme: Theme) {
    let stats = &review.stats;
    let scroll = review.stats_scroll;
    if area.width >= TWO_COLUMNS {
        let [left, right] =
            Layout::horizontal([Constraint::Length(TABLE_WIDTH), Constraint::Fill(1)])
                .spacing(2)
                .areas(area);
        let mut l = summary_lines(stats, left.width, theme);
        l.push(Line::default());
        l.extend(table_lines(stats, left.width, theme));
        let weeks = usize::from(right.width.saturating_sub(5)).min(52);
        let mut r = calendar_lines(stats, weeks, theme);
        r.push(Line::default());
        r.extend(trend_lines(stats, right.width, theme));
        r.extend(delivery_lines(stats, right.width, theme));
        r.extend(cue_lines(stats, right.width, theme));
        let longest = l.len().max(r.len()) as u16;
        let scroll = scroll.min(longest.saturating_sub(area.height));
        buf.render_widget(Paragraph::new(Text::from(l)).scroll((scroll, 0)), left);
        buf.render_widget(Paragraph::new(Text::from(r)).scroll((scroll, 0)), right);
    } else {
        let lines = report_lines(stats, area.width, theme);
        let max = (lines.len() as u16).saturating_sub(area.height);
        buf.render_widget(
            Paragraph::new(Text::from(lines)).scroll((scroll.min(max), 0)),
            area,
        );
    }
}

/// Everything, one section under the other, for a given width.
pub fn report_lines(stats: &Stats, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = summary_lines(stats, width, theme);
    lines.push(Line::default());
    lines.extend(table_lines(stats, width, theme));
    lines.push(Line::default());
    let weeks = usize::from(width.saturating_sub(5)).min(52);
    lines.extend(calendar_lines(stats, weeks, theme));
    lines.push(Line::default());
    lines.extend(trend_lines(stats, width, theme));
    lines.extend(delivery_lines(stats, width, theme));
    lines.extend(cue_lines(stats, width, theme));
    lines
}

/// Plain text of the report, for a pipe: trailing spaces trimmed.
pub fn report_text(stats: &Stats, width: u16) -> String {
    let mut out = String::new();
    for line in report_lines(stats, width, Theme::MONO) {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

fn summary_lines(stats: &Stats, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let mut first = vec![Span::styled(super::sessions(stats.sessions), theme.title())];
    if let Some(avg) = stats.avg_rating {
        first.push(Span::styled(
            format!(" · {} rated, average {avg:.1}", thousands(stats.rated)),
            theme.text(),
        ));
    }
    first.push(Span::styled(
        format!(" · as of {}", stats.today),
        theme.muted(),
    ));
    let mut lines = vec![Line::from(first)];
    let never: Vec<&str> = stats.never_practised().map(|p| p.name.as_str()).collect();
    if !never.is_empty() {
        let text = format!("Never practised ({}): {}", never.len(), never.join(" · "));
        lines.extend(wrapped(&text, width, "", theme.warn()));
    }
    lines
}

fn table_lines(stats: &Stats, width: u16, theme: Theme) -> Vec<Line<'static>> {
    // Attempts 8, last 11, rating 7, time 9, over 6, plus the marker column.
    let name_w = usize::from(width.min(TABLE_WIDTH))
        .saturating_sub(2 + 8 + 11 + 7 + 9 + 6)
        .max(12);
    let mut lines = vec![Line::styled(
        format!(
            "  {}{:>8}{:>11}{:>7}{:>9}{:>6}",
            fit("Principle", name_w),
            "Attempts",
            "Last",
            "Rating",
            "Time",
            "Over"
        ),
        theme.muted(),
    )];
    for p in &stats.principles {
        if p.never_practised() {
            lines.push(Line::from(vec![
                Span::styled("! ", theme.warn()),
                Span::styled(fit(&p.name, name_w), theme.warn()),
                Span::styled(format!("{:>8}{:>11}", 0, "never"), theme.warn()),
            ]));
            continue;
        }
        let rating = p.avg_rating.map_or("–".into(), |r| format!("{r:.1}"));
        let time = p.avg_answer_secs.map_or("–".into(), mmss);
        let over = p
            .overrun_share
            .map_or("–".into(), |s| format!("{:.0}%", s * 100.0));
        let last = p
            .last
            .map_or("–".into(), |d| d.format("%Y-%m-%d").to_string());
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(fit(&p.name, name_w), theme.principle()),
            Span::styled(format!("{:>8}", p.attempts), theme.text()),
            Span::styled(format!("{last:>11}"), theme.muted()),
            Span::styled(format!("{rating:>7}"), theme.text()),
            Span::styled(format!("{time:>9}"), theme.text()),
            Span::styled(
                format!("{over:>6}"),
                if p.overrun_share.unwrap_or(0.0) > 0.5 {
                    theme.warn()
                } else {
                    theme.text()
                },
            ),
        ]));
    }
    lines
}

const SHADES: [char; 5] = ['·', '░', '▒', '▓', '█'];

/// A heat map: a column per week, a row per weekday, ending with this week.
fn calendar_lines(stats: &Stats, weeks: usize, theme: Theme) -> Vec<Line<'static>> {
    let weeks = weeks.max(4);
    let this_monday = monday_of(stats.today);
    let first = this_monday - Duration::weeks(weeks as i64 - 1);
    let mut lines = vec![Line::styled(
        format!("Practice days, last {weeks} weeks"),
        theme.title(),
    )];
    // Month names above the week where each month starts.
    let mut months = vec![' '; weeks + 4];
    let mut free_from = 0;
    for w in 0..weeks {
        let monday = first + Duration::weeks(w as i64);
        let starts_month = monday.day() <= 7;
        if starts_month && w + 4 >= free_from && w + 4 + 3 <= months.len() {
            for (i, c) in monday.format("%b").to_string().chars().enumerate() {
                months[w + 4 + i] = c;
            }
            free_from = w + 4 + 4;
        }
    }
    lines.push(Line::styled(
        months
            .into_iter()
            .collect::<String>()
            .trim_end()
            .to_string(),
        theme.muted(),
    ));
    for (row, name) in ["Mon", "", "Wed", "", "Fri", "", "Sun"].iter().enumerate() {
        let mut spans = vec![Span::styled(format!("{name:<4}"), theme.muted())];
        for w in 0..weeks {
            let day = first + Duration::days(w as i64 * 7 + row as i64);
            if day > stats.today {
                spans.push(Span::raw(" "));
                continue;
            }
            let n = stats.days.get(&day).copied().unwrap_or(0) as usize;
            let shade = SHADES[n.min(SHADES.len() - 1)];
            spans.push(Span::styled(
                shade.to_string(),
                if n == 0 { theme.muted() } else { theme.ok() },
            ));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::styled(
        "    sessions a day: · 0  ░ 1  ▒ 2  ▓ 3  █ 4+",
        theme.muted(),
    ));
    let in_range = stats.days.range(first..=stats.today).count();
    lines.push(Line::from(vec![
        Span::styled(
            format!("Current streak {} ", days(stats.current_streak)),
            if stats.current_streak > 0 {
                theme.ok()
            } else {
                theme.warn()
            },
        ),
        Span::styled(
            format!("· longest {}", days(stats.longest_streak)),
            theme.text(),
        ),
    ]));
    lines.push(Line::styled(
        format!("{} practice days in these weeks", in_range),
        theme.muted(),
    ));
    lines
}

fn days(n: u32) -> String {
    format!("{n} day{}", if n == 1 { "" } else { "s" })
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

fn spark(value: Option<f64>, low: f64, high: f64) -> char {
    match value {
        None => ' ',
        Some(v) => {
            let level = ((v - low) / (high - low) * (BARS.len() - 1) as f64).round();
            BARS[(level.max(0.0) as usize).min(BARS.len() - 1)]
        }
    }
}

/// The weeks a trend row has room for at `width`, oldest first.
fn shown_weeks(stats: &Stats, width: u16) -> &[Week] {
    let shown = usize::from(width.saturating_sub(8)).min(TREND_WEEKS);
    &stats.weeks[TREND_WEEKS - shown..]
}

/// One bar a week, indented, each styled by its value.
fn week_bars(
    weeks: &[Week],
    value: impl Fn(&Week) -> Option<f64>,
    (low, high): (f64, f64),
    style: impl Fn(Option<f64>) -> Style,
    theme: Theme,
) -> Line<'static> {
    let mut spans = vec![Span::styled("    ", theme.muted())];
    spans.extend(weeks.iter().map(|w| {
        let v = value(w);
        Span::styled(spark(v, low, high).to_string(), style(v))
    }));
    Line::from(spans)
}

/// The average over the last four weeks that have a value.
fn last_four_weeks(weeks: &[Week], value: impl Fn(&Week) -> Option<f64>) -> Option<f64> {
    let recent: Vec<f64> = weeks.iter().rev().take(4).filter_map(value).collect();
    (!recent.is_empty()).then(|| recent.iter().sum::<f64>() / recent.len() as f64)
}

/// `text` wrapped to `width` (at least 20) under `indent`, in one style.
fn wrapped(
    text: &str,
    width: u16,
    indent: &str,
    style: Style,
) -> impl Iterator<Item = Line<'static>> + use<> {
    crate::ui::widgets::wrap_indented(text, usize::from(width.max(20)), indent)
        .into_iter()
        .map(move |l| Line::styled(l, style))
}

/// Weekly rating and Situation time, oldest week on the left.
fn trend_lines(stats: &Stats, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let weeks = shown_weeks(stats, width);
    let shown = weeks.len();
    let mut lines = vec![Line::styled(
        format!("Rating by week, last {shown} weeks"),
        theme.title(),
    )];
    let rating: String = weeks
        .iter()
        .map(|w| spark(w.avg_rating, 1.0, 5.0))
        .collect();
    lines.push(Line::from(vec![
        Span::styled("    ", theme.muted()),
        Span::styled(rating, theme.warn()),
    ]));
    let overall = stats.avg_rating.map_or("–".into(), |r| format!("{r:.1}"));
    let last4 =
        last_four_weeks(weeks, |w| w.avg_rating).map_or("–".into(), |r| format!("{r:.1}"));
    lines.push(Line::styled(
        format!("    last 4 weeks {last4} · all time {overall}"),
        theme.muted(),
    ));
    lines.push(Line::default());
    lines.push(Line::styled(
        format!("Situation time by week (target {SITUATION_TARGET_SECS:.0} s)"),
        theme.title(),
    ));
    // Bars run 0 to 60 s, so the target sits mid-height; weeks over it are marked.
    lines.push(week_bars(
        weeks,
        |w| w.avg_situation_secs,
        (0.0, 2.0 * SITUATION_TARGET_SECS),
        |v| {
            if v.is_some_and(|t| t > SITUATION_TARGET_SECS) {
                theme.danger()
            } else {
                theme.ok()
            }
        },
        theme,
    ));
    let over_weeks = weeks
        .iter()
        .filter(|w| {
            w.avg_situation_secs
                .is_some_and(|t| t > SITUATION_TARGET_SECS)
        })
        .count();
    let summary = match stats.avg_situation_secs {
        Some(avg) => format!(
            "    average {avg:.0} s · {}% of {} timed Situations within 30 s · {over_weeks} week{} over",
            (stats.situation_within * 100)
                .checked_div(stats.situation_timed)
                .unwrap_or(0),
            thousands(stats.situation_timed),
            if over_weeks == 1 { "" } else { "s" },
        ),
        None => "    no Situation step ticked yet".into(),
    };
    lines.extend(wrapped(&summary, width, "    ", theme.muted()));
    lines
}

/// How the recorded answers were said, summed, and the pace by week; nothing
/// when no answer was recorded.
fn delivery_lines(stats: &Stats, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let t = &stats.delivery;
    if t.answers == 0 {
        return Vec::new();
    }
    let wrap = |text: String, style| wrapped(&text, width, "    ", style);
    let (low, high) = (*COMFORTABLE_WPM.start(), *COMFORTABLE_WPM.end());
    let mut lines = vec![
        Line::default(),
        Line::styled(
            format!(
                "Delivery of {} recorded answer{}",
                thousands(t.answers),
                if t.answers == 1 { "" } else { "s" }
            ),
            theme.title(),
        ),
    ];
    let share = if t.audio_secs > 0.0 {
        format!(" ({:.0}%)", t.speaking_secs / t.audio_secs * 100.0)
    } else {
        String::new()
    };
    let pace = match t.avg_wpm {
        Some(wpm) => format!(
            " · about {wpm:.0} wpm on average, {} of {} in {low:.0}–{high:.0}",
            thousands(t.comfortable),
            thousands(t.paced)
        ),
        None => String::new(),
    };
    lines.extend(wrap(
        format!(
            "spoke {} of {}{share}{pace}",
            mmss(t.speaking_secs),
            mmss(t.audio_secs)
        ),
        theme.text(),
    ));
    let first = t.avg_first_word_secs.map_or(String::new(), |f| {
        format!("first word after {f:.1} s on average · ")
    });
    lines.extend(wrap(
        format!(
            "{first}{} long pause{} (2 s or more), {} in all",
            thousands(t.long_pauses),
            if t.long_pauses == 1 { "" } else { "s" },
            mmss(t.long_pause_secs)
        ),
        theme.muted(),
    ));
    let weeks = shown_weeks(stats, width);
    lines.push(Line::default());
    lines.push(Line::styled(
        format!("Speech rate by week (comfortable {low:.0}–{high:.0} wpm)"),
        theme.title(),
    ));
    // Bars run 90 to 210 wpm, so the comfortable range sits mid-height.
    lines.push(week_bars(
        weeks,
        |w| w.avg_wpm,
        (90.0, 210.0),
        |v| {
            if v.is_some_and(|r| !COMFORTABLE_WPM.contains(&r)) {
                theme.warn()
            } else {
                theme.ok()
            }
        },
        theme,
    ));
    let last4 =
        last_four_weeks(weeks, |w| w.avg_wpm).map_or("–".into(), |r| format!("{r:.0} wpm"));
    let overall = t.avg_wpm.map_or("–".into(), |r| format!("{r:.0} wpm"));
    lines.push(Line::styled(
        format!("    last 4 weeks {last4} · all time {overall}"),
        theme.muted(),
    ));
    lines
}

/// What the transcribed answers said, summed, and the share of "I" and the
/// fillers by week; nothing when no answer has a transcript.
fn cue_lines(stats: &Stats, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let t = &stats.cues;
    if t.answers == 0 {
        return Vec::new();
    }
    let wrap = |text: String, style| wrapped(&text, width, "    ", style);
    let plural = |n: usize, one: &str, many: &str| {
        format!("{} {}", thousands(n), if n == 1 { one } else { many })
    };
    let mut lines = vec![
        Line::default(),
        Line::styled(
            format!(
                "What was said in {}",
                plural(t.answers, "transcribed answer", "transcribed answers")
            ),
            theme.title(),
        ),
    ];
    let voice = if t.i + t.we > 0 {
        format!(
            " · \"I\" {:.0}% of \"I\" and \"we\"",
            t.i as f64 / (t.i + t.we) as f64 * 100.0
        )
    } else {
        String::new()
    };
    let pace = t
        .avg_wpm
        .map_or(String::new(), |w| format!(" · about {w:.0} wpm"));
    lines.extend(wrap(
        format!("{}{voice}{pace}", plural(t.words, "word", "words")),
        theme.text(),
    ));
    let fillers = match t.fillers_per_min() {
        Some(f) => format!("{f:.1} fillers a minute (at least)"),
        None => plural(t.fillers, "filler", "fillers"),
    };
    lines.extend(wrap(
        format!(
            "Result quantified in {} of {} · {} led by \"we\" · {fillers} · {}",
            thousands(t.quantified),
            thousands(t.results),
            plural(t.we_in_action, "Action", "Actions"),
            plural(t.hedges, "hedge", "hedges"),
        ),
        theme.muted(),
    ));
    let weeks = shown_weeks(stats, width);
    let row = |value: fn(&Week) -> Option<f64>, low, high, good: fn(f64) -> bool| {
        let style = |v: Option<f64>| {
            if v.is_some_and(good) {
                theme.ok()
            } else {
                theme.warn()
            }
        };
        week_bars(weeks, value, (low, high), style, theme)
    };
    lines.push(Line::default());
    lines.push(Line::styled(
        "Share of \"I\" by week (of \"I\" and \"we\")",
        theme.title(),
    ));
    lines.push(row(|w| w.i_share, 0.0, 1.0, |v| v > 0.5));
    lines.push(Line::styled(
        "Fillers a minute by week (at least)",
        theme.title(),
    ));
    lines.push(row(|w| w.fillers_per_min, 0.0, 10.0, |v| v <= 3.0));
    lines
}
