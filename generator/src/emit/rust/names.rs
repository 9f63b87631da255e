//! Rust identifiers from documented names. Every rename that is not a plain
//! case conversion (keywords, reserved names, collisions, invalid characters)
//! is reported, so a user can find `r#type` or `Option2` back in the docs.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::Ident;
use std::collections::BTreeSet;

/// Type names that would shadow the prelude or the runtime inside generated modules.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Self",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "Iterator",
    "ToString",
    "ToOwned",
    "AsRef",
    "AsMut",
    "Serialize",
    "Deserialize",
    "Unknown",
];

/// Names an operation function or `Client` method must not take: what the
/// generated `operations` module imports, and every inherent method of the
/// runtime's `Client` (a test checks this list against `templates/`).
pub const RESERVED_FUNCTION_NAMES: &[&str] = &[
    "encode_path",
    "encode_path_segment",
    "all_pages",
    "attempt",
    "base_url",
    "builder",
    "download",
    "download_to",
    "execute",
    "get_link",
    "is_own_url",
    "large_file_upload",
    "new",
    "resume_upload",
    "next_page",
    "respond",
    "respond_any",
    "respond_with_retries",
    "request_span",
    "send",
    "send_batch",
    "send_with_response",
    "delta_changes",
    "start_long_running",
    "resume_long_running",
    "stream_pages",
    "stream_items",
    "traced_target",
];

/// Keywords that cannot be raw identifiers.
const NON_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "extern", "_"];

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop",
    "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield", "try", "gen", "union",
];

/// Keeps ASCII letters, digits and underscores; other characters separate words.
fn ascii_words(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// How one kind of identifier is made from a documented name: the case
/// conversion, the name for an empty result, the prefix for a leading digit,
/// and the suffix that frees a reserved name.
struct Style {
    convert: fn(&str) -> String,
    empty: &'static str,
    digit_prefix: char,
    reserved: &'static [&'static str],
    reserved_suffix: &'static str,
}

impl Style {
    fn apply(&self, documented: &str) -> String {
        let mut name = (self.convert)(&ascii_words(documented));
        if name.is_empty() {
            name = self.empty.into();
        }
        if name.starts_with(|c: char| c.is_ascii_digit()) {
            name.insert(0, self.digit_prefix);
        }
        if self.reserved.contains(&name.as_str()) {
            name.push_str(self.reserved_suffix);
        }
        name
    }
}

fn upper_camel(text: &str) -> String {
    text.to_upper_camel_case()
}

fn snake(text: &str) -> String {
    text.to_snake_case()
}

pub fn type_name(documented: &str) -> String {
    Style { convert: upper_camel, empty: "Unnamed", digit_prefix: 'T', reserved: RESERVED_TYPE_NAMES, reserved_suffix: "Type" }
        .apply(documented)
}

pub fn variant_name(documented: &str) -> String {
    Style { convert: upper_camel, empty: "Empty", digit_prefix: 'V', reserved: &["Self"], reserved_suffix: "Value" }.apply(documented)
}

pub fn snake_name(documented: &str) -> String {
    Style { convert: snake, empty: "unnamed", digit_prefix: 'n', reserved: NON_RAW_KEYWORDS, reserved_suffix: "_" }.apply(documented)
}

/// An identifier for a snake or camel name, raw (`r#type`) when it is a keyword.
pub fn ident(name: &str) -> Ident {
    if KEYWORDS.contains(&name) && !NON_RAW_KEYWORDS.contains(&name) {
        Ident::new_raw(name, proc_macro2::Span::call_site())
    } else {
        Ident::new(name, proc_macro2::Span::call_site())
    }
}

/// Hands out unique names within one scope (a module, a struct, an enum).
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn with_reserved(names: &[&str]) -> Scope {
        Scope { taken: names.iter().map(|s| s.to_string()).collect() }
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// `candidate` if free, else `candidate2`, `candidate3`, ... (with `_` for snake names).
    pub fn claim(&mut self, candidate: &str) -> String {
        let separator = if candidate.contains('_') || candidate.chars().all(|c| c.is_ascii_lowercase()) { "_" } else { "" };
        // `self_` taken gives `self_2`, not `self__2` (not snake case: a warning).
        let stem = match candidate.trim_end_matches('_') {
            "" => candidate,
            stem => stem,
        };
        let name = if self.taken.contains(candidate) {
            (2..).map(|n| format!("{stem}{separator}{n}")).find(|n| !self.taken.contains(n)).unwrap_or_default()
        } else {
            candidate.to_owned()
        };
        self.taken.insert(name.clone());
        name
    }
}

/// True when `rust` is just the expected case conversion of `documented`.
pub fn is_plain_conversion(documented: &str, rust: &str) -> bool {
    documented.to_snake_case() == rust || documented.to_upper_camel_case() == rust
}

/// Whether a generated module can be the file `stem.rs` beside its parent's
/// file: not the parent's own `mod.rs`, and not a name Windows keeps for a
/// device (`con`, `aux`, `nul`, `com1`, in any case), which no checkout there
/// could create.
pub fn module_file_stem(stem: &str) -> bool {
    const DEVICES: &[&str] = &["con", "prn", "aux", "nul"];
    let lower = stem.to_ascii_lowercase();
    let numbered = ["com", "lpt"].iter().any(|p| lower.strip_prefix(p).is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit()));
    lower != "mod" && !DEVICES.contains(&lower.as_str()) && !numbered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_file_is_never_mod_rs_nor_a_windows_device() {
        for stem in ["users", "cloud-communications", "console", "com", "com10", "auxiliary"] {
            assert!(module_file_stem(stem), "{stem}");
        }
        for stem in ["mod", "con", "Aux", "NUL", "prn", "com1", "LPT9"] {
            assert!(!module_file_stem(stem), "{stem}");
        }
    }

    #[test]
    fn hostile_names_become_valid_identifiers() {
        assert_eq!(type_name("result"), "ResultType");
        assert_eq!(type_name("2fa"), "T2fa");
        assert_eq!(type_name("été"), "T");
        assert_eq!(type_name(""), "Unnamed");
        assert_eq!(snake_name("@odata.type"), "odata_type");
        assert_eq!(snake_name("self"), "self_");
        assert_eq!(snake_name("3d"), "n3d");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self_").to_string(), "self_");
    }

    /// Every inherent method of `Client` in the runtime templates is reserved,
    /// so an operation named like one (`POST /send`) cannot collide with it.
    #[test]
    fn client_methods_are_reserved_function_names() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../templates/src/runtime");
        let mut methods = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let file = syn::parse_file(&std::fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap();
            for item in file.items {
                let syn::Item::Impl(block) = item else { continue };
                let is_client = matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
                if is_client && block.trait_.is_none() {
                    methods.extend(block.items.iter().filter_map(|i| match i {
                        syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                        _ => None,
                    }));
                }
            }
        }
        assert!(methods.len() > 5, "{methods:?}");
        let missing: Vec<&String> = methods.iter().filter(|m| !RESERVED_FUNCTION_NAMES.contains(&m.as_str())).collect();
        assert!(missing.is_empty(), "add {missing:?} to RESERVED_FUNCTION_NAMES");
    }

    #[test]
    fn scopes_hand_out_unique_names() {
        let mut scope = Scope::with_reserved(&["additional_properties"]);
        assert_eq!(scope.claim("id"), "id");
        assert_eq!(scope.claim("id"), "id_2");
        assert_eq!(scope.claim("additional_properties"), "additional_properties_2");
        assert_eq!(scope.claim("Thing"), "Thing");
        assert_eq!(scope.claim("Thing"), "Thing2");
        assert_eq!(scope.claim("self_"), "self_");
        assert_eq!(scope.claim("self_"), "self_2");
    }
}
