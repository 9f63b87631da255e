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
    emit_crate_cached(model, options, &rust::FormatCache::none(), diags)
}

/// [`emit_crate`], taking formatted items from `cache` when their tokens are
/// there and leaving this crate's items in it.
pub fn emit_crate_cached(
    model: &ApiModel,
    options: &CrateOptions,
    cache: &rust::FormatCache,
    diags: &mut Diagnostics,
) -> Result<BTreeMap<String, String>, EmitError> {
    let base_url = model.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
    let mut files = BTreeMap::new();
    files.insert("Cargo.toml".to_owned(), scaffold::cargo_toml(&options.crate_name, &rust::areas(model)));
    files.extend(rust::emit_modules(model, base_url, &options.crate_name, cache, diags)?);
    for (path, text) in scaffold::RUNTIME_FILES {
        files.insert((*path).to_owned(), (*text).to_owned());
    }
    // After the sources: the snapshot's JSON tree and the modules' chunks are never alive together (peak memory).
    files.insert(MODEL_SNAPSHOT.to_owned(), model_snapshot(model));
    Ok(files)
}

/// The model as stable, pretty JSON: what reviewers diff on doc updates.
/// Sources keep their page but not their line, so an edit at the top of a page
/// does not touch every entry below it.
pub fn model_snapshot(model: &ApiModel) -> String {
    let mut value = serde_json::to_value(model).unwrap_or_default();
    drop_source_lines(&mut value);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
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
