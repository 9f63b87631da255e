//! Arbitrary bytes -> a tiny docs tree in memory -> model -> emitted crate.
//! Any panic is a crash; so is an emitted `.rs` file that `syn` rejects, an
//! emit error (generated code that does not parse), or an OpenAPI document or
//! model snapshot that is not valid JSON.
//!
//! Input format: pages separated by NUL bytes (at most 6). A page whose first
//! line ends in `.md` takes it as its path (`api/x.md`, `resources/y.md`), so
//! links between real pages resolve; other pages are named `api/pageN.md` or
//! `resources/pageN.md` alternately.
#![no_main]

use docgen::load::SourceFile;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn sources(data: &[u8]) -> Vec<SourceFile> {
    let mut sources: Vec<SourceFile> = Vec::new();
    for (i, chunk) in data.split(|&b| b == 0).take(6).enumerate() {
        let text = String::from_utf8_lossy(chunk).into_owned();
        let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
        let first = first.trim();
        let named = first.ends_with(".md") && !first.starts_with('/') && !first.contains("..") && !first.contains('\\');
        let (path, text) = if named {
            (first.to_owned(), rest.to_owned())
        } else {
            (format!("{}/page{i}.md", if i % 2 == 0 { "api" } else { "resources" }), text)
        };
        if sources.iter().any(|s| s.path == path) {
            continue;
        }
        sources.push(SourceFile { path, text });
    }
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    sources
}

fuzz_target!(|data: &[u8]| {
    let sources = sources(data);
    let (model, mut diags) = docgen::build_model_from_sources(&sources);
    let files = match docgen::emit::emit_crate(&model, &docgen::emit::CrateOptions::default(), &mut diags) {
        Ok(files) => files,
        Err(e) => panic!("emit failed (generated code does not parse): {e}"),
    };
    // The runtime files never change: parsed once, their `Client` methods kept.
    static RUNTIME_METHODS: OnceLock<BTreeSet<String>> = OnceLock::new();
    let mut client_methods = RUNTIME_METHODS
        .get_or_init(|| {
            let mut methods = BTreeSet::new();
            for (path, text) in docgen::emit::scaffold::RUNTIME_FILES {
                check_unique_names(path, &syn::parse_file(text).expect("the runtime parses"), &mut methods);
            }
            methods
        })
        .clone();
    for (path, text) in &files {
        if path.ends_with(".rs") && !path.starts_with("src/runtime/") {
            match syn::parse_file(text) {
                Ok(file) => check_unique_names(path, &file, &mut client_methods),
                Err(e) => panic!("{path} does not parse: {e}\n{text}"),
            }
        }
    }
    let snapshot = &files[docgen::emit::MODEL_SNAPSHOT];
    serde_json::from_str::<serde_json::Value>(snapshot).expect("the model snapshot is valid JSON");
    let openapi = serde_json::to_string(&docgen::emit::openapi::openapi(&model, "fuzz")).expect("OpenAPI serializes");
    serde_json::from_str::<serde_json::Value>(&openapi).expect("the OpenAPI document is valid JSON");
    for d in diags.iter() {
        assert!(sources.iter().any(|s| s.path == d.file), "diagnostic for an unknown file: {d}");
    }
});

/// Beyond parsing: names that would make the crate fail to compile. Items of a
/// module, fields of a struct, variants of an enum and methods of `Client`
/// (across all files, runtime included) must be unique.
fn check_unique_names(path: &str, file: &syn::File, client_methods: &mut BTreeSet<String>) {
    let mut values = BTreeSet::new();
    let mut types = BTreeSet::new();
    let unique = |set: &mut BTreeSet<String>, name: String, what: &str| {
        assert!(set.insert(name.clone()), "{path}: {what} `{name}` is defined twice");
    };
    for item in &file.items {
        match item {
            syn::Item::Fn(f) => unique(&mut values, f.sig.ident.to_string(), "function"),
            syn::Item::Struct(s) => {
                unique(&mut types, s.ident.to_string(), "type");
                let mut fields = BTreeSet::new();
                let mut wire_names = BTreeSet::new();
                for field in &s.fields {
                    if let Some(ident) = &field.ident {
                        unique(&mut fields, ident.to_string(), "field");
                    }
                    // Two fields renamed to one JSON member: an unreachable pattern in serde's code.
                    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
                        let _ = attr.parse_nested_meta(|meta| {
                            if meta.path.is_ident("rename") {
                                let name: syn::LitStr = meta.value()?.parse()?;
                                unique(&mut wire_names, name.value(), "serde rename");
                            } else if meta.input.peek(syn::Token![=]) {
                                let _: syn::Expr = meta.value()?.parse()?;
                            }
                            Ok(())
                        });
                    }
                }
            }
            syn::Item::Enum(e) => {
                unique(&mut types, e.ident.to_string(), "type");
                let mut variants = BTreeSet::new();
                for variant in &e.variants {
                    unique(&mut variants, variant.ident.to_string(), "variant");
                }
            }
            syn::Item::Impl(i) if quote_path(&i.self_ty).ends_with("Client") && i.trait_.is_none() => {
                for item in &i.items {
                    if let syn::ImplItem::Fn(f) = item {
                        unique(client_methods, f.sig.ident.to_string(), "Client method");
                    }
                }
            }
            syn::Item::Use(u) => {
                let mut leaves = Vec::new();
                use_leaves(&u.tree, &mut leaves);
                for leaf in leaves {
                    // Functions are lower case; modules (`types`) and types live in the type namespace.
                    let is_value = leaf.starts_with(char::is_lowercase) && !matches!(leaf.as_str(), "types" | "runtime");
                    unique(if is_value { &mut values } else { &mut types }, leaf, "imported name");
                }
            }
            _ => {}
        }
    }
}

fn use_leaves(tree: &syn::UseTree, out: &mut Vec<String>) {
    match tree {
        syn::UseTree::Path(p) => use_leaves(&p.tree, out),
        syn::UseTree::Name(n) if n.ident != "self" => out.push(n.ident.to_string()),
        syn::UseTree::Rename(r) => out.push(r.rename.to_string()),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_leaves(t, out)),
        _ => {}
    }
}

fn quote_path(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p.path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::"),
        _ => String::new(),
    }
}
