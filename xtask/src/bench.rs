//! `cargo xtask bench --docs DIR [--compile]`: whole-pipeline figures, each
//! set against a baseline measured in the same run (see docs/BENCHMARKS.md).
//!
//! - generation time as a ratio to a pulldown-cmark-only pass over the same
//!   pages (both in this process, median of `--runs`);
//! - peak memory (max RSS) of an `xtask gen` child process, from `wait4`;
//! - a second `gen` with no doc change must write no file;
//! - with `--compile`: `cargo check` of the generated crate, all features and
//!   one area, beside `cargo check` and `cargo build` of graph-rs-sdk 3.0.1
//!   from crates.io, each with a fresh target directory.
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

    // 1. In-process: the pipeline against a pulldown-cmark-only pass over the same pages.
    let options = CrateOptions::default();
    let mut baseline = Vec::new();
    let mut pipeline = Vec::new();
    let mut stages: [Vec<Duration>; 4] = Default::default();
    let mut pages = 0;
    let mut last_model = None;
    for _ in 0..runs {
        let started = Instant::now();
        let sources = docgen::load::load_docs(&docs, &mut Diagnostics::default()).map_err(|e| format!("{}: {e}", docs.display()))?;
        let md = pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
        let events: usize = sources.iter().map(|s| pulldown_cmark::Parser::new_ext(&s.text, md).count()).sum();
        std::hint::black_box(events);
        baseline.push(started.elapsed());
        pages = sources.len();
        drop(sources);

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
        let t = Instant::now();
        let files = docgen::emit::emit_crate(&model, &options, &mut diags).map_err(|e| e.to_string())?;
        stages[3].push(t.elapsed());
        pipeline.push(started.elapsed());
        std::hint::black_box(files);
        last_model = Some(model);
    }
    let (base, gen) = (median(&mut baseline), median(&mut pipeline));
    let ratio = gen.as_secs_f64() / base.as_secs_f64();
    println!("| figure | value | baseline (same run) | ratio | target |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| generation in process ({pages} pages: load, parse, resolve, emit) | {} | pulldown-cmark pass {} | {ratio:.2}x | <= 3x |",
        secs(gen),
        secs(base)
    );
    for (name, times) in ["load", "parse", "resolve", "emit"].iter().zip(stages.iter_mut()) {
        let t = median(times);
        println!("| - stage `{name}` | {} | | {:.2}x | |", secs(t), t.as_secs_f64() / base.as_secs_f64());
    }
    ok &= ratio <= 3.0;
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

    // 2. `xtask gen` as a child process: wall time and peak memory; then again, writing nothing.
    let out = scratch.join("gen-out");
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let first = gen_child(&docs, &out, &scratch.join("gen-1.log"))?;
    let second = gen_child(&docs, &out, &scratch.join("gen-2.log"))?;
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "| `xtask gen` child, fresh output | {} wall, {:.0} MiB peak RSS | pulldown-cmark pass {} | {:.2}x time | <= 256 MiB |",
        secs(first.wall),
        mib(first.max_rss_kib),
        secs(base),
        first.wall.as_secs_f64() / base.as_secs_f64()
    );
    println!(
        "| `xtask gen` child, no doc change | {} wall, {:.0} MiB peak RSS, {} files written | first gen {} ({} files written) | {:.2}x time | 0 files written |",
        secs(second.wall),
        mib(second.max_rss_kib),
        second.written,
        secs(first.wall),
        first.written,
        second.wall.as_secs_f64() / first.wall.as_secs_f64()
    );
    ok &= first.max_rss_kib <= 256 * 1024;
    if second.written != 0 {
        eprintln!("error: the second gen with no doc change wrote {} file(s)", second.written);
        ok = false;
    }
    println!("second gen files written: {}", second.written);

    // 3. Upload throughput against a plain reqwest loop on the same loopback host.
    if let Some(mib) = args.upload {
        let figures = crate::bench_upload::run(mib, runs)?;
        let rate = |d: Duration| figures.size as f64 / (1 << 20) as f64 / d.as_secs_f64();
        let ratio = rate(figures.runtime) / rate(figures.baseline);
        println!(
            "| upload of {mib} MiB in 3.75 MiB chunks (runtime: read, PUT, answers checked) | {:.0} MiB/s ({}) | plain reqwest PUT loop {:.0} MiB/s ({}) | {ratio:.2}x throughput | >= 0.9x |",
            rate(figures.runtime),
            secs(figures.runtime),
            rate(figures.baseline),
            secs(figures.baseline)
        );
    }

    // 4. Compile times, each with a fresh target directory.
    if args.compile {
        println!();
        compile_figures(&out, &scratch, &args.area)?;
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

struct ChildRun {
    wall: Duration,
    max_rss_kib: u64,
    written: usize,
}

/// Runs `xtask gen` (this executable) and waits for it with `wait4`, which
/// gives that child's own resource usage (peak RSS in KiB on Linux).
fn gen_child(docs: &Path, out: &Path, log: &Path) -> Result<ChildRun, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let log_file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let started = Instant::now();
    let child = Command::new(exe)
        .arg("gen")
        .arg("--docs")
        .arg(docs)
        .arg("--out")
        .arg(out)
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
    Ok(ChildRun { wall, max_rss_kib, written })
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
            println!("| generated crate `cargo check --no-default-features --features {area}` | {} | - | - |", secs(one));
        }
    }
    Ok(())
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
