//! Operations, their parameters (action parameters, query options, headers),
//! request bodies and responses.

use super::{code, Change, Delta, Element, Side};
use crate::emit::rust::surface::{CallArgument, OperationItem, Surface};
use crate::emit::rust::RustType;
use crate::model::{ApiModel, Operation, Property, RequestBody, ResponseSpec, Source, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// The identity of an operation: `METHOD path` with every `{...}` placeholder
/// replaced by `{}` and the literal text lower-cased.
pub fn operation_key(method: &str, documented_path: &str) -> String {
    let mut key = method.trim().to_ascii_uppercase();
    key.push(' ');
    let mut rest = documented_path.trim();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        key.push_str(&rest[..open].to_lowercase());
        key.push_str("{}");
        rest = &rest[close + 1..];
    }
    key.push_str(&rest.to_lowercase());
    key
}

fn display_name(op: &Operation) -> String {
    format!("{} {}", op.method, op.documented_path)
}

/// An operation and its function in the generated crate.
type Op<'a> = (&'a Operation, &'a OperationItem);

pub(super) fn diff_operations(old: &Side<'_>, new: &Side<'_>, out: &mut Vec<Change>) {
    let resources = ResourceIndex::new(old.model, new.model);
    let mut keys: BTreeMap<String, (Vec<Op<'_>>, Vec<Op<'_>>)> = BTreeMap::new();
    for op in old.model.operations.iter().zip(old.surface.operations()) {
        keys.entry(operation_key(op.0.method.as_str(), &op.0.documented_path)).or_default().0.push(op);
    }
    for op in new.model.operations.iter().zip(new.surface.operations()) {
        keys.entry(operation_key(op.0.method.as_str(), &op.0.documented_path)).or_default().1.push(op);
    }
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    for (before, after) in keys.into_values() {
        let (pairs, gone, arrived) = pair(before, after);
        removed.extend(gone);
        added.extend(arrived);
        for (a, b) in pairs {
            diff_operation(a, b, (&old.surface, &new.surface), &resources, out);
        }
    }
    // A page that lost an operation often documents its replacement (a new path prefix).
    let mut added_by_page: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for (op, _) in &added {
        added_by_page.entry(op.source.file.as_str()).or_default().push(op);
    }
    for (op, item) in removed {
        let mut detail = format!("function {} removed", code(&item.function));
        if let Some(on_page) = added_by_page.get(op.source.file.as_str()) {
            let same_method: Vec<&&Operation> = on_page.iter().filter(|o| o.method == op.method).collect();
            if let Some(first) = same_method.first() {
                let more = if same_method.len() > 1 { format!(" (and {} more)", same_method.len() - 1) } else { String::new() };
                detail.push_str(&format!("; its page now documents {}{more}", code(&display_name(first))));
            }
        }
        out.push(operation_change(op, Delta::Removed, true, detail, Some(&op.source), None, &resources));
    }
    for (op, item) in added {
        let returns = op.success_body().map(|t| format!(", returns {}", code(&t.to_string()))).unwrap_or_default();
        let detail = format!("new function {}{returns}", code(&item.function));
        out.push(operation_change(op, Delta::Added, false, detail, None, Some(&op.source), &resources));
    }
}

/// Pairs the operations of OLD and NEW that share a key: same documented path
/// first, then same page, then in order. Returns (pairs, only in OLD, only in NEW).
#[allow(clippy::type_complexity)]
fn pair<'a>(mut before: Vec<Op<'a>>, mut after: Vec<Op<'a>>) -> (Vec<(Op<'a>, Op<'a>)>, Vec<Op<'a>>, Vec<Op<'a>>) {
    let mut pairs = Vec::new();
    let same_path = |a: &Operation, b: &Operation| a.documented_path == b.documented_path;
    let same_page = |a: &Operation, b: &Operation| a.source.file == b.source.file;
    let in_order = |_: &Operation, _: &Operation| true;
    let rules: [&dyn Fn(&Operation, &Operation) -> bool; 3] = [&same_path, &same_page, &in_order];
    for matches in rules {
        let mut i = 0;
        while i < before.len() {
            match after.iter().position(|b| matches(before[i].0, b.0)) {
                Some(j) => pairs.push((before.remove(i), after.remove(j))),
                None => i += 1,
            }
        }
    }
    (pairs, before, after)
}

fn operation_change(
    op: &Operation,
    delta: Delta,
    breaking: bool,
    detail: String,
    old: Option<&Source>,
    new: Option<&Source>,
    resources: &ResourceIndex,
) -> Change {
    Change {
        element: Element::Operation,
        name: display_name(op),
        delta,
        breaking,
        detail,
        old: old.cloned(),
        new: new.cloned(),
        resource: resources.of(op),
    }
}

/// One operation in both models. What breaks is decided on the surface: the
/// function's name, its arguments, its body and result types as users write them.
fn diff_operation(
    (a, fa): Op<'_>,
    (b, fb): Op<'_>,
    (old, new): (&Surface<'_>, &Surface<'_>),
    resources: &ResourceIndex,
    out: &mut Vec<Change>,
) {
    let name = display_name(b);
    let resource = resources.of(b);
    let change = |element: Element, name: String, delta: Delta, breaking: bool, detail: String| Change {
        element,
        name,
        delta,
        breaking,
        detail,
        old: (delta != Delta::Added).then(|| a.source.clone()),
        new: (delta != Delta::Removed).then(|| b.source.clone()),
        resource: resource.clone(),
    };
    // Action parameters have rows of their own.
    let located = |mut c: Change, p: Option<&Property>, q: Option<&Property>| {
        c.old = p.map(|p| p.source.clone());
        c.new = q.map(|q| q.source.clone());
        c
    };
    let mut operation_details = Vec::new();
    // A moved operation or a different body breaks callers; a move to another
    // area does not with the default `full` feature, so it is reported but not breaking.
    let mut signature_changed = false;
    if fa.function != fb.function {
        signature_changed = true;
        // Its place in the surface (root, steps, method name) changed: callers must follow it.
        operation_details.push(format!("moved {} -> {}", code(&fa.function), code(&fb.function)));
    }
    let body_retyped = fa.request_body != fb.request_body;
    let shown = |body: &Option<RustType>| body.as_ref().map_or_else(|| "none".to_owned(), |t| code(&t.to_string()));
    match body_change(a.request_body.as_ref(), b.request_body.as_ref()) {
        Some(body) => operation_details.push(body),
        None if body_retyped => operation_details.push(format!("request body {} -> {}", shown(&fa.request_body), shown(&fb.request_body))),
        None => {}
    }
    signature_changed |= body_retyped;
    // The function is compiled only with its area's Cargo feature. An empty
    // area is a snapshot written before areas existed: nothing to compare.
    if !a.area.is_empty() && !b.area.is_empty() && a.area != b.area {
        operation_details.push(format!("moved from Cargo feature {} to {}", code(&a.area), code(&b.area)));
    }
    if !operation_details.is_empty() {
        out.push(change(Element::Operation, name.clone(), Delta::Changed, signature_changed, operation_details.join("; ")));
    }

    // Action parameters, when both sides take them: `Option` fields of a `Default` struct.
    if let (
        Some(RequestBody::Parameters { type_name: old_struct, parameters: before }),
        Some(RequestBody::Parameters { type_name: new_struct, parameters: after }),
    ) = (&a.request_body, &b.request_body)
    {
        // The field of the parameter struct users fill in: its name and type.
        let field = |surface: &Surface<'_>, model_name: &str, json_name: &str| {
            let fields = &surface.parameter_struct(model_name)?.fields;
            fields.iter().find(|f| f.property.json_name == json_name).map(|f| (f.name.clone(), f.ty.clone()))
        };
        for (param, delta, p, q) in parameter_changes(before, after) {
            let (was, now) = (field(old, old_struct, param), field(new, new_struct, param));
            let breaking = was.is_some() && was != now;
            let detail = match (p, q) {
                (Some(p), None) => format!("action parameter {} removed", code(&p.ty.to_string())),
                (Some(p), Some(q)) => format!("action parameter type {} -> {}", code(&p.ty.to_string()), code(&q.ty.to_string())),
                (_, q) => format!("new optional action parameter {}", code(&q.map(|q| q.ty.to_string()).unwrap_or_default())),
            };
            out.push(located(change(Element::Parameter, format!("{name}/{param}"), delta, breaking, detail), p, q));
        }
    }

    // Function parameters: those the path spells are `&str` path arguments
    // whatever their row says (one more in the path makes another operation);
    // those it does not are typed arguments of the generated function, so
    // adding, removing, retyping one or making it optional changes its signature.
    let argument = |item: &'_ OperationItem, param: &str| -> Option<(String, RustType)> {
        let found = item.call_args.iter().find(|c: &&CallArgument| c.json_name.eq_ignore_ascii_case(param))?;
        Some((found.name.clone(), found.ty.clone()))
    };
    // Breaking exactly when the function's argument (its name, its type, whether it is an `Option`) changed.
    let is_argument = |param: &str| argument(fa, param) != argument(fb, param);
    for (param, delta, p, q) in parameter_changes(&a.function_parameters, &b.function_parameters) {
        let detail = match (p, q) {
            (Some(p), None) => format!("function parameter {} no longer documented", code(&p.ty.to_string())),
            (Some(p), Some(q)) => format!("function parameter type {} -> {}", code(&p.ty.to_string()), code(&q.ty.to_string())),
            (_, q) => format!("newly documented function parameter {}", code(&q.map(|q| q.ty.to_string()).unwrap_or_default())),
        };
        out.push(located(change(Element::Parameter, format!("{name}/{param}"), delta, is_argument(param), detail), p, q));
    }
    // Same arguments in another order: calls still compile, with the values swapped.
    let arguments = |item: &OperationItem| item.call_args.iter().map(|c| c.json_name.to_ascii_lowercase()).collect::<BTreeSet<_>>();
    let (before_args, after_args) = (arguments(fa), arguments(fb));
    let order = |item: &OperationItem, other: &BTreeSet<String>| {
        item.call_args.iter().map(|c| c.json_name.to_ascii_lowercase()).filter(|n| other.contains(n)).collect::<Vec<_>>()
    };
    let (old_order, new_order) = (order(fa, &after_args), order(fb, &before_args));
    if old_order != new_order {
        let detail = format!("function arguments reordered: {} -> {}", old_order.join(", "), new_order.join(", "));
        out.push(change(Element::Operation, name.clone(), Delta::Changed, true, detail));
    }
    // Same type, but now optional or now required.
    for p in &a.function_parameters {
        let Some(q) = b.function_parameters.iter().find(|q| q.json_name == p.json_name && q.ty == p.ty) else { continue };
        let now_optional = b.is_optional_argument(&q.json_name);
        if a.is_optional_argument(&p.json_name) != now_optional && is_argument(&p.json_name) {
            let detail = if now_optional { "function parameter now optional" } else { "function parameter now required" };
            out.push(located(
                change(Element::Parameter, format!("{name}/{}", p.json_name), Delta::Changed, true, detail.into()),
                Some(p),
                Some(q),
            ));
        }
    }

    // OData query options.
    let before: BTreeSet<&str> = a.query_options.iter().map(String::as_str).collect();
    let after: BTreeSet<&str> = b.query_options.iter().map(String::as_str).collect();
    for option in before.difference(&after) {
        out.push(change(Element::Parameter, format!("{name}/{option}"), Delta::Removed, false, "query option no longer documented".into()));
    }
    for option in after.difference(&before) {
        out.push(change(Element::Parameter, format!("{name}/{option}"), Delta::Added, false, "new query option".into()));
    }

    // Request headers, by case-insensitive name.
    let before: BTreeMap<String, (&str, bool)> =
        a.headers.iter().rev().map(|h| (h.name.to_ascii_lowercase(), (h.name.as_str(), h.required))).collect();
    let after: BTreeMap<String, (&str, bool)> =
        b.headers.iter().rev().map(|h| (h.name.to_ascii_lowercase(), (h.name.as_str(), h.required))).collect();
    let requirement = |required: bool| if required { "required" } else { "optional" };
    for (key, (header, required)) in &before {
        match after.get(key) {
            None => out.push(change(
                Element::Parameter,
                format!("{name}/{header}"),
                Delta::Removed,
                false,
                format!("{} header no longer documented", requirement(*required)),
            )),
            Some((header, now)) if now != required => out.push(change(
                Element::Parameter,
                format!("{name}/{header}"),
                Delta::Changed,
                *now,
                format!("header now {}", requirement(*now)),
            )),
            Some(_) => {}
        }
    }
    for (key, (header, required)) in &after {
        if !before.contains_key(key) {
            let detail = format!("new {} header", requirement(*required));
            out.push(change(Element::Parameter, format!("{name}/{header}"), Delta::Added, *required, detail));
        }
    }

    // Responses, by position (the model has one per operation).
    // The `T` of the function's `Request<T>`.
    // A monitored action's `Client` method returns `LongRunning` instead.
    let success_changed = fa.response != fb.response || fa.monitored != fb.monitored;
    let len = a.responses.len().max(b.responses.len());
    for i in 0..len {
        let (delta, detail) = match (a.responses.get(i), b.responses.get(i)) {
            (Some(x), Some(y)) if x == y => continue,
            (Some(x), Some(y)) => (Delta::Changed, format!("{} -> {}", show_response(x), show_response(y))),
            (Some(x), None) => (Delta::Removed, format!("{} no longer documented", show_response(x))),
            (None, Some(y)) => (Delta::Added, format!("now documents {}", show_response(y))),
            (None, None) => continue,
        };
        out.push(change(Element::Response, name.clone(), delta, success_changed, detail));
    }
}

/// Parameters by JSON name (the first of a repeated name): removed, retyped, then added,
/// with the OLD and NEW rows.
fn parameter_changes<'a>(
    before: &'a [Property],
    after: &'a [Property],
) -> Vec<(&'a str, Delta, Option<&'a Property>, Option<&'a Property>)> {
    let before: BTreeMap<&str, &Property> = before.iter().rev().map(|p| (p.json_name.as_str(), p)).collect();
    let after: BTreeMap<&str, &Property> = after.iter().rev().map(|p| (p.json_name.as_str(), p)).collect();
    let mut out = Vec::new();
    for (name, p) in &before {
        match after.get(name) {
            None => out.push((*name, Delta::Removed, Some(*p), None)),
            Some(q) if q.ty != p.ty => out.push((*name, Delta::Changed, Some(*p), Some(*q))),
            Some(_) => {}
        }
    }
    for (name, q) in &after {
        if !before.contains_key(name) {
            out.push((*name, Delta::Added, None, Some(*q)));
        }
    }
    out
}

fn show_response(r: &ResponseSpec) -> String {
    match &r.body {
        Some(ty) => format!("{} {}", r.status, code(&ty.to_string())),
        None if r.monitored => format!("{} (a monitor to poll)", r.status),
        None => format!("{} (no body)", r.status),
    }
}

/// What the request body of the generated function became, if it changed shape.
fn body_change(a: Option<&RequestBody>, b: Option<&RequestBody>) -> Option<String> {
    let show = |body: &RequestBody| match body {
        RequestBody::Parameters { type_name, .. } => format!("parameters {}", code(type_name)),
        RequestBody::Resource { ty } => code(&ty.to_string()),
    };
    match (a, b) {
        (None, None) => None,
        (None, Some(b)) => Some(format!("now takes a request body: {}", show(b))),
        (Some(a), None) => Some(format!("no longer takes a request body (was {})", show(a))),
        (Some(RequestBody::Parameters { type_name: x, .. }), Some(RequestBody::Parameters { type_name: y, .. })) if x == y => None,
        (Some(RequestBody::Resource { ty: x }), Some(RequestBody::Resource { ty: y })) if x == y => None,
        (Some(a), Some(b)) => Some(format!("request body {} -> {}", show(a), show(b))),
    }
}

/// Finds the resource (a documented type) an operation belongs to, for grouping.
struct ResourceIndex {
    /// Lower-cased local type name -> qualified name; `microsoft.graph` wins a tie.
    by_local_name: BTreeMap<String, String>,
    /// Lower-cased resource page name (`chartfill` for `resources/chartfill.md`) -> the main type it documents.
    by_page: BTreeMap<String, String>,
}

impl ResourceIndex {
    fn new(old: &ApiModel, new: &ApiModel) -> Self {
        // (not in microsoft.graph, qualified name): the first candidate is the preferred one.
        let mut candidates: BTreeMap<String, BTreeSet<(u8, String)>> = BTreeMap::new();
        // Per page, (rank, qualified name): the type named like the page, then one whose
        // name ends like it (`workbookChart` on `chart.md`), then any object type.
        let mut pages: BTreeMap<String, BTreeSet<(u8, String)>> = BTreeMap::new();
        for def in new.types.iter().chain(&old.types) {
            let name = def.name.to_lowercase();
            candidates.entry(name.clone()).or_default().insert((u8::from(def.namespace != "microsoft.graph"), def.qualified_name()));
            if def.inferred || !def.source.file.starts_with("resources/") {
                continue;
            }
            let page = stem(&def.source.file).to_lowercase();
            let rank = match () {
                _ if name == page => 0,
                _ if name.ends_with(&page) => 1,
                _ if matches!(def.kind, TypeKind::Object { .. }) => 2,
                _ => 3,
            };
            pages.entry(page).or_default().insert((rank, def.qualified_name()));
        }
        let first = |set: BTreeSet<(u8, String)>| set.into_iter().next().map(|(_, qualified)| qualified);
        ResourceIndex {
            by_local_name: candidates.into_iter().filter_map(|(key, set)| Some((key, first(set)?))).collect(),
            by_page: pages.into_iter().filter_map(|(key, set)| Some((key, first(set)?))).collect(),
        }
    }

    fn lookup(&self, word: &str) -> Option<&String> {
        self.by_local_name.get(&word.trim().to_lowercase())
    }

    /// The type named before `:` in the title (`driveItem: createUploadSession`);
    /// else the type of the resource page whose name is the longest `-`-prefix
    /// of the API page's (`api/chartfill-clear.md` -> `resources/chartfill.md`);
    /// else a word of the page name that names a type; else the success body's
    /// type; else the first word of the page name.
    fn of(&self, op: &Operation) -> String {
        if let Some(found) = op.title.split_once(':').and_then(|(binding, _)| self.lookup(binding)) {
            return found.clone();
        }
        let stem = stem(&op.source.file).to_lowercase();
        let prefixes = stem.match_indices('-').map(|(i, _)| &stem[..i]).chain([stem.as_str()]);
        let longest_page = prefixes.rev().find_map(|prefix| self.by_page.get(prefix));
        if let Some(found) = longest_page.or_else(|| stem.split('-').find_map(|word| self.lookup(word))) {
            return found.clone();
        }
        if let Some(TypeRef::Named(name)) = op.success_body().map(TypeRef::item) {
            return name.clone();
        }
        stem.split('-').next().unwrap_or_default().to_owned()
    }
}

/// `chart-delete` for `api/chart-delete.md`.
fn stem(file: &str) -> &str {
    let page = file.rsplit('/').next().unwrap_or_default();
    page.strip_suffix(".md").unwrap_or(page)
}
