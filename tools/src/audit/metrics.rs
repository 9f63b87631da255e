//! The comparisons. Each metric is a function of the model, the CSDL answer key
//! and the independent reading of the pages; each returns its figure and the
//! disagreements behind it, judged `doc defect` or `generator miss`.
//!
//! Names (types, properties, members, parameters) are compared
//! case-insensitively throughout; type references are compared in the model's
//! display spelling (see [`super::csdl`]), case-insensitively.

use super::csdl::{bare_item_name, is_collection, Csdl, CsdlOperation, CsdlProperty};
use super::docs::{self, DocsTree};
use docgen::model::{ApiModel, HttpMethod, Operation, Property, RequestBody, TypeDef, TypeKind};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// `hits` of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ratio {
    pub hits: usize,
    pub total: usize,
}

impl Ratio {
    pub fn new(hits: usize, total: usize) -> Ratio {
        Ratio { hits, total }
    }

    /// Percentage, or `None` when nothing was counted.
    pub fn percent(&self) -> Option<f64> {
        (self.total > 0).then(|| 100.0 * self.hits as f64 / self.total as f64)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub key: &'static str,
    pub label: &'static str,
    /// What is counted, precisely.
    pub definition: &'static str,
    pub recall: Option<Ratio>,
    pub precision: Option<Ratio>,
    pub agreement: Option<Ratio>,
    /// Counts that explain the figure (sizes of the sets compared, ambiguities).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The pages do not say what the metadata says.
    DocDefect,
    /// The pages say it, the model does not.
    GeneratorMiss,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Verdict::DocDefect => "doc defect",
            Verdict::GeneratorMiss => "generator miss",
        })
    }
}

/// A group of disagreements of one metric about one subject (a page, a type,
/// an operation or a pair of type spellings), all with the same verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub metric: &'static str,
    pub verdict: Verdict,
    /// How many elementary disagreements the group holds.
    pub count: usize,
    /// The ranking key: `count`, or the size of what is missing (properties of a type, members of an enum).
    pub weight: usize,
    pub subject: String,
    pub detail: String,
    /// `page:line` where to look first.
    pub evidence: String,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub figure: Figure,
    pub disagreements: Vec<Disagreement>,
}

/// Elementary disagreements grouped into [`Disagreement`]s by (subject, what, verdict).
struct Grouper {
    metric: &'static str,
    groups: BTreeMap<(String, String, Verdict), Group>,
}

#[derive(Default)]
struct Group {
    items: Vec<String>,
    weight: usize,
    /// Evidence of the first item.
    evidence: String,
}

impl Grouper {
    fn new(metric: &'static str) -> Grouper {
        Grouper { metric, groups: BTreeMap::new() }
    }

    fn add(&mut self, subject: &str, what: &str, verdict: Verdict, item: String, evidence: &str) {
        self.add_weighted(subject, what, verdict, item, evidence, 1);
    }

    /// An item that weighs `weight` in the ranking (e.g. a missing type weighs its number of properties).
    fn add_weighted(&mut self, subject: &str, what: &str, verdict: Verdict, item: String, evidence: &str, weight: usize) {
        let key = (subject.to_owned(), what.to_owned(), verdict);
        let group = self.groups.entry(key).or_insert_with(|| Group { evidence: evidence.to_owned(), ..Group::default() });
        group.items.push(item);
        group.weight += weight.max(1);
    }

    fn finish(self) -> Vec<Disagreement> {
        const SHOWN: usize = 6;
        let mut out: Vec<Disagreement> = self
            .groups
            .into_iter()
            .map(|((subject, what, verdict), Group { items, weight, evidence })| {
                let mut shown = items.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
                if items.len() > SHOWN {
                    shown.push_str(&format!(", ... (+{} more)", items.len() - SHOWN));
                }
                Disagreement {
                    metric: self.metric,
                    verdict,
                    count: items.len(),
                    weight,
                    subject,
                    detail: format!("{what}: {shown}"),
                    evidence,
                }
            })
            .collect();
        out.sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| a.subject.cmp(&b.subject)).then_with(|| a.detail.cmp(&b.detail)));
        out
    }
}

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// A name the generator could have read from a table cell: letters, digits, `_`, `@`, `.`, `-`.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '.' | '-'))
}

fn extra_verdict(name: &str) -> Verdict {
    if is_plain_name(name) {
        Verdict::DocDefect
    } else {
        Verdict::GeneratorMiss
    }
}

// ---------------------------------------------------------------- pages

/// Which pages document which type, decided from the pages alone.
pub struct PageIndex {
    /// (lower namespace, lower name) -> resource pages (not enum pages) that may document that entity/complex type.
    objects: BTreeMap<(String, String), Vec<String>>,
    /// (lower namespace, lower name) -> pages that may document that enum.
    enums: BTreeMap<(String, String), Vec<String>>,
}

impl PageIndex {
    /// A page under `resources/` documents type `N` of namespace `S` when the
    /// page states namespace `S` (`microsoft.graph` when it states none) and
    /// one of [`docs::resource_page_names`] is `N`, case-insensitively. Pages
    /// with `doc_type: enumPageType` document enums only; they, and any
    /// resource page with `### N values` headings, document those enums.
    pub fn build(tree: &DocsTree) -> PageIndex {
        let mut index = PageIndex { objects: BTreeMap::new(), enums: BTreeMap::new() };
        for (path, text) in &tree.pages {
            if !lower(path).starts_with("resources/") {
                continue;
            }
            let namespace = lower(&docs::namespace(text));
            let is_enum_page = docs::doc_type(text).eq_ignore_ascii_case("enumPageType");
            let target = if is_enum_page { &mut index.enums } else { &mut index.objects };
            for name in docs::resource_page_names(path, text) {
                target.entry((namespace.clone(), name)).or_default().push(path.clone());
            }
            for name in docs::enum_headings(text) {
                index.enums.entry((namespace.clone(), name)).or_default().push(path.clone());
            }
        }
        index
    }

    fn key(qualified: &str) -> (String, String) {
        let (namespace, name) = qualified.rsplit_once('.').unwrap_or(("", qualified));
        (lower(namespace), lower(name))
    }

    pub fn object_pages(&self, qualified: &str) -> &[String] {
        self.objects.get(&Self::key(qualified)).map_or(&[], Vec::as_slice)
    }

    pub fn enum_pages(&self, qualified: &str) -> &[String] {
        self.enums.get(&Self::key(qualified)).map_or(&[], Vec::as_slice)
    }
}

// ---------------------------------------------------------------- model helpers

/// Model types by lower-case qualified name.
struct ModelTypes<'a> {
    by_lower: BTreeMap<String, &'a TypeDef>,
}

impl<'a> ModelTypes<'a> {
    fn new(model: &'a ApiModel) -> ModelTypes<'a> {
        ModelTypes { by_lower: model.types.iter().map(|t| (lower(&t.qualified_name()), t)).collect() }
    }

    fn get(&self, qualified: &str) -> Option<&'a TypeDef> {
        self.by_lower.get(&lower(qualified)).copied()
    }

    /// Documented (not inferred) object types.
    fn objects(&self) -> impl Iterator<Item = &'a TypeDef> + '_ {
        self.by_lower.values().copied().filter(|t| !t.inferred && matches!(t.kind, TypeKind::Object { .. }))
    }
}

// ---------------------------------------------------------------- 1. endpoints

pub const ENDPOINTS: &str =
    "Sets of (METHOD, path). Reference: every line starting with an HTTP method inside a ```http block under a heading \
containing \"HTTP request\", subheadings included (any page, independent reader). Model: (method, path) of every operation. Both paths normalized: query, \
host/version and trailing `/` dropped, every {placeholder} and GUID segment -> {}, lower case. recall = reference endpoints in the model / reference \
endpoints; precision = model endpoints in the reference / model endpoints. Verdict: a missing endpoint whose line is irregular \
(lower-case method, no leading `/`, spaces, unbalanced braces) or has a query string (an example, not a template) is a doc defect, \
otherwise a generator miss; an extra endpoint from a \
page whose HTTP request blocks list nothing, or one that the page's own request example spells while its HTTP request blocks omit \
it (another address of a documented method, read by the example-only-request rule), is a doc defect, otherwise a generator miss.";

pub fn endpoints(model: &ApiModel, tree: &DocsTree) -> Outcome {
    let mut reference: BTreeMap<(String, String), docs::DocumentedEndpoint> = BTreeMap::new();
    let mut pages_with_lines: BTreeSet<String> = BTreeSet::new();
    for (path, text) in &tree.pages {
        for e in docs::documented_endpoints(path, text) {
            pages_with_lines.insert(lower(path));
            reference.entry((e.method.clone(), e.path.clone())).or_insert(e);
        }
    }
    let mut ours: BTreeMap<(String, String), &Operation> = BTreeMap::new();
    for op in &model.operations {
        ours.entry((op.method.as_str().to_owned(), docs::normalize_path(&op.path))).or_insert(op);
    }
    let mut groups = Grouper::new("endpoints");
    let mut found = 0;
    for (key, e) in &reference {
        if ours.contains_key(key) {
            found += 1;
        } else {
            let example = e.raw.contains('?');
            let verdict = if example || docs::is_irregular(&e.raw) { Verdict::DocDefect } else { Verdict::GeneratorMiss };
            groups.add(&e.file, "documented, not in the model", verdict, format!("`{}`", e.raw), &format!("{}:{}", e.file, e.line));
        }
    }
    let mut precise = 0;
    for (key, op) in &ours {
        if reference.contains_key(key) {
            precise += 1;
        } else {
            let verdict = if pages_with_lines.contains(&lower(&op.source.file)) && !op.example_only {
                Verdict::GeneratorMiss
            } else {
                Verdict::DocDefect
            };
            groups.add(
                &op.source.file,
                "in the model, not in an HTTP request block",
                verdict,
                format!("`{} {}`", op.method, op.documented_path),
                &op.source.to_string(),
            );
        }
    }
    Outcome {
        figure: Figure {
            key: "endpoints",
            label: "documented endpoints",
            definition: ENDPOINTS,
            recall: Some(Ratio::new(found, reference.len())),
            precision: Some(Ratio::new(precise, ours.len())),
            agreement: None,
            notes: vec![format!(
                "{} distinct reference endpoints on {} pages; {} distinct model endpoints",
                reference.len(),
                pages_with_lines.len(),
                ours.len()
            )],
        },
        disagreements: groups.finish(),
    }
}

// ---------------------------------------------------------------- 2. types

pub const TYPES: &str =
    "CSDL EntityType/ComplexType of every schema, qualified `namespace.Name`, case-insensitive. A type has a page when a \
page under resources/ (not an enum page) states its namespace (microsoft.graph when it states none) and its file stem, the stem's last \
`-` part, or its title's first word is the name. recall = CSDL types with a page that the model has as a documented (not inferred) \
object type / CSDL types with a page; precision = documented model object types that are CSDL entity/complex types / documented model \
object types. Verdict: a type with a page but missing from the model is a generator miss when such a page's title starts with the \
name, a doc defect when only a file name matches (the title names another type); an extra model type is a \
generator miss when the CSDL has the same name in another namespace or as an enum, otherwise a doc defect.";

pub fn types_found(model: &ApiModel, csdl: &Csdl, tree: &DocsTree, pages: &PageIndex) -> Outcome {
    let types = ModelTypes::new(model);
    let mut groups = Grouper::new("types");
    let mut with_page = 0;
    let mut found = 0;
    for t in csdl.types.values() {
        let Some(page) = pages.object_pages(&t.qualified).first() else { continue };
        with_page += 1;
        match types.get(&t.qualified) {
            Some(def) if !def.inferred && matches!(def.kind, TypeKind::Object { .. }) => found += 1,
            other => {
                let bare = bare_item_name(&t.qualified);
                let titled = pages.object_pages(&t.qualified).iter().filter_map(|p| tree.text(p)).any(|text| {
                    let title = docs::title(text);
                    let first = title.split_whitespace().next().unwrap_or("").trim_matches(|c: char| !c.is_alphanumeric());
                    first.rsplit('.').next().is_some_and(|w| w.eq_ignore_ascii_case(bare))
                });
                let verdict = if titled { Verdict::GeneratorMiss } else { Verdict::DocDefect };
                let why = match other {
                    Some(def) if def.inferred => "has a page, the model only inferred it",
                    Some(_) => "has a page, the model has it as an enum",
                    None => "has a page, missing from the model",
                };
                let n = csdl.flattened(&t.qualified).len();
                groups.add_weighted(&t.qualified, why, verdict, format!("{page} ({n} CSDL properties)"), page, n);
            }
        }
    }
    let bare_names: BTreeSet<String> = csdl.types.values().map(|t| lower(bare_item_name(&t.qualified))).collect();
    let mut model_objects = 0;
    let mut precise = 0;
    for def in types.objects() {
        model_objects += 1;
        let q = def.qualified_name();
        if csdl.find_type(&q).is_some() {
            precise += 1;
            continue;
        }
        let (why, verdict) = if csdl.enums.contains_key(&lower(&q)) {
            ("in the model as an object, in the CSDL as an enum", Verdict::GeneratorMiss)
        } else if bare_names.contains(&lower(&def.name)) {
            ("in the model, in the CSDL only under another namespace", Verdict::GeneratorMiss)
        } else {
            ("in the model, not in the CSDL", Verdict::DocDefect)
        };
        let n = if let TypeKind::Object { properties, navigation, .. } = &def.kind { properties.len() + navigation.len() } else { 0 };
        groups.add_weighted(&q, why, verdict, format!("{} ({n} properties)", def.source.file), &def.source.to_string(), n);
    }
    Outcome {
        figure: Figure {
            key: "types",
            label: "types found",
            definition: TYPES,
            recall: Some(Ratio::new(found, with_page)),
            precision: Some(Ratio::new(precise, model_objects)),
            agreement: None,
            notes: vec![format!("{} CSDL entity/complex types, {with_page} with a page", csdl.types.len())],
        },
        disagreements: groups.finish(),
    }
}

// ---------------------------------------------------------------- 3 and 4. properties

pub const PROPERTY_NAMES: &str = "(type, property name) pairs, over types that are both CSDL entity/complex types and documented model \
object types. Both sides are flattened: a type's pairs include those inherited through CSDL BaseType / model `base` (the pages often \
repeat inherited rows, so flattening both sides counts the same facts once); properties and navigation properties both count. recall = \
CSDL pairs found in the model / CSDL pairs; precision = model pairs found in the CSDL / model pairs. Verdict: a missing pair is a \
generator miss when a page of the type or of one of its bases (the model's page or any page documenting it; a CSDL base the model \
lacks only when a page of the type names it, in its text or its annotations, which the generator reads) has a table row whose first \
cell is the name or a JSON key with it, outside HTML comments (which the rendered page hides), otherwise a doc defect; an extra pair \
is a doc defect unless its name is not a plain identifier.";

pub const PROPERTY_TYPES: &str = "For every (type, property) pair matched by `property names`, the model's type (TypeRef display) equals the \
CSDL type mapped to the same spelling (aliases expanded, `Collection(...)` kept, the CSDL `Json` complex type -> `Json`), \
case-insensitively, with any `namespace.Json` on either side read as `Json`. agreement = equal / matched pairs. Verdict: a generator miss when the property's source line (its type cell, for a table row) names the CSDL item \
type (as a word) and says `collection` exactly when the CSDL type is a collection, otherwise a doc defect.";

pub fn properties(model: &ApiModel, csdl: &Csdl, tree: &DocsTree, pages: &PageIndex) -> (Outcome, Outcome) {
    let types = ModelTypes::new(model);
    let mut names = Grouper::new("property names");
    let mut kinds = Grouper::new("property types");
    let (mut csdl_pairs, mut recalled, mut model_pairs, mut precise, mut agree, mut in_both, mut exact_case) = (0, 0, 0, 0, 0, 0, 0);
    for def in types.objects() {
        let q = def.qualified_name();
        let Some(ct) = csdl.find_type(&q) else { continue };
        in_both += 1;
        // The fields of the generated struct: the emitter's own flattening.
        let ours = model.fields(&q);
        let theirs = csdl.flattened(&ct.qualified);
        let ours_by_name: BTreeMap<String, (&Property, &TypeDef)> =
            ours.iter().map(|f| (lower(&f.property.json_name), (f.property, f.owner))).collect();
        let theirs_by_name: BTreeMap<String, &CsdlProperty> = theirs.iter().map(|(p, _)| (lower(&p.name), *p)).collect();
        // Pages where a missing name would be documented: the model's pages of the type and its bases, and every page documenting
        // them; a CSDL base the model lacks only when a page of the type names it (a base the docs never state is a doc defect).
        let model_ancestry: Vec<&TypeDef> =
            [def].into_iter().chain(model.ancestors(&q).into_iter().filter_map(|a| model.find_type(a))).collect();
        let mut look_in: Vec<String> = model_ancestry.iter().map(|t| t.source.file.clone()).collect();
        let own_pages: Vec<&str> =
            pages.object_pages(&q).iter().chain([&def.source.file]).filter_map(|f| tree.text(f)).map(docs::body).collect();
        for t in csdl.ancestry(&ct.qualified) {
            let stated = t.qualified == ct.qualified
                || model_ancestry.iter().any(|m| m.qualified_name() == t.qualified)
                || own_pages.iter().any(|text| docs::contains_word(text, bare_item_name(&t.qualified)));
            if stated {
                look_in.extend(pages.object_pages(&t.qualified).iter().cloned());
                look_in.extend(types.get(&t.qualified).map(|d| d.source.file.clone()));
            }
        }
        look_in.dedup();
        for (name, cp) in &theirs_by_name {
            csdl_pairs += 1;
            let Some((mp, _)) = ours_by_name.get(name) else {
                let documented = look_in.iter().filter_map(|f| tree.text(f)).any(|text| docs::documents_name(text, &cp.name));
                let verdict = if documented { Verdict::GeneratorMiss } else { Verdict::DocDefect };
                names.add(&q, "in the CSDL, not in the model", verdict, cp.name.clone(), &def.source.to_string());
                continue;
            };
            recalled += 1;
            if mp.json_name == cp.name {
                exact_case += 1;
            }
            let model_ty = mp.ty.to_string();
            if comparable(&model_ty) == comparable(&cp.ty) {
                agree += 1;
            } else {
                let line = tree.text(&mp.source.file).map(|t| docs::line_of(t, mp.source.line)).unwrap_or("");
                let verdict = type_verdict(line, &cp.ty);
                kinds.add(
                    &format!("CSDL {} / model {}", cp.ty, model_ty),
                    "documented as",
                    verdict,
                    format!("{}.{}", def.name, cp.name),
                    &mp.source.to_string(),
                );
            }
        }
        for (name, (mp, _)) in &ours_by_name {
            model_pairs += 1;
            if theirs_by_name.contains_key(name) {
                precise += 1;
            } else {
                names.add(&q, "in the model, not in the CSDL", extra_verdict(&mp.json_name), mp.json_name.clone(), &mp.source.to_string());
            }
        }
    }
    let names_figure = Figure {
        key: "property_names",
        label: "property names",
        definition: PROPERTY_NAMES,
        recall: Some(Ratio::new(recalled, csdl_pairs)),
        precision: Some(Ratio::new(precise, model_pairs)),
        agreement: None,
        notes: vec![format!("{in_both} types in both"), format!("{exact_case} of {recalled} matched names have the CSDL's exact case")],
    };
    let types_figure = Figure {
        key: "property_types",
        label: "property types",
        definition: PROPERTY_TYPES,
        recall: None,
        precision: None,
        agreement: Some(Ratio::new(agree, recalled)),
        notes: Vec::new(),
    };
    (Outcome { figure: names_figure, disagreements: names.finish() }, Outcome { figure: types_figure, disagreements: kinds.finish() })
}

/// Type disagreements: a generator miss when `text` (one table row) names the
/// CSDL item type as a word and mentions a collection exactly when the CSDL type is one.
fn type_verdict(text: &str, csdl_ty: &str) -> Verdict {
    let text = docs::type_cell(text);
    collection_verdict(text, csdl_ty, docs::contains_word(text, bare_item_name(csdl_ty)))
}

/// The spelling types are compared in: lower case, and any `namespace.Json` read as `Json`
/// (the CSDL's `Json` complex type and the model's open JSON are the same thing).
pub fn comparable(ty: &str) -> String {
    if let Some(inner) = ty.strip_prefix("Collection(").and_then(|r| r.strip_suffix(')')) {
        return format!("collection({})", comparable(inner));
    }
    if ty.rsplit('.').next().is_some_and(|bare| bare.eq_ignore_ascii_case("json")) {
        return "json".to_owned();
    }
    lower(ty)
}

/// A CSDL complex type whose one property is an `Edm.Stream` (`microsoft.graph.report`
/// and its `content`) stands for that stream: the usage-report functions
/// answer with a redirect to the content, and the docs describe it so.
fn stream_wrapper_as_stream(csdl: &Csdl, ty: &str) -> String {
    let wraps_stream = csdl
        .find_type(ty)
        .is_some_and(|t| t.base.is_none() && matches!(t.properties.as_slice(), [only] if !only.navigation && only.ty == "Edm.Stream"));
    if wraps_stream {
        "Edm.Stream".to_owned()
    } else {
        ty.to_owned()
    }
}

fn collection_verdict(text: &str, csdl_ty: &str, names_it: bool) -> Verdict {
    if names_it && docs::mentions_collection(text) == is_collection(csdl_ty) {
        Verdict::GeneratorMiss
    } else {
        Verdict::DocDefect
    }
}

// ---------------------------------------------------------------- 5. enums

pub const ENUM_MEMBERS: &str = "(enum, member) pairs over CSDL EnumTypes that the model has as enum types (qualified name, \
case-insensitive). recall = CSDL pairs in the model / CSDL pairs; precision = model pairs in the CSDL / model pairs. Verdict: a missing \
member is a generator miss when a page documenting the enum has, in that enum's own section (under its `### name values` heading, or \
anywhere on an enum page), a table row whose first cell is the member, otherwise a doc defect; an \
extra member is a doc defect unless it is not a plain identifier.";

pub const ENUM_TYPES: &str = "CSDL EnumTypes. An enum has a page when a resources/ page of its namespace is an enum page named after it \
(stem, stem's last `-` part, title's first word) or has a `### name values` heading. recall = CSDL enums with a page that the model has \
as an enum / CSDL enums with a page; precision = model enums that are CSDL enums / model enums. Verdict: missing with a page is a \
generator miss; an extra model enum is a doc defect unless the CSDL has the name as an entity/complex type.";

pub fn enums(model: &ApiModel, csdl: &Csdl, tree: &DocsTree, pages: &PageIndex) -> (Outcome, Outcome) {
    let types = ModelTypes::new(model);
    let mut members = Grouper::new("enum members");
    let mut kinds = Grouper::new("enum types");
    let (mut csdl_pairs, mut recalled, mut model_pairs, mut precise, mut in_both) = (0, 0, 0, 0, 0);
    let (mut with_page, mut found) = (0, 0);
    for ce in csdl.enums.values() {
        let documented_on = pages.enum_pages(&ce.qualified);
        let Some(TypeDef { kind: TypeKind::Enum { members: ours }, source, .. }) = types.get(&ce.qualified) else {
            if let Some(page) = documented_on.first() {
                with_page += 1;
                let what = if types.get(&ce.qualified).is_some() {
                    "has a page, the model has it as an object"
                } else {
                    "has a page, missing from the model"
                };
                let n = ce.members.len();
                kinds.add_weighted(&ce.qualified, what, Verdict::GeneratorMiss, format!("{page} ({n} members)"), page, n);
            }
            continue;
        };
        if !documented_on.is_empty() {
            with_page += 1;
            found += 1;
        }
        in_both += 1;
        let ours: BTreeMap<String, &str> = ours.iter().map(|m| (lower(&m.name), m.name.as_str())).collect();
        let theirs: BTreeMap<String, &str> = ce.members.iter().map(|m| (lower(m), m.as_str())).collect();
        let mut look_in: Vec<&str> = documented_on.iter().map(String::as_str).collect();
        look_in.push(&source.file);
        for (key, name) in &theirs {
            csdl_pairs += 1;
            if ours.contains_key(key) {
                recalled += 1;
            } else {
                let enum_name = bare_item_name(&ce.qualified);
                let documented =
                    look_in.iter().filter_map(|f| tree.text(f)).any(|t| docs::documents_name(docs::enum_section(t, enum_name), name));
                let verdict = if documented { Verdict::GeneratorMiss } else { Verdict::DocDefect };
                members.add(&ce.qualified, "in the CSDL, not in the model", verdict, (*name).to_owned(), &source.to_string());
            }
        }
        for (key, name) in &ours {
            model_pairs += 1;
            if theirs.contains_key(key) {
                precise += 1;
            } else {
                members.add(&ce.qualified, "in the model, not in the CSDL", extra_verdict(name), (*name).to_owned(), &source.to_string());
            }
        }
    }
    let (mut model_enums, mut model_enums_in_csdl) = (0, 0);
    for def in types.by_lower.values().filter(|t| matches!(t.kind, TypeKind::Enum { .. })) {
        model_enums += 1;
        let q = def.qualified_name();
        if csdl.enums.contains_key(&lower(&q)) {
            model_enums_in_csdl += 1;
        } else {
            let (what, verdict) = if csdl.find_type(&q).is_some() {
                ("in the model as an enum, in the CSDL as an object type", Verdict::GeneratorMiss)
            } else {
                ("in the model, not in the CSDL", Verdict::DocDefect)
            };
            let n = if let TypeKind::Enum { members } = &def.kind { members.len() } else { 0 };
            kinds.add_weighted(&q, what, verdict, format!("{} ({n} members)", def.source.file), &def.source.to_string(), n);
        }
    }
    let members_outcome = Outcome {
        figure: Figure {
            key: "enum_members",
            label: "enum members",
            definition: ENUM_MEMBERS,
            recall: Some(Ratio::new(recalled, csdl_pairs)),
            precision: Some(Ratio::new(precise, model_pairs)),
            agreement: None,
            notes: vec![format!("{in_both} of {} CSDL enums are model enums", csdl.enums.len())],
        },
        disagreements: members.finish(),
    };
    let types_outcome = Outcome {
        figure: Figure {
            key: "enum_types",
            label: "enum types",
            definition: ENUM_TYPES,
            recall: Some(Ratio::new(found, with_page)),
            precision: Some(Ratio::new(model_enums_in_csdl, model_enums)),
            agreement: None,
            notes: vec![format!("{} CSDL enums, {with_page} with a page", csdl.enums.len())],
        },
        disagreements: kinds.finish(),
    };
    (members_outcome, types_outcome)
}

// ---------------------------------------------------------------- 6 and 7. actions and functions

/// The operation name and function-call argument names of a path's last
/// literal segment: `/a/{id}/microsoft.graph.getX(p='{v}',q={w})` ->
/// (`getX`, [`p`, `q`]). `None` when the last segment is a placeholder or starts with `$`.
pub fn last_segment_call(path: &str) -> Option<(String, Vec<String>)> {
    let path = path.trim().trim_end_matches('/');
    // Slashes inside `(...)` and `{...}` do not separate segments, unless the brackets are unbalanced (a doc typo).
    let balanced = path.matches('(').count() == path.matches(')').count() && path.matches('{').count() == path.matches('}').count();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in path.char_indices() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth -= 1,
            '/' if depth == 0 || !balanced => start = i + 1,
            _ => {}
        }
    }
    let segment = path[start..].trim_end_matches(':');
    if segment.is_empty() || segment.starts_with(['{', '$', '(']) {
        return None;
    }
    let (head, args) = match segment.split_once('(') {
        Some((head, rest)) => (head, rest.strip_suffix(')').unwrap_or(rest)),
        None => (segment, ""),
    };
    let name = head.rsplit('.').next().unwrap_or(head).trim();
    if name.is_empty() {
        return None;
    }
    let mut params = Vec::new();
    let mut depth = 0i32;
    let mut arg_start = 0;
    let bytes: Vec<(usize, char)> = args.char_indices().collect();
    for &(i, c) in bytes.iter().chain(std::iter::once(&(args.len(), ','))) {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth -= 1,
            ',' if depth == 0 => {
                if let Some((key, _)) = args[arg_start..i].split_once('=') {
                    let key = key.trim();
                    if !key.is_empty() {
                        params.push(key.to_owned());
                    }
                }
                arg_start = i + 1;
            }
            _ => {}
        }
    }
    Some((name.to_owned(), params))
}

/// The nearest literal segment before the last one, without any `(...)`, lower
/// case, and whether a placeholder came between them (`/users/{id}/x` -> (`users`, true)).
fn previous_literal(path: &str) -> (String, bool) {
    let mut segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    segments.pop();
    let mut placeholder = false;
    while let Some(prev) = segments.pop() {
        let prev = prev.trim_matches(':');
        if prev.starts_with('{') || prev.is_empty() {
            placeholder = placeholder || prev.starts_with('{');
            continue;
        }
        let word = prev.split('(').next().unwrap_or(prev);
        return (lower(word.rsplit('.').next().unwrap_or(word)), placeholder || prev.contains('('));
    }
    (String::new(), placeholder)
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("ss") {
        word.to_owned()
    } else {
        word.strip_suffix('s').unwrap_or(word).to_owned()
    }
}

/// How a model operation was matched to a CSDL action or function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// Index into `Csdl::operations`.
    One(usize),
    /// Several CSDL operations of that name fit equally well.
    Ambiguous(Vec<usize>),
    /// No CSDL operation has the name of the path's last segment.
    None,
}

/// Matches a model operation to a CSDL action (POST) or function (GET) by the
/// name of the path's last literal segment, case-insensitively. When several
/// have that name, the binding type's name decides, by the first clue that
/// ranks one candidate above the others:
/// 5. it equals the title's subject (`message: forward` -> `message`; a
///    trailing `Collection` is dropped: `TableCollection: add` -> `Table`);
/// 4. it equals the word of the page's file name before the action
///    (`intune-x-deviceconfiguration-assign.md` -> `deviceconfiguration`);
/// 3. it ends with the subject or that word (`Range` -> `workbookRange`);
/// 2. it is a CSDL base type of the subject or that word;
/// 1. it equals or ends with the path's previous literal segment or its singular (`/tables/add` -> `table`);
///
/// 0. none of these: then the operation is only taken for an action when its title reads `type: action`;
///
/// then the binding's collection-ness agreeing with the path (a placeholder
/// before the action means one entity, a plural segment a collection). Function
/// overloads on the same binding are then told apart by their parameter names
/// (OData's own overload rule): the most `name=` arguments of the path in
/// common, then the fewest parameters. Whatever is still tied is ambiguous.
pub fn match_operation(op: &Operation, csdl: &Csdl) -> Match {
    let is_function = match op.method {
        HttpMethod::Get => true,
        HttpMethod::Post => false,
        _ => return Match::None,
    };
    let Some((name, args)) = last_segment_call(&op.documented_path) else { return Match::None };
    let candidates: Vec<usize> = csdl
        .operations
        .iter()
        .enumerate()
        .filter(|(_, o)| o.is_function == is_function && o.name.eq_ignore_ascii_case(&name))
        .map(|(i, _)| i)
        .collect();
    if candidates.is_empty() {
        return Match::None;
    }
    let subject = op.title.split_once(':').map(|(s, _)| lower(s.trim().trim_matches('`'))).unwrap_or_default();
    let subject = subject.strip_suffix("collection").filter(|s| !s.is_empty()).map(str::to_owned).unwrap_or(subject);
    let stem = op.source.file.rsplit('/').next().unwrap_or("").trim_end_matches(".md").to_ascii_lowercase();
    let stem_word = stem.rsplit('-').nth(1).unwrap_or("").to_owned();
    let clues: Vec<&str> = [subject.as_str(), stem_word.as_str()].into_iter().filter(|c| c.len() >= 3).collect();
    let bases_of_clues: Vec<String> = csdl
        .types
        .values()
        .filter(|t| clues.contains(&lower(bare_item_name(&t.qualified)).as_str()))
        .flat_map(|t| csdl.ancestry(&t.qualified).into_iter().skip(1).map(|a| lower(bare_item_name(&a.qualified))))
        .collect();
    let (prev, after_placeholder) = previous_literal(&op.documented_path);
    let prev_forms: Vec<String> = [prev.clone(), singular(&prev)].into_iter().filter(|p| p.len() >= 3).collect();
    let expects_collection = if after_placeholder || prev == "me" {
        Some(false)
    } else if singular(&prev) != prev {
        Some(true)
    } else {
        None
    };
    let lower_args: BTreeSet<String> = args.iter().map(|a| lower(a)).collect();
    let score = |o: &CsdlOperation| -> (u8, u8, usize, std::cmp::Reverse<usize>) {
        let binding = o.binding_name().map(lower).unwrap_or_default();
        let rank = if !subject.is_empty() && binding == subject {
            5
        } else if !stem_word.is_empty() && binding == stem_word {
            4
        } else if clues.iter().any(|c| binding.ends_with(c)) {
            3
        } else if bases_of_clues.contains(&binding) {
            2
        } else if prev_forms.iter().any(|p| binding.ends_with(p.as_str())) {
            1
        } else {
            0
        };
        let collection_fits = match (expects_collection, &o.binding) {
            (Some(c), Some(b)) => u8::from(is_collection(b) == c),
            _ => 0,
        };
        let common = o.parameters.iter().filter(|(n, _)| lower_args.contains(&lower(n))).count();
        let overload = if is_function { (common, std::cmp::Reverse(o.parameters.len())) } else { (0, std::cmp::Reverse(0)) };
        (rank, collection_fits, overload.0, overload.1)
    };
    let best = candidates.iter().map(|&i| score(&csdl.operations[i])).max().unwrap_or((0, 0, 0, std::cmp::Reverse(0)));
    if best.0 == 0 && !op.title.contains(':') {
        // Nothing ties the path to any binding type and the title is not `type: action`:
        // a navigation or collection that happens to share an action's name (`POST /tables/{id}/columns`).
        return Match::None;
    }
    let top: Vec<usize> = candidates.into_iter().filter(|&i| score(&csdl.operations[i]) == best).collect();
    if top.len() == 1 {
        Match::One(top[0])
    } else {
        Match::Ambiguous(top)
    }
}

pub const PARAMETERS: &str = "CSDL Action/Function parameters (the binding parameter of bound ones skipped) vs the model: for actions the \
members of RequestBody::Parameters, for functions the `name=` arguments in the path's last segment. Model operations are matched to CSDL \
operations as `match_operation` describes (POST -> actions, GET -> functions, by the last path segment's name, ties broken by binding \
type); a CSDL operation counts as documented when at least one model operation matches it, and its model parameters are the union over \
those operations. Pairs are (CSDL operation, parameter name). recall = CSDL pairs of documented operations found in the model / those \
CSDL pairs; precision = model pairs found in the CSDL / model pairs. Verdict: a missing parameter is a generator miss when the page has a \
table row whose first cell is the name, a JSON key with it outside response examples, or `name=` in a request line (none of them \
inside an HTML comment, which the rendered page hides), otherwise a doc defect; an extra one is a doc \
defect unless it is not a plain identifier.";

pub const PARAMETER_TYPES: &str = "For every (action, parameter) pair matched by `parameters` whose model parameter has a type (action \
bodies), the model type equals the CSDL type in the same spelling. Verdict as for property types, on the parameter's row.";

pub const RETURNS: &str = "For every CSDL operation documented as above, the success body type (first 2xx response, or the content a \
3xx redirects to) of its representative model operation (the one with the shortest path) equals the CSDL ReturnType in the same \
spelling (`none` on both sides when there is no body / no ReturnType; a CSDL complex type whose only property is an Edm.Stream, such as \
`report`, counts as Edm.Stream). Verdict: a generator miss when the page's Response section names the CSDL item type as a type (a link \
`[name]`/`name.md`, `` `name` ``, `name object`, `name collection`, `collection of name`, ...) and mentions a collection exactly when the CSDL type is one (for no ReturnType: says 204 or `No Content`), otherwise a doc defect.";

pub struct OperationOutcomes {
    pub parameters: Outcome,
    pub parameter_types: Outcome,
    pub returns: Outcome,
}

pub fn operations(model: &ApiModel, csdl: &Csdl, tree: &DocsTree) -> OperationOutcomes {
    let mut matched: BTreeMap<usize, Vec<&Operation>> = BTreeMap::new();
    let (mut named, mut ambiguous) = (0, Vec::new());
    for op in &model.operations {
        match match_operation(op, csdl) {
            Match::One(i) => {
                named += 1;
                matched.entry(i).or_default().push(op);
            }
            Match::Ambiguous(_) => {
                named += 1;
                ambiguous.push(op);
            }
            Match::None => {}
        }
    }
    let mut params = Grouper::new("parameters");
    let mut param_types = Grouper::new("parameter types");
    let mut returns = Grouper::new("return types");
    let (mut csdl_pairs, mut recalled, mut model_pairs, mut precise, mut typed, mut typed_agree, mut ret_agree) = (0, 0, 0, 0, 0, 0, 0);
    for (&i, ops) in &matched {
        let co = &csdl.operations[i];
        let mut subject = format!("{}({})", co.name, co.binding.as_deref().unwrap_or("unbound"));
        let overloaded = csdl.operations.iter().filter(|o| o.name == co.name && o.binding == co.binding).count() > 1;
        if overloaded {
            let names: Vec<&str> = co.parameters.iter().map(|(n, _)| n.as_str()).collect();
            subject.push_str(&format!("[{}]", names.join(",")));
        }
        let mut ops = ops.clone();
        ops.sort_by(|a, b| (a.path.len(), &a.path).cmp(&(b.path.len(), &b.path)));
        let rep = ops[0];
        // Model parameters: lower name -> (name, property when typed, operation).
        let mut ours: BTreeMap<String, (String, Option<&Property>, &Operation)> = BTreeMap::new();
        for op in &ops {
            if co.is_function {
                for p in &op.function_parameters {
                    ours.entry(lower(&p.json_name)).or_insert((p.json_name.clone(), Some(p), op));
                }
                for p in last_segment_call(&op.documented_path).map(|(_, p)| p).unwrap_or_default() {
                    ours.entry(lower(&p)).or_insert((p, None, op));
                }
            } else if let Some(RequestBody::Parameters { parameters, .. }) = &op.request_body {
                for p in parameters {
                    ours.entry(lower(&p.json_name)).or_insert((p.json_name.clone(), Some(p), op));
                }
            }
        }
        let theirs: BTreeMap<String, &(String, String)> = co.parameters.iter().map(|p| (lower(&p.0), p)).collect();
        let page = tree.text(&rep.source.file).unwrap_or("");
        let request_side = docs::without_responses(page);
        for (key, (name, ty)) in &theirs {
            csdl_pairs += 1;
            match ours.get(key) {
                Some((_, property, _)) => {
                    recalled += 1;
                    if let Some(p) = property {
                        typed += 1;
                        let model_ty = p.ty.to_string();
                        if comparable(&model_ty) == comparable(ty) {
                            typed_agree += 1;
                        } else {
                            let line = tree.text(&p.source.file).map(|t| docs::line_of(t, p.source.line)).unwrap_or("");
                            param_types.add(
                                &format!("CSDL {ty} / model {model_ty}"),
                                "documented as",
                                type_verdict(line, ty),
                                format!("{subject} {name}"),
                                &p.source.to_string(),
                            );
                        }
                    }
                }
                None => {
                    let in_path = ops.iter().any(|o| lower(&o.documented_path).contains(&format!("{key}=")));
                    let verdict =
                        if in_path || docs::documents_name(&request_side, name) { Verdict::GeneratorMiss } else { Verdict::DocDefect };
                    params.add(&subject, "in the CSDL, not in the model", verdict, name.clone(), &rep.source.to_string());
                }
            }
        }
        for (key, (name, _, op)) in &ours {
            model_pairs += 1;
            if theirs.contains_key(key) {
                precise += 1;
            } else {
                params.add(&subject, "in the model, not in the CSDL", extra_verdict(name), name.clone(), &op.source.to_string());
            }
        }
        let model_ret = rep.success_body().map_or_else(|| "none".to_owned(), ToString::to_string);
        let csdl_ret = co.return_type.clone().unwrap_or_else(|| "none".to_owned());
        let as_stream = |t: &str| comparable(&stream_wrapper_as_stream(csdl, t));
        if comparable(&model_ret) == comparable(&csdl_ret) || as_stream(&model_ret) == as_stream(&csdl_ret) {
            ret_agree += 1;
        } else {
            let section = docs::response_section(page);
            let verdict = if co.return_type.is_none() {
                if section.contains("204") || section.to_ascii_lowercase().contains("no content") {
                    Verdict::GeneratorMiss
                } else {
                    Verdict::DocDefect
                }
            } else {
                collection_verdict(section, &csdl_ret, docs::names_type(section, bare_item_name(&csdl_ret)))
            };
            returns.add(&format!("CSDL {csdl_ret} / model {model_ret}"), "returned by", verdict, subject.clone(), &rep.source.to_string());
        }
    }
    let documented = matched.len();
    let mut notes = vec![
        format!("{documented} of {} CSDL actions/functions documented (matched by at least one model operation)", csdl.operations.len()),
        format!("{named} model operations named after a CSDL action/function, {} of them ambiguous and left out", ambiguous.len()),
    ];
    if let Some(first) = ambiguous.first() {
        notes.push(format!("first ambiguous: {} {} ({})", first.method, first.documented_path, first.source));
    }
    OperationOutcomes {
        parameters: Outcome {
            figure: Figure {
                key: "parameters",
                label: "action/function parameters",
                definition: PARAMETERS,
                recall: Some(Ratio::new(recalled, csdl_pairs)),
                precision: Some(Ratio::new(precise, model_pairs)),
                agreement: None,
                notes,
            },
            disagreements: params.finish(),
        },
        parameter_types: Outcome {
            figure: Figure {
                key: "parameter_types",
                label: "parameter types",
                definition: PARAMETER_TYPES,
                recall: None,
                precision: None,
                agreement: Some(Ratio::new(typed_agree, typed)),
                notes: Vec::new(),
            },
            disagreements: param_types.finish(),
        },
        returns: Outcome {
            figure: Figure {
                key: "return_types",
                label: "return types",
                definition: RETURNS,
                recall: None,
                precision: None,
                agreement: Some(Ratio::new(ret_agree, documented)),
                notes: Vec::new(),
            },
            disagreements: returns.finish(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::csdl;
    use docgen::model::{EnumMember, OperationKind, ResponseSpec, Source, TypeRef};

    const CSDL: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="example.api" Alias="ex" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EnumType Name="color"><Member Name="red" Value="0" /><Member Name="blue" Value="1" /></EnumType>
  <EntityType Name="thing" Abstract="true"><Property Name="id" Type="Edm.String" /></EntityType>
  <EntityType Name="widget" BaseType="ex.thing">
    <Property Name="size" Type="Edm.Int32" />
    <Property Name="tags" Type="Collection(Edm.String)" />
    <Property Name="hue" Type="ex.color" />
    <NavigationProperty Name="parts" Type="Collection(ex.part)" />
  </EntityType>
  <EntityType Name="part" BaseType="ex.thing"><Property Name="weight" Type="Edm.Double" /></EntityType>
  <EntityType Name="ghost" />
  <Action Name="paint" IsBound="true">
    <Parameter Name="bindingParameter" Type="ex.widget" /><Parameter Name="hue" Type="ex.color" /><Parameter Name="coats" Type="Edm.Int32" />
    <ReturnType Type="ex.widget" />
  </Action>
  <Action Name="paint" IsBound="true">
    <Parameter Name="bindingParameter" Type="ex.part" /><Parameter Name="hue" Type="ex.color" />
  </Action>
  <Function Name="delta" IsBound="true">
    <Parameter Name="bindingParameter" Type="Collection(ex.widget)" /><ReturnType Type="Collection(ex.widget)" />
  </Function>
  <Function Name="around" IsBound="true">
    <Parameter Name="bindingParameter" Type="ex.widget" /><Parameter Name="radius" Type="Edm.Int32" /><Parameter Name="unit" Type="Edm.String" />
    <ReturnType Type="Collection(ex.part)" />
  </Function>
</Schema></edmx:DataServices></edmx:Edmx>"#;

    const WIDGET_PAGE: &str = "---\ntitle: widget resource type\ndoc_type: resourcePageType\n---\n# widget\n\nNamespace: example.api\n\n| Property | Type | Description |\n|:--|:--|:--|\n| size | Int64 | How big. |\n| tags | String collection | Labels. |\n| hue | [color](color.md) | Its color. |\n| nickname | String | Not in the CSDL. |\n\n## Relationships\n\n| Relationship | Type | Description |\n|:--|:--|:--|\n| parts | [part](part.md) collection | Its parts. |\n";
    const THING_PAGE: &str = "---\ntitle: thing resource type\n---\n# thing\n\nNamespace: example.api\n\n| Property | Type | Description |\n|:--|:--|:--|\n| id | String | Key. |\n";
    const GHOST_PAGE: &str = "---\ntitle: ghost resource type\n---\nNamespace: example.api\n";
    const COLOR_PAGE: &str =
        "---\ntitle: color enum type\ndoc_type: enumPageType\n---\nNamespace: example.api\n\n| Member |\n|:--|\n| red |\n| blue |\n";
    const PAINT_PAGE: &str = "---\ntitle: \"widget: paint\"\n---\n## HTTP request\n\n```http\nPOST /widgets/{id}/paint\nPOST /things/{id}/paint\n```\n\n## Request body\n\n| Parameter | Type |\n|:--|:--|\n| hue | color |\n| gloss | Boolean |\n\n## Response\n\nReturns a [widget](../resources/widget.md) object.\n";
    const DELTA_PAGE: &str =
        "---\ntitle: \"widget: delta\"\n---\n## HTTP request\n\n```http\nGET /widgets/delta\nGET /widgets/{id}/around(radius={r})\n```\n";
    const LIST_PAGE: &str = "---\ntitle: List widgets\n---\n## HTTP request\n\nGET /widgets (not in a fenced block)\n\n## Example\n\n```http\nGET /widgets\n```\n";

    fn tree() -> DocsTree {
        DocsTree::from_pages([
            ("resources/widget.md", WIDGET_PAGE),
            ("resources/thing.md", THING_PAGE),
            ("resources/ghost.md", GHOST_PAGE),
            ("resources/color.md", COLOR_PAGE),
            ("api/widget-paint.md", PAINT_PAGE),
            ("api/widget-delta.md", DELTA_PAGE),
            ("api/widget-list.md", LIST_PAGE),
        ])
    }

    fn src(file: &str, line: u32) -> Source {
        Source { file: file.into(), line }
    }

    fn prop(name: &str, ty: &str, file: &str, line: u32) -> Property {
        Property {
            json_name: name.into(),
            ty: ty.parse().unwrap(),
            description: String::new(),
            source: src(file, line),
            deprecated: false,
            non_null: false,
        }
    }

    fn object(name: &str, base: Option<&str>, properties: Vec<Property>, navigation: Vec<Property>, file: &str) -> TypeDef {
        TypeDef {
            namespace: "example.api".into(),
            name: name.into(),
            description: String::new(),
            inferred: false,
            open: false,
            kind: TypeKind::Object { base: base.map(Into::into), properties, navigation },
            area: "other".into(),
            source: src(file, 5),
        }
    }

    fn op(title: &str, method: &str, path: &str, body: Option<RequestBody>, returns: Option<&str>, file: &str) -> Operation {
        Operation {
            id: String::new(),
            title: title.into(),
            kind: OperationKind::Other,
            method: HttpMethod::from_name(method).expect("an HTTP method"),
            path: path.into(),
            documented_path: path.into(),
            path_params: Vec::new(),
            query_options: Vec::new(),
            headers: Vec::new(),
            request_body: body,
            function_parameters: Vec::new(),
            optional_arguments: Vec::new(),
            example_only: false,
            responses: vec![ResponseSpec {
                status: 200,
                body: returns.map(|r| r.parse::<TypeRef>().unwrap()),
                when: None,
                monitored: false,
            }],
            description: String::new(),
            permissions: None,
            example: None,
            area: "other".into(),
            source: src(file, 7),
        }
    }

    fn model() -> ApiModel {
        let w = "resources/widget.md";
        let mut types = vec![
            object("thing", None, vec![prop("id", "Edm.String", "resources/thing.md", 10)], vec![], "resources/thing.md"),
            object(
                "widget",
                Some("example.api.thing"),
                vec![
                    prop("size", "Edm.Int64", w, 11),
                    prop("tags", "Collection(Edm.String)", w, 12),
                    prop("HUE", "example.api.color", w, 13),
                    prop("nickname", "Edm.String", w, 14),
                ],
                vec![], // `parts` is documented but missed
                w,
            ),
            object("gadget", None, vec![prop("x", "Edm.String", "resources/gadget.md", 9)], vec![], "resources/gadget.md"),
            TypeDef {
                namespace: "example.api".into(),
                name: "color".into(),
                description: String::new(),
                inferred: false,
                open: false,
                kind: TypeKind::Enum {
                    members: ["red", "green"]
                        .iter()
                        .map(|m| EnumMember { name: (*m).into(), description: String::new(), source: src("resources/color.md", 9) })
                        .collect(),
                },
                area: "other".into(),
                source: src("resources/color.md", 1),
            },
        ];
        types.sort_by_key(TypeDef::qualified_name);
        let params = RequestBody::Parameters {
            type_name: "WidgetPaintRequest".into(),
            parameters: vec![prop("hue", "Edm.String", "api/widget-paint.md", 15), prop("gloss", "Edm.Boolean", "api/widget-paint.md", 16)],
        };
        ApiModel {
            base_url: None,
            operations: vec![
                op("widget: paint", "POST", "/widgets/{widget_id}/paint", Some(params), Some("example.api.widget"), "api/widget-paint.md"),
                op("widget: delta", "GET", "/widgets/delta", None, Some("Collection(example.api.widget)"), "api/widget-delta.md"),
                op("widget: around", "GET", "/widgets/{widget_id}/around(radius={r},unit='{u}')", None, None, "api/widget-delta.md"),
                op("List widgets", "GET", "/widgets", None, Some("Collection(example.api.widget)"), "api/widget-list.md"),
            ],
            types,
        }
    }

    fn outcomes() -> Vec<Outcome> {
        crate::audit::compare(&model(), &csdl::parse(CSDL).unwrap(), &tree())
    }

    fn find<'a>(outcomes: &'a [Outcome], key: &str) -> &'a Outcome {
        outcomes.iter().find(|o| o.figure.key == key).unwrap()
    }

    fn lines(o: &Outcome) -> Vec<String> {
        o.disagreements.iter().map(|d| format!("[{}] {} {}", d.verdict, d.subject, d.detail)).collect()
    }

    #[test]
    fn endpoints_against_the_http_request_blocks() {
        let all = outcomes();
        let o = find(&all, "endpoints");
        assert_eq!(o.figure.recall, Some(Ratio::new(2, 4)));
        assert_eq!(o.figure.precision, Some(Ratio::new(2, 4)));
        assert_eq!(
            lines(o),
            [
                "[generator miss] api/widget-delta.md documented, not in the model: `GET /widgets/{id}/around(radius={r})`",
                "[generator miss] api/widget-delta.md in the model, not in an HTTP request block: `GET /widgets/{widget_id}/around(radius={r},unit='{u}')`",
                "[doc defect] api/widget-list.md in the model, not in an HTTP request block: `GET /widgets`",
                "[generator miss] api/widget-paint.md documented, not in the model: `POST /things/{id}/paint`",
            ]
        );
    }

    #[test]
    fn types_with_a_page_and_types_in_the_csdl() {
        let all = outcomes();
        let o = find(&all, "types");
        // thing, widget and ghost have pages; part has none. gadget is not in the CSDL.
        assert_eq!(o.figure.recall, Some(Ratio::new(2, 3)));
        assert_eq!(o.figure.precision, Some(Ratio::new(2, 3)));
        assert_eq!(
            lines(o),
            [
                "[doc defect] example.api.gadget in the model, not in the CSDL: resources/gadget.md (1 properties)",
                "[generator miss] example.api.ghost has a page, missing from the model: resources/ghost.md (0 CSDL properties)",
            ]
        );
    }

    #[test]
    fn property_names_flattened_and_their_types() {
        let all = outcomes();
        let names = find(&all, "property_names");
        // CSDL pairs: thing.id; widget.{size,tags,hue,parts,id}. Model: thing.id; widget.{size,tags,HUE,nickname,id}.
        assert_eq!(names.figure.recall, Some(Ratio::new(5, 6)));
        assert_eq!(names.figure.precision, Some(Ratio::new(5, 6)));
        assert!(names.figure.notes.iter().any(|n| n == "4 of 5 matched names have the CSDL's exact case"), "{:?}", names.figure.notes);
        assert_eq!(
            lines(names),
            [
                "[generator miss] example.api.widget in the CSDL, not in the model: parts",
                "[doc defect] example.api.widget in the model, not in the CSDL: nickname",
            ]
        );
        let types = find(&all, "property_types");
        assert_eq!(types.figure.agreement, Some(Ratio::new(4, 5)));
        assert_eq!(lines(types), ["[doc defect] CSDL Edm.Int32 / model Edm.Int64 documented as: widget.size"]);
    }

    #[test]
    fn a_missing_inherited_name_is_a_generator_miss_only_when_the_page_states_the_base() {
        let csdl = csdl::parse(CSDL).unwrap();
        let part = object("part", None, vec![prop("weight", "Edm.Double", "resources/part.md", 9)], vec![], "resources/part.md");
        let thing = object("thing", None, vec![prop("id", "Edm.String", "resources/thing.md", 10)], vec![], "resources/thing.md");
        let model = ApiModel { base_url: None, operations: Vec::new(), types: vec![part, thing] };
        let verdict = |part_page: &str| {
            let tree = DocsTree::from_pages([("resources/part.md", part_page), ("resources/thing.md", THING_PAGE)]);
            let all = crate::audit::compare(&model, &csdl, &tree);
            lines(find(&all, "property_names"))
        };
        let table = "| Property | Type |\n|:--|:--|\n| weight | Double |\n";
        assert_eq!(
            verdict(&format!("---\ntitle: part\nms.prod: thing\n---\n# part\n\nA part.\n\n{table}")),
            ["[doc defect] example.api.part in the CSDL, not in the model: id"],
            "the page never names `thing` (its front matter does not count)"
        );
        assert_eq!(
            verdict(&format!("---\ntitle: part\n---\n# part\n\nA kind of [thing](thing.md).\n\n{table}")),
            ["[generator miss] example.api.part in the CSDL, not in the model: id"]
        );
    }

    #[test]
    fn enum_members_of_shared_enums() {
        let all = outcomes();
        let o = find(&all, "enum_members");
        assert_eq!(o.figure.recall, Some(Ratio::new(1, 2)));
        assert_eq!(o.figure.precision, Some(Ratio::new(1, 2)));
        assert_eq!(
            lines(o),
            [
                "[generator miss] example.api.color in the CSDL, not in the model: blue",
                "[doc defect] example.api.color in the model, not in the CSDL: green",
            ]
        );
        assert_eq!(find(&all, "enum_types").figure.recall, Some(Ratio::new(1, 1)));
    }

    #[test]
    fn action_and_function_parameters_and_returns() {
        let all = outcomes();
        let params = find(&all, "parameters");
        // paint(widget): hue, coats vs hue, gloss; around(widget): radius, unit vs radius, unit; delta: none.
        assert_eq!(params.figure.recall, Some(Ratio::new(3, 4)));
        assert_eq!(params.figure.precision, Some(Ratio::new(3, 4)));
        assert_eq!(
            lines(params),
            [
                "[doc defect] paint(example.api.widget) in the CSDL, not in the model: coats",
                "[doc defect] paint(example.api.widget) in the model, not in the CSDL: gloss",
            ]
        );
        let types = find(&all, "parameter_types");
        assert_eq!(types.figure.agreement, Some(Ratio::new(0, 1)));
        assert_eq!(
            lines(types),
            ["[generator miss] CSDL example.api.color / model Edm.String documented as: paint(example.api.widget) hue"]
        );
        let returns = find(&all, "return_types");
        assert_eq!(returns.figure.agreement, Some(Ratio::new(2, 3)));
        assert_eq!(lines(returns), ["[doc defect] CSDL Collection(example.api.part) / model none returned by: around(example.api.widget)"]);
    }

    #[test]
    fn operations_match_by_name_then_binding() {
        let csdl = csdl::parse(CSDL).unwrap();
        let binding = |m: Match| match m {
            Match::One(i) => csdl.operations[i].binding.clone().unwrap_or_default(),
            other => format!("{other:?}"),
        };
        let paint = |title: &str, path: &str, file: &str| op(title, "POST", path, None, None, file);
        assert_eq!(binding(match_operation(&paint("widget: paint", "/things/{id}/paint", "api/x.md"), &csdl)), "example.api.widget");
        assert_eq!(binding(match_operation(&paint("part: paint", "/widgets/{id}/paint", "api/x.md"), &csdl)), "example.api.part");
        assert_eq!(binding(match_operation(&paint("Paint it", "/x/{id}/paint", "api/part-paint.md"), &csdl)), "example.api.part");
        assert_eq!(binding(match_operation(&paint("Paint it", "/parts/{id}/paint", "api/paint.md"), &csdl)), "example.api.part");
        assert!(matches!(match_operation(&paint("Paint it", "/x/{id}/paint", "api/paint.md"), &csdl), Match::None));
        assert!(matches!(match_operation(&paint("thing: paint", "/x/{id}/paint", "api/paint.md"), &csdl), Match::Ambiguous(_)));
        assert!(matches!(match_operation(&op("widget: paint", "GET", "/widgets/{id}/paint", None, None, "api/x.md"), &csdl), Match::None));
    }

    #[test]
    fn last_segments_and_function_arguments() {
        let call = |p: &str| last_segment_call(p).map(|(n, a)| format!("{n}{a:?}"));
        assert_eq!(call("/me/microsoft.graph.delta()").as_deref(), Some("delta[]"));
        assert_eq!(call("/r/getX(period='{p}',date={d})").as_deref(), Some("getX[\"period\", \"date\"]"));
        assert_eq!(call("/w/range(address='A1/B2')").as_deref(), Some("range[\"address\"]"));
        assert_eq!(call("/w/range(address='<a>'/entireRow").as_deref(), Some("entireRow[]"), "unbalanced brackets");
        assert_eq!(call("/drive/root:/{path}:/").as_deref(), None);
        assert_eq!(call("/users/{id}"), None);
        assert_eq!(call("/me/photo/$value"), None);
    }

    #[test]
    fn comparable_type_spellings() {
        assert_eq!(comparable("Collection(microsoft.graph.Json)"), "collection(json)");
        assert_eq!(comparable("Edm.String"), "edm.string");
        assert_eq!(Ratio::new(0, 0).percent(), None);
        assert_eq!(Ratio::new(1, 4).percent(), Some(25.0));
    }
}
