//! docgen: Microsoft Graph-style Markdown API reference -> typed Rust client.
//!
//! Data flows one way: [`load`] pages -> [`parse`] each page -> [`resolve`]
//! across pages into the [`model`] -> [`emit`] Rust, OpenAPI and the model
//! snapshot -> [`output`] writes or checks the files. See ARCHITECTURE.md.

pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod load;
pub mod model;
pub mod output;
pub mod parallel;
pub mod parse;
pub mod resolve;

use diagnostics::Diagnostics;
use std::path::Path;

/// A docs tree read and understood: the pages' text, the parsed pages, the
/// model and every diagnostic. The one way in for every command (`gen`,
/// `openapi`, `diff`, `audit`, `verify`, `sample`), so they all read the
/// same pages the same way; what comes after `resolve` uses `model` only,
/// the tools may look at `pages` (examples) and `sources` (text).
pub struct Corpus {
    pub sources: Vec<load::SourceFile>,
    pub pages: Vec<parse::Page>,
    pub model: model::ApiModel,
    pub diagnostics: Diagnostics,
}

impl Corpus {
    /// Loads, parses and resolves a docs tree. Only an unreadable root is an
    /// error; defects in pages become diagnostics.
    pub fn read(docs: &Path) -> std::io::Result<Corpus> {
        Corpus::read_with_progress(docs, &mut |_| {})
    }

    /// [`Corpus::read`], telling `progress` where it is.
    pub fn read_with_progress(docs: &Path, progress: &mut dyn FnMut(Progress)) -> std::io::Result<Corpus> {
        let mut diagnostics = Diagnostics::default();
        let sources = load::load_docs(docs, &mut diagnostics)?;
        Ok(Corpus::from_loaded(sources, diagnostics, progress))
    }

    /// Parses (on every core) and resolves the pages [`load::load_docs`]
    /// returned, `diagnostics` holding what it reported: [`Corpus::read`]
    /// for a caller that looked at the pages first.
    pub fn from_loaded(sources: Vec<load::SourceFile>, mut diagnostics: Diagnostics, progress: &mut dyn FnMut(Progress)) -> Corpus {
        progress(Progress::Loaded(sources.len()));
        let pages = parse_in_parallel(&sources, &mut diagnostics, progress);
        let model = resolve::resolve(&pages, &mut diagnostics);
        progress(Progress::Resolved);
        Corpus { sources, pages, model, diagnostics }
    }

    /// Parses and resolves pages already in memory (paths relative to a docs
    /// root, in the order given): no filesystem access. Used by the fuzz targets.
    pub fn from_sources(sources: Vec<load::SourceFile>) -> Corpus {
        let mut diagnostics = Diagnostics::default();
        let pages: Vec<parse::Page> = sources.iter().map(|s| parse::parse_page(s, &mut diagnostics)).collect();
        let model = resolve::resolve(&pages, &mut diagnostics);
        Corpus { sources, pages, model, diagnostics }
    }
}

/// The model of a docs tree and its diagnostics ([`Corpus::read`], keeping the model only).
pub fn build_model(docs: &Path) -> std::io::Result<(model::ApiModel, Diagnostics)> {
    let corpus = Corpus::read(docs)?;
    Ok((corpus.model, corpus.diagnostics))
}

/// The model of pages already in memory and its diagnostics ([`Corpus::from_sources`]).
pub fn build_model_from_sources(sources: &[load::SourceFile]) -> (model::ApiModel, Diagnostics) {
    let corpus = Corpus::from_sources(sources.to_vec());
    (corpus.model, corpus.diagnostics)
}

/// Everything one generation produces, before anything is written.
pub struct Generation {
    pub model: model::ApiModel,
    pub files: output::Files,
    pub diagnostics: Diagnostics,
}

/// Why a generation produced nothing. Defects in pages never are: they are diagnostics.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The docs root cannot be listed.
    #[error("cannot read the docs: {0}")]
    Io(#[from] std::io::Error),
    /// The emitted code did not parse: a generator bug, reported instead of written.
    #[error("internal error, nothing was written: {0}")]
    Emit(#[from] emit::EmitError),
}

pub fn generate(docs: &Path, options: &emit::CrateOptions) -> Result<Generation, GenerateError> {
    generate_with_progress(docs, options, &mut |_| {})
}

/// Where reading a corpus is, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The pages were read: how many there are.
    Loaded(usize),
    /// One more page was parsed.
    Parsed,
    /// The model is built; emitting starts.
    Resolved,
}

/// [`generate`], telling `progress` where it is.
pub fn generate_with_progress(
    docs: &Path,
    options: &emit::CrateOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Generation, GenerateError> {
    generate_cached(docs, options, emit::rust::FormatCache::none(), progress)
}

/// [`generate_with_progress`], formatting only the items whose tokens `cache`
/// does not hold (a regeneration after a doc update), and updating it.
pub fn generate_cached(
    docs: &Path,
    options: &emit::CrateOptions,
    cache: emit::rust::FormatCache,
    progress: &mut dyn FnMut(Progress),
) -> Result<Generation, GenerateError> {
    let mut diagnostics = Diagnostics::default();
    let sources = load::load_docs(docs, &mut diagnostics)?;
    generate_loaded(sources, diagnostics, options, cache, progress)
}

/// [`generate_cached`] from pages already loaded ([`load::load_docs`] and
/// what it reported), so that a caller that fingerprinted them (`gen`'s
/// record of its last run) generates from exactly the text it fingerprinted.
pub fn generate_loaded(
    sources: Vec<load::SourceFile>,
    load_diagnostics: Diagnostics,
    options: &emit::CrateOptions,
    cache: emit::rust::FormatCache,
    progress: &mut dyn FnMut(Progress),
) -> Result<Generation, GenerateError> {
    let Corpus { sources, pages, model, mut diagnostics } = Corpus::from_loaded(sources, load_diagnostics, progress);
    // What the model was built from is not needed to emit it: free it first (peak memory).
    drop(pages);
    drop(sources);
    let files = output::with_manifest(emit::emit_crate_cached(&model, options, cache, &mut diagnostics)?);
    Ok(Generation { model, files, diagnostics })
}

/// The generated crate's files for a model, with the manifest of what `gen` owns.
pub fn emit_files(
    model: &model::ApiModel,
    options: &emit::CrateOptions,
    diagnostics: &mut Diagnostics,
) -> Result<output::Files, GenerateError> {
    Ok(output::with_manifest(emit::emit_crate(model, options, diagnostics)?))
}

/// Parses pages on every available core (pages are independent), keeping
/// page order and each page's diagnostics in that order, so the result is
/// the same as parsing one by one.
fn parse_in_parallel(sources: &[load::SourceFile], diags: &mut Diagnostics, progress: &mut dyn FnMut(Progress)) -> Vec<parse::Page> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    const CHUNK: usize = 32;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(sources.len().div_ceil(CHUNK)).max(1);
    let chunks: Vec<&[load::SourceFile]> = sources.chunks(CHUNK).collect();
    let mut parsed: Vec<Option<(Vec<parse::Page>, Diagnostics)>> = vec![None; chunks.len()];
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::channel();
        for _ in 0..workers {
            let sender = sender.clone();
            let (chunks, next) = (&chunks, &next);
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(chunk) = chunks.get(index) else { break };
                let mut diags = Diagnostics::default();
                let pages: Vec<parse::Page> = chunk.iter().map(|s| parse::parse_page(s, &mut diags)).collect();
                if sender.send((index, pages, diags)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        for (index, pages, chunk_diags) in receiver {
            for _ in &pages {
                progress(Progress::Parsed);
            }
            parsed[index] = Some((pages, chunk_diags));
        }
    });
    drop(chunks);
    let mut pages = Vec::new();
    for (chunk_pages, chunk_diags) in parsed.into_iter().flatten() {
        pages.extend(chunk_pages);
        diags.extend(chunk_diags);
    }
    pages
}
