//! Stage timings (load, parse, resolve, emit) over a docs tree:
//! `cargo bench -p docgen --bench pipeline`. The tree is `$DOCGEN_BENCH_DOCS`,
//! else the real v1.0 reference in `../shared/corpus/graph-v1.0-2021-07` when
//! it is there, else `docs-input/`. Each stage's input is prepared once,
//! outside the timing. See docs/BENCHMARKS.md.

use docgen::diagnostics::Diagnostics;
use docgen::emit::CrateOptions;
use docgen::load::SourceFile;
use docgen::model::ApiModel;
use docgen::parse::Page;
use std::path::PathBuf;
use std::sync::LazyLock;

fn docs() -> PathBuf {
    if let Some(dir) = std::env::var_os("DOCGEN_BENCH_DOCS") {
        return dir.into();
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let corpus = root.join("../shared/corpus/graph-v1.0-2021-07");
    if corpus.is_dir() {
        corpus
    } else {
        root.join("docs-input")
    }
}

static SOURCES: LazyLock<Vec<SourceFile>> = LazyLock::new(|| {
    let docs = docs();
    let sources = docgen::load::load_docs(&docs, &mut Diagnostics::default()).expect("the docs tree is readable");
    eprintln!("benchmarking {} pages from {}", sources.len(), docs.display());
    sources
});
static PAGES: LazyLock<Vec<Page>> = LazyLock::new(|| parse_all(&SOURCES));
static MODEL: LazyLock<ApiModel> = LazyLock::new(|| docgen::resolve::resolve(&PAGES, &mut Diagnostics::default()));

fn parse_all(sources: &[SourceFile]) -> Vec<Page> {
    let mut diags = Diagnostics::default();
    sources.iter().map(|s| docgen::parse::parse_page(s, &mut diags)).collect()
}

fn main() {
    // Prepare every stage's input before any timing starts.
    LazyLock::force(&MODEL);
    divan::main();
}

/// Reading the pages (the baseline every stage is compared with in `cargo xtask bench`).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn load() -> Vec<SourceFile> {
    docgen::load::load_docs(&docs(), &mut Diagnostics::default()).expect("readable")
}

/// pulldown-cmark alone over every page: the floor for `parse`.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn markdown_only() -> usize {
    let options = pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    SOURCES.iter().map(|s| pulldown_cmark::Parser::new_ext(&s.text, options).count()).sum()
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn parse() -> Vec<Page> {
    parse_all(divan::black_box(&SOURCES))
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn resolve() -> ApiModel {
    docgen::resolve::resolve(divan::black_box(&PAGES), &mut Diagnostics::default())
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn emit() -> usize {
    let files = docgen::emit::emit_crate(divan::black_box(&MODEL), &CrateOptions::default(), &mut Diagnostics::default()).expect("emits");
    files.len()
}
