//! The diff on a real doc update: Microsoft Graph v1.0 reference, 2021-01 ->
//! 2021-07. What must be in it is derived here independently of docgen: by
//! listing the two trees' pages and scanning their text, and by scanning the
//! two CSDL metadata files, with plain string functions.

mod common;

use docgen::diff::{diff, json, Change, Counts, Delta, Element};
use docgen::resolve::paths::is_guid;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const OLD: &str = "graph-v1.0-2021-01";
const NEW: &str = "graph-v1.0-2021-07";

const METHODS: [&str; 5] = ["GET", "POST", "PATCH", "PUT", "DELETE"];

/// A file or directory of `../shared` (the version's docs tree or CSDL), which must exist.
fn existing(relative: &str) -> PathBuf {
    let path = common::shared().join(relative);
    assert!(path.exists(), "{} is missing: this test diffs the shared corpus (../shared beside the checkout)", path.display());
    path
}

/// Every `*.md` page of a docs tree: path relative to the root (`api/x.md`) -> text.
fn pages(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for folder in ["api", "resources"] {
        let dir = root.join(folder);
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                out.insert(format!("{folder}/{name}"), text);
            }
        }
    }
    out
}

/// `METHOD path` with `{...}` -> `{}` and lower-cased literals: how the issue identifies an operation.
fn key(method: &str, path: &str) -> String {
    let mut out = format!("{} ", method.to_ascii_uppercase());
    let mut inside = false;
    // A GUID where a key belongs is a sample tenant's id: the model reads
    // it as a placeholder (the `literal-key` rule), and so does the reference.
    let path: String = path.split('/').map(|s| if is_guid(s) { "{}" } else { s }).collect::<Vec<_>>().join("/");
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            c if !inside => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

/// `(method, path)` when a line reads `METHOD /path` (an optional service root removed).
fn request_line(line: &str) -> Option<(&str, &str)> {
    let (method, rest) = line.trim().split_once(' ')?;
    if !METHODS.contains(&method) {
        return None;
    }
    let rest = rest.trim();
    let rest = rest.strip_prefix("https://graph.microsoft.com").unwrap_or(rest);
    let rest = rest.strip_prefix("/v1.0").unwrap_or(rest);
    let rest = rest.strip_suffix("HTTP/1.1").unwrap_or(rest).trim();
    rest.starts_with('/').then_some((method, rest))
}

/// The request lines of the first code block under the `## HTTP request` heading.
fn http_block_requests(text: &str) -> Vec<(String, String)> {
    let mut lines = text.lines().skip_while(|l| !l.trim().eq_ignore_ascii_case("## HTTP request")).skip(1);
    let mut out = Vec::new();
    let mut in_block = false;
    for line in lines.by_ref() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            if in_block {
                break;
            }
            in_block = true;
            continue;
        }
        if !in_block && trimmed.starts_with('#') {
            break; // next section, no block
        }
        if in_block {
            if let Some((method, path)) = request_line(trimmed) {
                out.push((method.to_owned(), path.to_owned()));
            }
        }
    }
    out
}

/// Every key any line of any page of the tree could stand for (request blocks,
/// example requests, prose): a generous over-approximation of the operations.
fn every_request_key(pages: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for text in pages.values() {
        for line in text.lines() {
            if let Some((method, path)) = request_line(line) {
                keys.insert(key(method, path.split('?').next().unwrap_or(path).trim()));
            }
        }
    }
    keys
}

fn front_matter_says(text: &str, doc_type: &str) -> bool {
    text.lines().take(30).any(|l| l.trim() == format!("doc_type: {doc_type}"))
}

/// `(namespace, name)` of a resource page: `# name resource type` and its `Namespace:` line.
fn resource_page_type(text: &str) -> Option<(String, String)> {
    if !front_matter_says(text, "resourcePageType") {
        return None;
    }
    let title = text.lines().find(|l| l.starts_with("# "))?;
    let name = title.strip_prefix("# ")?.trim().strip_suffix(" resource type")?.trim();
    if name.is_empty() || name.contains(' ') {
        return None;
    }
    let namespace = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Namespace:"))
        .map(|n| n.trim().to_owned())
        .unwrap_or_else(|| "microsoft.graph".to_owned());
    Some((namespace, name.to_owned()))
}

/// `namespace.Name` of every entity, complex and enum type of a CSDL document,
/// found by scanning for `<Schema Namespace="...">` and `<...Type Name="...">`.
fn csdl_types(path: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(existing(path)).unwrap();
    let mut out = BTreeSet::new();
    let mut namespace = String::new();
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        tag[start..].split('"').next().map(str::to_owned)
    };
    for tag in text.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        if tag.starts_with("Schema ") {
            namespace = attribute(tag, "Namespace").unwrap_or_default();
        } else if tag.starts_with("EntityType ") || tag.starts_with("ComplexType ") || tag.starts_with("EnumType ") {
            if let Some(name) = attribute(tag, "Name") {
                out.insert(format!("{namespace}.{name}"));
            }
        }
    }
    out
}

fn find(changes: &[Change], element: Element, delta: Delta) -> impl Iterator<Item = &Change> {
    changes.iter().filter(move |c| c.element == element && c.delta == delta)
}

fn missing_report(missing: &[String], what: &str) -> String {
    format!("{} expected {what} not reported:\n  {}", missing.len(), missing.join("\n  "))
}

#[test]
fn the_2021_doc_update_diff_has_what_the_pages_and_the_metadata_say() {
    let (old_root, new_root) = (existing(&format!("corpus/{OLD}")), existing(&format!("corpus/{NEW}")));
    let (old_side, new_side) =
        docgen_tools::diff_input::load_pair(old_root.to_str().unwrap(), new_root.to_str().unwrap(), Path::new(".")).unwrap();
    let changes = diff(&old_side.model, &new_side.model);
    let old_pages = pages(&old_root);
    let new_pages = pages(&new_root);

    // 1. A page only in the new tree whose HTTP request block documents `METHOD /path`,
    //    when no line of any old page could stand for that endpoint: an operation added.
    let old_keys = every_request_key(&old_pages);
    let mut expected_ops = BTreeMap::new();
    for (page, text) in new_pages.iter().filter(|(p, _)| p.starts_with("api/") && !old_pages.contains_key(*p)) {
        if !front_matter_says(text, "apiPageType") {
            continue;
        }
        for (method, path) in http_block_requests(text) {
            if path.contains('?') {
                continue;
            }
            let k = key(&method, &path);
            if !old_keys.contains(&k) {
                expected_ops.entry(k).or_insert_with(|| format!("{method} {path} ({page})"));
            }
        }
    }
    let added_ops: BTreeSet<String> = find(&changes, Element::Operation, Delta::Added)
        .map(|c| {
            let (method, path) = c.name.split_once(' ').unwrap();
            key(method, path)
        })
        .collect();
    let missing: Vec<String> = expected_ops.iter().filter(|(k, _)| !added_ops.contains(*k)).map(|(_, v)| v.clone()).collect();
    assert!(expected_ops.len() >= 250, "too few new endpoints found to check anything: {}", expected_ops.len());
    assert!(missing.is_empty(), "{}", missing_report(&missing, "added operations"));

    // 2. A resource page only in the old tree, whose type no new resource page
    //    documents and no new page mentions as `#namespace.name`: a type removed.
    let new_resource_types: BTreeSet<(String, String)> = new_pages.values().filter_map(|t| resource_page_type(t)).collect();
    let all_new_text: String = new_pages.values().map(String::as_str).collect();
    let mut expected_removed = Vec::new();
    for (page, text) in old_pages.iter().filter(|(p, _)| p.starts_with("resources/") && !new_pages.contains_key(*p)) {
        let Some((namespace, name)) = resource_page_type(text) else { continue };
        let qualified = format!("{namespace}.{name}");
        if !new_resource_types.contains(&(namespace, name)) && !all_new_text.contains(&format!("#{qualified}\"")) {
            expected_removed.push((qualified, page.clone()));
        }
    }
    // Type names are compared without case: page titles sometimes capitalize them
    // (`# Endpoint resource type`) and docgen may normalize that spelling.
    let removed_types: BTreeSet<String> = find(&changes, Element::Type, Delta::Removed).map(|c| c.name.to_lowercase()).collect();
    let missing: Vec<String> =
        expected_removed.iter().filter(|(q, _)| !removed_types.contains(&q.to_lowercase())).map(|(q, p)| format!("{q} ({p})")).collect();
    assert!(expected_removed.len() >= 5, "too few removed resource pages found: {expected_removed:?}");
    assert!(missing.is_empty(), "{}", missing_report(&missing, "removed types"));

    // 3. A type only in the new CSDL, with a resource page in the new tree and
    //    none in the old one: a type added.
    let old_csdl = csdl_types(&format!("metadata/{OLD}.csdl.xml"));
    let new_csdl = csdl_types(&format!("metadata/{NEW}.csdl.xml"));
    let old_resource_types: BTreeSet<(String, String)> = old_pages.values().filter_map(|t| resource_page_type(t)).collect();
    let mut expected_added = Vec::new();
    for (namespace, name) in new_resource_types.difference(&old_resource_types) {
        let qualified = format!("{namespace}.{name}");
        if new_csdl.contains(&qualified) && !old_csdl.contains(&qualified) {
            expected_added.push(qualified);
        }
    }
    let added_types: BTreeSet<String> = find(&changes, Element::Type, Delta::Added).map(|c| c.name.to_lowercase()).collect();
    let missing: Vec<String> = expected_added.iter().filter(|q| !added_types.contains(&q.to_lowercase())).cloned().collect();
    assert!(expected_added.len() >= 120, "too few new CSDL types with a page: {}", expected_added.len());
    assert!(missing.is_empty(), "{}", missing_report(&missing, "added types"));

    eprintln!(
        "checked independently: {} added operations, {} removed types {:?}, {} added types",
        expected_ops.len(),
        expected_removed.len(),
        expected_removed.iter().map(|(q, _)| q.as_str()).collect::<Vec<_>>(),
        expected_added.len()
    );

    // 4. The breaking rules hold on every change.
    for c in &changes {
        match (c.element, c.delta) {
            (Element::Operation | Element::Type | Element::Property | Element::EnumMember, Delta::Removed) => {
                assert!(c.breaking, "{c:?}")
            }
            // A retyped property breaks unless both types are the same Rust type (Edm strings are `String`).
            (Element::Property, Delta::Changed) => assert!(c.breaking || same_rust_type(&c.detail), "{c:?}"),
            (Element::Operation | Element::Type | Element::Property | Element::EnumMember, Delta::Added) => {
                assert!(!c.breaking, "{c:?}")
            }
            _ => {}
        }
        assert_eq!(c.old.is_none(), c.delta == Delta::Added, "{c:?}");
        assert_eq!(c.new.is_none(), c.delta == Delta::Removed, "{c:?}");
    }

    // 5. `gen` compares with the previous snapshot, which has no lines: the same
    //    changes come out, only without old lines.
    let snapshot = docgen::emit::model_snapshot(&old_side.model);
    let from_snapshot = docgen::diff::model_from_snapshot(&snapshot).unwrap();
    let strip = |cs: &[Change]| -> Vec<(Element, String, Delta, bool, String)> {
        cs.iter().map(|c| (c.element, c.name.clone(), c.delta, c.breaking, c.detail.clone())).collect()
    };
    assert_eq!(strip(&diff(&from_snapshot, &new_side.model)), strip(&changes));
    assert_eq!(docgen::diff::snapshot_summary(Some(&snapshot), &new_side.model), format!("api changes: {}", Counts::of(&changes)));

    // 6. The JSON lists every change, in order, with lines on both sides.
    let value: serde_json::Value = serde_json::from_str(&json::render(&changes)).unwrap();
    let rows = value["changes"].as_array().unwrap();
    assert_eq!(rows.len(), changes.len());
    let first_removed = rows.iter().find(|r| r["change"] == "removed").unwrap();
    let location = first_removed["old"].as_str().unwrap();
    assert!(location.rsplit_once(':').is_some_and(|(page, line)| page.ends_with(".md") && line.parse::<u32>().is_ok()), "{location}");
    assert!(first_removed["new"].is_null());
}

/// Whether a ``type `A` -> `B` `` detail names two types the generated crate
/// spells alike: Edm types held as one Rust type (`String`, `f64`; dates,
/// GUIDs, durations and binaries have types of their own), or names that
/// differ in case only.
fn same_rust_type(detail: &str) -> bool {
    const ALIKE: [[&str; 2]; 2] = [["Edm.String", "Edm.Stream"], ["Edm.Double", "Edm.Decimal"]];
    let types: Vec<&str> = detail.split('`').skip(1).step_by(2).collect();
    match types.as_slice() {
        [a, b] => ALIKE.iter().any(|group| group.contains(a) && group.contains(b)) || a.eq_ignore_ascii_case(b),
        _ => false,
    }
}
