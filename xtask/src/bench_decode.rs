//! `cargo xtask bench --decode`: decoding a 999-item page as the generated
//! types (`Page<User>`, `Page<Message>`, `Page<DriveItem>`) against decoding
//! the same bytes as `serde_json::Value`, medians of `--runs` alternated runs
//! in one process (see docs/BENCHMARKS.md).
//!
//! The page bodies are built here, at run time, from the response examples of
//! the docs' list pages (each item of their `value` arrays, repeated with a
//! different `id` each time), and written to the scratch directory; nothing
//! of the docs is kept in the project. The timing program is compiled into
//! the generated crate (`examples/bench_decode.rs`, optimized, only the areas
//! the three types need), so it measures exactly the code users get.

use docgen::diagnostics::Diagnostics;
use docgen::parse::example::ExampleRole;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// (label, Rust type of the items, the list page whose examples give the items).
const PAGES: [(&str, &str, &str); 3] = [
    ("users", "User", "api/user-list.md"),
    ("messages", "Message", "api/user-list-messages.md"),
    ("driveItems", "DriveItem", "api/driveitem-list-children.md"),
];

/// Items per page: the most `$top` allows.
const ITEMS: usize = 999;

/// The features the three types need: their areas, the typed scalars, no HTTP client.
const FEATURES: &str = "scalars,users,outlook,files";

/// One page's figures, nanoseconds.
pub struct DecodeFigures {
    pub label: &'static str,
    pub type_name: &'static str,
    pub bytes: usize,
    /// `size_of` one item of the type.
    pub item_size: usize,
    pub typed: f64,
    pub value: f64,
}

pub fn run(docs: &Path, generated: &Path, scratch: &Path, runs: usize) -> Result<Vec<DecodeFigures>, String> {
    // cargo runs in the crate's directory.
    let scratch = &std::path::absolute(scratch).map_err(|e| e.to_string())?;
    let bodies = scratch.join("decode-pages");
    std::fs::create_dir_all(&bodies).map_err(|e| e.to_string())?;
    let mut sizes = Vec::new();
    for (label, _, page) in PAGES {
        let body = page_body(&docs.join(page))?;
        sizes.push(body.len());
        std::fs::write(bodies.join(format!("{label}.json")), body).map_err(|e| e.to_string())?;
    }
    // A crate of its own beside the generated one: the generated crate's
    // dev-dependencies (its test server, an HTTP client) are not built.
    let program_dir = scratch.join("decode-program");
    std::fs::create_dir_all(program_dir.join("src")).map_err(|e| e.to_string())?;
    let generated = std::path::absolute(generated).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"bench-decode\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n\
         graph-client = {{ path = {:?}, default-features = false, features = {:?} }}\nserde = \"1\"\nserde_json = \"1\"\n\n[workspace]\n",
        generated.display().to_string(),
        FEATURES.split(',').collect::<Vec<_>>()
    );
    std::fs::write(program_dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(program_dir.join("src/main.rs"), program()).map_err(|e| e.to_string())?;
    let target = scratch.join("target-decode");
    let status = Command::new(env!("CARGO"))
        .current_dir(&program_dir)
        .env("CARGO_TARGET_DIR", &target)
        .args(["build", "--quiet", "--release"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building the decode program in {} failed", program_dir.display()));
    }
    let output = Command::new(target.join("release/bench-decode"))
        .arg(&bodies)
        .arg(runs.to_string())
        .output()
        .map_err(|e| format!("cannot run the decode program: {e}"))?;
    if !output.status.success() {
        return Err(format!("the decode program failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    PAGES
        .iter()
        .zip(sizes)
        .map(|((label, type_name, _), bytes)| {
            let line = text.lines().find(|l| l.split_whitespace().next() == Some(label)).ok_or(format!("no figure for {label}"))?;
            let numbers: Vec<f64> = line.split_whitespace().skip(1).filter_map(|n| n.parse().ok()).collect();
            let [item_size, typed, value] = numbers[..] else { return Err(format!("bad figure line `{line}`")) };
            Ok(DecodeFigures { label, type_name, bytes, item_size: item_size as usize, typed, value })
        })
        .collect()
}

/// `{"value": [...999 items...]}` from the items of a page's response examples, each with an `id` of its own.
fn page_body(page: &Path) -> Result<Vec<u8>, String> {
    let text = std::fs::read_to_string(page).map_err(|e| format!("{}: {e}", page.display()))?;
    let source = docgen::load::SourceFile { path: page.display().to_string(), text };
    let parsed = docgen::parse::parse_page(&source, &mut Diagnostics::default());
    let items: Vec<&Value> = parsed
        .examples
        .iter()
        .filter(|e| e.role == ExampleRole::Response)
        .filter_map(|e| e.json())
        .filter_map(|(json, _)| json.get("value")?.as_array())
        .flatten()
        .filter(|item| item.is_object())
        .collect();
    if items.is_empty() {
        return Err(format!("{}: no response example with items in `value`", page.display()));
    }
    let value: Vec<Value> = (0..ITEMS)
        .map(|i| {
            let mut item = items[i % items.len()].clone();
            item["id"] = Value::String(format!("{:08x}-bench-{i:04}", i.wrapping_mul(2_654_435_761) as u32));
            item
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "value": value })).map_err(|e| e.to_string())
}

/// The timing program: each page decoded as its type and as `Value`, alternated.
fn program() -> String {
    let cases: String =
        PAGES.iter().map(|(label, ty, _)| format!("    report::<graph_client::types::{ty}>(&dir, \"{label}\", runs);\n")).collect();
    format!(
        r#"//! Written by `cargo xtask bench --decode`.
use graph_client::runtime::Page;
use std::time::Instant;

fn main() {{
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("the directory of the page bodies"));
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
{cases}}}

fn report<T: serde::de::DeserializeOwned>(dir: &std::path::Path, label: &str, runs: usize) {{
    let bytes = std::fs::read(dir.join(format!("{{label}}.json"))).expect("a page body");
    let (mut typed, mut value) = (Vec::new(), Vec::new());
    // One warm-up of each, then alternated runs; decoding only (dropping is not timed).
    for round in 0..=runs {{
        let started = Instant::now();
        let page: Page<T> = serde_json::from_slice(&bytes).expect("the page decodes as its type");
        let t = started.elapsed().as_nanos() as f64;
        drop(std::hint::black_box(page));
        let started = Instant::now();
        let json: serde_json::Value = serde_json::from_slice(&bytes).expect("the page is JSON");
        let v = started.elapsed().as_nanos() as f64;
        drop(std::hint::black_box(json));
        if round > 0 {{
            typed.push(t);
            value.push(v);
        }}
    }}
    println!("{{label}} {{}} {{}} {{}}", std::mem::size_of::<T>(), median(&mut typed), median(&mut value));
}}

fn median(times: &mut [f64]) -> f64 {{
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}}
"#
    )
}
