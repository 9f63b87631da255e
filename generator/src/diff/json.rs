//! The changes as JSON:
//! `{"changes": [{"kind", "change", "name", "breaking", "detail", "old", "new"}, ...]}`
//! with `old`/`new` as `page.md:LINE` (or `page.md` when the line is unknown)
//! and `null` when the element is absent from that side.

use super::Change;
use serde::Serialize;

#[derive(Serialize)]
struct Document<'a> {
    changes: Vec<Row<'a>>,
}

/// Field order is the documented order.
#[derive(Serialize)]
struct Row<'a> {
    kind: &'static str,
    change: &'static str,
    name: &'a str,
    breaking: bool,
    detail: &'a str,
    old: Option<String>,
    new: Option<String>,
}

/// Pretty JSON with a trailing newline, in the order of `changes`.
pub fn render(changes: &[Change]) -> String {
    let document = Document {
        changes: changes
            .iter()
            .map(|c| Row {
                kind: c.element.as_str(),
                change: c.delta.as_str(),
                name: &c.name,
                breaking: c.breaking,
                detail: &c.detail,
                old: c.old.as_ref().map(ToString::to_string),
                new: c.new.as_ref().map(ToString::to_string),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
