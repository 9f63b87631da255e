//! Stage 4: API model -> output files (Rust crate, OpenAPI document, model snapshot).

pub mod openapi;
pub mod rust;
pub mod scaffold;

use crate::diagnostics::Diagnostics;
use crate::model::ApiModel;
use std::collections::BTreeMap;

pub const DEFAULT_BASE_URL: &str = "https://graph.microsoft.com/v1.0";
pub const MODEL_SNAPSHOT: &str = "api-model.json";

/// Why a crate could not be emitted. Page defects never are: they are diagnostics.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// The emitted tokens do not parse: a generator bug, reported instead of written.
    #[error("generated code does not parse: {0}")]
    Unparsable(#[from] syn::Error),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateOptions {
    pub crate_name: String,
}

impl Default for CrateOptions {
    fn default() -> Self {
        CrateOptions { crate_name: "graph-client".into() }
    }
}

/// The complete generated crate: relative path -> contents.
pub fn emit_crate(model: &ApiModel, options: &CrateOptions, diags: &mut Diagnostics) -> Result<BTreeMap<String, String>, EmitError> {
    emit_crate_cached(model, options, rust::FormatCache::none(), diags)
}

/// [`emit_crate`], taking formatted items from `cache` when their tokens are
/// there and leaving this crate's items in it.
pub fn emit_crate_cached(
    model: &ApiModel,
    options: &CrateOptions,
    cache: rust::FormatCache,
    diags: &mut Diagnostics,
) -> Result<BTreeMap<String, String>, EmitError> {
    let base_url = model.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
    let mut files = BTreeMap::new();
    files.insert("Cargo.toml".to_owned(), scaffold::cargo_toml(&options.crate_name, &rust::areas(model)));
    files.extend(rust::emit_modules(model, base_url, &options.crate_name, &cache, diags)?);
    // The cache file's text (44 MB for v1.0) is not needed past the formatting: freed before writing (peak memory).
    drop(cache);
    for (path, text) in scaffold::RUNTIME_FILES {
        files.insert((*path).to_owned(), (*text).to_owned());
    }
    files.insert(MODEL_SNAPSHOT.to_owned(), model_snapshot(model));
    Ok(files)
}

/// The model as stable, pretty JSON: what reviewers diff on doc updates.
/// Sources keep their page but not their line, so an edit at the top of a page
/// does not touch every entry below it.
///
/// Written item by item: the whole model as one JSON tree was, with the
/// modules' chunks, the largest thing alive in a generation (peak memory).
pub fn model_snapshot(model: &ApiModel) -> String {
    // Every field of the model, in its declaration order (a new field must be added here).
    let ApiModel { base_url, operations, types } = model;
    let snapshot = Snapshot { base_url, operations: EachWithoutLines(operations), types: EachWithoutLines(types) };
    let mut text = serde_json::to_string_pretty(&snapshot).unwrap_or_default();
    text.push('\n');
    text
}

#[derive(serde::Serialize)]
struct Snapshot<'m> {
    base_url: &'m Option<String>,
    operations: EachWithoutLines<'m, crate::model::Operation>,
    types: EachWithoutLines<'m, crate::model::TypeDef>,
}

/// A sequence, each item as JSON with its sources' lines dropped.
struct EachWithoutLines<'m, T>(&'m [T]);

impl<T: serde::Serialize> serde::Serialize for EachWithoutLines<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|item| {
            let mut value = serde_json::to_value(item).unwrap_or_default();
            drop_source_lines(&mut value);
            value
        }))
    }
}

fn drop_source_lines(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(file) = map.get("source").and_then(|s| s.get("file")).cloned() {
                map.insert("source".into(), file);
            }
            map.values_mut().for_each(drop_source_lines);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_source_lines),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::rust::test_model::{model, object, operation};
    use crate::model::{HttpMethod, Source};

    /// Item by item, the snapshot is the text of the whole model as one JSON tree (lines dropped).
    #[test]
    fn the_snapshot_is_the_whole_model_without_source_lines() {
        let mut m = model(vec![object("widget", None, &[("size", "Edm.Int32")]), object("part", Some("ns.widget"), &[])]);
        m.base_url = Some("https://example.test/v1".into());
        m.types[0].source = Source { file: "resources/part.md".into(), line: 7 };
        let mut op = operation(HttpMethod::Get, "/widgets");
        op.source = Source { file: "api/widget-list.md".into(), line: 12 };
        m.operations.push(op);
        let mut whole = serde_json::to_value(&m).unwrap();
        drop_source_lines(&mut whole);
        let snapshot = model_snapshot(&m);
        assert_eq!(snapshot, serde_json::to_string_pretty(&whole).unwrap() + "\n");
        assert!(snapshot.contains("\"source\": \"api/widget-list.md\"") && !snapshot.contains("\"line\""), "{snapshot}");
    }
}
