//! The story bank: the candidate's prepared stories, at least one per
//! principle, each proving two or three, with STAR/SPSIL bullets and the
//! numbers behind it. In a loop a story is told to one interviewer only:
//! they compare notes in the debrief.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use std::collections::HashMap;

use super::principles::Principles;
use super::source::{Diagnostic, LoadError, Source, normalize_key};
use super::text::{from_spreadsheet_safe, spreadsheet_safe};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Story {
    pub id: String,
    pub title: String,
    /// Canonical principle slugs.
    #[serde(default)]
    pub principles: Vec<String>,
    /// Bullets per step; Problem, Solution and Impact in SPSIL map to Task,
    /// Action and Result.
    #[serde(default)]
    pub situation: String,
    #[serde(default)]
    pub task: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub lessons: String,
    /// The figures that back the result ("failed checkouts -90%").
    #[serde(default)]
    pub numbers: String,
}

/// A text field of a story: its key (in TOML and CSV), its label in the
/// editor, the hint in an empty field, and where it lives in `Story`.
pub struct TextField {
    pub key: &'static str,
    pub label: &'static str,
    pub placeholder: &'static str,
    get: fn(&Story) -> &String,
    get_mut: fn(&mut Story) -> &mut String,
}

impl TextField {
    pub fn of<'a>(&self, story: &'a Story) -> &'a str {
        (self.get)(story)
    }

    pub fn of_mut<'a>(&self, story: &'a mut Story) -> &'a mut String {
        (self.get_mut)(story)
    }
}

/// The text fields of a story, in the order the editor and CSV show them.
pub const TEXT_FIELDS: [TextField; 7] = [
    TextField {
        key: "title",
        label: "Title",
        placeholder: "A short name, e.g. Checkout bug fix",
        get: |s| &s.title,
        get_mut: |s| &mut s.title,
    },
    TextField {
        key: "situation",
        label: "Situation",
        placeholder: "Context in 30 s: role, team, stakes",
        get: |s| &s.situation,
        get_mut: |s| &mut s.situation,
    },
    TextField {
        key: "task",
        label: "Task / Problem",
        placeholder: "Task / Problem: what you had to achieve",
        get: |s| &s.task,
        get_mut: |s| &mut s.task,
    },
    TextField {
        key: "action",
        label: "Action / Solution",
        placeholder: "Action / Solution: what YOU did",
        get: |s| &s.action,
        get_mut: |s| &mut s.action,
    },
    TextField {
        key: "result",
        label: "Result / Impact",
        placeholder: "Result / Impact: the outcome, quantified",
        get: |s| &s.result,
        get_mut: |s| &mut s.result,
    },
    TextField {
        key: "lessons",
        label: "Lessons",
        placeholder: "What you learned, what you do differently",
        get: |s| &s.lessons,
        get_mut: |s| &mut s.lessons,
    },
    TextField {
        key: "numbers",
        label: "Numbers",
        placeholder: "The numbers: -90% failed checkouts, 12→0 pages a week",
        get: |s| &s.numbers,
        get_mut: |s| &mut s.numbers,
    },
];

impl Story {
    pub fn proves(&self, slug: &str) -> bool {
        self.principles.iter().any(|p| p == slug)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoryBook {
    pub stories: Vec<Story>,
}

/// One change made in the story editor, with the story as the editor first
/// read it, so the change can be laid over the file as it is when saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoryChange {
    /// A story added (`base` is `None`) or edited.
    Save {
        story: Box<Story>,
        base: Option<Box<Story>>,
    },
    Delete {
        base: Story,
    },
}

#[derive(Serialize)]
struct FileOut<'a> {
    story: &'a [Story],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    #[serde(default)]
    story: Vec<Spanned<RawStory>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStory {
    id: String,
    title: String,
    #[serde(default)]
    principles: Vec<Spanned<String>>,
    #[serde(default)]
    situation: String,
    #[serde(default)]
    task: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    lessons: String,
    #[serde(default)]
    numbers: String,
}

impl StoryBook {
    pub fn parse(source: &Source<'_>, principles: &Principles) -> Result<Self, LoadError> {
        let file: FileIn = source.parse()?;
        let mut diagnostics = Vec::new();
        let mut stories: Vec<Story> = Vec::new();
        for entry in file.story {
            let span = entry.span();
            let raw = entry.into_inner();
            let label = format!("story {:?}", raw.id);
            if raw.id.trim().is_empty() {
                diagnostics.push(source.diagnostic(span.clone(), "a story has an empty `id`"));
            } else if stories.iter().any(|s| s.id == raw.id) {
                diagnostics.push(source.diagnostic(span.clone(), format!("{label}: duplicate id")));
            }
            if raw.title.trim().is_empty() {
                diagnostics
                    .push(source.diagnostic(span.clone(), format!("{label}: `title` is empty")));
            }
            let mut slugs = Vec::new();
            for p in &raw.principles {
                match principles.find(p.get_ref()) {
                    Some(found) if !slugs.contains(&found.slug) => slugs.push(found.slug.clone()),
                    Some(_) => {}
                    None => diagnostics.push(source.diagnostic(
                        p.span(),
                        format!("{label}: unknown principle {:?}", p.get_ref()),
                    )),
                }
            }
            stories.push(Story {
                id: raw.id,
                title: raw.title,
                principles: slugs,
                situation: raw.situation,
                task: raw.task,
                action: raw.action,
                result: raw.result,
                lessons: raw.lessons,
                numbers: raw.numbers,
            });
        }
        if diagnostics.is_empty() {
            Ok(Self { stories })
        } else {
            Err(LoadError { diagnostics })
        }
    }

    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        let body = toml::to_string(&FileOut {
            story: &self.stories,
        })?;
        Ok(format!(
            "# stardrill story bank: edit with `stardrill stories`, or by hand.\n\n{body}"
        ))
    }

    pub fn get(&self, id: &str) -> Option<&Story> {
        self.stories.iter().find(|s| s.id == id)
    }

    /// Stories that prove any of `slugs`.
    pub fn proving<'a, S: AsRef<str>>(
        &'a self,
        slugs: &'a [S],
    ) -> impl Iterator<Item = &'a Story> + 'a {
        self.stories
            .iter()
            .filter(move |s| slugs.iter().any(|p| s.proves(p.as_ref())))
    }

    /// Ids for choosing the story told: those proving `slugs` first, then the rest.
    pub fn story_order(&self, slugs: &[impl AsRef<str>]) -> Vec<String> {
        let (proving, rest): (Vec<&Story>, Vec<&Story>) = self
            .stories
            .iter()
            .partition(|s| slugs.iter().any(|p| s.proves(p.as_ref())));
        proving
            .into_iter()
            .chain(rest)
            .map(|s| s.id.clone())
            .collect()
    }

    /// A new id from a title: its words joined by '-', made unique.
    pub fn new_id(&self, title: &str) -> String {
        let base: String = normalize_key(title).chars().take(32).collect();
        let base = if base.is_empty() {
            "story".to_string()
        } else {
            base
        };
        let mut id = base.clone();
        let mut n = 2;
        while self.get(&id).is_some() {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    /// Adds a story, or replaces the one with the same id; returns true if added.
    pub fn upsert(&mut self, story: Story) -> bool {
        match self.stories.iter_mut().find(|s| s.id == story.id) {
            Some(existing) => {
                *existing = story;
                false
            }
            None => {
                self.stories.push(story);
                true
            }
        }
    }

    /// Applies an editor's change to this book, read from disk just now,
    /// keeping whatever was changed elsewhere meanwhile (an import from
    /// another shell, a hand edit, a second editor). Nothing is dropped:
    /// when both sides changed the same story, both versions are kept.
    /// Returns what had to be done to keep both, for the user to hear.
    pub fn apply(&mut self, change: StoryChange) -> Option<String> {
        match change {
            StoryChange::Save { story, base } => {
                let (story, base) = (*story, base.map(|b| *b));
                let now = self.get(&story.id).cloned();
                match (now, base) {
                    (None, None) => {
                        self.stories.push(story);
                        None
                    }
                    (Some(now), Some(base)) if now == base => {
                        self.upsert(story);
                        None
                    }
                    (Some(now), _) if now == story => None,
                    (None, Some(_)) => {
                        let note = format!(
                            "\"{}\" had been deleted elsewhere; your version is kept",
                            story.title
                        );
                        self.stories.push(story);
                        Some(note)
                    }
                    (Some(now), _) => {
                        let mut ours = story;
                        ours.id = self.new_id(&ours.title);
                        let note = format!(
                            "\"{}\" was also changed elsewhere: both versions are kept (yours as {})",
                            now.title, ours.id
                        );
                        self.stories.push(ours);
                        Some(note)
                    }
                }
            }
            StoryChange::Delete { base } => match self.get(&base.id) {
                Some(now) if *now == base => {
                    self.stories.retain(|s| s.id != base.id);
                    None
                }
                Some(now) => Some(format!(
                    "\"{}\" was changed elsewhere since you opened it, so it was kept",
                    now.title
                )),
                None => None,
            },
        }
    }

    /// Number of stories proving each principle, in catalogue order.
    pub fn coverage(&self, principles: &Principles) -> Vec<usize> {
        principles
            .all()
            .iter()
            .map(|p| self.stories.iter().filter(|s| s.proves(&p.slug)).count())
            .collect()
    }

    /// The grid as CSV: one row per story, principles by name joined with
    /// "; ". A cell that a spreadsheet would run as a formula is guarded
    /// with a leading `'`, which `from_csv` takes off again.
    pub fn to_csv(&self, principles: &Principles) -> Result<String, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["id", "title", "principles"];
        header.extend(TEXT_FIELDS[1..].iter().map(|f| f.key));
        writer.write_record(&header)?;
        for s in &self.stories {
            let names: Vec<&str> = s.principles.iter().map(|p| principles.name_of(p)).collect();
            let joined = names.join("; ");
            let mut row = vec![s.id.as_str(), s.title.as_str(), joined.as_str()];
            row.extend(TEXT_FIELDS[1..].iter().map(|f| f.of(s)));
            writer.write_record(
                row.into_iter()
                    .map(spreadsheet_safe)
                    .map(|c| c.into_owned()),
            )?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Reads a CSV grid. Columns are matched by header name (any case, any
    /// order); `title` is required, `id` is made from the title when absent.
    pub fn from_csv(
        name: &str,
        text: &str,
        principles: &Principles,
    ) -> Result<Vec<Story>, LoadError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let fail = |line: Option<usize>, message: String| LoadError::single(name, line, message);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| fail(Some(1), format!("cannot read the header row: {e}")))?
            .iter()
            .map(|h| normalize_key(h).replace('-', "_"))
            .collect();
        let column = |field: &str| headers.iter().position(|h| h == field);
        let Some(title_col) = column("title") else {
            return Err(fail(
                Some(1),
                "the header row needs a `title` column".into(),
            ));
        };
        let mut diagnostics = Vec::new();
        let mut stories: Vec<Story> = Vec::new();
        let mut scratch = StoryBook::default();
        // The line each id given in the file was first seen on.
        let mut id_lines: HashMap<String, Option<usize>> = HashMap::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| p.line() as usize);
                    diagnostics.push(Diagnostic {
                        file: name.into(),
                        line,
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            let line = record.position().map(|p| p.line() as usize);
            // Text is kept as written; only the guard against formulas goes.
            let cell = |col: Option<usize>| {
                from_spreadsheet_safe(col.and_then(|c| record.get(c)).unwrap_or("")).to_string()
            };
            let title = cell(Some(title_col));
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if title.trim().is_empty() {
                diagnostics.push(Diagnostic {
                    file: name.into(),
                    line,
                    message: "the `title` cell is empty".into(),
                });
                continue;
            }
            let mut story = Story {
                id: cell(column("id")).trim().to_string(),
                title,
                ..Story::default()
            };
            if story.id.is_empty() {
                story.id = scratch.new_id(&story.title);
            } else if let Some(first) = id_lines.insert(story.id.clone(), line) {
                let at = |l: Option<usize>| l.map_or_else(|| "?".to_string(), |l| l.to_string());
                diagnostics.push(Diagnostic {
                    file: name.into(),
                    line,
                    message: format!(
                        "story id {:?} is on line {} and line {}: one of them needs another id",
                        story.id,
                        at(first),
                        at(line)
                    ),
                });
                continue;
            }
            for field in &TEXT_FIELDS[1..] {
                *field.of_mut(&mut story) = cell(column(field.key));
            }
            let (slugs, unknown) = principles.parse_list(&cell(column("principles")));
            story.principles = slugs;
            for p in unknown {
                diagnostics.push(Diagnostic {
                    file: name.into(),
                    line,
                    message: format!("story {:?}: unknown principle {p:?}", story.title),
                });
            }
            scratch.upsert(story.clone());
            stories.push(story);
        }
        if diagnostics.is_empty() {
            Ok(stories)
        } else {
            Err(LoadError { diagnostics })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principles() -> Principles {
        Principles::embedded().expect("principles")
    }

    fn book() -> StoryBook {
        StoryBook {
            stories: vec![
                Story {
                    id: "checkout-bug".into(),
                    title: "Checkout bug fix".into(),
                    principles: vec![
                        "customer-obsession".into(),
                        "ownership".into(),
                        "bias-for-action".into(),
                    ],
                    situation: "3% of orders failed on slow connections".into(),
                    action: "- read 50 tickets\n- reproduced on a throttled link, \"fixed\" it"
                        .into(),
                    numbers: "failed checkouts -90%".into(),
                    ..Story::default()
                },
                Story {
                    id: "nightly-alert".into(),
                    title: "Nightly alert cleanup".into(),
                    principles: vec!["ownership".into(), "dive-deep".into()],
                    ..Story::default()
                },
            ],
        }
    }

    #[test]
    fn toml_round_trip() {
        let text = book().to_toml().expect("encode");
        let again =
            StoryBook::parse(&Source::new("stories.toml", &text), &principles()).expect("parse");
        assert_eq!(again, book());
    }

    #[test]
    fn csv_round_trip_keeps_every_field() {
        let p = principles();
        let csv = book().to_csv(&p).expect("csv");
        assert!(
            csv.starts_with("id,title,principles,situation,task,action,result,lessons,numbers\n")
        );
        assert!(csv.contains("Customer Obsession; Ownership; Bias for Action"));
        let stories = StoryBook::from_csv("grid.csv", &csv, &p).expect("import");
        assert_eq!(stories, book().stories);
    }

    #[test]
    fn csv_from_a_spreadsheet_matches_columns_by_name() {
        let csv = "Title,Principles,Numbers\nVendor pick,\"Are Right A Lot, deliver results\",saved $40k\n,,\n";
        let stories = StoryBook::from_csv("grid.csv", csv, &principles()).expect("import");
        assert_eq!(stories.len(), 1);
        assert_eq!(stories[0].id, "vendor-pick");
        assert_eq!(
            stories[0].principles,
            ["are-right-a-lot", "deliver-results"]
        );
        assert_eq!(stories[0].numbers, "saved $40k");
    }

    #[test]
    fn csv_errors_name_the_line() {
        let csv = "title,principles\nA,ownership\nB,Ownershp\n";
        let err = StoryBook::from_csv("grid.csv", csv, &principles()).expect_err("bad principle");
        assert_eq!(
            err.to_string(),
            "grid.csv:3: story \"B\": unknown principle \"Ownershp\""
        );
        let err =
            StoryBook::from_csv("grid.csv", "name\nx\n", &principles()).expect_err("no title");
        assert!(err.to_string().contains("needs a `title` column"), "{err}");
    }

    #[test]
    fn toml_errors_name_the_line() {
        let text = "[[story]]\nid = \"a\"\ntitle = \"A\"\nprinciples = [\"nope\"]\n";
        let err =
            StoryBook::parse(&Source::new("stories.toml", text), &principles()).expect_err("bad");
        assert_eq!(
            err.to_string(),
            "stories.toml:4: story \"a\": unknown principle \"nope\""
        );
    }

    #[test]
    fn coverage_counts_stories_per_principle() {
        let p = principles();
        let coverage = book().coverage(&p);
        let ownership = p
            .all()
            .iter()
            .position(|x| x.slug == "ownership")
            .expect("ownership");
        assert_eq!(coverage[ownership], 2);
        assert_eq!(coverage.iter().filter(|&&n| n == 0).count(), 12);
    }

    #[test]
    fn new_ids_are_unique_slugs() {
        let b = book();
        assert_eq!(b.new_id("Checkout bug!"), "checkout-bug-2");
        assert_eq!(b.new_id("???"), "story");
    }

    #[test]
    fn every_principle_reads_back_by_name_or_slug_whatever_its_punctuation() {
        let p = principles();
        let all: Vec<String> = p.all().iter().map(|x| x.slug.clone()).collect();
        let by_name: Vec<&str> = p.all().iter().map(|x| x.name.as_str()).collect();
        assert_eq!(p.parse_list(&by_name.join("; ")), (all.clone(), vec![]));
        assert_eq!(p.parse_list(&by_name.join(", ")), (all.clone(), vec![]));
        assert_eq!(p.parse_list(&all.join(" | ")), (all.clone(), vec![]));
        let (slugs, unknown) = p.parse_list("Are Right, A Lot; Have Backbone; Disagree and Commit");
        assert_eq!(slugs, ["are-right-a-lot", "have-backbone"]);
        assert!(unknown.is_empty());
        let (slugs, unknown) = p.parse_list("Ownership; Custmer Obsesion, dive deep");
        assert_eq!(slugs, ["ownership", "dive-deep"]);
        assert_eq!(unknown, ["Custmer Obsesion"]);
    }

    #[test]
    fn a_bank_with_every_principle_and_formula_looking_cells_round_trips() {
        let p = principles();
        let mut story = book().stories[0].clone();
        story.principles = p.all().iter().map(|x| x.slug.clone()).collect();
        story.numbers = "-90% failed checkouts".into();
        story.task = "=HYPERLINK(\"http://evil\")".into();
        story.lessons = "'=quoted already".into();
        let bank = StoryBook {
            stories: vec![story],
        };
        let csv = bank.to_csv(&p).expect("csv");
        assert!(csv.contains(",'-90% failed checkouts"), "{csv}");
        assert!(
            csv.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
            "{csv}"
        );
        assert_eq!(
            StoryBook::from_csv("grid.csv", &csv, &p).expect("import"),
            bank.stories
        );
    }

    #[test]
    fn an_edit_laid_over_changes_made_elsewhere_keeps_both() {
        let base = book();
        let theirs_added = Story {
            id: "imported".into(),
            title: "Imported elsewhere".into(),
            ..Story::default()
        };
        // Someone imported a story while the editor was open.
        let mut on_disk = base.clone();
        on_disk.stories.push(theirs_added.clone());
        let mut mine = base.stories[1].clone();
        mine.numbers = "pages 12 -> 0 a week".into();
        let note = on_disk.apply(StoryChange::Save {
            story: Box::new(mine.clone()),
            base: Some(Box::new(base.stories[1].clone())),
        });
        assert_eq!(note, None);
        assert_eq!(on_disk.get("imported"), Some(&theirs_added), "theirs kept");
        assert_eq!(on_disk.get("nightly-alert"), Some(&mine), "mine saved");

        // Both edited the same story: neither version is lost.
        let mut theirs = base.stories[1].clone();
        theirs.lessons = "automate the runbook".into();
        let mut on_disk = base.clone();
        on_disk.stories[1] = theirs.clone();
        let note = on_disk.apply(StoryChange::Save {
            story: Box::new(mine.clone()),
            base: Some(Box::new(base.stories[1].clone())),
        });
        assert!(note.is_some_and(|n| n.contains("both versions are kept")));
        assert_eq!(on_disk.get("nightly-alert"), Some(&theirs));
        assert!(
            on_disk
                .stories
                .iter()
                .any(|s| s.numbers == mine.numbers && s.id != mine.id)
        );

        // A delete does not take a story someone changed meanwhile.
        let mut on_disk = base.clone();
        on_disk.stories[0].lessons = "new lesson".into();
        let note = on_disk.apply(StoryChange::Delete {
            base: base.stories[0].clone(),
        });
        assert!(note.is_some());
        assert_eq!(on_disk.stories.len(), 2);
    }

    #[test]
    fn the_same_id_twice_in_one_csv_is_reported_with_both_lines() {
        let csv = "id,title\na,First\nb,Second\na,Third\n";
        let err = StoryBook::from_csv("grid.csv", csv, &principles()).expect_err("duplicate");
        assert_eq!(
            err.to_string(),
            "grid.csv:4: story id \"a\" is on line 2 and line 4: one of them needs another id"
        );
    }

    mod round_trip {
        use super::*;
        use proptest::prelude::*;

        fn bank() -> impl Strategy<Value = StoryBook> {
            let catalogue: Vec<String> =
                principles().all().iter().map(|p| p.slug.clone()).collect();
            let story = (
                "\\PC*[^\\s]\\PC*",
                proptest::sample::subsequence(catalogue.clone(), 0..=catalogue.len()),
                proptest::collection::vec(any::<String>(), 6),
            );
            proptest::collection::vec(story, 0..6).prop_map(|stories| StoryBook {
                stories: stories
                    .into_iter()
                    .enumerate()
                    .map(|(i, (title, principles, texts))| {
                        let mut story = Story {
                            id: format!("story-{i}"),
                            title,
                            principles,
                            ..Story::default()
                        };
                        for (field, text) in TEXT_FIELDS[1..].iter().zip(texts) {
                            *field.of_mut(&mut story) = text;
                        }
                        story
                    })
                    .collect(),
            })
        }

        proptest! {
            #[test]
            fn any_story_bank_exports_and_imports_unchanged(bank in bank()) {
                let p = principles();
                let csv = bank.to_csv(&p).expect("csv");
                let back = StoryBook::from_csv("grid.csv", &csv, &p);
                prop_assert_eq!(back.map_err(|e| e.to_string()), Ok(bank.stories));
            }
        }
    }
}
