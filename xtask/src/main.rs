//! `cargo xtask <command>`: the project's commands (see `cargo xtask --help`).

use clap::{Parser, Subcommand};
use docgen::diagnostics::Diagnostics;
use docgen::emit::rust::FormatCache;
use docgen::emit::CrateOptions;
use fingerprint::GenRecord;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod bench;
mod bench_decode;
mod bench_upload;
mod diagnostics;
mod fingerprint;
mod progress;
mod sample;
mod verify;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Generate a typed Rust client from Markdown API reference pages")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse the docs and write the generated crate.
    Gen {
        /// Docs tree to read (default: docs-input/).
        #[arg(long)]
        docs: Option<PathBuf>,
        /// Crate directory to write (default: generated/). Created if missing.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write nothing; fail and name the files if the output is not up to date.
        #[arg(long)]
        check: bool,
        /// Package name of the generated crate.
        #[arg(long, default_value = "graph-client")]
        crate_name: String,
        /// Directory of formatted items kept between runs, so a regeneration formats only
        /// what changed, and of the record of the last gen, so a gen with nothing changed
        /// generates nothing (default: target/docgen-cache; safe to delete).
        #[arg(long)]
        format_cache: Option<PathBuf>,
        /// Generate everything from scratch, reading and writing no cache: neither formatted
        /// items nor the record of the last gen (which otherwise lets a gen whose generator,
        /// options and pages did not change, with its output in place, skip generating).
        #[arg(long, conflicts_with = "format_cache")]
        no_format_cache: bool,
    },
    /// Write the model as an OpenAPI 3.1 JSON document.
    Openapi {
        #[arg(long)]
        docs: Option<PathBuf>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Compare the model built from the docs with the API's CSDL metadata (the answer key): recall, precision, disagreements.
    Audit {
        #[arg(long)]
        docs: PathBuf,
        #[arg(long)]
        metadata: PathBuf,
        /// Also write the figures as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
        /// How many of the largest disagreement groups to list per metric.
        #[arg(long, default_value_t = 20)]
        top: usize,
    },
    /// API changes between two versions of the docs, breaking changes first.
    Diff {
        /// A docs directory, an api-model.json, or a git revision: `REV` (its docs-input/) or `REV:path`.
        old: String,
        /// Same forms as OLD.
        new: String,
        /// `md`: a changelog for a pull request; `json`: `{"changes": [...]}`.
        #[arg(long, default_value = "md", value_parser = ["md", "json"])]
        format: String,
    },
    /// Round-trip every request and response example of the docs through the generated crate's types (compiles it in a scratch directory).
    Verify(verify::Args),
    /// Time the pipeline against a pulldown-cmark-only pass, measure peak memory and re-generation, optionally compile times.
    Bench(bench::Args),
    /// Copy a deterministic sample of the pages (every area represented) into a new docs tree.
    Sample(sample::Args),
    /// Write docs/DIAGNOSTICS.md, the reference of every diagnostic code, from the code table and the rule fixtures.
    Diagnostics(diagnostics::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gen { docs, out, check, crate_name, format_cache, no_format_cache } => {
            gen(docs, out, check, crate_name, format_cache, no_format_cache)
        }
        Command::Openapi { docs, out } => openapi(docs, &out),
        Command::Audit { docs, metadata, json, top } => audit(&docs, &metadata, json.as_deref(), top),
        Command::Diff { old, new, format } => diff(&old, &new, &format),
        Command::Verify(args) => verify::run(args, &project_root()),
        Command::Bench(args) => bench::run(args, &project_root()),
        Command::Sample(args) => sample::run(&args),
        Command::Diagnostics(args) => diagnostics::run(&args, &project_root()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Cargo's target directory of this workspace (`CARGO_TARGET_DIR` when set).
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

fn report(diags: &Diagnostics) {
    eprint!("{}", render_report(diags));
}

/// The diagnostics as `gen` prints them: one line each, then the counts by code.
fn render_report(diags: &Diagnostics) -> String {
    let mut text = String::new();
    for d in diags.sorted() {
        text.push_str(&format!("{d}\n"));
    }
    text.push_str(&format!("diagnostics: {}\n", diags.summary()));
    text
}

fn gen(
    docs: Option<PathBuf>,
    out: Option<PathBuf>,
    check: bool,
    crate_name: String,
    format_cache: Option<PathBuf>,
    no_format_cache: bool,
) -> Result<ExitCode, String> {
    let root = project_root();
    let docs = docs.unwrap_or_else(|| root.join("docs-input"));
    let out = out.unwrap_or_else(|| root.join("generated"));
    // One format cache file and one gen record per output directory and crate name.
    let cache = (!no_format_cache).then(|| {
        let dir = format_cache.unwrap_or_else(|| target_dir(&root).join("docgen-cache"));
        let out = std::path::absolute(&out).unwrap_or_else(|_| out.clone());
        (dir, format!("{}-{crate_name}", out.display()))
    });
    let record = cache.as_ref().map_or_else(GenRecord::none, |(dir, key)| GenRecord::open(dir, key));

    let recorded = record.read();
    let (loaded, output_in_place) = std::thread::scope(|scope| {
        // On a hit both are needed, and they are independent: the output is
        // hashed on the other core while this one loads and fingerprints the pages.
        let in_place = scope.spawn(|| recorded.as_ref().is_some_and(|r| r.output_in_place(&out)));
        let loaded = load_and_fingerprint(&docs, &out, &crate_name, &record);
        (loaded, in_place.join().unwrap_or(false))
    });
    let (pages, load_diagnostics, fingerprint) = loaded?;
    let hit = recorded.zip(fingerprint.as_deref()).and_then(|(recorded, f)| recorded.replay(f, output_in_place));
    if let Some((outcome, files)) = hit {
        return Ok(replay(&outcome, files, &out, check, &record));
    }

    // Read only on a miss: for v1.0 it is tens of megabytes.
    let format_cache = cache.as_ref().map_or_else(FormatCache::none, |(dir, key)| FormatCache::open(dir, key));
    let generation = progress::generate(pages, load_diagnostics, &CrateOptions { crate_name }, format_cache)
        .map_err(|e| format!("{}: {e}", docs.display()))?;
    let outcome = fingerprint::Outcome {
        counts: format!("{} operations, {} types", generation.model.operations.len(), generation.model.types.len()),
        diagnostics: render_report(&generation.diagnostics),
        // A run that fails (drift, a refused write) returns before it is recorded.
        exit_code: 0,
    };
    eprint!("{}", outcome.diagnostics);
    let in_place =
        if check { check_output(&out, &generation, &outcome) } else { write_output(&out, &generation, &outcome).map(|()| true)? };
    if !in_place {
        return Ok(ExitCode::FAILURE);
    }
    // Recorded only once the output is what the record says: written, or found up to date.
    if let Some(fingerprint) = &fingerprint {
        if let Err(e) = record.save(fingerprint, &generation.files, &outcome) {
            eprintln!("warning: could not write the gen record {}: {e}", record.path().unwrap_or(Path::new("")).display());
        }
    }
    Ok(ExitCode::from(outcome.exit_code))
}

/// The pages `gen` generates from, what loading them reported, and their
/// fingerprint (none without a record, or when the executable cannot be read).
fn load_and_fingerprint(
    docs: &Path,
    out: &Path,
    crate_name: &str,
    record: &GenRecord,
) -> Result<(Vec<docgen::load::SourceFile>, Diagnostics, Option<String>), String> {
    let mut load_diagnostics = Diagnostics::default();
    let pages = docgen::load::load_docs(docs, &mut load_diagnostics)
        .map_err(|e| format!("{}: {}", docs.display(), docgen::GenerateError::Io(e)))?;
    let fingerprint = record.path().and_then(|_| {
        let inputs = fingerprint::Inputs { crate_name, docs, out, pages: &pages, load_diagnostics: &load_diagnostics };
        fingerprint::fingerprint(&inputs).map_err(|e| eprintln!("warning: no gen record: cannot read the generator's executable: {e}")).ok()
    });
    Ok((pages, load_diagnostics, fingerprint))
}

/// A hit: the last run's diagnostics and summary, nothing generated or written.
fn replay(outcome: &fingerprint::Outcome, files: usize, out: &Path, check: bool, record: &GenRecord) -> ExitCode {
    eprint!("{}", outcome.diagnostics);
    let record = record.path().unwrap_or(Path::new("")).display();
    eprintln!(
        "{} the generator, options and pages are those of the last gen, and its output is in place ({record})",
        fingerprint::REPLAYED
    );
    if check {
        eprintln!("{} is up to date ({})", out.display(), outcome.counts);
    } else {
        eprintln!("generated {} ({}): 0 written, {files} unchanged, 0 removed", out.display(), outcome.counts);
        eprintln!("api changes: none");
    }
    ExitCode::from(outcome.exit_code)
}

/// `gen --check`: names the files that differ from what gen would write; true when none does.
fn check_output(out: &Path, generation: &docgen::Generation, outcome: &fingerprint::Outcome) -> bool {
    let drift = docgen::output::check(out, &generation.files);
    if drift.is_empty() {
        eprintln!("{} is up to date ({})", out.display(), outcome.counts);
        return true;
    }
    for d in &drift {
        eprintln!("stale: {}", out.join(d.to_string()).display());
    }
    eprintln!("{} file(s) in {} differ from the docs; run `cargo xtask gen`", drift.len(), out.display());
    false
}

/// `gen`: writes the crate (one transaction) and says what changed.
fn write_output(out: &Path, generation: &docgen::Generation, outcome: &fingerprint::Outcome) -> Result<(), String> {
    let previous_snapshot = std::fs::read_to_string(out.join(docgen::emit::MODEL_SNAPSHOT)).ok();
    // What changed in the API needs only the model and the previous snapshot
    // (read above): it is worked out while the files are written.
    let (api_changes, written) =
        docgen::parallel::join(|| api_changes(previous_snapshot.as_deref(), generation), || docgen::output::write(out, &generation.files));
    let written = written.map_err(|e| format!("writing {}: {e}", out.display()))?;
    match written.recovered {
        Some(docgen::output::Recovery::RolledForward { moved }) => {
            eprintln!("finished an interrupted gen in {} first ({moved} file(s) moved into place)", out.display())
        }
        Some(docgen::output::Recovery::RolledBack) => eprintln!("discarded the files staged by an interrupted gen in {}", out.display()),
        None => {}
    }
    eprintln!(
        "generated {} ({}): {} written, {} unchanged, {} removed",
        out.display(),
        outcome.counts,
        written.written.len(),
        written.unchanged,
        written.removed.len()
    );
    eprintln!("{api_changes}");
    Ok(())
}

/// The `api changes:` line of a `gen`: the previous snapshot against the new model.
fn api_changes(previous_snapshot: Option<&str>, generation: &docgen::Generation) -> String {
    let snapshot = generation.files.get(docgen::emit::MODEL_SNAPSHOT);
    if previous_snapshot.is_some() && previous_snapshot == snapshot.map(String::as_str) {
        // The same model text: nothing to diff (reading it back costs a tenth of a regeneration).
        "api changes: none".to_owned()
    } else {
        docgen::diff::snapshot_summary(previous_snapshot, &generation.model)
    }
}

fn openapi(docs: Option<PathBuf>, out: &Path) -> Result<ExitCode, String> {
    let docs = docs.unwrap_or_else(|| project_root().join("docs-input"));
    let (model, diags) = docgen::build_model(&docs).map_err(|e| format!("{}: {e}", docs.display()))?;
    report(&diags);
    let title = docs.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "API".into());
    let document = docgen::emit::openapi::openapi(&model, &title);
    let mut text = serde_json::to_string_pretty(&document).map_err(|e| e.to_string())?;
    text.push('\n');
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(out, text).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!("wrote {} ({} paths, {} schemas)", out.display(), document["paths"].as_object().map_or(0, |p| p.len()), model.types.len());
    Ok(ExitCode::SUCCESS)
}

fn audit(docs: &Path, metadata: &Path, json: Option<&Path>, top: usize) -> Result<ExitCode, String> {
    let started = std::time::Instant::now();
    let audit = docgen_tools::audit::run(docs, metadata).map_err(|e| e.to_string())?;
    print!("{}", audit.render(top));
    if let Some(path) = json {
        let text = serde_json::to_string_pretty(&audit.to_json(top)).map_err(|e| e.to_string())? + "\n";
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    eprintln!("audit took {:.2}s", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

fn diff(old: &str, new: &str, format: &str) -> Result<ExitCode, String> {
    let started = std::time::Instant::now();
    let (old, new) = docgen_tools::diff_input::load_pair(old, new, &project_root()).map_err(|e| e.to_string())?;
    let changes = docgen::diff::diff(&old.model, &new.model);
    match format {
        "json" => print!("{}", docgen::diff::json::render(&changes)),
        _ => print!("{}", docgen::diff::markdown::render(&changes, &old.label, &new.label)),
    }
    for side in [&old, &new] {
        let diagnostics = side.diagnostics.as_deref().map(|d| format!("; diagnostics: {d}")).unwrap_or_default();
        eprintln!("{}: {} operations, {} types{diagnostics}", side.label, side.model.operations.len(), side.model.types.len());
    }
    eprintln!("api changes: {} (diff took {:.2}s)", docgen::diff::Counts::of(&changes), started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}
