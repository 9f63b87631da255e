//! `cargo xtask bench --docs DIR [--compile]`: whole-pipeline figures, each
//! set against a baseline measured in the same run (see docs/BENCHMARKS.md).
//!
//! - generation time as a ratio to a pulldown-cmark-only pass over the same
//!   pages (both in this process, median of `--runs`);
//! - `xtask gen` child processes on a scratch copy of the docs: fresh (no
//!   format cache, no output), again with no doc change (must write no
//!   file; it replays `gen`'s record of the first, src/fingerprint.rs), and
//!   again after one page's description changed (must not replay), each as a
//!   ratio to that pulldown-cmark pass, with their peak memory (max RSS, from `wait4`);
//! - with `--compile`: `cargo check` of the generated crate, all features and
//!   one area, beside `cargo check` and `cargo build` of graph-rs-sdk 3.0.1
//!   from crates.io, each with a fresh target directory;
//! - two floors no generator of this design can go under, measured in the
//!   same run: `syn`'s parse of the emitted files (prettyplease formats a
//!   `syn::File`), and checking the crate's dependencies alone (its manifest
//!   with an empty library).
//!
//! Build it optimized for meaningful numbers: `cargo run --release -p xtask -- bench`.

use docgen::diagnostics::Diagnostics;
use docgen::emit::CrateOptions;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// Docs tree (default: ../shared/corpus/graph-v1.0-2021-07 when present, else docs-input/).
    #[arg(long)]
    pub docs: Option<PathBuf>,
    /// Repetitions of the in-process timings; medians are reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Also time compiling: the generated crate (all features, one area) and graph-rs-sdk 3.0.1.
    #[arg(long)]
    pub compile: bool,
    /// The area (Cargo feature) of the one-area check.
    #[arg(long, default_value = "outlook")]
    pub area: String,
    /// Also time a large-file upload through the runtime against a plain reqwest PUT loop (MiB of data).
    #[arg(long, value_name = "MIB")]
    pub upload: Option<usize>,
    /// Also time decoding 999-item pages of users, messages and driveItems as the
    /// generated types against `serde_json::Value` (the same bytes, same run).
    #[arg(long)]
    pub decode: bool,
    /// With `--decode` or `--compile`: use this generated crate (e.g. one written by
    /// another generator) instead of generating one; skips the generation figures.
    #[arg(long = "crate", value_name = "DIR")]
    pub crate_dir: Option<PathBuf>,
    /// Scratch directory (default: target/bench).
    #[arg(long)]
    pub scratch: Option<PathBuf>,
}

pub fn run(args: Args, root: &Path) -> Result<ExitCode, String> {
    let docs = args.docs.clone().unwrap_or_else(|| {
        let corpus = root.join("../shared/corpus/graph-v1.0-2021-07");
        if corpus.is_dir() {
            corpus
        } else {
            root.join("docs-input")
        }
    });
    let scratch = args.scratch.clone().unwrap_or_else(|| root.join("target/bench"));
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    if cfg!(debug_assertions) {
        eprintln!("note: xtask is built without optimizations; for meaningful figures run `cargo run --release -p xtask -- bench`");
    }
    let runs = args.runs.max(1);
    let mut ok = true;
    println!("docs: {} ({} runs, medians)", docs.display(), runs);
    println!();
    if let Some(generated) = &args.crate_dir {
        let met = crate_figures(&args, &docs, generated, &scratch, runs)?;
        return Ok(if met { ExitCode::SUCCESS } else { ExitCode::FAILURE });
    }

    // 1. The baseline of every ratio: a pulldown-cmark-only pass over the same pages (load included).
    let options = CrateOptions::default();
    let mut baseline = Vec::new();
    let mut pipeline = Vec::new();
    let mut stages: [Vec<Duration>; 4] = Default::default();
    let mut without_emit = Vec::new();
    let mut pages = 0;
    // The baseline first, then the `gen` children while this process is
    // still small: a child's peak RSS (`wait4`) counts this process's peak
    // at the time it was spawned (Linux carries it over the exec).
    let mut last_model = None;
    let mut last_files = None;
    for _ in 0..runs {
        let started = Instant::now();
        let sources = docgen::load::load_docs(&docs, &mut Diagnostics::default()).map_err(|e| format!("{}: {e}", docs.display()))?;
        let md = pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
        let events: usize = sources.iter().map(|s| pulldown_cmark::Parser::new_ext(&s.text, md).count()).sum();
        std::hint::black_box(events);
        baseline.push(started.elapsed());
        pages = sources.len();
        drop(sources);
    }
    let base = median(&mut baseline);
    println!("| figure | value | baseline (same run) | ratio | target |");
    println!("| --- | --- | --- | --- | --- |");

    // 2. `xtask gen` as a child process, on a scratch copy of the docs with a
    //    scratch format cache: fresh (no cache, no output), again with no doc
    //    change, and again after one page's description changed.
    let out = scratch.join("gen-out");
    let copy = scratch.join("docs");
    let cache = scratch.join("format-cache");
    remove_dir(&copy)?;
    copy_tree(&docs, &copy)?;
    let (edited, original) = page_to_edit(&copy)?;
    let mut children: [Vec<ChildRun>; 3] = Default::default();
    for run in 0..runs {
        remove_dir(&out)?;
        remove_dir(&cache)?;
        std::fs::write(&edited, &original).map_err(|e| format!("{}: {e}", edited.display()))?;
        let log = |what: &str| scratch.join(format!("gen-{run}-{what}.log"));
        children[0].push(gen_child(&copy, &out, &cache, &log("fresh"))?);
        children[1].push(gen_child(&copy, &out, &cache, &log("no-change"))?);
        std::fs::write(&edited, edit_description(&original, run)).map_err(|e| format!("{}: {e}", edited.display()))?;
        children[2].push(gen_child(&copy, &out, &cache, &log("one-page"))?);
    }
    std::fs::write(&edited, &original).map_err(|e| format!("{}: {e}", edited.display()))?;
    let [fresh, unchanged, one_page] = children.map(|runs| {
        let wall = median(&mut runs.iter().map(|r| r.wall).collect::<Vec<_>>());
        let max_rss_kib = runs.iter().map(|r| r.max_rss_kib).max().unwrap_or_default();
        let written = runs.iter().map(|r| r.written).max().unwrap_or_default();
        ChildRun { wall, max_rss_kib, written, replayed: runs.iter().map(|r| r.replayed).sum() }
    });
    let mib = |kib: u64| kib as f64 / 1024.0;
    let floor = |run: &ChildRun| run.wall.as_secs_f64() / base.as_secs_f64();
    let edited_name = edited.strip_prefix(&copy).unwrap_or(&edited).display();
    for (what, run, target) in [
        ("fresh (no cache, no output)", &fresh, 5.0),
        ("again, no doc change", &unchanged, 1.5),
        (&format!("again, one page's description changed ({edited_name})") as &str, &one_page, 2.0),
    ] {
        println!(
            "| `xtask gen` child, {what} | {} wall, {:.0} MiB peak RSS, {} files written | pulldown-cmark pass {}; fresh gen {} | **{:.2}x** the pass, {:.2}x fresh gen | <= {target}x the pass |",
            secs(run.wall),
            mib(run.max_rss_kib),
            run.written,
            secs(base),
            secs(fresh.wall),
            floor(run),
            run.wall.as_secs_f64() / fresh.wall.as_secs_f64()
        );
        ok &= floor(run) <= target;
    }
    let peak = fresh.max_rss_kib.max(unchanged.max_rss_kib).max(one_page.max_rss_kib);
    println!("| peak RSS of those `xtask gen` children | {:.0} MiB | | | <= 256 MiB |", mib(peak));
    ok &= peak <= 256 * 1024;
    if unchanged.written != 0 {
        eprintln!("error: the gen with no doc change wrote {} file(s)", unchanged.written);
        ok = false;
    }
    if one_page.written == 0 {
        eprintln!("error: the gen after a page changed wrote no file");
        ok = false;
    }
    println!("gen with no doc change, files written: {}", unchanged.written);
    // Only the no-change child may replay the record of the gen before it: a replay after the page changed would hide the change.
    println!(
        "runs that replayed the gen record, of {runs}: fresh {}, no doc change {}, one page changed {}",
        fresh.replayed, unchanged.replayed, one_page.replayed
    );
    if fresh.replayed + one_page.replayed > 0 {
        eprintln!("error: a gen whose inputs changed replayed the record of the previous one");
        ok = false;
    }

    // 3. In-process: the pipeline and its stages (no format cache).
    for _ in 0..runs {
        let started = Instant::now();
        let mut diags = Diagnostics::default();
        let sources = docgen::load::load_docs(&docs, &mut diags).map_err(|e| e.to_string())?;
        stages[0].push(started.elapsed());
        let t = Instant::now();
        let parsed: Vec<docgen::parse::Page> = sources.iter().map(|s| docgen::parse::parse_page(s, &mut diags)).collect();
        stages[1].push(t.elapsed());
        let t = Instant::now();
        let model = docgen::resolve::resolve(&parsed, &mut diags);
        stages[2].push(t.elapsed());
        without_emit.push(started.elapsed());
        let t = Instant::now();
        let files = docgen::emit::emit_crate(&model, &options, &mut diags).map_err(|e| e.to_string())?;
        stages[3].push(t.elapsed());
        pipeline.push(started.elapsed());
        last_files = Some(files);
        last_model = Some(model);
    }
    let gen = median(&mut pipeline);
    let ratio = gen.as_secs_f64() / base.as_secs_f64();
    println!(
        "| generation in process ({pages} pages: load, parse, resolve, emit; no format cache) | {} | pulldown-cmark pass {} | {ratio:.2}x | <= 5x |",
        secs(gen),
        secs(base)
    );
    let before_emit = median(&mut without_emit);
    println!(
        "| - without emit (load, parse on one core, resolve) | {} | | {:.2}x | |",
        secs(before_emit),
        before_emit.as_secs_f64() / base.as_secs_f64()
    );
    for (name, times) in ["load", "parse", "resolve", "emit"].iter().zip(stages.iter_mut()) {
        let t = median(times);
        println!("| - stage `{name}` | {} | | {:.2}x | |", secs(t), t.as_secs_f64() / base.as_secs_f64());
    }
    if let Some(files) = &last_files {
        // A floor of any gen that formats with prettyplease: it takes a
        // `syn::File`, and every emitted file is parsed before it is written.
        let floor = median(&mut (0..runs).map(|_| parse_rust_files(files).0).collect::<Vec<_>>());
        let bytes: usize = files.iter().filter(|(path, _)| path.ends_with(".rs")).map(|(_, text)| text.len()).sum();
        println!(
            "| - floor: `syn::parse_file` of the emitted `.rs` files ({:.1} MB), one core; half on two | {} | | {:.2}x; {:.2}x | |",
            bytes as f64 / 1e6,
            secs(floor),
            floor.as_secs_f64() / base.as_secs_f64(),
            floor.as_secs_f64() / 2.0 / base.as_secs_f64()
        );
    }
    ok &= ratio <= 5.0;
    if let Some(model) = &last_model {
        let names = NameLengths::of(model);
        println!(
            "| operation names in the surface ({} methods: `list`, `create_upload_session`, ...) | median {}, p90 {}, max {} chars; {:.1}% at most 30 | | | 90% <= 30 |",
            names.count,
            names.median,
            names.p90,
            names.max,
            names.share_within_30 * 100.0
        );
        ok &= names.share_within_30 >= 0.9;
    }

    // 4. Upload throughput against a plain reqwest loop on the same loopback host.
    if let Some(mib) = args.upload {
        let figures = crate::bench_upload::run(mib, runs)?;
        let rate = |d: Duration| figures.size as f64 / (1 << 20) as f64 / d.as_secs_f64();
        for (what, time, target) in [
            ("`upload_bytes` from memory", figures.runtime, ">= 0.9x"),
            ("`upload` through a reader (a file's path: one copy)", figures.runtime_reader, ""),
        ] {
            let ratio = rate(time) / rate(figures.baseline);
            println!(
                "| upload of {mib} MiB in 3.75 MiB chunks, runtime {what}, answers checked | {:.0} MiB/s ({}) | plain reqwest PUT loop {:.0} MiB/s ({}) | {ratio:.2}x throughput | {target} |",
                rate(time),
                secs(time),
                rate(figures.baseline),
                secs(figures.baseline)
            );
            ok &= target.is_empty() || ratio >= 0.9;
        }
    }

    // 5. Decoding and compiling the generated crate.
    ok &= crate_figures(&args, &docs, &out, &scratch, runs)?;
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The figures of a generated crate: decoding (`--decode`), compile times
/// (`--compile`). `false` when a typed page decodes slower than `Value`.
fn crate_figures(args: &Args, docs: &Path, generated: &Path, scratch: &Path, runs: usize) -> Result<bool, String> {
    let mut ok = true;
    if args.decode {
        println!();
        println!(
            "| decode of a 999-item page (`{}`) | size of one item | typed | `serde_json::Value` (same bytes, same run) | ratio | target |",
            generated.display()
        );
        println!("| --- | --- | --- | --- | --- | --- |");
        for page in crate::bench_decode::run(docs, generated, scratch, runs)? {
            let ratio = page.typed / page.value;
            println!(
                "| `Page<{}>`, {} ({:.1} MB) | {} bytes | {:.2} ms | {:.2} ms | **{ratio:.2}x** | <= 1.0x |",
                page.type_name,
                page.label,
                page.bytes as f64 / 1e6,
                page.item_size,
                page.typed / 1e6,
                page.value / 1e6
            );
            ok &= ratio <= 1.0;
        }
    }
    // Compile times, each with a fresh target directory.
    if args.compile {
        println!();
        compile_figures(generated, scratch, &args.area)?;
    }
    Ok(ok)
}

/// How long `syn` takes to parse every Rust file of `files`, on this
/// thread, and how many files it parsed.
fn parse_rust_files(files: &docgen::output::Files) -> (Duration, usize) {
    let started = Instant::now();
    let mut parsed = 0;
    for (path, text) in files.iter().filter(|(path, _)| path.ends_with(".rs")) {
        match syn::parse_file(text) {
            Ok(_) => parsed += 1,
            Err(e) => eprintln!("warning: {path} does not parse: {e}"),
        }
    }
    (started.elapsed(), parsed)
}

struct ChildRun {
    wall: Duration,
    max_rss_kib: u64,
    written: usize,
    /// How many runs replayed `gen`'s record of the previous one instead of generating.
    replayed: usize,
}

/// Runs `xtask gen` (this executable) and waits for it with `wait4`, which
/// gives that child's own resource usage (peak RSS in KiB on Linux).
fn gen_child(docs: &Path, out: &Path, cache: &Path, log: &Path) -> Result<ChildRun, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let log_file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let started = Instant::now();
    let child = Command::new(exe)
        .arg("gen")
        .arg("--docs")
        .arg(docs)
        .arg("--out")
        .arg(out)
        .arg("--format-cache")
        .arg(cache)
        .stdout(Stdio::null())
        .stderr(log_file)
        .spawn()
        .map_err(|e| format!("cannot start xtask gen: {e}"))?;
    let (status, max_rss_kib) = wait_with_rusage(child.id())?;
    let wall = started.elapsed();
    let text = std::fs::read_to_string(log).unwrap_or_default();
    if status != 0 {
        return Err(format!("xtask gen failed (status {status}); see {}", log.display()));
    }
    // `generated DIR (...): N written, M unchanged, K removed`
    let written = text
        .lines()
        .filter_map(|l| l.strip_prefix("generated "))
        .filter_map(|l| l.rsplit_once("): ").map(|(_, counts)| counts))
        .filter_map(|counts| counts.split(" written").next()?.trim().parse().ok())
        .next_back()
        .ok_or_else(|| format!("no `generated ...: N written` line in {}", log.display()))?;
    let replayed = usize::from(text.lines().any(|l| l.starts_with(crate::fingerprint::REPLAYED)));
    Ok(ChildRun { wall, max_rss_kib, written, replayed })
}

fn remove_dir(dir: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(format!("{}: {e}", dir.display())),
        _ => Ok(()),
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_tree(&source, &target)?;
        } else {
            std::fs::copy(&source, &target).map_err(|e| format!("{}: {e}", source.display()))?;
        }
    }
    Ok(())
}

/// The first operation page (in path order) with a `description:` in its
/// front matter and a description line under its `Namespace:` line, and its text.
fn page_to_edit(docs: &Path) -> Result<(PathBuf, String), String> {
    let sources = docgen::load::load_docs(docs, &mut Diagnostics::default()).map_err(|e| format!("{}: {e}", docs.display()))?;
    sources
        .iter()
        .find(|s| s.text.contains("## HTTP request") && front_matter_description(&s.text).is_some() && description_line(&s.text).is_some())
        .map(|s| (docs.join(&s.path), s.text.clone()))
        .ok_or_else(|| format!("no operation page with a description in {}", docs.display()))
}

fn front_matter_description(text: &str) -> Option<usize> {
    text.lines().position(|l| l.starts_with("description: \"") && l.ends_with('"'))
}

fn description_line(text: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let namespace = lines.iter().position(|l| l.starts_with("Namespace: "))?;
    let at = namespace + 1 + lines[namespace + 1..].iter().position(|l| !l.trim().is_empty())?;
    lines[at].chars().next().filter(|c| c.is_alphabetic()).map(|_| at)
}

/// `text` with a sentence added to its description, in the front matter
/// and under the title (either may be the one the page's model takes), a different one each run.
fn edit_description(text: &str, run: usize) -> String {
    let sentence = format!(" Edited by the benchmark, run {run}.");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if let Some(at) = front_matter_description(text) {
        let quote = lines[at].len() - 1;
        lines[at].insert_str(quote, &sentence);
    }
    if let Some(at) = description_line(text) {
        lines[at].push_str(&sentence);
    }
    lines.join("\n") + "\n"
}

fn wait_with_rusage(pid: u32) -> Result<(i32, u64), String> {
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero `rusage` is a valid value of that plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are valid for writes.
    let waited = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if waited < 0 {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()));
    }
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    Ok((code, usage.ru_maxrss.max(0) as u64))
}

/// `cargo check` of the generated crate (all features; one area) and
/// `cargo check`/`cargo build` of graph-rs-sdk 3.0.1, fresh target dirs.
fn compile_figures(generated: &Path, scratch: &Path, area: &str) -> Result<(), String> {
    let sdk = scratch.join("graph-rs-sdk-3.0.1");
    std::fs::create_dir_all(sdk.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(
        sdk.join("Cargo.toml"),
        "[package]\nname = \"sdk-baseline\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\ngraph-rs-sdk = \"=3.0.1\"\n\n[workspace]\n",
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(sdk.join("src/lib.rs"), "pub use graph_rs_sdk;\n").map_err(|e| e.to_string())?;
    // Downloads are not part of any timing.
    let fetched = cargo(&sdk, &["fetch"], None).map(|_| ());
    let _ = cargo(generated, &["fetch"], None);

    let deps_only = dependencies_only(generated, &scratch.join("dependencies-only"))?;
    let _ = cargo(&deps_only, &["fetch"], None);

    let deps = timed_cargo(&deps_only, &["check", "--all-features"], &scratch.join("target-check-deps"))?;
    let all = timed_cargo(generated, &["check", "--all-features"], &scratch.join("target-check-all"))?;
    let one = timed_cargo(generated, &["check", "--no-default-features", "--features", area], &scratch.join("target-check-area"))?;
    println!("| compile (fresh target dir) | time | baseline: graph-rs-sdk 3.0.1 (same run) | ratio |");
    println!("| --- | --- | --- | --- |");
    match fetched {
        Ok(()) => {
            let sdk_check = timed_cargo(&sdk, &["check"], &scratch.join("target-sdk-check"))?;
            let sdk_build = timed_cargo(&sdk, &["build"], &scratch.join("target-sdk-build"))?;
            let r = |t: Duration, b: Duration| t.as_secs_f64() / b.as_secs_f64();
            println!(
                "| generated crate `cargo check --all-features` | {} | `cargo check` {} | {:.2}x |",
                secs(all),
                secs(sdk_check),
                r(all, sdk_check)
            );
            println!(
                "| - floor: its dependencies alone (the same manifest, an empty `lib.rs`) `cargo check --all-features` | {} | `cargo check` {} | {:.2}x |",
                secs(deps),
                secs(sdk_check),
                r(deps, sdk_check)
            );
            println!(
                "| generated crate `cargo check --no-default-features --features {area}` | {} | `cargo check` {} | {:.2}x |",
                secs(one),
                secs(sdk_check),
                r(one, sdk_check)
            );
            println!(
                "| graph-rs-sdk `cargo build` | {} | `cargo check` {} | {:.2}x |",
                secs(sdk_build),
                secs(sdk_check),
                r(sdk_build, sdk_check)
            );
        }
        Err(e) => {
            println!("| generated crate `cargo check --all-features` | {} | graph-rs-sdk 3.0.1 could not be fetched: {e} | - |", secs(all));
            println!("| - floor: its dependencies alone `cargo check --all-features` | {} | - | - |", secs(deps));
            println!("| generated crate `cargo check --no-default-features --features {area}` | {} | - | - |", secs(one));
        }
    }
    Ok(())
}

/// A crate with `generated`'s manifest and an empty library, in `dir`: what
/// checking its dependencies costs, the floor under the whole crate's figure.
fn dependencies_only(generated: &Path, dir: &Path) -> Result<PathBuf, String> {
    let manifest = std::fs::read_to_string(generated.join("Cargo.toml")).map_err(|e| format!("{}: {e}", generated.display()))?;
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(dir.join("src/lib.rs"), "").map_err(|e| format!("{}: {e}", dir.display()))?;
    // The same versions as the crate's own build, where it has a lock file.
    let lock = generated.join("Cargo.lock");
    if lock.is_file() {
        std::fs::copy(&lock, dir.join("Cargo.lock")).map_err(|e| format!("{}: {e}", lock.display()))?;
    }
    Ok(dir.to_owned())
}

fn timed_cargo(dir: &Path, args: &[&str], target: &Path) -> Result<Duration, String> {
    if target.exists() {
        std::fs::remove_dir_all(target).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    let started = Instant::now();
    cargo(dir, args, Some(target))?;
    let took = started.elapsed();
    eprintln!("{} `cargo {}`: {}", dir.display(), args.join(" "), secs(took));
    Ok(took)
}

fn cargo(dir: &Path, args: &[&str], target: Option<&Path>) -> Result<(), String> {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(dir).args(args).arg("--quiet");
    if let Some(target) = target {
        command.env("CARGO_TARGET_DIR", target);
    }
    let output = command.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(format!(
            "`cargo {}` in {} failed: {}",
            args.join(" "),
            dir.display(),
            stderr.lines().rev().take(5).collect::<Vec<_>>().join(" / ")
        ))
    }
}

/// The lengths of the names operations have within their place in the surface (the method a user
/// calls on its builder, alternatives included), one per documented operation.
struct NameLengths {
    count: usize,
    median: usize,
    p90: usize,
    max: usize,
    share_within_30: f64,
}

impl NameLengths {
    fn of(model: &docgen::model::ApiModel) -> NameLengths {
        let surface = docgen::emit::rust::Surface::new(model, &mut Diagnostics::default());
        let mut lengths: Vec<usize> = surface
            .operations()
            .iter()
            .flat_map(|item| std::iter::once(item.place.method.len()).chain(item.alternatives.iter().map(|a| a.function.len())))
            .collect();
        lengths.sort_unstable();
        let at = |q: f64| lengths.get(((lengths.len() as f64 * q).ceil() as usize).saturating_sub(1)).copied().unwrap_or(0);
        let within = lengths.iter().filter(|&&l| l <= 30).count();
        NameLengths {
            count: lengths.len(),
            median: at(0.5),
            p90: at(0.9),
            max: lengths.last().copied().unwrap_or(0),
            share_within_30: if lengths.is_empty() { 1.0 } else { within as f64 / lengths.len() as f64 },
        }
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn secs(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dependency_floor_is_the_same_manifest_with_an_empty_library() {
        let scratch = tempfile::tempdir().unwrap();
        let generated = scratch.path().join("generated");
        std::fs::create_dir_all(generated.join("src")).unwrap();
        let manifest = "[package]\nname = \"graph-client\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde_json = \"1\"\n";
        std::fs::write(generated.join("Cargo.toml"), manifest).unwrap();
        std::fs::write(generated.join("Cargo.lock"), "# lock\n").unwrap();
        std::fs::write(generated.join("src/lib.rs"), "pub mod types;\n").unwrap();
        let floor = dependencies_only(&generated, &scratch.path().join("floor")).unwrap();
        assert_eq!(std::fs::read_to_string(floor.join("Cargo.toml")).unwrap(), manifest);
        assert_eq!(std::fs::read_to_string(floor.join("Cargo.lock")).unwrap(), "# lock\n");
        assert_eq!(std::fs::read_to_string(floor.join("src/lib.rs")).unwrap(), "");
    }

    #[test]
    fn the_formatting_floor_parses_the_rust_files_only() {
        let mut files = docgen::output::Files::new();
        files.insert("src/lib.rs".into(), "pub fn f() {}\n".into());
        // Not Rust: a parse of it would fail and warn, and would time the wrong thing.
        files.insert("api-model.json".into(), "{\"operations\": []}\n".into());
        files.insert("src/broken.rs".into(), "pub fn f( {}\n".into());
        assert_eq!(parse_rust_files(&files).1, 1, "lib.rs parsed; the JSON not tried, broken.rs failed");
    }
}
