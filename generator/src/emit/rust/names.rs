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
    reserved: BTreeSet<String>,
}

/// Why a [`Scope`] would not hand out a name as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    /// The scope keeps the name for the crate's own use (`additional_properties`, `body`).
    Reserved,
    /// An earlier claim in the scope has it.
    Taken,
}

impl Scope {
    pub fn with_reserved(names: &[&str]) -> Scope {
        let reserved: BTreeSet<String> = names.iter().map(|s| s.to_string()).collect();
        Scope { taken: reserved.clone(), reserved }
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Why [`Scope::claim`] would not give `candidate` as it is, if it would not.
    pub fn clash(&self, candidate: &str) -> Option<Clash> {
        if self.reserved.contains(candidate) {
            Some(Clash::Reserved)
        } else if self.taken.contains(candidate) {
            Some(Clash::Taken)
        } else {
            None
        }
    }

    /// [`Scope::claim`] of `candidate`, the conversion of the documented
    /// `word`, with what stood in its way: what a `renamed` diagnostic says.
    pub fn claim_for(&mut self, word: &str, candidate: &str) -> Claim {
        let clash = self.clash(candidate);
        let name = self.claim(candidate);
        Claim { word: word.to_owned(), candidate: candidate.to_owned(), name, clash }
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

/// A name a [`Scope`] gave for a documented word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The page's word (`contentType`, `move`, `users`).
    pub word: String,
    /// Its conversion, as asked of the scope (`content_type`).
    pub candidate: String,
    /// What the scope gave (`content_type_2`).
    pub name: String,
    pub clash: Option<Clash>,
}

impl Claim {
    /// Whether the name is more than the word's case conversion (a keyword
    /// made raw, a reserved or taken name, characters a name cannot hold).
    pub fn is_rename(&self) -> bool {
        !is_plain_conversion(&self.word, &self.name) || self.is_raw()
    }

    /// Whether the name is written as a raw identifier (`r#move`).
    fn is_raw(&self) -> bool {
        ident(&self.name).to_string().starts_with("r#")
    }

    /// Why the name is not the word's case conversion. `within` places the
    /// scope (`in the same struct`), `by` is what already has the name when
    /// the scope had it (`another property`, or the operation whose method it is).
    pub fn reason(&self, within: &str, by: &str) -> String {
        let candidate = &self.candidate;
        match self.clash {
            Some(Clash::Reserved) => format!("`{candidate}` is kept for the crate's own use {within}"),
            Some(Clash::Taken) => format!("`{candidate}` is taken {within} by {by}"),
            None if self.is_raw() => format!("`{}` is a Rust keyword", self.name),
            None => self.spelling_reason(),
        }
    }

    /// Why the conversion itself is not the plain one: the word cannot be a
    /// Rust name as it is.
    fn spelling_reason(&self) -> String {
        let Some(first) = self.word.chars().find(char::is_ascii_alphanumeric) else {
            return "it has no letters or digits".to_owned();
        };
        if first.is_ascii_digit() {
            return "a Rust name cannot start with a digit".to_owned();
        }
        // A namespaced or dotted word (`microsoft.graph.user`, `contoso.com`) is named by its last part.
        if let Some((_, last)) = self.word.rsplit_once('.') {
            if !last.is_empty() && (last.to_snake_case() == self.candidate || last.to_upper_camel_case() == self.candidate) {
                return "only the part after the last `.` names it".to_owned();
            }
        }
        let plain = if self.candidate.starts_with(|c: char| c.is_ascii_uppercase()) {
            self.word.to_upper_camel_case()
        } else {
            self.word.to_snake_case()
        };
        if self.candidate.len() > plain.len() && self.candidate.starts_with(&plain) {
            if KEYWORDS.contains(&plain.as_str()) {
                format!("`{plain}` is a Rust keyword that cannot be written raw")
            } else {
                format!("`{plain}` is a name the generated code uses")
            }
        } else {
            "characters a Rust name cannot hold are left out".to_owned()
        }
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

    #[test]
    fn a_claim_says_why_its_name_is_not_the_plain_conversion() {
        let claim = |scope: &mut Scope, word: &str, candidate: &str| scope.claim_for(word, candidate);
        let mut fields = Scope::with_reserved(&["additional_properties"]);
        let cases = [
            (claim(&mut fields, "contentType", "content_type"), ""),
            (claim(&mut fields, "ContentType", "content_type"), "`content_type` is taken in the same struct by another property"),
            (
                claim(&mut fields, "additionalProperties", "additional_properties"),
                "`additional_properties` is kept for the crate's own use in the same struct",
            ),
            (claim(&mut fields, "move", "move"), "`move` is a Rust keyword"),
            (claim(&mut fields, "self", &snake_name("self")), "`self` is a Rust keyword that cannot be written raw"),
            (claim(&mut Scope::default(), "Option", &type_name("Option")), "`Option` is a name the generated code uses"),
            (claim(&mut fields, "2fa", &snake_name("2fa")), "a Rust name cannot start with a digit"),
            (claim(&mut fields, "@@", &snake_name("@@")), "it has no letters or digits"),
            (claim(&mut fields, "café", &snake_name("café")), "characters a Rust name cannot hold are left out"),
            (claim(&mut fields, "contoso.com", "com"), "only the part after the last `.` names it"),
        ];
        for (claim, reason) in cases {
            if reason.is_empty() {
                assert!(!claim.is_rename(), "{claim:?}");
            } else {
                assert!(claim.is_rename(), "{claim:?}");
                assert_eq!(claim.reason("in the same struct", "another property"), reason, "{claim:?}");
            }
        }
    }

    #[test]
    fn a_scope_says_why_it_would_rename() {
        let mut scope = Scope::with_reserved(&["body"]);
        assert_eq!(scope.clash("body"), Some(Clash::Reserved));
        assert_eq!(scope.clash("id"), None);
        scope.claim("id");
        assert_eq!(scope.clash("id"), Some(Clash::Taken));
        // The reserved name stays reserved after a numbered claim beside it.
        scope.claim("body");
        assert_eq!(scope.clash("body"), Some(Clash::Reserved));
    }
}
