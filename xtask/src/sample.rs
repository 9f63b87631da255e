//! `cargo xtask sample --docs DIR --out DIR --pages N`: a smaller docs tree
//! that still spans every product area, for CI.
//!
//! Selection (deterministic: the same docs give the same sample): operation
//! pages are taken round-robin over the areas (`ms.prod`), each area's pages
//! in the order of a fixed hash of their path (so a sample is spread over the
//! alphabet), until N are taken; then every type page they link to is added, and
//! the type pages those link to, so the types the operations use are documented.
//! An area with no operation page contributes one of its pages.

use docgen::parse::PageKind;
use docgen::Corpus;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;

/// Marks a directory written by `sample`, which a later run may replace.
const MARKER: &str = ".docgen-sample";

#[derive(clap::Args)]
pub struct Args {
    /// Docs tree to sample.
    #[arg(long)]
    pub docs: PathBuf,
    /// Directory to write the sample to (replaced if an earlier sample is there).
    #[arg(long)]
    pub out: PathBuf,
    /// How many operation pages to take (the pages they link to come on top).
    #[arg(long, default_value_t = 500)]
    pub pages: usize,
}

pub fn run(args: &Args) -> Result<ExitCode, String> {
    let corpus = Corpus::read(&args.docs).map_err(|e| format!("{}: {e}", args.docs.display()))?;
    let (chosen, sources) = (select(&corpus, args.pages), &corpus.sources);
    if args.out.exists() {
        let empty = std::fs::read_dir(&args.out).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !empty && !args.out.join(MARKER).exists() {
            return Err(format!("{} exists and is not a sample written by this command; not touching it", args.out.display()));
        }
        std::fs::remove_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    }
    for path in &chosen {
        let target = args.out.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::copy(args.docs.join(path), &target).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    let listing: String = chosen.iter().map(|p| format!("{p}\n")).collect();
    std::fs::write(args.out.join(MARKER), format!("# pages copied by `cargo xtask sample` from {}\n{listing}", args.docs.display()))
        .map_err(|e| e.to_string())?;
    eprintln!("sampled {} of {} pages into {}", chosen.len(), sources.len(), args.out.display());
    Ok(ExitCode::SUCCESS)
}

/// The sampled pages' paths, sorted.
pub fn select(corpus: &Corpus, operations: usize) -> BTreeSet<String> {
    let sources = &corpus.sources;
    let mut by_area: BTreeMap<String, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
    let mut operation_pages: BTreeSet<&str> = BTreeSet::new();
    for (source, page) in sources.iter().zip(&corpus.pages) {
        if page.kind == PageKind::Api {
            operation_pages.insert(&source.path);
        }
        let entry = by_area.entry(page.area.clone()).or_default();
        match page.kind {
            PageKind::Api => entry.0.push(&source.path),
            _ => entry.1.push(&source.path),
        }
    }
    for (api, other) in by_area.values_mut() {
        api.sort_by_key(|p| (fnv1a(p), *p));
        other.sort_by_key(|p| (fnv1a(p), *p));
    }
    let mut chosen: BTreeSet<String> = BTreeSet::new();
    let mut round = 0;
    let mut taken = 0;
    while taken < operations {
        let mut any = false;
        for (api, _) in by_area.values() {
            if let Some(path) = api.get(round) {
                any = true;
                if taken < operations {
                    chosen.insert((*path).to_owned());
                    taken += 1;
                }
            }
        }
        if !any {
            break;
        }
        round += 1;
    }
    for (api, other) in by_area.values() {
        if api.is_empty() {
            chosen.extend(other.first().map(|p| (*p).to_owned()));
        }
    }
    // Close over links to type pages (not to other operations), so the types
    // the chosen operations use are in the sample.
    let texts: BTreeMap<&str, &str> = sources.iter().map(|s| (s.path.as_str(), s.text.as_str())).collect();
    let mut stack: Vec<String> = chosen.iter().cloned().collect();
    while let Some(path) = stack.pop() {
        let Some(text) = texts.get(path.as_str()) else { continue };
        for target in links(&path, text) {
            if texts.contains_key(target.as_str()) && !operation_pages.contains(target.as_str()) && chosen.insert(target.clone()) {
                stack.push(target);
            }
        }
    }
    chosen
}

/// Targets of the relative `.md` links of a page, as paths from the docs root.
fn links(page: &str, text: &str) -> Vec<String> {
    let dir: Vec<&str> = page.split('/').collect::<Vec<_>>().split_last().map(|(_, d)| d.to_vec()).unwrap_or_default();
    let mut out = Vec::new();
    for (i, _) in text.match_indices("](") {
        let rest = &text[i + 2..];
        let Some(end) = rest.find([')', ' ', '#', '\n']) else { continue };
        let target = &rest[..end];
        if !target.to_ascii_lowercase().ends_with(".md") || target.contains("://") {
            continue;
        }
        let mut parts: Vec<&str> = if target.starts_with('/') { Vec::new() } else { dir.clone() };
        for segment in target.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        out.push(parts.join("/"));
    }
    out
}

/// FNV-1a: a fixed hash, stable across Rust versions (unlike `DefaultHasher`).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, prod: &str, body: &str) -> docgen::load::SourceFile {
        docgen::load::SourceFile { path: path.into(), text: format!("---\nms.prod: {prod}\ndoc_type: apiPageType\n---\n# t\n{body}\n") }
    }

    #[test]
    fn links_resolve_relative_to_the_page() {
        assert_eq!(links("api/a.md", "see [x](../resources/x.md) and [y](b.md#z)"), ["resources/x.md", "api/b.md"]);
    }

    #[test]
    fn round_robin_over_areas_then_links() {
        let sources = vec![
            page("api/a1.md", "outlook", "[r](../resources/r.md)"),
            page("api/a2.md", "outlook", ""),
            page("api/b1.md", "files", ""),
            docgen::load::SourceFile {
                path: "resources/r.md".into(),
                text: "---\nms.prod: outlook\ndoc_type: resourcePageType\n---\n# r\n".into(),
            },
        ];
        let corpus = Corpus::from_sources(sources);
        let chosen = select(&corpus, 2);
        assert!(chosen.contains("api/b1.md"), "{chosen:?}");
        assert_eq!(chosen.len(), if chosen.contains("api/a1.md") { 3 } else { 2 });
        assert_eq!(select(&corpus, 2), chosen, "deterministic");
    }
}
