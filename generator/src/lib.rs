//! docgen: Microsoft Graph-style Markdown API reference -> typed Rust client.
//!
//! Data flows one way: [`load`] pages -> [`parse`] each page -> [`resolve`]
//! across pages into the [`model`] -> [`emit`] Rust, OpenAPI and the model
//! snapshot -> [`output`] writes or checks the files. See ARCHITECTURE.md.

pub mod audit;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod load;
pub mod model;
pub mod output;
pub mod parse;
pub mod resolve;

use diagnostics::Diagnostics;
use std::path::Path;

/// Loads, parses and resolves a docs tree. Only an unreadable root is an error;
/// defects in pages become diagnostics.
pub fn build_model(docs: &Path) -> std::io::Result<(model::ApiModel, Diagnostics)> {
    let mut diags = Diagnostics::default();
    let sources = load::load_docs(docs, &mut diags)?;
    let pages: Vec<parse::Page> = sources.iter().map(|s| parse::parse_page(s, &mut diags)).collect();
    let model = resolve::resolve(&pages, &mut diags);
    Ok((model, diags))
}

/// Everything one generation produces, before anything is written.
pub struct Generation {
    pub model: model::ApiModel,
    pub files: output::Files,
    pub diagnostics: Diagnostics,
}

#[derive(Debug)]
pub enum GenerateError {
    Io(std::io::Error),
    /// The emitted code did not parse: a generator bug, reported instead of written.
    Emit(String),
}

impl std::fmt::Display for GenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GenerateError::Io(e) => write!(f, "cannot read the docs: {e}"),
            GenerateError::Emit(e) => write!(f, "internal error, nothing was written: {e}"),
        }
    }
}

impl std::error::Error for GenerateError {}

pub fn generate(docs: &Path, options: &emit::CrateOptions) -> Result<Generation, GenerateError> {
    let (model, mut diagnostics) = build_model(docs).map_err(GenerateError::Io)?;
    let files = emit::emit_crate(&model, options, &mut diagnostics).map_err(GenerateError::Emit)?;
    Ok(Generation { model, files: output::with_manifest(files), diagnostics })
}
