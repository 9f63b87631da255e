//! API pages -> operations: one per documented (method, path). This file is
//! the order in which the rules of `rules/` read a page (`add_page`) and the
//! naming of the operations (`finish`); each rule's own reading is in its file.

use super::paths::{literal_words, name_placeholders};
use super::rules::{
    adds_to_collection, alternative_answers, body_of_get, duplicate_operation, duplicate_placeholder, empty_http_request, example_member,
    example_only_request, expand_of_parent, literal_key, monitored_action, optional_arguments, overloads, raw_content, request_body,
    response_body, status_mismatch, ResponseEvidence,
};
use super::types::{split_qualified, TypeIndex};
use super::Exchange;
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{HeaderParam, HttpMethod, Operation, OperationKind, Property, ResponseSpec, Source, TypeDef, TypeKind};
use crate::parse::http::RequestLine;
use crate::parse::page::{ExampleRole, Page};
use crate::parse::wording::{self, requirement, Requirement};
use heck::ToUpperCamelCase;
use std::collections::{BTreeMap, BTreeSet};

pub struct OperationResolver<'a> {
    pub(super) index: &'a TypeIndex,
    pub(super) types: &'a mut BTreeMap<String, TypeDef>,
    operations: Vec<(Operation, duplicate_operation::Fit)>,
    base_urls: BTreeMap<String, usize>,
    pub(super) observations: Vec<example_member::Observation>,
}

/// What the title says: `attachment: createUploadSession`, `List messages`, ...
pub(super) struct Title {
    pub(super) kind: Option<OperationKind>,
    /// The resource the operation acts on (`attachment`, `messages`).
    pub(super) subject: String,
}

pub(super) fn parse_title(title: &str) -> Title {
    if let Some((binding, _)) = title.split_once(':') {
        return Title { kind: None, subject: binding.trim().to_owned() };
    }
    if let Some(name) = action_title_name(title) {
        return Title { kind: None, subject: name.to_owned() };
    }
    let (verb, rest) = title.trim().split_once(' ').unwrap_or((title, ""));
    Title { kind: wording::title_verb(verb), subject: rest.trim().to_owned() }
}

/// `getEffectivePermissions function`, `wipe action`: the Intune pages' titles.
fn action_title_name(title: &str) -> Option<&str> {
    let (name, word) = title.trim().rsplit_once(' ')?;
    let name = name.trim();
    (wording::is_call_word(word) && !name.is_empty() && !name.contains(' ')).then_some(name)
}

/// The action or function a title names: `post: reply`, `wipe action`.
pub(super) fn title_action(title: &str) -> Option<&str> {
    match title.split_once(':') {
        Some((_, name)) => name.split_whitespace().next(),
        None => action_title_name(title),
    }
}

/// A title `x: y` or `y action`/`y function` names a call; so does a request
/// annotated `"target": "action"`, whatever the title says ("List recent files").
fn calls(page: &Page) -> bool {
    is_action_title(&page.title) || page.requests_call
}

fn is_action_title(title: &str) -> bool {
    title.contains(':') || action_title_name(title).is_some()
}

fn kind_for(title: &Title, method: HttpMethod, calls: bool) -> OperationKind {
    if calls {
        return if method == HttpMethod::Get { OperationKind::Function } else { OperationKind::Action };
    }
    // A POST whose title is not "Create x"/"Add x" ("Archive team", "Send mail")
    // calls an action rather than adding to a collection.
    title.kind.unwrap_or(match method {
        HttpMethod::Get => OperationKind::Get,
        HttpMethod::Post => OperationKind::Action,
        HttpMethod::Put => OperationKind::Create,
        HttpMethod::Patch => OperationKind::Update,
        HttpMethod::Delete => OperationKind::Delete,
    })
}

/// For each request line, the index in `responses` of the response example
/// that answers it: the first one after the line (a page whose sections each
/// hold a request and its answer), else the page's first. A form only an
/// example shows is another address of the page's request, answered as it is
/// (its own example may set a header that changes the answer).
fn section_examples(lines: &[(u32, RequestLine)], example_only: &BTreeSet<u32>, responses: &[Exchange<'_>]) -> Vec<Option<usize>> {
    let first = (!responses.is_empty()).then_some(0);
    let section_of = |line: u32| responses.iter().position(|r| r.line > line).or(first);
    let default = lines.iter().find(|(line, _)| !example_only.contains(line)).map_or(first, |(line, _)| section_of(*line));
    lines.iter().map(|(line, _)| if example_only.contains(line) { default } else { section_of(*line) }).collect()
}

/// The page as one of its sections answers: the first (`None`) keeps the
/// response sentence and every response example that opens no later section;
/// a later one has only its own example (the sentence is the first's).
fn section_view(page: &Page, responses: &[Exchange<'_>], later: &BTreeSet<usize>, section: Option<usize>) -> Page {
    let opening = |line: u32| responses.iter().position(|r| r.line == line).filter(|i| later.contains(i));
    let examples = page.examples.iter().filter(|e| e.role != ExampleRole::Response || opening(e.line) == section).cloned().collect();
    let response = if section.is_none() { page.response.clone() } else { None };
    Page { examples, response, ..page.clone() }
}

/// The last-segment shapes of the lines answered by `section`.
fn shapes_of(lines: &[(u32, RequestLine)], sections: &[Option<usize>], section: Option<usize>) -> BTreeSet<String> {
    lines.iter().zip(sections).filter(|(_, s)| **s == section).map(|((_, r), _)| response_body::last_segment_shape(&r.path)).collect()
}

impl<'a> OperationResolver<'a> {
    pub fn new(index: &'a TypeIndex, types: &'a mut BTreeMap<String, TypeDef>) -> Self {
        OperationResolver { index, types, operations: Vec::new(), base_urls: BTreeMap::new(), observations: Vec::new() }
    }

    pub fn add_page(&mut self, page: &Page, diags: &mut Diagnostics) {
        let title = parse_title(&page.title);
        let calls = calls(page);
        let requests: Vec<Exchange<'_>> = Exchange::all(page, ExampleRole::Request);
        let (default_answer, alternatives) = alternative_answers::split(page);
        let answered = default_answer.as_ref().unwrap_or(page);
        let responses: Vec<Exchange<'_>> = Exchange::all(answered, ExampleRole::Response);
        for example in &requests {
            if let Some(base) = example.message.request.as_ref().and_then(|r| r.base_url.clone()) {
                *self.base_urls.entry(base).or_default() += 1;
            }
        }
        let mut lines = empty_http_request::request_lines(page, &requests, diags);
        expand_of_parent::leave_out(page, &mut lines, diags);
        if lines.is_empty() {
            return;
        }
        literal_key::template(page, &mut lines, diags);
        let from_examples = example_only_request::forms(page, &lines, &requests, diags);
        let example_only: BTreeSet<u32> = from_examples.iter().map(|(line, _)| *line).collect();
        lines.extend(from_examples);
        let is_media = |r: &crate::parse::http::RequestLine| r.method == HttpMethod::Get && raw_content::is_media_path(&r.path);
        let media = lines.iter().all(|(_, r)| is_media(r));
        let last_segments: BTreeSet<String> = lines.iter().map(|(_, r)| response_body::last_segment_shape(&r.path)).collect();
        let sections = section_examples(&lines, &example_only, &responses);
        let later: BTreeSet<usize> = sections.iter().flatten().copied().filter(|&s| Some(s) != sections[0]).collect();
        let first_section = (!later.is_empty()).then(|| section_view(answered, &responses, &later, None));
        let answered_first = first_section.as_ref().unwrap_or(answered);
        let example = sections[0].map(|section| responses[section]);
        let status = status_mismatch::status(answered, example, diags);
        let one_resource = if later.is_empty() { last_segments.len() == 1 } else { shapes_of(&lines, &sections, sections[0]).len() == 1 };
        let evidence = ResponseEvidence { page: answered_first, status, example, media, one_resource, index: self.index };
        let response = self.response(&evidence, diags);
        let mut answers = vec![response.clone()];
        for (condition, alternative) in &alternatives {
            // What differs from the default (the sentence's status, ...) is the point, not a defect.
            let quiet = &mut Diagnostics::default();
            let example = Exchange::all(alternative, ExampleRole::Response).first().copied();
            let status = status_mismatch::status(alternative, example, quiet);
            let evidence = ResponseEvidence { page: alternative, status, example, media, one_resource, index: self.index };
            let answer = ResponseSpec { when: Some(condition.clone()), ..self.response(&evidence, quiet) };
            if (answer.status, &answer.body) != (response.status, &response.body) {
                answers.push(answer);
            }
        }
        // A page that lists a resource and its raw value (`GET /messages/{id}`
        // and `GET /messages/{id}/$value`, the MIME content) answers each line
        // on its own: its JSON example speaks for the resource, not the value.
        let value_answer = (!media && lines.iter().any(|(_, r)| is_media(r))).then(|| {
            let evidence = ResponseEvidence {
                example: None,
                media: true,
                status: if (200..300).contains(&status) { status } else { 200 },
                ..evidence
            };
            self.response(&evidence, &mut Diagnostics::default())
        });
        // A page that answers each request in a section of its own ("Get a
        // special folder", then "Get its children", each with its example)
        // answers every later section's lines with that section's example.
        let mut section_answers: BTreeMap<usize, ResponseSpec> = BTreeMap::new();
        for &section in &later {
            let view = section_view(answered, &responses, &later, Some(section));
            let example = Some(responses[section]);
            let status = status_mismatch::status(&view, example, diags);
            let one_resource = shapes_of(&lines, &sections, Some(section)).len() == 1;
            let evidence = ResponseEvidence { page: &view, example, status, one_resource, ..evidence };
            let answer = self.response(&evidence, diags);
            section_answers.insert(section, answer);
        }
        let first_method = lines[0].1.method;
        let kind = kind_for(&title, first_method, calls);
        let example = requests.first().copied();
        let mut body = self.request_body(page, &title, kind, first_method, example, &response, diags);
        if kind == OperationKind::Action && calls {
            body = self.action_body(page, &title, example, body, diags);
        }
        let headers = headers(page);
        let function_parameters = match kind {
            OperationKind::Function => self.function_parameters(page, diags),
            _ if first_method == HttpMethod::Get => body_of_get::parameters(self, page, diags),
            _ => Vec::new(),
        };
        let request_count = lines.len();
        let overloaded = overloads::overloaded(&lines);
        for ((line, request), section) in lines.iter().zip(&sections) {
            let line = *line;
            let fit = duplicate_operation::Fit::of(&page.title, &title, request.method, &request.path, request_count);
            let named = name_placeholders(&request.path);
            duplicate_placeholder::report(page, line, request, &named, diags);
            let mut operation = Operation {
                id: String::new(),
                title: page.title.clone(),
                kind: kind_for(&title, request.method, calls),
                method: request.method,
                path: named.path,
                documented_path: request.path.clone(),
                path_params: named.params,
                query_options: page.query_options.clone(),
                headers: headers.clone(),
                request_body: if request_body::sends_no_body(request.method) { None } else { body.clone() },
                function_parameters: overloads::parameters_in_call(&function_parameters, &request.path, &overloaded),
                optional_arguments: Vec::new(),
                example_only: example_only.contains(&line),
                responses: match (&value_answer, section.and_then(|s| section_answers.get(&s))) {
                    (Some(value), _) if is_media(request) => vec![value.clone()],
                    (_, Some(answer)) => vec![answer.clone()],
                    _ => answers.clone(),
                },
                description: page.description.clone(),
                permissions: None,
                example: None,
                area: page.area.clone(),
                source: Source { file: page.file.clone(), line },
            };
            operation.kind = adds_to_collection::kind(&operation, calls);
            operation.optional_arguments = optional_arguments::of(&operation);
            self.operations.push((operation, fit));
        }
    }

    /// A function's parameter table; a GET page that puts it under `Request body`
    /// documents function parameters all the same (a GET sends no body).
    fn function_parameters(&self, page: &Page, diags: &mut Diagnostics) -> Vec<Property> {
        if !page.function_parameters.is_empty() {
            return self.parameters(page, &page.function_parameters, diags);
        }
        body_of_get::parameters(self, page, diags)
    }

    /// A type known by that name (any case, qualified or not): documented, or
    /// inferred by an earlier page.
    pub(super) fn known(&self, name: &str) -> Option<String> {
        self.index.lookup(name).cloned().or_else(|| {
            let lower = name.to_ascii_lowercase();
            self.types.keys().find(|q| q.to_ascii_lowercase() == lower || split_qualified(q).1.to_ascii_lowercase() == lower).cloned()
        })
    }

    /// A type's property or navigation property of that name (any case), its bases' included.
    pub(super) fn member_of(&self, type_name: &str, name: &str) -> Option<&Property> {
        super::ancestry(self.types, type_name).iter().filter_map(|t| self.types.get(t)).find_map(|def| match &def.kind {
            TypeKind::Object { properties, navigation, .. } => {
                properties.iter().chain(navigation).find(|p| p.json_name.eq_ignore_ascii_case(name))
            }
            TypeKind::Enum { .. } => None,
        })
    }

    /// The generated struct of an action's parameters: `AttachmentCreateUploadSessionRequest`.
    pub(super) fn parameter_struct_name(&self, page: &Page, title: &Title) -> String {
        format!("{}{}Request", self.subject_name(&title.subject).to_upper_camel_case(), action_name(&page.title).to_upper_camel_case())
    }

    /// The documented spelling of a title's subject (`fileattachment` -> `fileAttachment`).
    fn subject_name(&self, subject: &str) -> String {
        let word = subject.split_whitespace().next().unwrap_or(subject);
        self.known(word).map(|q| split_qualified(&q).1.to_owned()).unwrap_or_else(|| word.to_owned())
    }

    /// Sorts, names and de-duplicates the operations; picks the base URL.
    /// Also hands back the response examples read as documented types, for
    /// [`super::rules::example_member::learn_members`].
    pub fn finish(mut self, diags: &mut Diagnostics) -> (Vec<Operation>, Option<String>, Vec<example_member::Observation>) {
        self.operations.sort_by(|(a, _), (b, _)| (&a.path, &a.method, &a.source).cmp(&(&b.path, &b.method, &b.source)));
        let mut kept = duplicate_operation::keep_best(&self.operations, diags);
        // Names are unique: a second `foo_bar` becomes `foo_bar_2` (an overload
        // of a call `foo_bar_width`, by its arguments), unless some operation is
        // already named that, and so on. Forms only an example shows are named
        // last, so that they never take a documented form's name.
        let mut taken: BTreeMap<String, String> = BTreeMap::new();
        let (documented, from_examples): (Vec<&mut Operation>, Vec<&mut Operation>) = kept.iter_mut().partition(|op| !op.example_only);
        for op in documented.into_iter().chain(from_examples) {
            let base = operation_id(op);
            // An overload of a call is named by its arguments (`..._image_width`), a designed name.
            let base = match crate::model::overload_name(&base, &op.path) {
                Some(by_arguments) if taken.contains_key(&base) && !taken.contains_key(&by_arguments) => by_arguments,
                _ => base,
            };
            let id = if taken.contains_key(&base) {
                (2..).map(|n| format!("{base}_{n}")).find(|id| !taken.contains_key(id)).unwrap_or_default()
            } else {
                base.clone()
            };
            if let Some(first) = taken.get(&base).filter(|_| id != base) {
                let message = format!("`{} {}` would be named `{base}` like {first}; it is named `{id}`", op.method, op.documented_path);
                diags.report(Code::Renamed, &op.source, message);
            }
            taken.insert(id.clone(), format!("`{} {}` ({})", op.method, op.documented_path, op.source));
            op.id = id;
        }
        let base_url = self.base_urls.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))).map(|(url, _)| url);
        (kept, base_url, self.observations)
    }

    fn response(&mut self, evidence: &ResponseEvidence<'_>, diags: &mut Diagnostics) -> ResponseSpec {
        let status = evidence.status;
        if let Some(body) = response_body::decided(evidence) {
            let monitored = monitored_action::monitored(evidence.example, status, body.as_ref());
            return ResponseSpec { status, body, when: None, monitored };
        }
        ResponseSpec { status, body: self.typed_response(evidence, diags), when: None, monitored: false }
    }
}

/// Headers a client sets on every request are not parameters of an operation.
fn headers(page: &Page) -> Vec<HeaderParam> {
    page.headers
        .iter()
        .filter(|h| !matches!(h.name.to_ascii_lowercase().as_str(), "authorization" | "content-type" | "content-length"))
        .map(|h| HeaderParam {
            name: h.name.clone(),
            required: requirement(&h.description) == Some(Requirement::Required),
            description: h.description.clone(),
        })
        .collect()
}

fn action_name(title: &str) -> String {
    title.split_once(':').map(|(_, a)| a.trim().to_owned()).unwrap_or_default()
}

/// `GET /me/messages/{id}/attachments` (list) -> `list_me_messages_attachments`;
/// actions and functions are named by their path alone.
fn operation_id(op: &Operation) -> String {
    let words = literal_words(&op.path).join("_");
    let verb = match op.kind {
        OperationKind::List => "list",
        OperationKind::Get => "get",
        OperationKind::Create => "create",
        OperationKind::Update => "update",
        OperationKind::Delete => "delete",
        OperationKind::Action | OperationKind::Function | OperationKind::Other => "",
    };
    let verb = if verb.is_empty() && words.is_empty() { op.method.as_str().to_ascii_lowercase() } else { verb.to_owned() };
    [verb, words].into_iter().filter(|w| !w.is_empty()).collect::<Vec<_>>().join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        let t = parse_title("List attachments");
        assert_eq!((t.kind, t.subject.as_str()), (Some(OperationKind::List), "attachments"));
        let t = parse_title("fileattachment : createUploadSession");
        assert_eq!((t.kind, t.subject.as_str()), (None, "fileattachment"));
        assert_eq!(kind_for(&t, HttpMethod::Post, true), OperationKind::Action);
        assert_eq!(kind_for(&parse_title("Something else"), HttpMethod::Patch, false), OperationKind::Update);
        assert_eq!(kind_for(&parse_title("Archive team"), HttpMethod::Post, false), OperationKind::Action);
        assert_eq!(kind_for(&parse_title("Add member"), HttpMethod::Post, false), OperationKind::Create);
        let t = parse_title("getEffectivePermissions function");
        assert_eq!(
            (t.kind, t.subject.as_str(), is_action_title("getEffectivePermissions function")),
            (None, "getEffectivePermissions", true)
        );
        assert!(!is_action_title("Create deviceCategory function"));
    }
}
