//! `stardrill questions [--check FILE]`: validate a bank and summarise it.

use std::fmt::Write as _;
use std::path::Path;

use crate::domain::Catalog;
use crate::domain::bank::{Audience, QuestionKind};
use crate::domain::source::LoadError;
use crate::storage::read::{BANK_LIMIT, read_text};

/// Loads the bank (the built-in one when `path` is `None`).
pub fn load_catalog(path: Option<&Path>) -> Result<Catalog, LoadError> {
    match path {
        None => Catalog::load(None),
        Some(path) => {
            let name = path.display().to_string();
            let text = read_text(path, BANK_LIMIT).map_err(|e| {
                LoadError::single(&name, None, format!("cannot read the question bank: {e}"))
            })?;
            Catalog::load(Some((&name, &text)))
        }
    }
}

/// A per-principle table of a valid bank.
pub fn summary(catalog: &Catalog, name: &str) -> String {
    let questions = catalog.bank.questions();
    let mut out = String::new();
    let _ = writeln!(out, "{name}: {} questions, all valid", questions.len());
    let _ = writeln!(out);
    let width = catalog
        .principles
        .all()
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(10);
    let _ = writeln!(out, "{:<width$}  primary  tagged", "principle");
    for p in catalog.principles.all() {
        let primary = questions
            .iter()
            .filter(|q| q.principles.first().is_some_and(|first| *first == p.slug))
            .count();
        let tagged = questions
            .iter()
            .filter(|q| q.principles.iter().any(|slug| *slug == p.slug))
            .count();
        let flag = if tagged == 0 { "  <- no questions" } else { "" };
        let _ = writeln!(out, "{:<width$}  {primary:>7}  {tagged:>6}{flag}", p.name);
    }
    let _ = writeln!(out);
    let kinds: Vec<String> = QuestionKind::ALL
        .iter()
        .map(|k| format!("{} {k}", questions.iter().filter(|q| q.kind == *k).count()))
        .collect();
    let _ = writeln!(out, "kinds: {}", kinds.join(", "));
    let bank = &catalog.bank;
    let grouped = (0..questions.len())
        .filter(|&i| bank.variants(i).len() > 1)
        .count();
    let groups = (0..questions.len())
        .filter(|&i| bank.group(i) == i && bank.variants(i).len() > 1)
        .count();
    let managers = questions
        .iter()
        .filter(|q| q.audience == Audience::Manager)
        .count();
    let _ = writeln!(
        out,
        "near-twin groups: {groups} ({grouped} questions); for managers only: {managers}"
    );
    out
}
