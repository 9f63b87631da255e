//! `cargo xtask verify`: the docs' request and response examples, round-tripped
//! through the generated crate's own types.
//!
//! This module does everything but compiling: it finds the examples and the
//! operation each belongs to ([`collect`]), decides which Rust type each must
//! fit ([`plan`]), writes the program that deserializes and re-serializes them
//! inside the generated crate ([`program`]), and judges what that program
//! printed ([`judge`]). A failure says why and whether the docs are at fault.
//!
//! What passes: the example deserializes into the type the generated
//! `Request<T>` decodes (responses) or the type its body is serialized from
//! (requests), and serializing it back gives the same JSON, nothing lost and
//! nothing invented. Equal means equal JSON with four stated allowances:
//! numbers compare by value (`1` = `1.0`, and `Edm.Single` to `f32` precision);
//! typed scalars compare by value (the same instant in another offset or
//! precision, a GUID in another case, `PT24H` and `P1D`, base64 with or without
//! padding: the runtime's types read both and write one); a member that is
//! `null` may come back absent (the generated structs hold it as `None` and
//! skip it); and the `@odata.context` of a collection response is response
//! metadata that `runtime::Page` (and the `{"value": x}` wrapper of a
//! primitive result) does not keep.

pub mod http;
mod judge;
mod program;

pub use judge::{judge, Failure};
pub use program::{doc_examples, program, Entry, HttpEntry};

use docgen::emit::rust::OperationTypes;
use docgen::model::{ApiModel, HttpMethod, Operation, Primitive, RequestBody, TypeRef};
use docgen::parse::http::RequestLine;
use docgen::parse::page::{BodySection, ExampleRole, Payload};
use docgen::parse::Page;
use proc_macro2::TokenStream;
use serde_json::Value;
use std::collections::BTreeMap;

#[cfg(test)]
mod tests {
    use super::*;
    use docgen::diagnostics::Diagnostics;

    #[test]
    fn every_example_of_the_default_pages_gets_a_type() {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input");
        let corpus = docgen::Corpus::read(&docs).unwrap();
        let model = corpus.model;
        let (cases, _) = collect(&corpus.pages, &model);
        assert!(cases.len() >= 10, "{} cases", cases.len());
        let surface = docgen::emit::rust::Surface::new(&model, &mut Diagnostics::default());
        let types = docgen::emit::rust::operation_types(&surface, "graph-client");
        let mut rows = Vec::new();
        for case in &cases {
            match plan(case, &model, &types) {
                Plan::Run(ty) => rows.push((case.body.as_ref().unwrap().to_string(), ty)),
                Plan::Fail(failure) => panic!("{}: {failure}", case.location()),
            }
        }
        let shown: Vec<String> = rows.iter().map(|(_, ty)| ty.to_string().replace(' ', "")).collect();
        assert!(shown.iter().any(|t| t.starts_with("graph_client::runtime::Page<graph_client::types::")), "{shown:?}");
        let entries: Vec<Entry<'_>> = rows.iter().enumerate().map(|(id, (json, ty))| Entry { id, json, ty }).collect();
        let source = program(&entries, &[], "graph-client").unwrap();
        assert!(source.contains("round_trip::<graph_client::types::"), "{source}");
    }

    #[test]
    fn a_json_example_beside_a_raw_value_line_is_the_resource_s() {
        // `Get widget` lists `GET /me/widgets/{id}` and `.../$value`; its one JSON example is the widget.
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generator/tests/rules/raw-content");
        let corpus = docgen::Corpus::read(&docs).unwrap();
        let (cases, _) = collect(&corpus.pages, &corpus.model);
        let surface = docgen::emit::rust::Surface::new(&corpus.model, &mut Diagnostics::default());
        let types = docgen::emit::rust::operation_types(&surface, "graph-client");
        let case = cases.iter().find(|c| c.file == "api/widget-get.md" && c.role == Role::Response).expect("the widget's example");
        match plan(case, &corpus.model, &types) {
            Plan::Run(ty) => assert_eq!(ty.to_string().replace(' ', ""), "graph_client::types::Widget"),
            Plan::Fail(failure) => panic!("{failure}"),
        }
    }

    #[test]
    fn path_templates_match_example_paths() {
        assert!(glob("{user_id}", "48d31887-5fad-4d73-a9f5-3c356e68a038"));
        assert!(glob("image(width={width})", "image(width=640)"));
        assert!(glob("users", "Users") && !glob("users", "groups"));
        assert!(!glob("image(width={width})", "image(height=640)"));
        assert_eq!(placeholder_chars("a{bc}d{e}"), 7);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Request,
    Response,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Request => "request",
            Role::Response => "response",
        }
    }
}

/// One example body to check.
#[derive(Debug, Clone)]
pub struct Case {
    pub file: String,
    /// Line of the body's first line in the page.
    pub line: u32,
    pub role: Role,
    /// Index into `model.operations`.
    pub operation: Option<usize>,
    /// The parsed body (comments, elisions and trailing commas removed), or why it does not parse.
    pub body: Result<Value, String>,
    /// What the page says about its response and request body, for telling doc defects apart.
    pub page_says_no_body: bool,
    /// The page's response sentence or this example's annotation says "collection".
    pub page_says_collection: bool,
    /// The query and headers of the request example before it: a response to
    /// a request that asks for an alternative answer is that answer.
    pub request: Option<(String, Vec<(String, String)>)>,
}

impl Case {
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// Examples that are not checked, by reason (non-JSON bodies, error responses, ...).
pub type Skipped = BTreeMap<&'static str, usize>;

/// Every request example with a JSON body and every success response example
/// with a JSON body, in page order, with the operation it exercises.
pub fn collect(pages: &[Page], model: &ApiModel) -> (Vec<Case>, Skipped) {
    let mut by_file: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, op) in model.operations.iter().enumerate() {
        by_file.entry(op.source.file.as_str()).or_default().push(i);
    }
    let mut cases = Vec::new();
    let mut skipped = Skipped::new();
    for page in pages {
        let ops = by_file.get(page.file.as_str()).map(Vec::as_slice).unwrap_or_default();
        let mut current: Option<usize> = None;
        let mut asked: Option<(String, Vec<(String, String)>)> = None;
        for example in &page.examples {
            let role = match example.role {
                ExampleRole::Request => Role::Request,
                ExampleRole::Response => Role::Response,
                _ => continue,
            };
            let Some(message) = &example.message else {
                *skipped.entry("empty example block").or_default() += 1;
                continue;
            };
            let page_says_no_body;
            match role {
                Role::Request => {
                    current = message.request.as_ref().and_then(|line| {
                        find(model, ops.iter().copied(), line)
                            .or_else(|| find(model, 0..model.operations.len(), line))
                            .or_else(|| pick(model, ops, line))
                    });
                    let query = message.request.as_ref().and_then(|line| line.query.clone()).unwrap_or_default();
                    asked = Some((query, message.headers.clone()));
                    page_says_no_body = matches!(page.request_body, BodySection::Empty);
                }
                Role::Response => {
                    match message.status.as_ref().map(|s| s.status) {
                        Some(status) if !(200..300).contains(&status) => {
                            *skipped.entry("error response (not 2xx)").or_default() += 1;
                            continue;
                        }
                        _ => {}
                    }
                    page_says_no_body = page.response.as_ref().is_some_and(|r| r.ty.is_none() && r.status == Some(204));
                }
            }
            let Some(body) = &example.body else {
                if role == Role::Response
                    || !matches!(&message.request, Some(l) if matches!(l.method, HttpMethod::Get | HttpMethod::Delete))
                {
                    *skipped.entry("no body").or_default() += 1;
                }
                continue;
            };
            let json = match &body.value {
                Payload::Json(value) => Ok(value.clone()),
                Payload::BadJson(e) => Err(format!("line {}: {}", e.line, e.message)),
                Payload::Other => {
                    *skipped.entry("body is not JSON (binary, text, XML, multipart)").or_default() += 1;
                    continue;
                }
            };
            let operation = match role {
                Role::Request => current,
                // A response answers the request before it, else the page's first operation.
                Role::Response => current.or_else(|| ops.first().copied()),
            };
            let page_says_collection = example.annotation.is_collection || page.response.as_ref().is_some_and(|r| r.collection);
            cases.push(Case {
                file: page.file.clone(),
                line: body.line,
                role,
                operation,
                body: json,
                page_says_no_body,
                page_says_collection,
                request: if role == Role::Response { asked.clone() } else { None },
            });
        }
    }
    (cases, skipped)
}

/// The page's operation an example request line exercises when no template
/// matches: same method, and the path that agrees with it on most literal segments.
fn pick(model: &ApiModel, ops: &[usize], line: &RequestLine) -> Option<usize> {
    let example: Vec<String> = segments(&line.path);
    // A raw value (`.../$value`) is its own operation: a request for the
    // resource never exercises it, nor the other way round.
    let same_kind = |i: usize| is_raw_value(&model.operations[i].path) == is_raw_value(&line.path);
    ops.iter().copied().filter(|&i| model.operations[i].method == line.method && same_kind(i)).max_by_key(|&i| {
        let path = segments(&model.operations[i].path);
        let same = path.iter().zip(&example).filter(|(a, b)| a == b).count() as i64;
        // Prefer equal length; earlier operations win ties (max_by_key keeps the last, so negate the index).
        (same * 4 - (path.len() as i64 - example.len() as i64).abs(), -(i as i64))
    })
}

/// `GET .../$value`: OData's raw value of a media entity or property.
fn is_raw_value(path: &str) -> bool {
    path.trim_end_matches('/').ends_with("/$value")
}

/// The operation among `candidates` whose path template matches the
/// example's path: the page's own first, then (for an operation merged into
/// another page's, or a resource page that shows a request) any page's.
fn find(model: &ApiModel, candidates: impl Iterator<Item = usize>, line: &RequestLine) -> Option<usize> {
    let example: Vec<&str> = line.path.split('/').filter(|s| !s.is_empty()).collect();
    candidates
        .map(|i| (i, &model.operations[i]))
        .filter(|(_, op)| op.method == line.method)
        .filter_map(|(i, op)| {
            let template: Vec<&str> = op.path.split('/').filter(|s| !s.is_empty()).collect();
            let matches = template.len() == example.len() && template.iter().zip(&example).all(|(t, e)| glob(t, e));
            // The most literal template wins: `/me/events` over `/{x}/events`.
            matches.then(|| (template.iter().map(|t| t.len() - placeholder_chars(t)).sum::<usize>(), std::cmp::Reverse(i)))
        })
        .max()
        .map(|(_, std::cmp::Reverse(i))| i)
}

/// Whether a path segment matches a template segment, where `{name}` stands for any text (case-insensitive).
fn glob(template: &str, text: &str) -> bool {
    let template = template.to_ascii_lowercase();
    let text = text.to_ascii_lowercase();
    let mut pieces =
        template
            .split('{')
            .enumerate()
            .map(|(i, piece)| if i == 0 { piece } else { piece.split_once('}').map_or(piece, |(_, rest)| rest) });
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let pieces: Vec<&str> = pieces.collect();
    for (i, piece) in pieces.iter().enumerate() {
        if i + 1 == pieces.len() {
            return rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

fn placeholder_chars(template: &str) -> usize {
    template.split('{').skip(1).map(|p| p.find('}').map_or(0, |end| end + 2)).sum()
}

fn segments(path: &str) -> Vec<String> {
    path.split(['/', '(', ')']).filter(|s| !s.is_empty()).map(|s| s.to_ascii_lowercase()).collect()
}

/// What to do with a case: run it through a Rust type, or fail it without running.
pub enum Plan {
    Run(TokenStream),
    Fail(Failure),
}

/// The Rust type each case must fit, or a failure found without compiling.
pub fn plan(case: &Case, model: &ApiModel, types: &[OperationTypes]) -> Plan {
    let body = match &case.body {
        Ok(body) => body,
        Err(message) => return Plan::Fail(Failure::doc("example JSON does not parse", message.clone())),
    };
    let Some(index) = case.operation else {
        return Plan::Fail(Failure::generator(
            "no operation for the example",
            "the model has no operation on this page with the example's method and path".into(),
        ));
    };
    let op = &model.operations[index];
    match case.role {
        Role::Request => match &types[index].request_body {
            Some(ty) => Plan::Run(ty.clone()),
            None if case.page_says_no_body => {
                Plan::Fail(Failure::doc("request body on a method documented without one", format!("`{} {}`", op.method, op.path)))
            }
            None => {
                Plan::Fail(Failure::generator("no request body type", format!("`{} {}` takes no body in the model", op.method, op.path)))
            }
        },
        Role::Response => {
            let alternative = op.alternatives().position(|(condition, _)| asks_for(case, condition));
            if let Some(i) = alternative {
                let answer = op.alternatives().nth(i).and_then(|(_, answer)| answer.body.as_ref());
                if let Some(failure) = answer.and_then(|ty| wrapper_defect(body, ty, model, case.page_says_collection)) {
                    return Plan::Fail(failure);
                }
                return Plan::Run(types[index].alternatives[i].clone());
            }
            let Some(ty) = op.success_body() else {
                return Plan::Fail(if case.page_says_no_body {
                    Failure::doc("response body on a method documented to return none", format!("`{} {}`", op.method, op.path))
                } else {
                    Failure::generator("no response type", format!("`{} {}` returns no body in the model", op.method, op.path))
                });
            };
            if *ty == TypeRef::Primitive(Primitive::Stream) {
                // `Content` has no `Deserialize`: the operation downloads bytes.
                return Plan::Fail(Failure::generator(
                    "JSON example for raw content",
                    format!("`{} {}` answers raw content in the model", op.method, op.path),
                ));
            }
            if let Some(failure) = wrapper_defect(body, ty, model, case.page_says_collection) {
                return Plan::Fail(failure);
            }
            Plan::Run(types[index].response.clone())
        }
    }
}

/// The body type of the answer a response example shows: the alternative
/// its request asks for, else the default answer.
pub(crate) fn answered_body<'m>(case: &Case, op: &'m Operation) -> Option<&'m TypeRef> {
    match op.alternatives().find(|(condition, _)| asks_for(case, condition)) {
        Some((_, answer)) => answer.body.as_ref(),
        None => op.success_body(),
    }
}

/// The request before the response sets what selects this alternative answer.
fn asks_for(case: &Case, condition: &docgen::model::Condition) -> bool {
    let Some((query, headers)) = &case.request else { return false };
    match condition.set {
        docgen::model::ConditionKind::Query => {
            query.split('&').any(|pair| pair.trim() == format!("{}={}", condition.name, condition.value))
        }
        docgen::model::ConditionKind::Header => {
            headers.iter().any(|(name, value)| name.eq_ignore_ascii_case(&condition.name) && value.trim() == condition.value)
        }
    }
}

/// Shapes that round-trip through any struct (its `additional_properties`
/// takes them) but contradict the page: a single object or a collection in a
/// `value` wrapper where the page declares one object, and a single object
/// where it declares a collection.
fn wrapper_defect(body: &Value, ty: &TypeRef, model: &ApiModel, page_says_collection: bool) -> Option<Failure> {
    let object = body.as_object()?;
    let only_value = object.contains_key("value") && object.keys().all(|k| k == "value" || k.starts_with('@'));
    match ty {
        TypeRef::Named(name) if only_value && !declares(model, name, "value") => Some(match &object["value"] {
            Value::Array(_) => Failure::doc(
                "collection where the page declares a single object",
                format!("`{{\"value\": [...]}}` for `{name}`; the response section or annotation does not say collection"),
            ),
            _ => {
                Failure::doc("single object wrapped in `value`", format!("the page declares one `{name}`, the example wraps it in `value`"))
            }
        }),
        TypeRef::Collection(item) if !object.get("value").is_some_and(Value::is_array) => {
            let detail = format!("expected `{{\"value\": [{item}...]}}`");
            Some(if page_says_collection {
                Failure::doc("single object where the page declares a collection", detail)
            } else {
                Failure::generator("single object read as a collection", format!("{detail}; the page does not say collection"))
            })
        }
        _ => None,
    }
}

/// Whether an object type (or a base of it) declares `member`.
pub fn declares(model: &ApiModel, qualified: &str, member: &str) -> bool {
    fields(model, qualified).iter().any(|(name, _)| *name == member)
}

/// The fields of an object type's struct (own and inherited, see
/// [`ApiModel::fields`]): (json name, property).
pub fn fields<'m>(model: &'m ApiModel, qualified: &str) -> Vec<(&'m str, &'m docgen::model::Property)> {
    model.fields(qualified).into_iter().map(|f| (f.property.json_name.as_str(), f.property)).collect()
}

/// The parameters an action takes, when its body is a parameter struct.
pub fn request_fields(op: &Operation) -> Option<&[docgen::model::Property]> {
    match op.request_body.as_ref()? {
        RequestBody::Parameters { parameters, .. } => Some(parameters),
        RequestBody::Resource { .. } => None,
    }
}
