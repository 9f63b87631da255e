//! API pages -> operations: one per documented (method, path).

use super::example_requests::example_only_requests;
use super::observed::Observation;
use super::paths::{is_key, last_name, literal_words, looks_like_key, name_placeholders, path_without_call, singular};
use super::types::{infer_properties, infer_type, page_namespace, split_qualified, TypeIndex};
use super::{parse_example, ParsedExample};
use crate::diagnostics::Diagnostics;
use crate::model::{
    call_arguments, HeaderParam, HttpMethod, Operation, OperationKind, Primitive, Property, RequestBody, ResponseSpec, Source, TypeDef,
    TypeKind, TypeRef,
};
use crate::parse::http::{canonical_reason, parse_request_line, RequestLine};
use crate::parse::page::{BodySection, ExampleRole, Page};
use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub struct OperationResolver<'a> {
    index: &'a TypeIndex,
    types: &'a mut BTreeMap<String, TypeDef>,
    operations: Vec<(Operation, Fit)>,
    base_urls: BTreeMap<String, usize>,
    observations: Vec<Observation>,
}

/// What the title says: `attachment: createUploadSession`, `List messages`, ...
struct Title {
    kind: Option<OperationKind>,
    /// The resource the operation acts on (`attachment`, `messages`).
    subject: String,
}

fn parse_title(title: &str) -> Title {
    if let Some((binding, _)) = title.split_once(':') {
        return Title { kind: None, subject: binding.trim().to_owned() };
    }
    if let Some(name) = action_title_name(title) {
        return Title { kind: None, subject: name.to_owned() };
    }
    let (verb, rest) = title.trim().split_once(' ').unwrap_or((title, ""));
    let kind = match verb.to_ascii_lowercase().as_str() {
        "list" => Some(OperationKind::List),
        "get" => Some(OperationKind::Get),
        "create" | "add" | "post" => Some(OperationKind::Create),
        "update" => Some(OperationKind::Update),
        "delete" | "remove" => Some(OperationKind::Delete),
        _ => None,
    };
    Title { kind, subject: rest.trim().to_owned() }
}

/// `getEffectivePermissions function`, `wipe action`: the Intune pages' titles.
fn action_title_name(title: &str) -> Option<&str> {
    let (name, word) = title.trim().rsplit_once(' ')?;
    let name = name.trim();
    (matches!(word, "action" | "function") && !name.is_empty() && !name.contains(' ')).then_some(name)
}

/// The action or function a title names: `post: reply`, `wipe action`.
fn title_action(title: &str) -> Option<&str> {
    match title.split_once(':') {
        Some((_, name)) => name.split_whitespace().next(),
        None => action_title_name(title),
    }
}

/// How well a page fits an operation it lists, to choose between pages that
/// document the same (method, path): the page about that call rather than one
/// that lists it among others (a page on extended properties lists
/// `POST .../reply`, which `post: reply` documents). Larger is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Fit {
    /// The title names the path's last segment as its action.
    names_call: bool,
    /// The title's verb is the method's usual meaning (`Update x` for PATCH).
    states_kind: bool,
    /// Pages listing fewer requests are more specific.
    fewer_requests: std::cmp::Reverse<usize>,
}

impl Fit {
    fn of(title: &str, parsed: &Title, method: HttpMethod, path: &str, requests: usize) -> Fit {
        let last = last_name(path);
        let names_call = title_action(title).is_some_and(|name| name.eq_ignore_ascii_case(last));
        // A key addresses one item: `List x` pages do not fit `GET .../x/{id}`.
        let keyed = is_key(last);
        let states_kind = matches!(
            (parsed.kind, method),
            (Some(OperationKind::Get), HttpMethod::Get)
                | (Some(OperationKind::Create), HttpMethod::Post | HttpMethod::Put)
                | (Some(OperationKind::Update), HttpMethod::Patch | HttpMethod::Put)
                | (Some(OperationKind::Delete), HttpMethod::Delete)
        ) || (parsed.kind == Some(OperationKind::List) && method == HttpMethod::Get && !keyed);
        Fit { names_call, states_kind, fewer_requests: std::cmp::Reverse(requests) }
    }
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

impl<'a> OperationResolver<'a> {
    pub fn new(index: &'a TypeIndex, types: &'a mut BTreeMap<String, TypeDef>) -> Self {
        OperationResolver { index, types, operations: Vec::new(), base_urls: BTreeMap::new(), observations: Vec::new() }
    }

    pub fn add_page(&mut self, page: &Page, diags: &mut Diagnostics) {
        let title = parse_title(&page.title);
        let calls = is_action_title(&page.title) || page.requests_call;
        let requests: Vec<(usize, ParsedExample)> = examples(page, ExampleRole::Request, diags);
        let responses: Vec<(usize, ParsedExample)> = examples(page, ExampleRole::Response, diags);
        for (_, example) in &requests {
            if let Some(base) = parse_request_line(&example.start_line).and_then(|r| r.base_url) {
                *self.base_urls.entry(base).or_default() += 1;
            }
        }
        let lines = self.request_lines(page, &requests, diags);
        if lines.is_empty() {
            return;
        }
        let media = lines.iter().all(|(_, r, _)| r.method == HttpMethod::Get && is_media_path(&r.path));
        let last_segments: BTreeSet<String> = lines.iter().map(|(_, r, _)| last_segment_shape(&r.path)).collect();
        let response = self.response(page, responses.first().map(|(_, e)| e), media, last_segments.len() == 1, diags);
        let first_method = lines[0].1.method;
        let kind = kind_for(&title, first_method, calls);
        let example = requests.first().map(|(_, e)| e);
        let mut body = self.request_body(page, &title, kind, first_method, example, &response, diags);
        if kind == OperationKind::Action && calls {
            body = self.action_body(page, &title, example, body, diags);
        }
        let headers = headers(page);
        let function_parameters = match kind {
            OperationKind::Function => self.function_parameters(page, diags),
            _ if first_method == HttpMethod::Get => self.body_parameters_of_get(page, diags),
            _ => Vec::new(),
        };
        let request_count = lines.len();
        // `.../image` beside `.../image(width=640)`: the page lists the overloads
        // of one function, and the bare path is the one without arguments.
        let overloaded: BTreeSet<&str> = lines
            .iter()
            .filter(|(_, r, _)| call_arguments(&r.path).is_some_and(|(_, names)| !names.is_empty()))
            .map(|(_, r, _)| path_without_call(&r.path))
            .collect();
        for (line, request, example_only) in &lines {
            let line = *line;
            let fit = Fit::of(&page.title, &title, request.method, &request.path, request_count);
            let named = name_placeholders(&request.path);
            if !named.repeated.is_empty() {
                let names: Vec<&str> = named.params.iter().map(|p| p.name.as_str()).collect();
                let repeated = named.repeated.iter().map(|r| format!("`{{{r}}}`")).collect::<Vec<_>>().join(", ");
                diags.warn(
                    &page.file,
                    line,
                    "duplicate-placeholder",
                    format!("path `{}` repeats the placeholder {repeated}; the parameters are named {}", request.path, names.join(", ")),
                );
            }
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
                request_body: if matches!(request.method, HttpMethod::Get | HttpMethod::Delete) { None } else { body.clone() },
                function_parameters: if overloaded.contains(request.path.as_str()) {
                    Vec::new()
                } else {
                    parameters_in_call(&function_parameters, &request.path)
                },
                optional_arguments: Vec::new(),
                example_only: *example_only,
                responses: vec![response.clone()],
                description: page.description.clone(),
                permissions: None,
                example: None,
                area: page.area.clone(),
                source: Source { file: page.file.clone(), line },
            };
            let optional = operation.unspelled_function_parameters().filter(|p| says_optional(&p.description));
            operation.optional_arguments = optional.map(|p| p.json_name.clone()).collect();
            self.operations.push((operation, fit));
        }
    }

    /// The request lines of the `## HTTP request` block (and the forms only an
    /// example shows, flagged), or of the example when the block is empty.
    fn request_lines(&self, page: &Page, requests: &[(usize, ParsedExample)], diags: &mut Diagnostics) -> Vec<(u32, RequestLine, bool)> {
        let documented: Vec<(u32, RequestLine)> = page.http.iter().flat_map(|h| h.requests.iter().cloned()).collect();
        for (line, request) in &documented {
            if !request.repairs.is_empty() {
                diags.warn(&page.file, *line, "irregular-request-line", format!("request line repaired: {}", request.repairs.join(", ")));
            }
        }
        if !documented.is_empty() {
            let examples = requests.iter().filter_map(|(index, e)| {
                let opaque = page.examples[*index].annotation.raw.get("opaqueUrl").and_then(serde_json::Value::as_bool) == Some(true);
                parse_request_line(&e.start_line).map(|request| (e.start_line_no, request, opaque))
            });
            let extra = example_only_requests(page, &documented, examples, diags);
            return documented
                .into_iter()
                .map(|(line, r)| (line, r, false))
                .chain(extra.into_iter().map(|(line, r)| (line, r, true)))
                .collect();
        }
        let from_example = requests.iter().find_map(|(_, e)| parse_request_line(&e.start_line).map(|r| (e.start_line_no, r)));
        let at = page.http.as_ref().map(|h| h.line).unwrap_or(page.title_line);
        match from_example {
            Some((line, mut request)) => {
                request.path = generalize_keys(&request.path);
                let what = if page.http.is_some() { "the HTTP request block is empty" } else { "the page has no HTTP request block" };
                diags.warn(
                    &page.file,
                    at,
                    "empty-http-request",
                    format!("{what}; the path `{} {}` is taken from the request example at line {line}", request.method, request.path),
                );
                vec![(line, request, false)]
            }
            None => {
                diags.error(
                    &page.file,
                    at,
                    "no-endpoint",
                    "no request line in the HTTP request block nor in an example; the page yields no operation",
                );
                Vec::new()
            }
        }
    }

    /// `media`: every path reads a raw value (`.../$value`), which is content, not JSON.
    /// `one_resource`: every request line of the page ends alike (all in a key,
    /// or all in the same name), so one example speaks for all of them.
    fn response(
        &mut self,
        page: &Page,
        example: Option<&ParsedExample>,
        media: bool,
        one_resource: bool,
        diags: &mut Diagnostics,
    ) -> ResponseSpec {
        let sentence = page.response.as_ref();
        let status_from_example = example.and_then(|e| {
            let status = e.status.as_ref()?;
            if !status.well_formed {
                let canonical = canonical_reason(status.status)
                    .map(|r| format!("HTTP/1.1 {} {r}", status.status))
                    .unwrap_or_else(|| format!("HTTP/1.1 {}", status.status));
                diags.warn(
                    &page.file,
                    e.start_line_no,
                    "malformed-status-line",
                    format!("status line `{}` is malformed (expected `{canonical}`); status {} is used", e.start_line, status.status),
                );
            }
            Some(status.status)
        });
        let status_from_sentence = sentence.and_then(|s| s.status);
        if let (Some(a), Some(b), Some(e)) = (status_from_example, status_from_sentence, example) {
            if a != b {
                diags.warn(
                    &page.file,
                    e.start_line_no,
                    "status-mismatch",
                    format!("the example answers {a} but the response section says {b}; the example's status is used"),
                );
            }
        }
        let status = status_from_example.or(status_from_sentence).unwrap_or(200);
        let example_has_body = example.is_some_and(|e| e.body.is_some());
        if redirects_to_content(page, status) || media && (200..300).contains(&status) && status != 204 && !example_has_body {
            return ResponseSpec { status, body: Some(TypeRef::Primitive(Primitive::Stream)) };
        }
        // A `202 Accepted` links the monitor resource its `Location` header
        // points to; the response itself has a body only when the example shows one.
        let accepted_without_body = status == 202 && example.is_some() && !example_has_body;
        if status == 204
            || accepted_without_body
            || (200..300).contains(&status) && sentence.is_some_and(|s| s.ty.is_none()) && !example_has_body
        {
            return ResponseSpec { status, body: None };
        }
        let annotated = annotated_primitive(page);
        let annotation_collection = page.examples.iter().any(|e| e.role == ExampleRole::Response && e.annotation.is_collection);
        let mut collection = sentence.is_some_and(|s| s.collection) || annotation_collection || annotated.is_some_and(|(_, c)| c);
        if let Some((primitive, _)) = annotated {
            // OData wraps primitive results in `{"value": ...}`: that wrapper is expected.
            let item = TypeRef::Primitive(primitive);
            return ResponseSpec { status, body: Some(if collection { TypeRef::collection(item) } else { item }) };
        }
        if let Some(primitive) = example.and_then(|e| e.body.as_ref()).and_then(|(body, _)| wrapped_primitive(body, self.index)) {
            let untyped =
                sentence.is_none_or(|s| s.ty.is_none() || s.ty.as_ref().is_some_and(|t| Primitive::from_edm_name(&t.text).is_some()));
            if untyped {
                return ResponseSpec { status, body: Some(primitive) };
            }
        }
        // The sentence says "collection" but the example shows one object: when
        // every request of the page addresses the same kind of resource and no
        // annotation says collection, the example is the more concrete source.
        if let Some((body, line)) = example.and_then(|e| e.body.as_ref()).filter(|_| collection && one_resource && !annotation_collection) {
            if body.as_object().is_some_and(|o| !o.contains_key("value") && o.keys().any(|k| !k.starts_with('@'))) {
                diags.warn(
                    &page.file,
                    *line,
                    "collection-mismatch",
                    "the page declares a collection but the response example shows a single object; the response is read as one object",
                );
                collection = false;
            }
        }
        let sample =
            example.and_then(|e| e.body.as_ref()).and_then(|(body, line)| self.unwrap_sample(page, body, *line, &mut collection, diags));
        let item = self.response_item_type(page, sample.as_ref(), diags);
        if let (Some(TypeRef::Named(type_name)), Some((object, line))) = (&item, sample) {
            let source = Source { file: page.file.clone(), line };
            self.observations.push(Observation { type_name: type_name.clone(), object, source });
        }
        let body = item.map(|ty| if collection { TypeRef::collection(ty) } else { ty });
        ResponseSpec { status, body }
    }

    /// The object an example response shows, with any `value` wrapper removed.
    fn unwrap_sample(
        &self,
        page: &Page,
        body: &Value,
        line: u32,
        collection: &mut bool,
        diags: &mut Diagnostics,
    ) -> Option<(serde_json::Map<String, Value>, u32)> {
        let object = body.as_object()?;
        match object.get("value") {
            Some(Value::Array(items)) if *collection || object.keys().all(|k| k == "value" || k.starts_with('@')) => {
                if !*collection {
                    diags.warn(&page.file, line, "collection-mismatch", "the response example holds a `value` array but the page declares a single object; the response is read as a collection");
                    *collection = true;
                }
                items.iter().find_map(Value::as_object).map(|o| (o.clone(), line))
            }
            Some(Value::Object(inner)) if object.keys().all(|k| k == "value" || k.starts_with('@')) => {
                diags.warn(
                    &page.file,
                    line,
                    "unexpected-value-wrapper",
                    "the response example wraps a single object in `value` although the page declares one object; the wrapper is ignored",
                );
                Some((inner.clone(), line))
            }
            _ => Some((object.clone(), line)),
        }
    }

    fn response_item_type(
        &mut self,
        page: &Page,
        sample: Option<&(serde_json::Map<String, Value>, u32)>,
        diags: &mut Diagnostics,
    ) -> Option<TypeRef> {
        let sentence = page.response.as_ref();
        let linked = sentence
            .and_then(|s| s.ty.as_ref())
            .filter(|c| c.link.is_some())
            .map(|c| self.index.resolve_cell(c, &page.file, sentence.map_or(0, |s| s.line), diags));
        // A broken link was reported when resolving it; don't report the same type twice.
        let already_reported = linked == Some(TypeRef::Json);
        if let Some(ty) = linked.filter(|t| *t != TypeRef::Json) {
            return Some(ty.item().clone());
        }
        let annotated = page
            .examples
            .iter()
            .find(|e| e.role == ExampleRole::Response)
            .and_then(|e| e.annotation.odata_type.as_ref().map(|t| (t, e.line)));
        let mut candidate: Option<String> = None;
        if let Some((odata_type, line)) = annotated {
            let bare = odata_type.trim_start_matches('#');
            let bare = bare.strip_prefix("Collection(").and_then(|b| b.strip_suffix(')')).unwrap_or(bare);
            let (namespace, name) = split_qualified(bare);
            let page_ns = page_namespace(page);
            if bare.contains('.') && !namespace.eq_ignore_ascii_case(page_ns) && !self.index.knows_namespace(namespace) {
                diags.warn(&page.file, line, "foreign-namespace", format!("the response annotation's @odata.type `{odata_type}` names namespace `{namespace}`, not the page's `{page_ns}`; read as `{page_ns}.{name}`"));
            }
            if let Some(q) = self.known(bare).or_else(|| self.known(name)) {
                return Some(TypeRef::Named(q));
            }
            candidate = Some(name.to_owned());
        }
        if let Some(word) = sentence.and_then(|s| s.ty.as_ref()).map(|c| c.text.clone()) {
            if let Some(primitive) = Primitive::from_edm_name(&word) {
                return Some(TypeRef::Primitive(primitive));
            }
            if let Some(q) = self.known(&word) {
                return Some(TypeRef::Named(q));
            }
            candidate.get_or_insert(word);
        }
        match (candidate, sample) {
            (Some(name), Some((object, line))) => Some(self.infer_type(page, &name, object, *line, diags)),
            (None, Some(_)) => Some(TypeRef::Json),
            (Some(_), None) if already_reported => Some(TypeRef::Json),
            (Some(name), None) => {
                diags.warn(
                    &page.file,
                    sentence.map_or(page.title_line, |s| s.line),
                    "unknown-type",
                    format!("the response type `{name}` has no page and no example to infer it from; it degrades to an open JSON object"),
                );
                Some(TypeRef::Json)
            }
            (None, None) => None,
        }
    }

    fn known(&self, name: &str) -> Option<String> {
        self.index.lookup(name).cloned().or_else(|| {
            let lower = name.to_ascii_lowercase();
            self.types.keys().find(|q| q.to_ascii_lowercase() == lower || split_qualified(q).1.to_ascii_lowercase() == lower).cloned()
        })
    }

    fn infer_type(
        &mut self,
        page: &Page,
        name: &str,
        object: &serde_json::Map<String, Value>,
        line: u32,
        diags: &mut Diagnostics,
    ) -> TypeRef {
        let namespace = page_namespace(page).to_owned();
        let qualified = format!("{namespace}.{name}");
        let source = Source { file: page.file.clone(), line };
        let properties = infer_properties(object, self.index, &source);
        diags.warn(
            &page.file,
            line,
            "inferred-type",
            format!("no page documents `{qualified}`; its {} properties are inferred from the response example", properties.len()),
        );
        self.types.entry(qualified.clone()).or_insert_with(|| TypeDef {
            namespace,
            name: name.to_owned(),
            description: String::new(),
            inferred: true,
            open: false,
            kind: TypeKind::Object { base: None, properties, navigation: Vec::new() },
            area: page.area.clone(),
            source,
        });
        TypeRef::Named(qualified)
    }

    /// An action's body as its page states it all: the parameters its
    /// sentences name join the documented ones, and a resource body whose
    /// example sends that resource's members becomes those members.
    fn action_body(
        &self,
        page: &Page,
        title: &Title,
        example: Option<&ParsedExample>,
        documented: Option<RequestBody>,
        diags: &mut Diagnostics,
    ) -> Option<RequestBody> {
        match documented {
            Some(RequestBody::Resource { ty: TypeRef::Named(resource) }) => {
                let parameters = self.resource_members_sent(page, title, &resource, example, diags);
                parameters.or(Some(RequestBody::Resource { ty: TypeRef::Named(resource) }))
            }
            other => self.with_named_parameters(page, title, other, diags),
        }
    }

    /// An action's body is its parameters: a page that gives it as "a JSON
    /// representation of [x]" and whose request example sends members of x
    /// documents those members as the parameters, typed as x types them.
    fn resource_members_sent(
        &self,
        page: &Page,
        title: &Title,
        resource: &str,
        example: Option<&ParsedExample>,
        diags: &mut Diagnostics,
    ) -> Option<RequestBody> {
        let (Value::Object(body), line) = example?.body.as_ref()? else { return None };
        let parameters = body
            .keys()
            .filter(|k| !k.starts_with('@'))
            .map(|name| {
                let member = self.member_of(resource, name)?;
                Some(Property {
                    json_name: member.json_name.clone(),
                    ty: member.ty.clone(),
                    description: member.description.clone(),
                    source: Source { file: page.file.clone(), line: *line },
                })
            })
            .collect::<Option<Vec<Property>>>()
            .filter(|p| !p.is_empty())?;
        let names = parameters.iter().map(|p| format!("`{}`", p.json_name)).collect::<Vec<_>>().join(", ");
        let message = format!("the action's body is documented as a `{}` but its request example sends {names}, members of that type; they are read as the action's parameters", split_qualified(resource).1);
        diags.warn(&page.file, *line, "resource-body-parameters", message);
        Some(RequestBody::Parameters { type_name: self.parameter_struct_name(page, title), parameters })
    }

    /// Adds the parameters the page's sentences name ("the `message` parameter")
    /// that no table lists.
    fn with_named_parameters(&self, page: &Page, title: &Title, body: Option<RequestBody>, diags: &mut Diagnostics) -> Option<RequestBody> {
        let (type_name, mut parameters) = match body {
            None => (self.parameter_struct_name(page, title), Vec::new()),
            Some(RequestBody::Parameters { type_name, parameters }) => (type_name, parameters),
            resource @ Some(RequestBody::Resource { .. }) => return resource,
        };
        for named in &page.named_parameters {
            if parameters.iter().any(|p| p.json_name.eq_ignore_ascii_case(&named.name)) {
                continue;
            }
            let ty = self.named_parameter_type(title, &named.name);
            let message =
                format!("the sentence names the `{}` parameter, which no parameter table lists; it is added as `{ty}`", named.name);
            diags.warn(&page.file, named.line, "parameter-in-prose", message);
            let source = Source { file: page.file.clone(), line: named.line };
            parameters.push(Property { json_name: named.name.clone(), ty, description: named.sentence.clone(), source });
        }
        (!parameters.is_empty()).then_some(RequestBody::Parameters { type_name, parameters })
    }

    /// A parameter known only by name: typed like the bound type's member of
    /// that name (`toRecipients` on `message`), else as the type of that name
    /// (`message`), else as any JSON.
    fn named_parameter_type(&self, title: &Title, name: &str) -> TypeRef {
        let bound = self.known(&title.subject);
        if let Some(member) = bound.as_deref().and_then(|b| self.member_of(b, name)) {
            return member.ty.clone();
        }
        self.known(name).map(TypeRef::Named).unwrap_or(TypeRef::Json)
    }

    /// A type's property or navigation property of that name (any case), its bases' included.
    fn member_of(&self, type_name: &str, name: &str) -> Option<&Property> {
        super::ancestry(self.types, type_name).iter().filter_map(|t| self.types.get(t)).find_map(|def| match &def.kind {
            TypeKind::Object { properties, navigation, .. } => {
                properties.iter().chain(navigation).find(|p| p.json_name.eq_ignore_ascii_case(name))
            }
            TypeKind::Enum { .. } => None,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn request_body(
        &mut self,
        page: &Page,
        title: &Title,
        kind: OperationKind,
        method: HttpMethod,
        example: Option<&ParsedExample>,
        response: &ResponseSpec,
        diags: &mut Diagnostics,
    ) -> Option<RequestBody> {
        match &page.request_body {
            // "No request body is required. However, ..." followed by a `Parameters` table.
            BodySection::Empty if kind == OperationKind::Action && !page.function_parameters.is_empty() => {
                self.action_parameters_without_table(page, title, None, diags)
            }
            BodySection::Empty => None,
            BodySection::Parameters { rows, .. } => {
                let mut parameters = self.parameters(page, rows, diags);
                if let Some((Value::Object(body), line)) = example.and_then(|e| e.body.as_ref()) {
                    match self.wrapping_parameter(page, title, &parameters, body, *line) {
                        Some(wrapper) => {
                            let members = parameters.iter().map(|p| format!("`{}`", p.json_name)).collect::<Vec<_>>().join(", ");
                            diags.warn(&page.file, *line, "wrapped-parameters", format!("the table lists {members}, which the request example sends inside `{}`; that member is the one parameter", wrapper.json_name));
                            parameters = vec![wrapper];
                        }
                        None => check_parameter_example(page, &parameters, body, *line, diags),
                    }
                }
                let type_name = self.parameter_struct_name(page, title);
                Some(RequestBody::Parameters { type_name, parameters })
            }
            BodySection::Resource { line, ty } => Some(RequestBody::Resource { ty: self.index.resolve_cell(ty, &page.file, *line, diags) }),
            BodySection::Update { .. } | BodySection::Unspecified => {
                if matches!(method, HttpMethod::Get | HttpMethod::Delete) {
                    return None;
                }
                if kind == OperationKind::Action {
                    return self.action_parameters_without_table(page, title, example, diags);
                }
                let subject =
                    self.known(&singular(&title.subject.to_snake_case()).to_upper_camel_case()).or_else(|| self.known(&title.subject));
                let from_response = response
                    .body
                    .as_ref()
                    .filter(|t| !t.is_collection() && matches!(kind, OperationKind::Create | OperationKind::Update))
                    .cloned();
                let ty = subject.map(TypeRef::Named).or(from_response);
                match ty {
                    Some(ty) => Some(RequestBody::Resource { ty }),
                    None if example.is_some_and(|e| e.body.is_some()) => Some(RequestBody::Resource { ty: TypeRef::Json }),
                    None => None,
                }
            }
        }
    }

    /// A function's parameter table; a GET page that puts it under `Request body`
    /// documents function parameters all the same (a GET sends no body).
    fn function_parameters(&self, page: &Page, diags: &mut Diagnostics) -> Vec<Property> {
        if !page.function_parameters.is_empty() {
            return self.parameters(page, &page.function_parameters, diags);
        }
        self.body_parameters_of_get(page, diags)
    }

    fn body_parameters_of_get(&self, page: &Page, diags: &mut Diagnostics) -> Vec<Property> {
        let BodySection::Parameters { line, rows } = &page.request_body else { return Vec::new() };
        let names = rows.iter().map(|r| format!("`{}`", r.name)).collect::<Vec<_>>().join(", ");
        diags.warn(
            &page.file,
            *line,
            "body-of-get",
            format!(
                "the function is called with GET, which sends no body; its request body parameters {names} are read as function parameters"
            ),
        );
        self.parameters(page, rows, diags)
    }

    /// Actions whose `Request body` section has no parameter table: a `Parameters`
    /// table elsewhere on the page, else the keys of the JSON the page shows.
    fn action_parameters_without_table(
        &self,
        page: &Page,
        title: &Title,
        example: Option<&ParsedExample>,
        diags: &mut Diagnostics,
    ) -> Option<RequestBody> {
        let type_name = self.parameter_struct_name(page, title);
        if !page.function_parameters.is_empty() {
            return Some(RequestBody::Parameters { type_name, parameters: self.parameters(page, &page.function_parameters, diags) });
        }
        let sample = page
            .body_sample
            .as_ref()
            .and_then(|(text, line)| crate::parse::json::parse_lenient(text).ok().map(|(v, _)| (v, *line)))
            .or_else(|| example.and_then(|e| e.body.clone()));
        let (Value::Object(object), line) = sample? else { return None };
        if object.is_empty() {
            return None;
        }
        let source = Source { file: page.file.clone(), line };
        let parameters = infer_properties(&object, self.index, &source);
        let names = parameters.iter().map(|p| format!("`{}`", p.json_name)).collect::<Vec<_>>().join(", ");
        diags.warn(
            &page.file,
            line,
            "inferred-parameters",
            format!("the action documents no parameter table; its parameters {names} are inferred from the JSON body shown"),
        );
        Some(RequestBody::Parameters { type_name, parameters })
    }

    /// `{"passwordCredential": {"displayName": ...}}` under a table of
    /// `displayName`, ...: the table documents the members of one object
    /// parameter (`{"value": [{"id": ...}]}` under a table of `id`: of its items).
    fn wrapping_parameter(
        &self,
        page: &Page,
        title: &Title,
        rows: &[Property],
        body: &serde_json::Map<String, Value>,
        line: u32,
    ) -> Option<Property> {
        let documents = |object: &serde_json::Map<String, Value>| rows.iter().any(|p| object.contains_key(&p.json_name));
        if body.len() != 1 || documents(body) {
            return None;
        }
        let (name, value) = body.iter().next()?;
        let ty = match value {
            Value::Object(inner) if documents(inner) => self.known(name).map(TypeRef::Named).unwrap_or(TypeRef::Json),
            Value::Array(items) if items.first().and_then(Value::as_object).is_some_and(documents) => {
                let item = self.known(&singular(name)).or_else(|| self.known(&title.subject)).map(TypeRef::Named).unwrap_or(TypeRef::Json);
                TypeRef::collection(item)
            }
            _ => return None,
        };
        Some(Property { json_name: name.clone(), ty, description: String::new(), source: Source { file: page.file.clone(), line } })
    }

    fn parameter_struct_name(&self, page: &Page, title: &Title) -> String {
        format!("{}{}Request", self.subject_name(&title.subject).to_upper_camel_case(), action_name(&page.title).to_upper_camel_case())
    }

    /// One parameter per name: a name listed twice keeps its first row (two
    /// fields for one JSON member would not compile).
    fn parameters(&self, page: &Page, rows: &[crate::parse::page::Row], diags: &mut Diagnostics) -> Vec<Property> {
        let mut out: Vec<Property> = Vec::new();
        for row in rows {
            if out.iter().any(|p| p.json_name == row.name) {
                let message = format!("parameter `{}` is listed twice; the first row is kept", row.name);
                diags.warn(&page.file, row.line, "duplicate-parameter", message);
                continue;
            }
            out.push(Property {
                json_name: row.name.clone(),
                ty: self.index.resolve_cell(&row.ty, &page.file, row.line, diags),
                description: row.description.clone(),
                source: Source { file: page.file.clone(), line: row.line },
            });
        }
        out
    }

    /// The documented spelling of a title's subject (`fileattachment` -> `fileAttachment`).
    fn subject_name(&self, subject: &str) -> String {
        let word = subject.split_whitespace().next().unwrap_or(subject);
        self.known(word).map(|q| split_qualified(&q).1.to_owned()).unwrap_or_else(|| word.to_owned())
    }

    /// Sorts, names and de-duplicates the operations; picks the base URL.
    /// Also hands back the response examples read as documented types, for
    /// [`super::observed::learn_members`].
    pub fn finish(mut self, diags: &mut Diagnostics) -> (Vec<Operation>, Option<String>, Vec<Observation>) {
        self.operations.sort_by(|(a, _), (b, _)| (&a.path, &a.method, &a.source).cmp(&(&b.path, &b.method, &b.source)));
        let mut kept: Vec<Operation> = Vec::with_capacity(self.operations.len());
        for group in self.operations.chunk_by(|(a, _), (b, _)| a.path == b.path && a.method == b.method) {
            // The best fit wins; among equals, the first in page order. A form
            // only an example shows never wins over a documented line.
            let rank = |(op, fit): &(Operation, Fit)| (!op.example_only, *fit);
            let best = (1..group.len()).fold(0, |best, i| if rank(&group[i]) > rank(&group[best]) { i } else { best });
            let winner = &group[best].0;
            for (i, (op, _)) in group.iter().enumerate() {
                // One page listing the same path with different query strings documents
                // one endpoint; only a second page documenting it is a defect.
                if i == best || op.source.file == winner.source.file {
                    continue;
                }
                diags.warn(
                    &op.source.file,
                    op.source.line,
                    "duplicate-operation",
                    format!("`{} {}` is also documented at {}; this one is dropped", op.method, op.documented_path, winner.source),
                );
            }
            kept.push(winner.clone());
        }
        // Names are unique: a second `foo_bar` becomes `foo_bar_2`, unless some
        // operation is already named that, and so on. Forms only an example
        // shows are named last, so that they never take a documented form's name.
        let mut taken: BTreeMap<String, String> = BTreeMap::new();
        let (documented, from_examples): (Vec<&mut Operation>, Vec<&mut Operation>) = kept.iter_mut().partition(|op| !op.example_only);
        for op in documented.into_iter().chain(from_examples) {
            let base = operation_id(op);
            let id = if taken.contains_key(&base) {
                (2..).map(|n| format!("{base}_{n}")).find(|id| !taken.contains_key(id)).unwrap_or_default()
            } else {
                base.clone()
            };
            if let Some(first) = taken.get(&base).filter(|_| id != base) {
                let message = format!("`{} {}` would be named `{base}` like {first}; it is named `{id}`", op.method, op.documented_path);
                diags.warn(&op.source.file, op.source.line, "renamed", message);
            }
            taken.insert(id.clone(), format!("`{} {}` ({})", op.method, op.documented_path, op.source));
            op.id = id;
        }
        let base_url = self.base_urls.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))).map(|(url, _)| url);
        (kept, base_url, self.observations)
    }
}

fn examples(page: &Page, role: ExampleRole, diags: &mut Diagnostics) -> Vec<(usize, ParsedExample)> {
    page.examples
        .iter()
        .enumerate()
        .filter(|(_, e)| e.role == role)
        .filter_map(|(i, e)| parse_example(page, e, diags).map(|p| (i, p)))
        .collect()
}

/// `"@odata.type": "Edm.String"` (or `Collection(Edm.Int32)`, then `true`) on the response example.
fn annotated_primitive(page: &Page) -> Option<(Primitive, bool)> {
    let annotated = page.examples.iter().find(|e| e.role == ExampleRole::Response)?.annotation.odata_type.as_deref()?;
    let bare = annotated.trim_start_matches('#');
    let item = bare.strip_prefix("Collection(").and_then(|b| b.strip_suffix(')'));
    Primitive::from_edm_name(item.unwrap_or(bare)).map(|p| (p, item.is_some()))
}

/// OData's wrapper for a primitive result, `{"value": true}` or `{"value": ["a"]}`:
/// the type of what it wraps.
fn wrapped_primitive(body: &Value, index: &TypeIndex) -> Option<TypeRef> {
    let object = body.as_object()?;
    if !object.keys().all(|k| k == "value" || k.starts_with('@')) {
        return None;
    }
    let primitive = |v: &Value| match infer_type(v, index) {
        ty @ TypeRef::Primitive(_) if !v.is_null() => Some(ty),
        _ => None,
    };
    match object.get("value")? {
        Value::Array(items) => items.first().and_then(primitive).map(TypeRef::collection),
        other => primitive(other),
    }
}

/// OData's raw value of a media entity or property: `GET .../$value` (request
/// lines keep their query apart).
/// A path's last segment, any key written `{}`: `/chats/{id}` and `/me/chats/{chat-id}` end alike.
fn last_segment_shape(path: &str) -> String {
    let last = last_name(path);
    if is_key(last) {
        "{}".to_owned()
    } else {
        last.to_ascii_lowercase()
    }
}

fn is_media_path(path: &str) -> bool {
    path.trim_end_matches('/').ends_with("/$value")
}

/// `302 Found` to "a preauthenticated download URL": the result is the content
/// behind the redirect, which the client follows.
fn redirects_to_content(page: &Page, status: u16) -> bool {
    (300..400).contains(&status) && page.response.as_ref().is_some_and(|s| s.redirects_to_content && s.ty.is_none())
}

/// A parameter row that says "Optional." as a sentence of its own
/// ("Optional. If unspecified, ...", "The desired height. Optional.").
fn says_optional(description: &str) -> bool {
    description.split_terminator(['.', ';']).any(|sentence| {
        let sentence = sentence.trim().to_ascii_lowercase();
        sentence == "optional" || sentence.starts_with("(optional)")
    })
}

/// A function page's parameter table covers all its overloads; a path that
/// spells its arguments (`image(width={w},height={h})`) takes only those.
fn parameters_in_call(parameters: &[Property], path: &str) -> Vec<Property> {
    let Some((arguments, names)) = call_arguments(path) else { return parameters.to_vec() };
    if names.is_empty() {
        return if arguments.trim().is_empty() { Vec::new() } else { parameters.to_vec() };
    }
    parameters.iter().filter(|p| names.iter().any(|n| n.eq_ignore_ascii_case(&p.json_name))).cloned().collect()
}

fn headers(page: &Page) -> Vec<HeaderParam> {
    page.headers
        .iter()
        .filter(|h| !matches!(h.name.to_ascii_lowercase().as_str(), "authorization" | "content-type" | "content-length"))
        .map(|h| HeaderParam {
            name: h.name.clone(),
            required: h.description.contains("Required") && !h.description.contains("Optional"),
            description: h.description.clone(),
        })
        .collect()
}

fn action_name(title: &str) -> String {
    title.split_once(':').map(|(_, a)| a.trim().to_owned()).unwrap_or_default()
}

/// Example URLs carry real keys (`/me/messages/AAMkAD...=/attachments`): they become `{id}`.
fn generalize_keys(path: &str) -> String {
    path.split('/').map(|s| if looks_like_key(s) { "{id}" } else { s }).collect::<Vec<_>>().join("/")
}

fn check_parameter_example(
    page: &Page,
    parameters: &[Property],
    body: &serde_json::Map<String, Value>,
    line: u32,
    diags: &mut Diagnostics,
) {
    let matches_any = body.keys().any(|k| parameters.iter().any(|p| p.json_name == *k));
    if matches_any || body.is_empty() {
        return;
    }
    let found = body.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    let expected = parameters.iter().map(|p| format!("`{}`", p.json_name)).collect::<Vec<_>>().join(", ");
    diags.warn(&page.file, line, "request-example-mismatch", format!("the request example body has {found} but the documented parameters are {expected}; the example is not a parameters payload and is ignored"));
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

    #[test]
    fn parameters_the_row_calls_optional() {
        assert!(says_optional("Optional. If unspecified, enumerates the current state."));
        assert!(says_optional("The desired height of the resulting image. Optional."));
        assert!(says_optional("(Optional) The width"));
        assert!(!says_optional("Required. The optional part is ignored."));
        assert!(!says_optional("Optionally filters the result."));
    }

    #[test]
    fn example_keys_become_placeholders() {
        assert_eq!(generalize_keys("/me/messages/AAMkADA1MTAAAAqldOAAA=/attachments"), "/me/messages/{id}/attachments");
    }
}
