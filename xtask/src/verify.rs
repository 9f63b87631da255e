//! `cargo xtask verify --docs DIR [--http]`: generate the crate into a scratch
//! directory, compile it with a round-trip program over every request and
//! response example of the pages, run it, and judge each example (see
//! `docgen_tools::verify`). With `--http` the same program also rebuilds every
//! request example with the generated functions and sends it with the
//! generated `Client` against its documented answer on loopback
//! (`docgen_tools::verify::http`): one compile for both. Ends with `N passed,
//! M failed` (of the HTTP exchanges, with `--http`).

use crate::progress;
use docgen::emit::CrateOptions;
use docgen_tools::verify::http::{self, HttpPlan};
use docgen_tools::verify::{self, Entry, Failure, HttpEntry, Plan};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// Docs tree to read.
    #[arg(long)]
    pub docs: PathBuf,
    /// Scratch crate to write (default: target/verify/<docs directory name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Cargo target directory shared by reruns, so they compile incrementally (default: target/verify-target).
    #[arg(long)]
    pub target_dir: Option<PathBuf>,
    /// Package name of the generated crate.
    #[arg(long, default_value = "graph-client")]
    pub crate_name: String,
    /// Exit non-zero when fewer than this percentage of the examples without a doc
    /// defect pass (each figure: the round trip, and with `--http` the exchanges).
    #[arg(long)]
    pub min_pass_rate: Option<f64>,
    /// Also check every request example over HTTP: the request the generated
    /// function builds, and the documented answer through the generated `Client`.
    #[arg(long)]
    pub http: bool,
}

pub fn run(args: Args, root: &Path) -> Result<ExitCode, String> {
    let started = Instant::now();
    let name = args.docs.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "docs".into());
    let out = args.out.unwrap_or_else(|| root.join("target/verify").join(&name));
    let target_dir = args.target_dir.unwrap_or_else(|| root.join("target/verify-target"));
    let options = CrateOptions { crate_name: args.crate_name.clone() };

    let docgen::Corpus { sources, pages, model, mut diagnostics } =
        progress::read(&args.docs).map_err(|e| format!("{}: cannot read the docs: {e}", args.docs.display()))?;
    let files = docgen::emit_files(&model, &options, &mut diagnostics).map_err(|e| format!("{}: {e}", args.docs.display()))?;
    eprintln!("diagnostics: {}", diagnostics.summary());
    let written = docgen::output::write(&out, &files).map_err(|e| format!("writing {}: {e}", out.display()))?;
    let model = &model;

    let (cases, skipped) = verify::collect(&pages, model);
    // The names and types the crate was generated with (its renames were reported by `gen` above).
    let surface = docgen::emit::rust::Surface::new(model, &mut docgen::diagnostics::Diagnostics::default());
    let types = docgen::emit::rust::operation_types(&surface, &args.crate_name);
    let plans: Vec<Plan> = cases.iter().map(|case| verify::plan(case, model, &types)).collect();
    let texts: Vec<Option<String>> =
        cases.iter().zip(&plans).map(|(case, plan)| matches!(plan, Plan::Run(_)).then(|| json_text(&case.body))).collect();
    let entries: Vec<Entry<'_>> = plans
        .iter()
        .zip(&texts)
        .enumerate()
        .filter_map(|(id, (plan, text))| match (plan, text) {
            (Plan::Run(ty), Some(json)) => Some(Entry { id, json, ty }),
            _ => None,
        })
        .collect();
    let (exchanges, http_skipped) = if args.http { http::collect(&pages, &sources) } else { Default::default() };
    let items = surface.operations();
    let outside = docgen::emit::rust::ItemPaths::outside(&args.crate_name);
    let context = http::Context::new(&pages, model, items, &types, &outside);
    let http_plans: Vec<HttpPlan> = exchanges.iter().enumerate().map(|(id, e)| http::plan_exchange(id, e, &context)).collect();
    let http_entries: Vec<HttpEntry<'_>> = http_plans
        .iter()
        .enumerate()
        .filter_map(|(id, plan)| match plan {
            HttpPlan::Run(case) => Some(HttpEntry { id, served: &case.served, function: &case.tokens }),
            HttpPlan::Fail(_) => None,
        })
        .collect();
    let source =
        verify::program(&entries, &http_entries, &args.crate_name).map_err(|e| format!("the verify program does not parse: {e}"))?;
    write_if_changed(&out.join("examples/verify.rs"), &source)?;
    let operations: Vec<&str> =
        files.iter().filter(|(path, _)| path.starts_with("src/operations/")).map(|(_, text)| text.as_str()).collect();
    let (doc_examples, doc_example_count) = verify::doc_examples(&operations);
    write_if_changed(&out.join("examples/doc_examples.rs"), &doc_examples)?;
    eprintln!(
        "generated {} ({} operations, {} types; {} files written); {} examples, {} to run, {} skipped; {} request examples over HTTP, {} to run",
        out.display(),
        model.operations.len(),
        model.types.len(),
        written.written.len(),
        cases.len(),
        entries.len(),
        skipped.values().sum::<usize>(),
        exchanges.len(),
        http_entries.len()
    );

    let compile_started = Instant::now();
    compile(&out, &target_dir)?;
    eprintln!(
        "compiled in {:.1}s, with the {doc_example_count} rustdoc examples of the operations (examples/doc_examples.rs)",
        compile_started.elapsed().as_secs_f64()
    );

    let run_started = Instant::now();
    let (outcomes, http_outcomes) = run_program(&target_dir.join("debug/examples/verify"), entries.len() + http_entries.len())?;
    eprintln!("ran in {:.1}s", run_started.elapsed().as_secs_f64());

    // Judge, then report: failures in page order, then counts by kind.
    let mut failures: Vec<(usize, Failure)> = Vec::new();
    for (id, (case, plan)) in cases.iter().zip(&plans).enumerate() {
        let verdict = match plan {
            Plan::Fail(failure) => Err(failure.clone()),
            Plan::Run(_) => match outcomes.get(&id) {
                Some(Ok(value)) => verify::judge(case, model, Ok(value)),
                Some(Err(message)) => verify::judge(case, model, Err(message)),
                None => Err(Failure::generator("no result from the verify program", String::new())),
            },
        };
        if let Err(failure) = verdict {
            failures.push((id, failure));
        }
    }
    for (id, failure) in &failures {
        let case = &cases[*id];
        println!("{}: {}: {failure}", case.location(), case.role.as_str());
    }
    let mut kinds: BTreeMap<(bool, &str), usize> = BTreeMap::new();
    for (_, failure) in &failures {
        *kinds.entry((failure.doc_defect, failure.kind.as_str())).or_default() += 1;
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!();
    println!("failures by kind:");
    for ((doc_defect, kind), count) in &kinds {
        println!("  {count:>5}  {}: {kind}", if *doc_defect { "doc defect" } else { "generator" });
    }
    for (reason, count) in &skipped {
        println!("  skipped {count:>5}: {reason}");
    }
    let failed = failures.len();
    let passed = cases.len() - failed;
    let doc_defects = failures.iter().filter(|(_, f)| f.doc_defect).count();
    let percent = |part: usize, whole: usize| if whole == 0 { 100.0 } else { 100.0 * part as f64 / whole as f64 };
    let raw = percent(passed, cases.len());
    let rate = percent(passed, cases.len() - doc_defects);
    println!(
        "verify: {raw:.2}% of {} examples pass; {rate:.2}% of the {} without a doc defect; {doc_defects} failures are doc defects, {} generator misses ({:.1}s)",
        cases.len(),
        cases.len() - doc_defects,
        failed - doc_defects,
        started.elapsed().as_secs_f64()
    );
    println!("{passed} passed, {failed} failed");
    let mut rates = vec![("examples", rate)];
    if args.http {
        let judged = exchanges.iter().zip(&http_plans).enumerate().map(|(id, (exchange, plan))| {
            let verdict = match plan {
                HttpPlan::Fail(failure) => Err(failure.clone()),
                HttpPlan::Run(case) => match http_outcomes.get(&id) {
                    Some(Ok(report)) => http::judge_report(exchange, case, model, &types, Ok(report)),
                    Some(Err(message)) => http::judge_report(exchange, case, model, &types, Err(message)),
                    None => Err(Failure::generator("no result from the verify program", String::new())),
                },
            };
            (exchange, verdict)
        });
        let failures: Vec<(String, Failure)> =
            judged.filter_map(|(exchange, verdict)| verdict.err().map(|f| (format!("{}:{}", exchange.file, exchange.line), f))).collect();
        println!();
        println!("== over HTTP: every request example rebuilt by the generated functions, its answer through the generated Client");
        let rate = report(&failures, exchanges.len(), &http_skipped, "request examples", started);
        rates.push(("request examples over HTTP", rate));
    }
    match args.min_pass_rate {
        Some(min) if rates.iter().any(|(_, rate)| *rate < min) => {
            for (what, rate) in rates.iter().filter(|(_, rate)| *rate < min) {
                eprintln!("error: {rate:.2}% of the {what} without a doc defect pass, below --min-pass-rate {min}");
            }
            Ok(ExitCode::FAILURE)
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// Prints the failures (`page.md:LINE: doc defect|generator: kind: detail`),
/// the counts by kind and `N passed, M failed`; returns the pass rate over
/// the cases without a doc defect.
fn report(failures: &[(String, Failure)], total: usize, skipped: &http::Skipped, what: &str, started: Instant) -> f64 {
    for (location, failure) in failures {
        println!("{location}: {failure}");
    }
    let mut kinds: BTreeMap<(bool, &str), usize> = BTreeMap::new();
    for (_, failure) in failures {
        *kinds.entry((failure.doc_defect, failure.kind.as_str())).or_default() += 1;
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!();
    println!("http failures by kind:");
    for ((doc_defect, kind), count) in &kinds {
        println!("  {count:>5}  {}: {kind}", if *doc_defect { "doc defect" } else { "generator" });
    }
    for (reason, count) in skipped {
        println!("  skipped {count:>5}: {reason}");
    }
    let failed = failures.len();
    let doc_defects = failures.iter().filter(|(_, f)| f.doc_defect).count();
    let passed = total - failed;
    let percent = |part: usize, whole: usize| if whole == 0 { 100.0 } else { 100.0 * part as f64 / whole as f64 };
    let rate = percent(passed, total - doc_defects);
    println!(
        "verify --http: {:.2}% of {total} {what} pass both halves; {rate:.2}% of the {} without a doc defect; {doc_defects} failures are doc defects, {} generator misses ({:.1}s)",
        percent(passed, total),
        total - doc_defects,
        failed - doc_defects,
        started.elapsed().as_secs_f64()
    );
    println!("{passed} passed, {failed} failed");
    rate
}

fn json_text(body: &Result<serde_json::Value, String>) -> String {
    body.as_ref().map(|v| v.to_string()).unwrap_or_default()
}

/// Writes `text` to `path` unless it already holds it (so reruns compile incrementally).
fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::create_dir_all(path.parent().unwrap_or(path)).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// `cargo build --example verify --example doc_examples` in the scratch crate
/// (the second only has to compile: it checks the rustdoc examples). On a terminal Cargo
/// draws its own progress; otherwise it is quiet unless the build fails.
fn compile(crate_dir: &Path, target_dir: &Path) -> Result<(), String> {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // No debug info: the program only runs once, and the debug info of a
    // 220,000-line crate and its thousands of cases is most of the build.
    command.current_dir(crate_dir).env("CARGO_TARGET_DIR", target_dir).env("CARGO_PROFILE_DEV_DEBUG", "0").args([
        "build",
        "--example",
        "verify",
        "--example",
        "doc_examples",
    ]);
    let status = if progress::on_terminal() {
        command.status().map_err(|e| format!("cannot run cargo: {e}"))?
    } else {
        let output = command.arg("--quiet").output().map_err(|e| format!("cannot run cargo: {e}"))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let lines: Vec<&str> = stderr.lines().collect();
            eprintln!("{}", lines[lines.len().saturating_sub(80)..].join("\n"));
        }
        output.status
    };
    if status.success() {
        Ok(())
    } else {
        Err(format!("the generated crate in {} does not compile", crate_dir.display()))
    }
}

type Outcomes = BTreeMap<usize, Result<serde_json::Value, String>>;

/// Runs the program and reads its JSON lines, with a bar over the cases: the
/// round trips, and the HTTP reports.
fn run_program(program: &Path, count: usize) -> Result<(Outcomes, Outcomes), String> {
    let mut child = Command::new(program).stdout(Stdio::piped()).spawn().map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let bar = progress::bar(count as u64, "verify");
    let mut outcomes = Outcomes::new();
    let mut http_outcomes = Outcomes::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| e.to_string())?;
            let Ok(serde_json::Value::Object(mut record)) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
            let Some(id) = record.get("id").and_then(serde_json::Value::as_u64) else { continue };
            let message = |record: &serde_json::Map<String, serde_json::Value>, key: &str| {
                record.get(key).and_then(serde_json::Value::as_str).unwrap_or("no error message").to_owned()
            };
            if let Some(report) = record.remove("http") {
                http_outcomes.insert(id as usize, Ok(report));
            } else if record.contains_key("http_error") {
                http_outcomes.insert(id as usize, Err(message(&record, "http_error")));
            } else {
                let outcome = match record.remove("ok") {
                    Some(value) => Ok(value),
                    None => Err(message(&record, "error")),
                };
                outcomes.insert(id as usize, outcome);
            }
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("{} failed: {status}", program.display()));
    }
    Ok((outcomes, http_outcomes))
}
