//! `stardrill export`: past sessions as a Markdown journal, CSV (one row per
//! session) or JSON (an array of records with the log files' fields).
//! Sessions come oldest first, as a journal reads. Delivery figures and the
//! cues read from transcripts are exported; recordings never are, nor their
//! file names, nor the transcripts' words.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::review::{catalogue, open_data_dir};
use super::{fail, output};
use crate::domain::cues::{CueSummary, Cues, StepRole};
use crate::domain::delivery::Delivery;
use crate::domain::history::{History, Session};
use crate::domain::principles::Principles;
use crate::domain::query::Query;
use crate::domain::session::{RATING_LABELS, RUBRIC_ITEMS};
use crate::domain::text::spreadsheet_safe;
use crate::storage::atomic::replace_atomic_with;
use crate::storage::paths::DATA_DIR_ENV;
use crate::storage::{history, transcripts};
use crate::ui::delivery::short_secs;
use crate::ui::review::mmss;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Markdown,
    Csv,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub format: Format,
    /// Only sessions on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<NaiveDate>,
    /// Only sessions on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<NaiveDate>,
    /// Only sessions whose question tests this principle (slug or name); repeat for several.
    #[arg(long = "principle", short = 'p', value_name = "PRINCIPLE")]
    pub principles: Vec<String>,
    /// Write to this file instead of standard output (a new file: an existing
    /// one, or a link, is left alone unless --force).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With -o, replace FILE if it exists (a link is replaced, never followed).
    #[arg(long, requires = "output")]
    pub force: bool,
    /// Where session logs are kept [default: the platform data dir].
    #[arg(long, value_name = "PATH", env = DATA_DIR_ENV)]
    pub data_dir: Option<PathBuf>,
}

pub fn export(args: ExportArgs) -> ExitCode {
    let catalogue = match catalogue() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut principles = Vec::new();
    for name in &args.principles {
        match catalogue.find(name) {
            Some(p) => principles.push(p.slug.clone()),
            None => {
                let hint = catalogue
                    .suggest(name)
                    .map(|s| format!(" (did you mean {s:?}?)"))
                    .unwrap_or_default();
                return fail(format!("unknown principle {name:?} for --principle{hint}"));
            }
        }
    }
    if let (Some(s), Some(u)) = (args.since, args.until)
        && s > u
    {
        return fail(format!("--since {s} is after --until {u}"));
    }
    let listing = match open_data_dir(args.data_dir) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut loaded = history::load(&listing, &|_| {});
    for line in transcripts::attach_cues(&listing.data_dir, &mut loaded.history) {
        output::error(&format!("stardrill: transcript left out: {line}"));
    }
    let query = Query {
        since: args.since,
        until: args.until,
        principles,
        ..Query::default()
    };
    // Oldest first, as a journal reads.
    let sessions: Vec<&Session> = query.select(&loaded.history).rev().collect();
    if !loaded.skipped.is_empty() {
        output::error(&format!(
            "stardrill: {} file(s) skipped; `stardrill review --check` lists them",
            loaded.skipped.len()
        ));
    }
    let history = &loaded.history;
    let mut write =
        |out: &mut dyn Write| write_export(out, args.format, history, &sessions, &catalogue);
    let Some(path) = &args.output else {
        let mut out = io::BufWriter::new(output::data_out());
        return match write(&mut out).and_then(|()| out.flush()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => output::stopped(e),
        };
    };
    if !args.force
        && let Some(why) = taken(path)
    {
        return fail(format!(
            "{} {why}; it was left alone (choose another name, or pass --force to replace it)",
            path.display()
        ));
    }
    match write_file(path, &mut write) {
        Ok(()) => {
            output::error(&format!(
                "stardrill: {} session(s) written to {}",
                sessions.len(),
                path.display()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("could not write {}: {e}", path.display())),
    }
}

/// Why `path` is not free for a new export: something is there already.
fn taken(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    Some(if meta.file_type().is_symlink() {
        match std::fs::read_link(path) {
            Ok(to) => format!("is a symbolic link to {}", to.display()),
            Err(_) => "is a symbolic link".to_string(),
        }
    } else {
        "already exists".to_string()
    })
}

/// Writes through the atomic writer, so a reader never sees half an export.
fn write_file(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name",
        ));
    };
    replace_atomic_with(dir, name, write)
}

/// The export as a string (for tests and small exports).
pub fn render(
    format: Format,
    history: &History,
    sessions: &[&Session],
    catalogue: &Principles,
) -> io::Result<String> {
    let mut out = Vec::new();
    write_export(&mut out, format, history, sessions, catalogue)?;
    String::from_utf8(out).map_err(io::Error::other)
}

/// Writes the export, one session at a time, so 100,000 sessions never sit
/// in memory twice.
pub fn write_export(
    out: &mut dyn Write,
    format: Format,
    history: &History,
    sessions: &[&Session],
    catalogue: &Principles,
) -> io::Result<()> {
    match format {
        Format::Markdown => markdown(out, history, sessions, catalogue),
        Format::Csv => csv(out, history, sessions),
        Format::Json => {
            let logs = JsonLogs { history, sessions };
            serde_json::to_writer_pretty(&mut *out, &logs)?;
            out.write_all(b"\n")
        }
    }
}

/// Serialises sessions as log records lazily, one at a time.
struct JsonLogs<'a> {
    history: &'a History,
    sessions: &'a [&'a Session],
}

/// A session's record in JSON: its log's fields, and its cues when it has a transcript.
#[derive(serde::Serialize)]
struct JsonRecord {
    #[serde(flatten)]
    log: crate::domain::session::SessionLog,
    #[serde(skip_serializing_if = "Option::is_none")]
    cues: Option<JsonCues>,
}

/// The cue figures, the numbers said in the Result and the flags raised.
#[derive(serde::Serialize)]
struct JsonCues {
    #[serde(flatten)]
    summary: CueSummary,
    result_numbers_said: Vec<String>,
    flag_notes: Vec<String>,
}

impl JsonCues {
    fn of(cues: &Cues) -> Self {
        Self {
            summary: cues.summary(),
            result_numbers_said: result_numbers(cues),
            flag_notes: cues.flags().iter().map(ToString::to_string).collect(),
        }
    }
}

/// The numbers said in the Result (Impact) step.
fn result_numbers(cues: &Cues) -> Vec<String> {
    cues.steps
        .iter()
        .filter(|s| s.role == StepRole::Result)
        .flat_map(|s| s.text.numbers.iter().cloned())
        .collect()
}

impl serde::Serialize for JsonLogs<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.sessions.iter().map(|s| {
            let mut log = self.history.to_log(s);
            // The figures go out; what names the recording stays home.
            log.audio = None;
            for probe in &mut log.probes {
                probe.audio = None;
            }
            JsonRecord {
                log,
                cues: s.cues.as_deref().map(JsonCues::of),
            }
        }))
    }
}

fn step_summary(history: &History, s: &Session) -> String {
    s.steps
        .iter()
        .zip(s.step_times())
        .map(|(st, took)| {
            let name = history.str(st.name);
            let target = mmss(st.target_secs as f64);
            match took {
                Some(t) if t.round() > st.target_secs as f64 => {
                    format!("{name} {} / {target} (over)", mmss(t))
                }
                Some(t) => format!("{name} {} / {target}", mmss(t)),
                None => format!("{name} not ticked"),
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

pub fn markdown(
    out: &mut dyn Write,
    history: &History,
    sessions: &[&Session],
    catalogue: &Principles,
) -> io::Result<()> {
    out.write_all(b"# stardrill practice journal\n\n")?;
    match (sessions.first(), sessions.last()) {
        (Some(first), Some(last)) => {
            writeln!(
                out,
                "{} session{}, {} to {}.",
                sessions.len(),
                if sessions.len() == 1 { "" } else { "s" },
                first.day(),
                last.day()
            )?;
        }
        _ => out.write_all(b"No sessions.\n")?,
    }
    let mut day = None;
    for s in sessions {
        if day != Some(s.day()) {
            day = Some(s.day());
            write!(out, "\n## {}\n", s.started_at.format("%A %Y-%m-%d"))?;
        }
        let q = history.question(s);
        let names: Vec<&str> = history
            .principles(s)
            .map(|p| catalogue.name_of(p))
            .collect();
        write!(
            out,
            "\n### {} · {} · {}\n\n",
            s.started_at.format("%H:%M"),
            names.first().copied().unwrap_or("no principle"),
            s.outcome.as_str()
        )?;
        writeln!(out, "> {}\n", history.str(q.text))?;
        writeln!(
            out,
            "- Question: {} ({}) · {}",
            history.str(q.id),
            q.kind,
            names.join(", ")
        )?;
        let timing = if s.is_over() {
            format!("{} over", mmss(s.overtime_secs))
        } else {
            "in time".into()
        };
        let paused = if s.paused_secs > 0.0 {
            format!(" · paused {}", mmss(s.paused_secs))
        } else {
            String::new()
        };
        writeln!(
            out,
            "- Answer: {} of {}, {timing} · {}{paused}",
            mmss(s.answer_secs),
            mmss(s.time_limit_secs as f64),
            history.str(s.framework).to_uppercase()
        )?;
        let rating = match s.rating {
            Some(r) => format!(
                "{r}/5 ({})",
                RATING_LABELS
                    .get(usize::from(r).saturating_sub(1))
                    .unwrap_or(&"")
            ),
            None => "not rated".into(),
        };
        writeln!(out, "- Rating: {rating}")?;
        writeln!(out, "- Steps: {}", step_summary(history, s))?;
        let rubric: Vec<String> = RUBRIC_ITEMS
            .iter()
            .enumerate()
            .map(|(i, item)| format!("[{}] {item}", if s.rubric.get(i) { "x" } else { " " }))
            .collect();
        writeln!(out, "- Rubric: {}", rubric.join(" · "))?;
        if let Some(f) = s.follow_up {
            writeln!(out, "- Follow-up: {}", history.str(f))?;
        }
        if let Some(story) = &s.story {
            writeln!(out, "- Story told: {}", story.title)?;
        }
        if let (Some(id), Some(round)) = (s.loop_id.as_deref(), s.round) {
            writeln!(out, "- Interview loop {id}, round {round}")?;
        }
        if let Some(d) = s.delivery.as_deref() {
            writeln!(out, "- Delivery: {}", delivery_summary(history, s, d))?;
        }
        if let Some(c) = s.cues.as_deref() {
            writeln!(out, "- What was said: {}", cue_line(c))?;
            for flag in c.flags() {
                writeln!(out, "  - {flag}")?;
            }
        }
        if !s.notes.trim().is_empty() {
            out.write_all(b"\nNotes:\n\n")?;
            for line in s.notes.lines() {
                writeln!(out, "    {line}")?;
            }
        }
    }
    Ok(())
}

/// "spoke 1:22 of 1:40 · first word 1.2 s · about 150 wpm · 2 long pauses
/// (9.4 s in Action, 3.2 s)".
fn delivery_summary(history: &History, s: &Session, d: &Delivery) -> String {
    let name = |key: &str| {
        s.steps
            .iter()
            .find(|st| history.str(st.key) == key)
            .map_or_else(|| key.to_string(), |st| history.str(st.name).to_string())
    };
    let mut parts = vec![format!(
        "spoke {} of {}",
        mmss(d.speaking_secs),
        mmss(d.audio_secs)
    )];
    if let Some(t) = d.first_word_secs {
        parts.push(format!("first word {t:.1} s"));
    }
    if let Some(w) = d.wpm {
        parts.push(format!("about {w:.0} wpm"));
    }
    let pauses: Vec<String> = d
        .pauses
        .iter()
        .map(|p| match p.step.as_deref() {
            Some(k) => format!("{} in {}", short_secs(p.secs), name(k)),
            None => short_secs(p.secs),
        })
        .collect();
    parts.push(match pauses.len() {
        0 => "no long pauses".into(),
        1 => format!("1 long pause ({})", pauses[0]),
        n => format!("{n} long pauses ({})", pauses.join(", ")),
    });
    parts.join(" · ")
}

/// "312 words · 14 I / 3 we · numbers in Result: 40%, $2m · 2.1 fillers a
/// minute (at least) · 3 hedges · 148 wpm".
pub fn cue_line(c: &Cues) -> String {
    let sum = c.summary();
    let mut parts = vec![
        format!("{} words", sum.words),
        format!("{} I / {} we", sum.i, sum.we),
    ];
    let numbers = result_numbers(c);
    if let Some(r) = c.steps.iter().find(|s| s.role == StepRole::Result) {
        parts.push(if numbers.is_empty() {
            format!("no number in {}", r.name)
        } else {
            format!("numbers in {}: {}", r.name, numbers.join(", "))
        });
    }
    parts.push(match sum.fillers_per_min {
        Some(f) => format!("{f:.1} fillers a minute (at least)"),
        None => format!("{} fillers (at least)", sum.fillers),
    });
    parts.push(match sum.hedges {
        1 => "1 hedge".into(),
        n => format!("{n} hedges"),
    });
    if let Some(w) = sum.wpm {
        parts.push(format!("{w:.0} wpm"));
    }
    parts.join(" · ")
}

const CSV_HEADER: &[&str] = &[
    "started_at",
    "ended_at",
    "id",
    "outcome",
    "framework",
    "time_limit_secs",
    "answer_secs",
    "overtime_secs",
    "paused_secs",
    "rating",
    "question_id",
    "question_kind",
    "principles",
    "question_text",
    "situation_secs",
    "steps",
    "spoke_as_i",
    "quantified_result",
    "stated_lesson",
    "showed_principle",
    "finished_in_time",
    "follow_up",
    "follow_up_secs",
    "story",
    "loop_id",
    "round",
    "notes",
    "file",
    "speaking_secs",
    "silence_secs",
    "first_word_secs",
    "wpm",
    "long_pauses",
    "long_pause_secs",
    "transcript_words",
    "i_count",
    "we_count",
    "action_i",
    "action_we",
    "result_numbers",
    "fillers",
    "possible_fillers",
    "fillers_per_min",
    "hedges",
    "lesson_cues",
    "transcript_wpm",
    "cue_flags",
];

/// RFC 4180 quoting of a text cell. Any text can come from a log someone
/// else wrote, so every text cell a spreadsheet would run as a formula gets
/// the usual guard (`domain::text::spreadsheet_safe`).
fn cell(text: &str) -> String {
    let guarded = spreadsheet_safe(text);
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded.into_owned()
    }
}

pub fn csv(out: &mut dyn Write, history: &History, sessions: &[&Session]) -> io::Result<()> {
    out.write_all(CSV_HEADER.join(",").as_bytes())?;
    out.write_all(b"\r\n")?;
    for s in sessions {
        let q = history.question(s);
        let principles: Vec<&str> = history.principles(s).collect();
        let situation = history
            .situation_secs(s)
            .map_or(String::new(), |t| format!("{t:.1}"));
        let row = [
            cell(&s.started_at.to_rfc3339()),
            cell(&s.ended_at.to_rfc3339()),
            cell(&s.id),
            cell(s.outcome.as_str()),
            cell(history.str(s.framework)),
            s.time_limit_secs.to_string(),
            format!("{:.1}", s.answer_secs),
            format!("{:.1}", s.overtime_secs),
            format!("{:.1}", s.paused_secs),
            s.rating.map_or(String::new(), |r| r.to_string()),
            cell(history.str(q.id)),
            q.kind.to_string(),
            cell(&principles.join(";")),
            cell(history.str(q.text)),
            situation,
            cell(&step_summary(history, s)),
            s.rubric.spoke_as_i.to_string(),
            s.rubric.quantified_result.to_string(),
            s.rubric.stated_lesson.to_string(),
            s.rubric.showed_principle.to_string(),
            s.rubric.finished_in_time.to_string(),
            cell(s.follow_up.map_or("", |f| history.str(f))),
            s.follow_up_secs
                .map_or(String::new(), |t| format!("{t:.1}")),
            cell(s.story.as_ref().map_or("", |story| story.title.as_str())),
            cell(s.loop_id.as_deref().unwrap_or("")),
            s.round.map_or(String::new(), |r| r.to_string()),
            cell(&s.notes),
            cell(&s.file),
        ];
        let d = s.delivery.as_deref();
        let figure = |f: Option<f64>| f.map_or(String::new(), |v| format!("{v:.1}"));
        let row = row.into_iter().chain([
            figure(d.map(|d| d.speaking_secs)),
            figure(d.map(|d| d.silence_secs)),
            figure(d.and_then(|d| d.first_word_secs)),
            d.and_then(|d| d.wpm)
                .map_or(String::new(), |w| format!("{w:.0}")),
            d.map_or(String::new(), |d| d.pauses.len().to_string()),
            // + 0.0: an empty sum is -0.0.
            figure(d.map(|d| d.pauses.iter().map(|p| p.secs).sum::<f64>() + 0.0)),
        ]);
        let c = s.cues.as_deref();
        let sum = c.map(Cues::summary);
        let count =
            |f: fn(&CueSummary) -> usize| sum.as_ref().map_or(String::new(), |s| f(s).to_string());
        let some = |f: fn(&CueSummary) -> Option<usize>| {
            sum.as_ref()
                .and_then(f)
                .map_or(String::new(), |n| n.to_string())
        };
        let row = row.chain([
            count(|s| s.words),
            count(|s| s.i),
            count(|s| s.we),
            some(|s| s.action_i),
            some(|s| s.action_we),
            some(|s| s.result_numbers),
            count(|s| s.fillers),
            count(|s| s.possible_fillers),
            figure(sum.as_ref().and_then(|s| s.fillers_per_min)),
            count(|s| s.hedges),
            count(|s| s.lesson_cues),
            sum.as_ref()
                .and_then(|s| s.wpm)
                .map_or(String::new(), |w| format!("{w:.0}")),
            // The flags' own words carry what was said: guarded like any text.
            cell(
                &c.map(|c| {
                    c.flags()
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default(),
            ),
        ]);
        let row: Vec<String> = row.collect();
        out.write_all(row.join(",").as_bytes())?;
        out.write_all(b"\r\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_guarded() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("say \"hi\"\nthen"), "\"say \"\"hi\"\"\nthen\"");
        assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
        // Any text cell: an id or a file name can come from a foreign log too.
        assert_eq!(cell("-0500"), "'-0500");
        assert_eq!(cell("@cmd|x"), "'@cmd|x");
        assert_eq!(cell("\tx"), "'\tx");
    }
}
