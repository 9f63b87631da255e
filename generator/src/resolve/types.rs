//! Types across pages: the index of documented types, resolution of type cells
//! (links, `String collection`, `Collection(x)`, Edm names, plain words) and
//! inference of properties from example JSON.

use super::rules::{duplicate_type, type_name_mismatch};
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{Primitive, Property, Source, TypeRef};
use crate::parse::page::{Page, PageKind, Row, TypeCell};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

pub const DEFAULT_NAMESPACE: &str = "microsoft.graph";

/// Every type that has its own page, findable by page path or by name.
#[derive(Debug, Default)]
pub struct TypeIndex {
    by_file: BTreeMap<String, String>,
    by_lower_name: BTreeMap<String, String>,
    by_lower_qualified: BTreeMap<String, String>,
    /// Where each type is documented (the first page, when several do).
    origins: BTreeMap<String, (String, u32)>,
    namespaces: BTreeSet<String>,
    /// The namespace each page states, when it is not the default one.
    page_namespaces: BTreeMap<String, String>,
}

/// A type a page documents: the page's own type, or an enum under a `### x values` heading.
pub struct DocumentedType<'p> {
    pub name: String,
    pub line: u32,
    /// Link fragment that points at it (`chattype-values`), for enums under headings.
    pub anchor: Option<String>,
    pub form: Form<'p>,
}

pub enum Form<'p> {
    Object,
    Enum(&'p [Row]),
}

pub fn documented_types(page: &Page) -> Vec<DocumentedType<'_>> {
    let mut out = Vec::new();
    let own =
        type_name_mismatch::type_name_of(page).map(|name| DocumentedType { name, line: page.title_line, anchor: None, form: Form::Object });
    match page.kind {
        PageKind::Resource => out.extend(own),
        PageKind::Enum if !page.members.is_empty() || page.named_enums.is_empty() => {
            out.extend(own.map(|t| DocumentedType { form: Form::Enum(&page.members), ..t }))
        }
        _ => {}
    }
    if matches!(page.kind, PageKind::Resource | PageKind::Enum) {
        out.extend(page.named_enums.iter().map(|e| DocumentedType {
            name: e.name.clone(),
            line: e.line,
            anchor: Some(format!("{}-values", e.name.to_ascii_lowercase())),
            form: Form::Enum(&e.members),
        }));
    }
    out
}

impl TypeIndex {
    pub fn build(pages: &[Page], diags: &mut Diagnostics) -> TypeIndex {
        let mut candidates: Vec<(usize, &Page, DocumentedType<'_>)> = pages
            .iter()
            .flat_map(|page| documented_types(page).into_iter().map(move |d| (duplicate_type::rank(page, &d), page, d)))
            .collect();
        // When several pages document one type, the best-ranked page defines it;
        // the others are merged into it.
        candidates.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.file.cmp(&b.1.file)).then(a.2.line.cmp(&b.2.line)));
        let page_namespaces = pages
            .iter()
            .filter(|p| page_namespace(p) != DEFAULT_NAMESPACE)
            .map(|p| (p.file.clone(), page_namespace(p).to_owned()))
            .collect();
        let mut index = TypeIndex { page_namespaces, ..TypeIndex::default() };
        for (_, page, documented) in candidates {
            let qualified = format!("{}.{}", page_namespace(page), documented.name);
            let key = match &documented.anchor {
                Some(anchor) => format!("{}#{anchor}", page.file.to_ascii_lowercase()),
                None => page.file.to_ascii_lowercase(),
            };
            if let Some(first) = index.by_lower_qualified.get(&qualified.to_ascii_lowercase()).cloned() {
                let (file, line) = &index.origins[&first];
                duplicate_type::report(page, &documented, &qualified, (file, *line), diags);
                index.by_file.entry(key).or_insert(first);
                continue;
            }
            index.add(&key, &qualified);
            index.origins.insert(qualified, (page.file.clone(), documented.line));
        }
        index
    }

    /// The qualified name a definition was merged under, when it is not the origin.
    pub fn merged_into(&self, qualified: &str) -> Option<&String> {
        self.by_lower_qualified.get(&qualified.to_ascii_lowercase())
    }

    /// True when this definition is the one the model keeps for its name.
    pub fn is_origin(&self, qualified: &str, file: &str, line: u32) -> bool {
        self.origins.get(qualified).is_some_and(|(f, l)| f == file && *l == line)
    }

    pub fn add(&mut self, file: &str, qualified: &str) {
        let (namespace, name) = split_qualified(qualified);
        self.namespaces.insert(namespace.to_ascii_lowercase());
        if !file.is_empty() {
            self.by_file.insert(file.to_owned(), qualified.to_owned());
        }
        self.by_lower_name.entry(name.to_ascii_lowercase()).or_insert_with(|| qualified.to_owned());
        self.by_lower_qualified.insert(qualified.to_ascii_lowercase(), qualified.to_owned());
    }

    /// The type a page documents as its own (the kept one, when it was merged).
    pub fn page_type(&self, page: &Page) -> Option<&String> {
        self.by_file.get(&page.file.to_ascii_lowercase())
    }

    /// Finds a type by `name` or `namespace.name`, case-insensitively.
    pub fn lookup(&self, name: &str) -> Option<&String> {
        let lower = name.trim().trim_start_matches('#').to_ascii_lowercase();
        self.by_lower_qualified.get(&lower).or_else(|| self.by_lower_name.get(&lower))
    }

    /// A name as written on `page`: a bare name means a type of the page's own
    /// namespace, then of the default one (`modality` on a `microsoft.graph`
    /// page is not `microsoft.graph.callRecords.modality`), then any.
    fn lookup_on_page(&self, name: &str, page: &str) -> Option<&String> {
        let namespace = self.page_namespaces.get(page).map_or(DEFAULT_NAMESPACE, String::as_str);
        let in_namespace = |ns: &str| self.by_lower_qualified.get(&format!("{ns}.{}", name.trim()).to_ascii_lowercase());
        in_namespace(namespace).or_else(|| in_namespace(DEFAULT_NAMESPACE)).or_else(|| self.lookup(name))
    }

    pub fn knows_namespace(&self, namespace: &str) -> bool {
        self.namespaces.contains(&namespace.to_ascii_lowercase())
    }

    /// Resolves a table cell or sentence type. Unresolvable types degrade to
    /// `TypeRef::Json` with a diagnostic.
    pub fn resolve_cell(&self, cell: &TypeCell, page: &str, line: u32, diags: &mut Diagnostics) -> TypeRef {
        let text = cell.text.trim().trim_matches('`').trim();
        let (inner, collection) = strip_collection(text);
        let item = match &cell.link {
            Some(link) => self.resolve_link(link, inner, page, line, diags),
            None => self.resolve_word(inner, page, line, diags),
        };
        if collection {
            TypeRef::collection(item)
        } else {
            item
        }
    }

    fn resolve_link(&self, link: &str, text: &str, page: &str, line: u32, diags: &mut Diagnostics) -> TypeRef {
        // `[DateTimeOffset](timestamp.md)`: a primitive's name says more than where it links.
        if let Some(p) = Primitive::from_edm_name(text) {
            return TypeRef::Primitive(p);
        }
        let target = join_link(page, link);
        let fragment = link.split_once('#').map(|(_, f)| f.to_ascii_lowercase());
        let with_fragment = fragment.as_ref().map(|f| format!("{target}#{f}"));
        if let Some(qualified) = with_fragment.and_then(|key| self.by_file.get(&key)).or_else(|| self.by_file.get(&target)) {
            return TypeRef::Named(qualified.clone());
        }
        let name = if text.is_empty() { link_stem(link) } else { text.to_owned() };
        match self.lookup_on_page(&name, page) {
            Some(qualified) => {
                diags.report(
                    Code::UnresolvedLink,
                    (page, line),
                    format!("link target `{link}` does not exist; resolved `{name}` by name to `{qualified}`"),
                );
                TypeRef::Named(qualified.clone())
            }
            None => {
                diags.report(
                    Code::UnresolvedLink,
                    (page, line),
                    format!("link target `{link}` does not exist; type `{name}` degrades to an open JSON object"),
                );
                TypeRef::Json
            }
        }
    }

    fn resolve_word(&self, text: &str, page: &str, line: u32, diags: &mut Diagnostics) -> TypeRef {
        let word = without_parentheses(text);
        let word = word.split_whitespace().next().unwrap_or("").trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '_');
        if let Some(p) = Primitive::from_edm_name(word) {
            return TypeRef::Primitive(p);
        }
        if let Some(qualified) = self.lookup_on_page(word, page) {
            return TypeRef::Named(qualified.clone());
        }
        match word.to_ascii_lowercase().as_str() {
            "int" | "integer" => TypeRef::Primitive(Primitive::Int32),
            "number" | "float" => TypeRef::Primitive(Primitive::Double),
            "url" | "uri" => TypeRef::Primitive(Primitive::String),
            "bool" => TypeRef::Primitive(Primitive::Boolean),
            "datetime" | "timestamp" => TypeRef::Primitive(Primitive::DateTimeOffset),
            "object" | "json" | "edm.untyped" | "untyped" => TypeRef::Json,
            _ => {
                let shown = if text.is_empty() { "(empty)" } else { text };
                diags.report(
                    Code::UnknownType,
                    (page, line),
                    format!("type `{shown}` is not a primitive and no page documents it; it degrades to an open JSON object"),
                );
                TypeRef::Json
            }
        }
    }
}

/// `(Optional) String` -> `String`: parenthesized remarks are not part of a type.
fn without_parentheses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

pub fn split_qualified(qualified: &str) -> (&str, &str) {
    qualified.rsplit_once('.').unwrap_or((DEFAULT_NAMESPACE, qualified))
}

pub fn page_namespace(page: &Page) -> &str {
    page.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE)
}

/// `String collection`, `Collection(x)`, `collection of x` -> (`x`, true).
fn strip_collection(text: &str) -> (&str, bool) {
    // A type cell that runs on into a sentence (`[x](x.md) collection. Holds ...`):
    // the type is the first sentence.
    let text = text.split_once(". ").map_or(text, |(first, _)| first).trim_end_matches('.').trim();
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("collection(") && text.ends_with(')') {
        return (&text["collection(".len()..text.len() - 1], true);
    }
    if let Some(rest) = lower.strip_prefix("collection of ") {
        return (&text[text.len() - rest.len()..], true);
    }
    for suffix in [" collection", " array", "[]"] {
        if lower.ends_with(suffix) {
            return (text[..text.len() - suffix.len()].trim(), true);
        }
    }
    (text, false)
}

/// Resolves a relative link against the page that holds it: (`api/x.md`, `../resources/y.md`) -> `resources/y.md`.
pub fn join_link(page: &str, link: &str) -> String {
    let link = link.split(['#', '?']).next().unwrap_or("").trim();
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for segment in link.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/").to_ascii_lowercase()
}

pub(super) fn link_stem(link: &str) -> String {
    let file = link.split(['#', '?']).next().unwrap_or("").rsplit('/').next().unwrap_or("");
    file.strip_suffix(".md").unwrap_or(file).to_owned()
}

/// Properties of an object seen in an example. String values that name an Edm
/// type (`"DateTimeOffset"`, `"String (timestamp)"`) are placeholders and give
/// that type; real values give the type they look like.
pub fn infer_properties(object: &Map<String, Value>, index: &TypeIndex, source: &Source) -> Vec<Property> {
    object
        .iter()
        .filter(|(key, _)| !key.contains('@') && !key.is_empty())
        .map(|(key, value)| Property {
            json_name: key.clone(),
            ty: infer_type(value, index),
            description: String::new(),
            source: source.clone(),
        })
        .collect()
}

pub fn infer_type(value: &Value, index: &TypeIndex) -> TypeRef {
    match value {
        Value::String(s) => infer_string_type(s, index),
        Value::Bool(_) => TypeRef::Primitive(Primitive::Boolean),
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            let fits_i32 = n.as_i64().is_some_and(|v| i32::try_from(v).is_ok());
            TypeRef::Primitive(if fits_i32 { Primitive::Int32 } else { Primitive::Int64 })
        }
        Value::Number(_) => TypeRef::Primitive(Primitive::Double),
        Value::Array(items) => TypeRef::collection(items.first().map(|v| infer_type(v, index)).unwrap_or(TypeRef::Json)),
        Value::Object(map) => map
            .get("@odata.type")
            .and_then(Value::as_str)
            .and_then(|t| index.lookup(t))
            .map(|q| TypeRef::Named(q.clone()))
            .unwrap_or(TypeRef::Json),
        Value::Null => TypeRef::Json,
    }
}

fn infer_string_type(s: &str, index: &TypeIndex) -> TypeRef {
    let first = s.split_whitespace().next().unwrap_or("");
    if let Some(p) = Primitive::from_edm_name(first) {
        let timestamp = p == Primitive::String && s.to_ascii_lowercase().contains("timestamp");
        return TypeRef::Primitive(if timestamp { Primitive::DateTimeOffset } else { p });
    }
    if looks_like_date_time(s) {
        return TypeRef::Primitive(Primitive::DateTimeOffset);
    }
    if first.len() > 1 && !s.contains(' ') {
        if let Some(q) = index.lookup(first) {
            return TypeRef::Named(q.clone());
        }
    }
    TypeRef::Primitive(Primitive::String)
}

fn looks_like_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 16
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'T' || b[10] == b't')
        && b[13] == b':'
        && b[..4].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn index() -> TypeIndex {
        let mut index = TypeIndex::default();
        index.add("resources/user.md", "microsoft.graph.user");
        index.add("resources/attachmenttype.md", "microsoft.graph.attachmentType");
        index
    }

    fn resolve(text: &str, link: Option<&str>) -> (TypeRef, Vec<String>) {
        let mut diags = Diagnostics::default();
        let cell = TypeCell { text: text.into(), link: link.map(Into::into) };
        let ty = index().resolve_cell(&cell, "api/x.md", 7, &mut diags);
        (ty, diags.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn cells_in_their_many_spellings() {
        assert_eq!(resolve("String collection", None).0.to_string(), "Collection(Edm.String)");
        assert_eq!(resolve("Collection(Edm.Int64)", None).0.to_string(), "Collection(Edm.Int64)");
        assert_eq!(
            resolve("[user](../resources/user.md) collection", Some("../resources/user.md")).0.to_string(),
            "Collection(microsoft.graph.user)"
        );
        assert_eq!(resolve("attachmentType", None).0.to_string(), "microsoft.graph.attachmentType");
        assert_eq!(resolve("microsoft.graph.user", None).0.to_string(), "microsoft.graph.user");
        assert_eq!(resolve("`Boolean`", None).0.to_string(), "Edm.Boolean");
        assert_eq!(
            resolve("[user](user.md) collection. Holds the owners.", Some("../resources/user.md")).0.to_string(),
            "Collection(microsoft.graph.user)",
            "a type cell that runs on into a sentence"
        );
    }

    #[test]
    fn a_bare_name_means_the_page_namespace_then_the_default_one() {
        let mut index = TypeIndex::default();
        index.add("resources/enums-callrecords.md#modality-values", "microsoft.graph.callRecords.modality");
        index.add("resources/enums.md#modality-values", "microsoft.graph.modality");
        index.page_namespaces.insert("resources/callrecords-session.md".into(), "microsoft.graph.callRecords".into());
        let mut diags = Diagnostics::default();
        let cell = TypeCell { text: "modality collection".into(), link: None };
        assert_eq!(index.resolve_cell(&cell, "resources/call.md", 1, &mut diags).to_string(), "Collection(microsoft.graph.modality)");
        assert_eq!(
            index.resolve_cell(&cell, "resources/callrecords-session.md", 1, &mut diags).to_string(),
            "Collection(microsoft.graph.callRecords.modality)"
        );
    }

    #[test]
    fn broken_links_degrade_with_a_located_diagnostic() {
        let (ty, diags) = resolve("attachmentItem", Some("../resources/attachmentitem.md"));
        assert_eq!(ty, TypeRef::Json);
        assert_eq!(diags, ["api/x.md:7: warning[unresolved-link]: link target `../resources/attachmentitem.md` does not exist; type `attachmentItem` degrades to an open JSON object"]);
        let (ty, diags) = resolve("user", Some("../resources/usr.md"));
        assert_eq!(ty.to_string(), "microsoft.graph.user");
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn links_join_relative_to_the_page() {
        assert_eq!(join_link("api/x.md", "../resources/User.md#props"), "resources/user.md");
        assert_eq!(join_link("resources/a.md", "b.md"), "resources/b.md");
    }

    #[test]
    fn inference_reads_placeholders_and_values() {
        let value = json!({"@odata.type": "#x", "when": "DateTimeOffset", "ranges": ["String"], "url": "String", "at": "2021-01-01T00:00:00Z", "n": 3, "big": 9_000_000_000i64, "ok": true, "kind": "String (timestamp)"});
        let props = infer_properties(value.as_object().unwrap(), &index(), &Source::default());
        let found: Vec<String> = props.iter().map(|p| format!("{}:{}", p.json_name, p.ty)).collect();
        assert_eq!(
            found,
            [
                "when:Edm.DateTimeOffset",
                "ranges:Collection(Edm.String)",
                "url:Edm.String",
                "at:Edm.DateTimeOffset",
                "n:Edm.Int32",
                "big:Edm.Int64",
                "ok:Edm.Boolean",
                "kind:Edm.DateTimeOffset"
            ]
        );
    }
}
