//! Progress bars on a terminal, nothing otherwise: a bar is drawn only when
//! standard error is a TTY, so logs and CI output stay quiet.

use docgen::diagnostics::Diagnostics;
use docgen::emit::rust::FormatCache;
use docgen::emit::CrateOptions;
use docgen::load::SourceFile;
use docgen::{Corpus, GenerateError, Generation, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;

pub fn on_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// A bar of `len` steps labelled `what`; hidden unless standard error is a terminal.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), target());
    let style = ProgressStyle::with_template("{prefix:>10} [{bar:40}] {pos}/{len} {msg} ({elapsed})")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(what.to_owned());
    bar
}

fn target() -> ProgressDrawTarget {
    if on_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

/// `docgen::generate_loaded` with a bar over the pages, then a spinner while resolving and emitting.
pub fn generate(
    pages: Vec<SourceFile>,
    load_diagnostics: Diagnostics,
    options: &CrateOptions,
    cache: FormatCache,
) -> Result<Generation, GenerateError> {
    let bar = bar(0, "gen");
    bar.set_message("parsing pages");
    let result = docgen::generate_loaded(pages, load_diagnostics, options, cache, &mut |step| match step {
        Progress::Loaded(pages) => bar.set_length(pages as u64),
        Progress::Parsed => bar.inc(1),
        Progress::Resolved => bar.set_message("emitting"),
    });
    bar.finish_and_clear();
    result
}

/// `docgen::Corpus::read` with a bar over the pages.
pub fn read(docs: &Path) -> std::io::Result<Corpus> {
    let bar = bar(0, "read");
    bar.set_message("parsing pages");
    let result = Corpus::read_with_progress(docs, &mut |step| match step {
        Progress::Loaded(pages) => bar.set_length(pages as u64),
        Progress::Parsed => bar.inc(1),
        Progress::Resolved => bar.set_message("resolved"),
    });
    bar.finish_and_clear();
    result
}
