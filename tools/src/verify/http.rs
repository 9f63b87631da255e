//! `cargo xtask verify --http`: the docs' request examples as an executable spec.
//!
//! Each request example (a `blockType: request` block) and the answer paired
//! with it (the response example of the same `name`, else the next one before
//! another request) becomes an [`Exchange`]. Two halves are checked:
//!
//! - **The request.** The operation it exercises is the one whose path
//!   template the example's path fits (the page's first, else any page's; the
//!   most literal wins). The template gives the path values (`sampleKeys`
//!   break ties), the call's parentheses (or query pairs of the same names)
//!   the function-call arguments; the query options go through the request's
//!   builders (`$top` as a number, `$select` as a list, ...), the documented
//!   headers likewise, and the body is deserialized into the operation's
//!   body type. The generated function is called with them, and what it built
//!   is compared with the example: method; path segments after
//!   percent-decoding (call arguments by name, quotes aside); query pairs;
//!   the headers that belong to the request (`Prefer`, `ConsistencyLevel`,
//!   `If-Match`, ...) and the body's `Content-Type`; the JSON body as JSON,
//!   with the round trip's allowances ([`super::judge`]).
//! - **The answer.** A loopback API serves the documented answer (status,
//!   headers, body; a `3xx`'s `Location` moved to another loopback host, which
//!   serves bytes) and the generated `Client` method sends the request. It
//!   must succeed (a documented error must fail with that status) and give
//!   back what the docs show, typed: `()` for no body, the bytes for raw
//!   content (a redirect followed, the token not sent to the other host), the
//!   typed value equal as JSON to the documented body for JSON. A `201`'s
//!   `Location` must come back through `Client::send_with_response`, a
//!   `202`'s monitor through the monitored action's `LongRunning` (another `202` through `Client::start_long_running`).
//!
//! Each failure is judged a doc defect (the example contradicts its own page)
//! or a generator miss, as the round trip does.

use super::{judge, plan, Case, Failure, Plan, Role};
use docgen::emit::rust::surface::{CallArgument, Literal, OperationItem};
use docgen::emit::rust::{ItemPaths, OperationTypes, RustType};
use docgen::load::SourceFile;
use docgen::model::{ApiModel, HttpMethod, Operation};
use docgen::parse::page::{BodySection, Example, ExampleRole, Payload};
use docgen::parse::Page;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use std::collections::BTreeMap;

/// Headers a client sets itself, or that say nothing about the operation.
const TRANSPORT_HEADERS: &[&str] = &[
    "authorization",
    "content-type",
    "content-length",
    "host",
    "accept",
    "accept-encoding",
    "user-agent",
    "connection",
    "transfer-encoding",
];

/// One request example and the answer the docs pair with it.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub file: String,
    /// Line of the request's start line.
    pub line: u32,
    pub method: HttpMethod,
    /// The example's path, without its query, version prefix or trailing `/`.
    pub path: String,
    /// The query pairs, decoded (`+` and `%20` are spaces).
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub sample_keys: Vec<String>,
    pub body: Body,
    pub answer: Option<Answer>,
    /// Why the example cannot be checked at all, when it cannot.
    pub unreadable: Option<Failure>,
    /// The page says the method takes no request body.
    pub page_says_no_request_body: bool,
    /// The page's response sentence says `204` and names no type.
    pub page_says_no_response_body: bool,
    /// The page's response sentence or the answer's annotation says "collection".
    pub page_says_collection: bool,
    /// The page's response sentence names a type.
    pub page_names_response_type: bool,
    /// The paths the page's HTTP request section lists for the example's method, as written.
    pub page_lines: Vec<String>,
}

/// A documented request or answer body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    None,
    Json(Value),
    /// Meant as JSON, not JSON: why.
    BadJson(String),
    /// Not JSON (a file, text, MIME, XML): its text as the page shows it.
    Other(String),
}

#[derive(Debug, Clone)]
pub struct Answer {
    pub line: u32,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn redirects(&self) -> bool {
        (300..400).contains(&self.status) && self.header("location").is_some()
    }
}

/// Request examples not checked, by reason.
pub type Skipped = BTreeMap<&'static str, usize>;

/// Every request example of the pages, in page order, with its paired answer.
pub fn collect(pages: &[Page], sources: &[SourceFile]) -> (Vec<Exchange>, Skipped) {
    let texts: BTreeMap<&str, &str> = sources.iter().map(|s| (s.path.as_str(), s.text.as_str())).collect();
    let mut exchanges = Vec::new();
    let mut skipped = Skipped::new();
    for page in pages {
        let text = texts.get(page.file.as_str()).copied().unwrap_or("");
        for (index, example) in page.examples.iter().enumerate() {
            if example.role != ExampleRole::Request {
                continue;
            }
            if example.annotation.raw.get("opaqueUrl").and_then(Value::as_bool) == Some(true) {
                *skipped.entry("a request to a URL the service handed out (`opaqueUrl`)").or_default() += 1;
                continue;
            }
            let Some(message) = &example.message else {
                *skipped.entry("empty request block").or_default() += 1;
                continue;
            };
            if message.request.as_ref().and_then(|r| r.base_url.as_deref()).is_some_and(|base| !is_api_host(base)) {
                *skipped.entry("a request to another host than the API (a notification the service sends to the app)").or_default() += 1;
                continue;
            }
            let answer = paired_answer(page, index).and_then(|answer| read_answer(answer, text));
            let page_says_collection = page.response.as_ref().is_some_and(|r| r.collection)
                || paired_answer(page, index).is_some_and(|a| a.annotation.is_collection);
            let mut exchange = Exchange {
                file: page.file.clone(),
                line: message.start_line.line,
                method: HttpMethod::Get,
                path: String::new(),
                query: Vec::new(),
                headers: message.headers.clone(),
                sample_keys: sample_keys(example),
                body: body_of(example, text),
                answer,
                unreadable: None,
                page_says_no_request_body: matches!(page.request_body, BodySection::Empty),
                page_says_no_response_body: page.response.as_ref().is_some_and(|r| r.ty.is_none() && r.status == Some(204)),
                page_says_collection,
                page_names_response_type: page.response.as_ref().is_some_and(|r| r.ty.is_some()),
                page_lines: Vec::new(),
            };
            match &message.request {
                Some(line) => {
                    exchange.method = line.method;
                    exchange.page_lines = page
                        .http
                        .iter()
                        .flat_map(|h| &h.requests)
                        .filter(|(_, l)| l.method == line.method)
                        .map(|(_, l)| l.path.clone())
                        .collect();
                    exchange.path = without_version(&line.path).trim_end_matches('/').to_owned();
                    exchange.query = line.query.as_deref().map(query_pairs).unwrap_or_default();
                    if line.base_url.as_deref().is_some_and(|base| base.to_ascii_lowercase().ends_with("/beta")) {
                        exchange.unreadable = Some(Failure::doc("the example calls the beta endpoint", message.start_line.value.clone()));
                    }
                }
                None => {
                    let detail = format!("`{}`", message.start_line.value);
                    exchange.unreadable = Some(Failure::doc("the example's request line does not parse", detail));
                }
            }
            exchanges.push(exchange);
        }
    }
    (exchanges, skipped)
}

/// `https://graph.microsoft.com/v1.0` and the national clouds' hosts, not a
/// bot's callback (`https://bot.contoso.com`) or a preview URL.
fn is_api_host(base: &str) -> bool {
    let host = base.split_once("://").map_or(base, |(_, rest)| rest).split('/').next().unwrap_or("").to_ascii_lowercase();
    host.contains("graph.microsoft") || host.contains("microsoftgraph")
}

/// The response example answering the request example at `index`: the one of
/// the same `name`, else the first after it and before the next request.
fn paired_answer(page: &Page, index: usize) -> Option<&Example> {
    let request = &page.examples[index];
    let responses = || page.examples.iter().filter(|e| e.role == ExampleRole::Response);
    let named = request.annotation.name.as_deref().and_then(|name| {
        responses().find(|e| e.annotation.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)) && e.message.is_some())
    });
    named.or_else(|| {
        page.examples[index + 1..]
            .iter()
            .take_while(|e| e.role != ExampleRole::Request)
            .find(|e| e.role == ExampleRole::Response && e.message.is_some())
    })
}

fn read_answer(example: &Example, text: &str) -> Option<Answer> {
    let message = example.message.as_ref()?;
    Some(Answer {
        line: message.start_line.line,
        status: message.status.as_ref().map_or(200, |s| s.status),
        headers: message.headers.clone(),
        body: body_of(example, text),
    })
}

fn body_of(example: &Example, text: &str) -> Body {
    match &example.body {
        None => Body::None,
        Some(located) => match &located.value {
            Payload::Json(value) => Body::Json(value.clone()),
            Payload::BadJson(e) => Body::BadJson(format!("line {}: {}", e.line, e.message)),
            Payload::Other => Body::Other(block_text_from(text, located.line)),
        },
    }
}

/// The lines of a code block from `line` (1-based) to its closing fence.
fn block_text_from(text: &str, line: u32) -> String {
    let lines: Vec<&str> = text.lines().skip(line.saturating_sub(1) as usize).take_while(|l| !l.trim_start().starts_with("```")).collect();
    lines.join("\n")
}

fn sample_keys(example: &Example) -> Vec<String> {
    let keys = example.annotation.raw.get("sampleKeys").and_then(Value::as_array);
    keys.map(|keys| keys.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default()
}

/// `/v1.0/me` is `/me`: some examples repeat the version.
fn without_version(path: &str) -> &str {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    if first.eq_ignore_ascii_case("v1.0") {
        &path[1 + first.len()..]
    } else {
        path
    }
}

/// `a=1&b=x+y` as decoded pairs (form decoding: `+` is a space).
fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(&name.replace('+', " ")).trim().to_owned(), percent_decode(&value.replace('+', " ")))
        })
        .collect()
}

/// `%XX` decoded, invalid escapes left as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b))) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The values the example gives an operation: one per path parameter (in
/// path order, decoded) and the call's arguments by name (as written).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fit {
    pub path_values: Vec<String>,
    pub call_args: Vec<(String, String)>,
    /// Query pairs that are call arguments (`delta?token=x` for `delta(token='x')`).
    pub args_in_query: Vec<String>,
    /// The example's path as it fit (keys in parentheses written as segments).
    pub matched_path: String,
    /// Call arguments a GET's body gives (`body_of_get`).
    pub args_in_body: Vec<(String, String)>,
}

/// The operation the exchange exercises and the values it gives it: the
/// page's operations first (same method, template fits), else any page's;
/// the most literal template wins.
pub fn locate(
    exchange: &Exchange,
    model: &ApiModel,
    items: &[OperationItem],
    page_ops: &[usize],
    documented: &[(HttpMethod, String)],
) -> Result<(usize, Fit), Failure> {
    let best = |exchange: &Exchange, candidates: &mut dyn Iterator<Item = usize>| {
        candidates
            .filter(|&i| model.operations[i].method == exchange.method)
            .filter_map(|i| fit(&model.operations[i], &items[i], exchange).map(|f| (literal_chars(&model.operations[i].path), i, f)))
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, i, f)| (i, f))
    };
    let search =
        |exchange: &Exchange| best(exchange, &mut page_ops.iter().copied()).or_else(|| best(exchange, &mut (0..model.operations.len())));
    // OData addresses a key in parentheses too: `/mailFolders('inbox')` is `/mailFolders/inbox`.
    let keyed = keys_as_segments(&exchange.path).map(|path| Exchange { path, ..exchange.clone() });
    if let Some(found) = search(exchange).or_else(|| keyed.as_ref().and_then(search)) {
        return Ok(found);
    }
    let detail = format!("`{} {}`", exchange.method, exchange.path);
    let fits = |line: &String| {
        let example = keyed.as_ref().map_or(exchange.path.as_str(), |k| k.path.as_str());
        let line = call_values_as_placeholders(line.trim_end_matches('/'));
        let spans = |name: &str| line.contains(&format!(":/{{{name}}}"));
        [exchange.path.as_str(), example].iter().any(|path| capture(&pieces(&line), path, &spans, &[]).is_some())
    };
    if let Some(line) = exchange.page_lines.iter().find(|l| fits(l)) {
        return Err(Failure::generator("no operation's path fits a line of the page", format!("{detail} fits `{line}`")));
    }
    if let Some((_, line)) = documented.iter().find(|(method, line)| *method == exchange.method && fits(line)) {
        return Err(Failure::generator("no operation's path fits a documented line", format!("{detail} fits `{line}` of another page")));
    }
    Err(match exchange.page_lines.is_empty() {
        true => Failure::doc("a request no page's HTTP request section lists", detail),
        false => {
            let listed: Vec<String> = exchange.page_lines.iter().map(|l| format!("`{l}`")).collect();
            Failure::doc("a path the page's HTTP request section does not list", format!("{detail}; the page lists {}", listed.join(", ")))
        }
    })
}

/// A documented line read loosely: each call argument written as a value
/// (`rowsAbove(count=n)`, `f(on='parameterValue')`) stands for any value.
fn call_values_as_placeholders(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else { break };
        out.push_str(&rest[..=open]);
        let arguments: Vec<String> = call_argument_pairs(&rest[open + 1..close])
            .into_iter()
            .map(|(name, value)| match value.starts_with('{') || value.starts_with("'{") {
                true => format!("{name}={value}"),
                false => format!("{name}={{{name}}}"),
            })
            .collect();
        out.push_str(&if arguments.is_empty() { rest[open + 1..close].to_owned() } else { arguments.join(",") });
        out.push(')');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `/a('k')/b(c)` as `/a/k/b/c`; `None` when no segment has a key in parentheses
/// (a call with arguments, `f(x=1)`, or without, `f()`, is not a key).
fn keys_as_segments(path: &str) -> Option<String> {
    let mut changed = false;
    let segments: Vec<String> = path
        .split('/')
        .map(|segment| match segment.split_once('(') {
            Some((name, key)) if !name.is_empty() && key.ends_with(')') && key.len() > 1 && !key.contains('=') => {
                changed = true;
                format!("{name}/{}", unquote(&key[..key.len() - 1]))
            }
            _ => segment.to_owned(),
        })
        .collect();
    changed.then(|| segments.join("/"))
}

fn literal_chars(template: &str) -> usize {
    template.len() - template.split('{').skip(1).map(|p| p.find('}').map_or(0, |end| end + 2)).sum::<usize>()
}

/// The values the example's path gives `op`, if its template fits.
fn fit(op: &Operation, item: &OperationItem, exchange: &Exchange) -> Option<Fit> {
    let mut path = exchange.path.as_str();
    let mut call_args = Vec::new();
    let template = op.path.trim_end_matches('/');
    let template_last = template.rsplit('/').next().unwrap_or("");
    let last_start = path.rfind('/').map_or(0, |i| i + 1);
    // Arguments the template does not spell come in the call's parentheses of the last segment.
    if !template_last.contains('(') {
        if let Some(open) = path[last_start..].find('(').map(|o| last_start + o) {
            if !path.ends_with(')') || (item.call_args.is_empty() && &path[open..] != "()") {
                return None;
            }
            call_args = call_argument_pairs(&path[open + 1..path.len() - 1]);
            path = &path[..open];
        }
    }
    let pieces = pieces(template);
    let holds_path = |name: &str| op.path_params.iter().any(|p| p.name == name && p.holds_path);
    let captured = capture(&pieces, path, &holds_path, &exchange.sample_keys)?;
    let by_name: BTreeMap<&str, String> = captured.into_iter().collect();
    let path_values = op.path_params.iter().map(|p| by_name.get(p.name.as_str()).cloned().unwrap_or_default()).collect();
    let known = |name: &str| item.call_args.iter().any(|a| a.json_name.eq_ignore_ascii_case(name));
    let args_in_query: Vec<String> = exchange.query.iter().map(|(name, _)| name.clone()).filter(|name| known(name)).collect();
    for (name, value) in exchange.query.iter().filter(|(name, _)| known(name)) {
        call_args.push((name.clone(), value.clone()));
    }
    Some(Fit { path_values, call_args, args_in_query, matched_path: exchange.path.clone(), args_in_body: Vec::new() })
}

#[derive(Debug, PartialEq)]
enum Piece<'t> {
    Literal(&'t str),
    Placeholder(&'t str),
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        if open > 0 {
            pieces.push(Piece::Literal(&rest[..open]));
        }
        pieces.push(Piece::Placeholder(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Literal(rest));
    }
    pieces
}

/// Matches `text` against the pieces (literals any case; a placeholder one
/// segment, or several when it holds a path), the shortest value first, a
/// sample key before other values; the values by placeholder name, decoded.
fn capture<'t>(pieces: &[Piece<'t>], text: &str, holds_path: &dyn Fn(&str) -> bool, samples: &[String]) -> Option<Vec<(&'t str, String)>> {
    let Some((first, rest)) = pieces.split_first() else { return text.is_empty().then(Vec::new) };
    match first {
        Piece::Literal(literal) => {
            let head = text.get(..literal.len())?;
            if !head.eq_ignore_ascii_case(literal) {
                return None;
            }
            capture(rest, &text[literal.len()..], holds_path, samples)
        }
        Piece::Placeholder(name) => {
            let many = holds_path(name);
            let mut ends: Vec<usize> = (1..=text.len()).filter(|&end| text.is_char_boundary(end)).collect();
            if !many {
                let segment_end = text.find('/').unwrap_or(text.len());
                ends.retain(|&end| end <= segment_end);
            }
            ends.sort_by_key(|&end| !samples.iter().any(|s| s == &text[..end] || percent_decode(&text[..end]) == *s));
            ends.into_iter().find_map(|end| {
                let mut values = capture(rest, &text[end..], holds_path, samples)?;
                values.insert(0, (*name, percent_decode(&text[..end])));
                Some(values)
            })
        }
    }
}

/// `a=1,b='x,y'` as (name, value as written) pairs.
fn call_argument_pairs(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => pairs.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    pairs.push(current);
    pairs
        .into_iter()
        .filter_map(|pair| pair.split_once('=').map(|(n, v)| (n.trim().to_owned(), percent_decode(v.trim()))))
        .filter(|(name, _)| !name.is_empty())
        .collect()
}

/// `'it''s'` -> `it's`; an unquoted value as it is.
fn unquote(value: &str) -> String {
    match value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        Some(inner) => inner.replace("''", "'"),
        None => value.to_owned(),
    }
}

/// What the program runs for one exchange.
pub struct HttpCase {
    pub operation: usize,
    pub fit: Fit,
    /// The case's function, `fn http_N(h: &Harness) -> ...`.
    pub tokens: TokenStream,
    /// The `Served` value the loopback API answers with.
    pub served: TokenStream,
}

/// What to do with one exchange: run it, or fail it without running.
pub enum HttpPlan {
    Run(Box<HttpCase>),
    Fail(Failure),
}

/// Everything [`plan_exchange`] reads besides the exchange.
pub struct Context<'a> {
    pub model: &'a ApiModel,
    pub items: &'a [OperationItem],
    pub types: &'a [OperationTypes],
    pub paths: &'a ItemPaths,
    /// The operations of each page, by file.
    pub by_file: BTreeMap<&'a str, Vec<usize>>,
    /// Every line of every page's HTTP request section.
    pub documented: Vec<(HttpMethod, String)>,
}

impl<'a> Context<'a> {
    pub fn new(
        pages: &[Page],
        model: &'a ApiModel,
        items: &'a [OperationItem],
        types: &'a [OperationTypes],
        paths: &'a ItemPaths,
    ) -> Context<'a> {
        let mut by_file: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, op) in model.operations.iter().enumerate() {
            by_file.entry(op.source.file.as_str()).or_default().push(i);
        }
        let documented =
            pages.iter().flat_map(|p| p.http.iter().flat_map(|h| &h.requests)).map(|(_, line)| (line.method, line.path.clone())).collect();
        Context { model, items, types, paths, by_file, documented }
    }
}

/// The program's case for `exchange` (numbered `id`), or the failure found without running.
pub fn plan_exchange(id: usize, exchange: &Exchange, cx: &Context<'_>) -> HttpPlan {
    if let Some(failure) = &exchange.unreadable {
        return HttpPlan::Fail(failure.clone());
    }
    let page_ops = cx.by_file.get(exchange.file.as_str()).map(Vec::as_slice).unwrap_or_default();
    let (index, mut fit) = match locate(exchange, cx.model, cx.items, page_ops, &cx.documented) {
        Ok(found) => found,
        Err(failure) => return HttpPlan::Fail(failure),
    };
    if let Some(members) = get_body_members(exchange) {
        let item = &cx.items[index];
        let known = |name: &str| item.call_args.iter().any(|a| a.json_name.eq_ignore_ascii_case(name));
        fit.args_in_body = members.into_iter().filter(|(name, _)| known(name)).collect();
        fit.call_args.extend(fit.args_in_body.clone());
    }
    match case_tokens(id, exchange, index, &fit, cx) {
        Ok((tokens, served)) => HttpPlan::Run(Box::new(HttpCase { operation: index, fit, tokens, served })),
        Err(failure) => HttpPlan::Fail(failure),
    }
}

/// No body, or `{}`: an action without parameters takes either.
fn is_empty_body(body: &Body) -> bool {
    match body {
        Body::None => true,
        Body::Json(Value::Object(members)) => members.is_empty(),
        _ => false,
    }
}

/// A GET's JSON body, member by member as call-argument text: pages that
/// document function parameters as a body (read as the function's
/// arguments, `body_of_get`) show them in the example's body.
fn get_body_members(exchange: &Exchange) -> Option<Vec<(String, String)>> {
    let (HttpMethod::Get, Body::Json(Value::Object(members))) = (exchange.method, &exchange.body) else { return None };
    let text = |value: &Value| match value {
        Value::String(text) => format!("'{}'", text.replace('\'', "''")),
        other => other.to_string(),
    };
    Some(members.iter().map(|(name, value)| (name.clone(), text(value))).collect())
}

fn case_tokens(id: usize, exchange: &Exchange, index: usize, fit: &Fit, cx: &Context<'_>) -> Result<(TokenStream, TokenStream), Failure> {
    let op = &cx.model.operations[index];
    let item = &cx.items[index];
    let mut lets = Vec::new();
    let mut args: Vec<TokenStream> = fit.path_values.iter().map(|v| quote! { #v }).collect();
    for (n, argument) in item.call_args.iter().enumerate() {
        let given = fit.call_args.iter().find(|(name, _)| name.eq_ignore_ascii_case(&argument.json_name)).map(|(_, v)| v.as_str());
        args.push(call_argument(n, argument, given, &mut lets, cx.paths, op)?);
    }
    let unknown: Vec<&str> = fit
        .call_args
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !item.call_args.iter().any(|a| a.json_name.eq_ignore_ascii_case(name)))
        .collect();
    if !unknown.is_empty() {
        let documented = op.function_parameters.iter().any(|p| unknown.iter().any(|u| u.eq_ignore_ascii_case(&p.json_name)));
        let detail = format!("`{}` is not an argument of `{}`", unknown.join("`, `"), op.path);
        return Err(if documented {
            Failure::generator("a documented function argument the function does not take", detail)
        } else {
            Failure::doc("a function argument the page does not document", detail)
        });
    }
    if let Some(body_type) = &cx.types[index].request_body {
        let json = match &exchange.body {
            Body::Json(value) => value.to_string(),
            Body::None => "{}".to_owned(),
            Body::BadJson(message) => return Err(Failure::doc("example JSON does not parse", message.clone())),
            Body::Other(_) => {
                let detail = format!(
                    "`{} {}` sends `{}`; the function serializes `{body_type}` as JSON",
                    op.method,
                    op.path,
                    content_type(exchange)
                );
                return Err(Failure::generator("a raw request body sent as JSON", detail.replace(" :: ", "::")));
            }
        };
        lets.push(quote! { let body: #body_type = h.value("the request body", #json)?; });
        args.push(quote! { &body });
    } else if !is_empty_body(&exchange.body) && get_body_members(exchange).is_none() {
        let detail = format!("`{} {}`", op.method, op.path);
        return Err(if exchange.page_says_no_request_body {
            Failure::doc("request body on a method documented without one", detail)
        } else {
            Failure::generator("no request body type", detail)
        });
    }
    let builders = query_builders(exchange, fit)?;
    let headers = header_builders(exchange);
    let request = cx.paths.request(item, &args);
    let method = &item.place.method;
    let call = if item.content {
        let mut args = args.clone();
        args.push(quote! { MAX_BYTES });
        let sent = item.place.call(quote! { h.client. }, method, &args);
        quote! { h.content(&mut report, #sent.await); }
    } else if item.monitored {
        let sent = item.place.call(quote! { h.client. }, method, &args);
        quote! { h.monitored(&mut report, #sent.await); }
    } else {
        let sent = item.place.call(quote! { h.client. }, method, &args);
        quote! { h.typed(&mut report, #sent.await); }
    };
    let status = exchange.answer.as_ref().map_or(0, |a| a.status);
    let has_location = exchange.answer.as_ref().is_some_and(|a| a.header("location").is_some());
    // A monitored action's method gives its monitor itself; another `202`
    // with a monitor is asked through `Client::start_long_running`.
    let extra = match (status, has_location, item.content || item.monitored) {
        (201, true, false) => quote! { h.created(&mut report, request).await; },
        (202, true, false) => quote! { h.accepted(&mut report, request).await; },
        _ => quote! {},
    };
    let name = format_ident!("http_{}", id);
    let tokens = quote! {
        fn #name(h: &Harness) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Report, String>> + '_>> {
            Box::pin(async move {
                #(#lets)*
                let request = #request #(#builders)* #(#headers)*;
                let mut report = h.built(&request);
                #call
                #extra
                Ok(report)
            })
        }
    };
    Ok((tokens, served(exchange.answer.as_ref())))
}

/// One argument of the call, as the function takes it.
fn call_argument(
    n: usize,
    argument: &CallArgument,
    given: Option<&str>,
    lets: &mut Vec<TokenStream>,
    paths: &ItemPaths,
    op: &Operation,
) -> Result<TokenStream, Failure> {
    let Some(given) = given else {
        if argument.optional {
            return Ok(quote! { None });
        }
        let detail = format!("`{}` of `{}`", argument.json_name, op.path);
        return Err(Failure::generator("the example leaves out an argument the function requires", detail));
    };
    let what = format!("the argument `{}`", argument.json_name);
    let value = match argument.literal {
        Literal::Text => {
            let text = unquote(given);
            quote! { #text }
        }
        // A typed scalar (date, GUID, duration) is read from its text as the
        // service would: a placeholder in its place is the page's defect.
        Literal::Unquoted => {
            let name = format_ident!("argument_{}", n);
            let ty = match &argument.ty {
                RustType::Option(inner) => inner.tokens(paths),
                other => other.tokens(paths),
            };
            let json = Value::String(unquote(given)).to_string();
            lets.push(quote! { let #name: #ty = h.value(#what, #json)?; });
            quote! { #name }
        }
        Literal::Member => {
            let name = format_ident!("argument_{}", n);
            let ty = match &argument.ty {
                RustType::Option(inner) => inner.as_ref(),
                other => other,
            };
            let owned = match ty {
                RustType::Ref(inner) => inner.tokens(paths),
                other => other.tokens(paths),
            };
            let json = Value::String(unquote(given)).to_string();
            lets.push(quote! { let #name: #owned = h.value(#what, #json)?; });
            quote! { &#name }
        }
        Literal::Plain => {
            let name = format_ident!("argument_{}", n);
            let ty = match &argument.ty {
                RustType::Option(inner) => inner.tokens(paths),
                other => other.tokens(paths),
            };
            let text = unquote(given);
            lets.push(quote! { let #name: #ty = h.value(#what, #text)?; });
            quote! { #name }
        }
    };
    Ok(if argument.optional {
        quote! { Some(#value) }
    } else {
        value
    })
}

/// The query options through the request's builders; other pairs as they are.
fn query_builders(exchange: &Exchange, fit: &Fit) -> Result<Vec<TokenStream>, Failure> {
    let mut builders = Vec::new();
    for (name, value) in &exchange.query {
        if fit.args_in_query.contains(name) {
            continue;
        }
        let list = |v: &str| v.split(',').map(str::to_owned).collect::<Vec<String>>();
        let number = |v: &str| {
            v.trim()
                .parse::<u32>()
                .map_err(|_| Failure::doc("a query option's value is not of its type", format!("`{name}={v}` is not a count")))
        };
        builders.push(match name.to_ascii_lowercase().as_str() {
            "$select" => {
                let items = list(value);
                quote! { .select(&[#(#items),*]) }
            }
            "$expand" => {
                let items = list(value);
                quote! { .expand(&[#(#items),*]) }
            }
            "$orderby" => {
                let items = list(value);
                quote! { .order_by(&[#(#items),*]) }
            }
            "$filter" => quote! { .filter(#value) },
            "$search" => quote! { .search(#value) },
            "$top" => {
                let count = number(value)?;
                quote! { .top(#count) }
            }
            "$skip" => {
                let count = number(value)?;
                quote! { .skip(#count) }
            }
            "$count" => match value.trim() {
                "true" => quote! { .count(true) },
                "false" => quote! { .count(false) },
                other => {
                    let detail = format!("`$count={other}` is not a Boolean");
                    return Err(Failure::doc("a query option's value is not of its type", detail));
                }
            },
            _ => quote! { .query(#name, #value) },
        });
    }
    Ok(builders)
}

/// The example's headers that belong to the request, through the request's builders.
fn header_builders(exchange: &Exchange) -> Vec<TokenStream> {
    request_headers(&exchange.headers)
        .map(|(name, value)| match name.to_ascii_lowercase().as_str() {
            "prefer" => quote! { .prefer(#value) },
            "if-match" => quote! { .if_match(#value) },
            "if-none-match" => quote! { .if_none_match(#value) },
            "consistencylevel" if value.eq_ignore_ascii_case("eventual") => quote! { .consistency_level_eventual() },
            _ => quote! { .header(#name, #value) },
        })
        .collect()
}

fn request_headers(headers: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    headers
        .iter()
        .filter(|(name, _)| !TRANSPORT_HEADERS.contains(&name.to_ascii_lowercase().as_str()))
        .map(|(name, value)| (name.trim(), value.trim()))
}

fn content_type(exchange: &Exchange) -> String {
    exchange.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-type")).map_or("content".to_owned(), |(_, v)| v.clone())
}

/// The `Served` answer: the documented one, or a bare `200` when the docs show none.
fn served(answer: Option<&Answer>) -> TokenStream {
    let Some(answer) = answer else {
        return quote! { Served { status: 200, headers: &[], body: "", redirect: false } };
    };
    let status = answer.status;
    let headers = answer
        .headers
        .iter()
        .filter(|(n, _)| !matches!(n.to_ascii_lowercase().as_str(), "content-length" | "transfer-encoding" | "connection"))
        .map(|(n, v)| {
            let (n, v) = (n.trim(), v.trim());
            quote! { (#n, #v) }
        });
    let body = match &answer.body {
        Body::None => String::new(),
        Body::Json(value) => value.to_string(),
        Body::BadJson(_) => String::new(),
        Body::Other(text) => text.clone(),
    };
    let redirect = answer.redirects();
    quote! { Served { status: #status, headers: &[#(#headers),*], body: #body, redirect: #redirect } }
}

/// The verdict on one exchange given the program's report (or the error that
/// stopped the case before it built the request).
pub fn judge_report(
    exchange: &Exchange,
    case: &HttpCase,
    model: &ApiModel,
    types: &[OperationTypes],
    report: Result<&Value, &str>,
) -> Result<(), Failure> {
    let op = &model.operations[case.operation];
    let report = match report {
        Ok(report) => report,
        Err(message) => return Err(case_error(exchange, case, model, message)),
    };
    judge_request(exchange, case, model, &report["request"])?;
    judge_answer(exchange, case, model, types, report)
        .map_err(|f| Failure { detail: format!("{} ({} {})", f.detail, op.method, op.path), ..f })?;
    match get_body_members(exchange) {
        Some(_) => Err(Failure::doc(
            "a GET request with a body",
            format!("a GET sends no body; `{}` sends its members as the function's arguments", op.path),
        )),
        None => Ok(()),
    }
}

/// A case that stopped before building its request: the body or an argument did not deserialize.
fn case_error(exchange: &Exchange, case: &HttpCase, model: &ApiModel, message: &str) -> Failure {
    if let Some(detail) = message.strip_prefix("the request body: ") {
        let body_case = request_case(exchange, case);
        return judge(&body_case, model, Err(detail))
            .err()
            .unwrap_or_else(|| Failure::generator("does not deserialize", detail.to_owned()));
    }
    if message.starts_with("the argument") {
        return Failure::doc("a function argument is not a value of its type", message.to_owned());
    }
    Failure::generator("the case did not run", message.to_owned())
}

fn request_case(exchange: &Exchange, case: &HttpCase) -> Case {
    Case {
        file: exchange.file.clone(),
        line: exchange.line,
        role: Role::Request,
        operation: Some(case.operation),
        body: match &exchange.body {
            Body::Json(value) => Ok(value.clone()),
            _ => Ok(Value::Object(Default::default())),
        },
        page_says_no_body: exchange.page_says_no_request_body,
        page_says_collection: false,
        request: None,
    }
}

fn response_case(exchange: &Exchange, case: &HttpCase, body: Value) -> Case {
    Case {
        file: exchange.file.clone(),
        line: exchange.answer.as_ref().map_or(exchange.line, |a| a.line),
        role: Role::Response,
        operation: Some(case.operation),
        body: Ok(body),
        page_says_no_body: exchange.page_says_no_response_body,
        page_says_collection: exchange.page_says_collection,
        // What the request asked for selects an alternative answer's type.
        request: Some((
            exchange.query.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("&"),
            exchange.headers.clone(),
        )),
    }
}

/// The request half: what the function built against the example.
fn judge_request(exchange: &Exchange, case: &HttpCase, model: &ApiModel, built: &Value) -> Result<(), Failure> {
    let op = &model.operations[case.operation];
    let method = built["method"].as_str().unwrap_or("");
    if method != exchange.method.as_str() {
        return Err(Failure::generator("another method", format!("built `{method}`, the example sends `{}`", exchange.method)));
    }
    let built_path = built["path"].as_str().unwrap_or("");
    let moved: Vec<(String, String)> =
        exchange.query.iter().filter(|(name, _)| case.fit.args_in_query.contains(name)).chain(&case.fit.args_in_body).cloned().collect();
    let (documented, built_segments) = (path_shape(&case.fit.matched_path, &moved), path_shape(built_path, &[]));
    if documented != built_segments {
        let detail = format!("built `{built_path}` for the example's `{}`", exchange.path);
        return Err(Failure::generator("the path differs after percent-decoding", detail));
    }
    let mut built_query = query_pairs(built["query"].as_str().unwrap_or(""));
    let mut documented_query: Vec<(String, String)> =
        exchange.query.iter().filter(|(name, _)| !case.fit.args_in_query.contains(name)).cloned().collect();
    for pairs in [&mut built_query, &mut documented_query] {
        for (name, _) in pairs.iter_mut() {
            *name = name.to_ascii_lowercase();
        }
        pairs.sort();
    }
    if built_query != documented_query {
        let detail = format!("built `{built_query:?}`, the example sends `{documented_query:?}`");
        return Err(Failure::generator("the query differs", detail));
    }
    let built_headers: Vec<(String, String)> = built["headers"]
        .as_array()
        .map(|pairs| pairs.iter().filter_map(|p| Some((p[0].as_str()?.to_owned(), p[1].as_str()?.to_owned()))).collect())
        .unwrap_or_default();
    for (name, value) in request_headers(&exchange.headers) {
        if !built_headers.iter().any(|(n, v)| n.eq_ignore_ascii_case(name) && v.trim() == value) {
            return Err(Failure::generator("a documented header is not sent", format!("`{name}: {value}`")));
        }
    }
    let body = &built["body"];
    let documented_type = exchange.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-type")).map(|(_, v)| media_type(v));
    let built_type = if body.get("json").is_some() {
        Some("application/json".to_owned())
    } else {
        body["bytes"]["content_type"].as_str().map(media_type)
    };
    if let (Some(documented), Some(built), false) = (&documented_type, &built_type, matches!(exchange.body, Body::None)) {
        if documented != built {
            let detail = format!("the example sends `{documented}`, the function `{built}`");
            return Err(Failure::generator("another Content-Type", detail));
        }
    }
    if let Some(invalid) = body.get("invalid") {
        return Err(Failure::generator("the body does not serialize", invalid.to_string()));
    }
    match (&exchange.body, body.get("json")) {
        _ if get_body_members(exchange).is_some() => Ok(()),
        (body, None) if is_empty_body(body) => Ok(()),
        (Body::Json(_), Some(json)) => judge(&request_case(exchange, case), model, Ok(json)),
        (Body::Json(_), None) => Err(Failure::generator("the function sends no body", format!("`{} {}`", op.method, op.path))),
        (Body::None, Some(json)) if json.as_object().is_none_or(|o| o.is_empty()) => Ok(()),
        (Body::None, Some(json)) => Err(Failure::generator("a body the example does not send", json.to_string())),
        _ => Ok(()),
    }
}

fn media_type(value: &str) -> String {
    value.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// A path as compared: its segments decoded, any case; the last segment's
/// call arguments by name, quotes aside, with `moved` (those the example
/// sends in the query, or a GET in its body).
fn path_shape(path: &str, moved: &[(String, String)]) -> (Vec<String>, BTreeMap<String, String>) {
    let path = path.split('?').next().unwrap_or("").trim_end_matches('/');
    let mut segments: Vec<String> = path.split('/').filter(|s| !s.is_empty()).map(|s| percent_decode(s).to_ascii_lowercase()).collect();
    let mut args = BTreeMap::new();
    if let Some(last) = segments.last_mut() {
        if let Some(open) = last.find('(').filter(|_| last.ends_with(')')) {
            for (name, value) in call_argument_pairs(&last[open + 1..last.len() - 1]) {
                args.insert(name.to_ascii_lowercase(), unquote(&value).to_ascii_lowercase());
            }
            last.truncate(open);
        }
    }
    for (name, value) in moved {
        args.insert(name.to_ascii_lowercase(), unquote(value).to_ascii_lowercase());
    }
    (segments, args)
}

/// The answer half: what the `Client` method gave back against the documented answer.
fn judge_answer(exchange: &Exchange, case: &HttpCase, model: &ApiModel, types: &[OperationTypes], report: &Value) -> Result<(), Failure> {
    let op = &model.operations[case.operation];
    let Some(answer) = &exchange.answer else {
        return Err(Failure::doc("no documented answer", "the request example has no response example".into()));
    };
    let got = &report["answer"];
    let received = report["received"].as_array().map(Vec::as_slice).unwrap_or_default();
    let built_path = report["request"]["path"].as_str().unwrap_or("");
    let sent_as_built = received.first().and_then(|r| r["target"].as_str()).is_some_and(|target| {
        let path = target.split('?').next().unwrap_or("");
        path.strip_prefix("/v1.0").is_some_and(|p| path_shape(p, &[]) == path_shape(built_path, &[]))
    });
    if received.len() != 1 || !sent_as_built || received[0]["token"] != Value::Bool(true) {
        let detail = format!("the API host received {received:?}; the function built `{built_path}`");
        return Err(Failure::generator("the Client method sends another request than the function builds", detail));
    }
    if answer.status >= 400 {
        return match got["status"].as_u64() {
            Some(status) if status == u64::from(answer.status) => Ok(()),
            _ => Err(Failure::generator("a documented error is not an error", format!("{} became {got}", answer.status))),
        };
    }
    let typed = op.success_body().is_some_and(|ty| *ty != docgen::model::TypeRef::Primitive(docgen::model::Primitive::Stream));
    if let (Body::BadJson(message), true) = (&answer.body, typed) {
        return Err(Failure::doc("example JSON does not parse", message.clone()));
    }
    if let Some(error) = got.get("error") {
        return Err(answer_error(exchange, case, model, types, answer, error.as_str().unwrap_or("")));
    }
    let item_content = got.get("bytes").is_some();
    if answer.redirects() {
        let other = &report["other_host"];
        if other["with_token"].as_u64() != Some(0) {
            return Err(Failure::generator("the token was sent to another host", format!("{other}")));
        }
        return match got["bytes"].as_str() {
            Some(REDIRECTED) if other["requests"].as_u64() == Some(1) => Ok(()),
            _ => Err(Failure::generator("the redirect is not followed to the bytes", format!("{got}"))),
        };
    }
    match &answer.body {
        Body::Json(_) if item_content => {
            Err(Failure::generator("a JSON answer read as raw content", format!("`{} {}` downloads bytes", op.method, op.path)))
        }
        Body::Json(documented) => match got.get("json") {
            Some(value) => match plan(&response_case(exchange, case, documented.clone()), model, types) {
                Plan::Fail(failure) => Err(failure),
                Plan::Run(_) => judge(&response_case(exchange, case, documented.clone()), model, Ok(value)),
            },
            None if got.get("unit").is_some() && op.success_body().is_none() => Ok(()),
            None => Err(Failure::generator("the documented body is not given back", format!("{got}"))),
        },
        Body::Other(text) | Body::BadJson(text) if item_content => match got["bytes"].as_str() {
            Some(bytes) if bytes == text => Ok(()),
            _ => Err(Failure::generator("the raw content is not given back", format!("{got}"))),
        },
        Body::Other(_) | Body::BadJson(_) if got.get("unit").is_some() => Ok(()),
        // Nothing documented to give back: the call succeeding is all there is to check.
        Body::None => Ok(()),
        _ => Err(Failure::generator("the answer is not given back as documented", format!("{got}"))),
    }?;
    created_and_accepted(answer, report)
}

/// A `201`'s `Location` and a `202`'s monitor, as the client gives them back.
fn created_and_accepted(answer: &Answer, report: &Value) -> Result<(), Failure> {
    let Some(location) = answer.header("location") else { return Ok(()) };
    let base = report["base_url"].as_str().unwrap_or("");
    match answer.status {
        201 if report["location"].as_str() != Some(location) => {
            Err(Failure::generator("a 201's Location is not given back", format!("`{location}` became {}", report["location"])))
        }
        202 => {
            let absolute = if location.contains("://") {
                location.to_owned()
            } else {
                format!("{}/{}", base.trim_end_matches('/'), location.trim_start_matches('/'))
            };
            match report["monitor"].as_str() {
                Some(monitor) if monitor == absolute => Ok(()),
                _ => Err(Failure::generator("a 202's monitor is not given back", format!("`{location}` became {}", report["monitor"]))),
            }
        }
        _ => Ok(()),
    }
}

/// The client failed on a success answer: whose fault?
fn answer_error(exchange: &Exchange, case: &HttpCase, model: &ApiModel, types: &[OperationTypes], answer: &Answer, error: &str) -> Failure {
    let op = &model.operations[case.operation];
    let detail = format!("{error} (the docs answer {})", answer.status);
    match &answer.body {
        Body::Json(documented) => {
            let response = response_case(exchange, case, documented.clone());
            if let Plan::Fail(failure) = plan(&response, model, types) {
                return failure;
            }
            let message = error.split_once(": ").map_or(error, |(_, m)| m);
            judge(&response, model, Err(message)).err().unwrap_or_else(|| Failure::generator("does not decode", detail))
        }
        Body::None if op.success_body().is_some() => {
            if answer.status == 204 || exchange.page_says_no_response_body {
                Failure::doc(
                    "a status the Response section contradicts",
                    format!("the example answers {} without a body; {detail}", answer.status),
                )
            } else if exchange.page_names_response_type {
                let detail = format!("the example answers {} without the body its Response section declares; {detail}", answer.status);
                Failure::doc("an answer without the body the Response section declares", detail)
            } else {
                Failure::generator("an answer without a body where the model has one", detail)
            }
        }
        Body::Other(_) | Body::BadJson(_) if op.success_body().is_some() => Failure::generator("raw content decoded as JSON", detail),
        _ => Failure::generator("the client fails on the documented answer", detail),
    }
}

/// What the other host serves behind a redirect (as in the harness).
const REDIRECTED: &str = "the content behind the redirect";

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholder_holds_path(name: &str) -> bool {
        name == "item_path"
    }

    #[test]
    fn templates_capture_values_and_paths_keep_their_slashes() {
        let template = pieces("/me/drive/root:/{item_path}:/content");
        let got = capture(&template, "/me/drive/root:/Folder%20A/file.txt:/content", &placeholder_holds_path, &[]);
        assert_eq!(got, Some(vec![("item_path", "Folder A/file.txt".to_owned())]));
        let template = pieces("/users/{user_id}/messages/{message_id}");
        let got = capture(&template, "/Users/a@b.com/messages/AAMk=", &placeholder_holds_path, &[]);
        assert_eq!(got, Some(vec![("user_id", "a@b.com".to_owned()), ("message_id", "AAMk=".to_owned())]));
        assert_eq!(capture(&template, "/users/a/b/messages/c", &placeholder_holds_path, &[]), None, "one segment only");
        let template = pieces("/reports/getX(period='{period}')");
        assert_eq!(capture(&template, "/reports/getX(period='D7')", &placeholder_holds_path, &[]), Some(vec![("period", "D7".to_owned())]));
    }

    /// The docs-input pages, their exchanges and what the judge needs.
    fn default_pages(check: impl FnOnce(&[Exchange], &[HttpPlan], &ApiModel, &[OperationTypes])) {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input");
        let corpus = docgen::Corpus::read(&docs).unwrap();
        let surface = docgen::emit::rust::Surface::new(&corpus.model, &mut docgen::diagnostics::Diagnostics::default());
        let types = docgen::emit::rust::operation_types(&surface, "graph-client");
        let paths = ItemPaths::outside("graph-client");
        let cx = Context::new(&corpus.pages, &corpus.model, surface.operations(), &types, &paths);
        let (exchanges, _) = collect(&corpus.pages, &corpus.sources);
        let plans: Vec<HttpPlan> = exchanges.iter().enumerate().map(|(id, e)| plan_exchange(id, e, &cx)).collect();
        check(&exchanges, &plans, &corpus.model, &types);
    }

    /// What the program reports when the function and the client do what the
    /// example shows (a JSON answer given back as documented).
    fn faithful_report(exchange: &Exchange, built_path: &str) -> Value {
        let answer = exchange.answer.as_ref().unwrap();
        let Body::Json(body) = &answer.body else { panic!("a JSON answer") };
        serde_json::json!({
            "request": { "method": exchange.method.as_str(), "path": built_path, "query": "", "headers": [], "body": null },
            "answer": { "json": body },
            "received": [{ "method": exchange.method.as_str(), "target": format!("/v1.0{built_path}"), "token": true }],
            "other_host": { "requests": 0, "with_token": 0 },
            "base_url": "http://127.0.0.1:1/v1.0",
        })
    }

    #[test]
    fn every_default_example_runs_and_a_wrong_request_or_answer_fails() {
        default_pages(|exchanges, plans, model, types| {
            assert!(exchanges.len() >= 10, "{} exchanges", exchanges.len());
            for (exchange, plan) in exchanges.iter().zip(plans) {
                if let HttpPlan::Fail(failure) = plan {
                    panic!("{}:{}: {failure}", exchange.file, exchange.line);
                }
            }
            let (exchange, case) = exchanges
                .iter()
                .zip(plans)
                .find_map(|(e, p)| match p {
                    HttpPlan::Run(case) if e.path.contains("root:/Reports/") => Some((e, case)),
                    _ => None,
                })
                .expect("driveitem-get.md's item-path example");
            let path = "/me/drive/root:/Reports/Quarterly%20summary.pdf";
            assert_eq!(judge_report(exchange, case, model, types, Ok(&faithful_report(exchange, path))), Ok(()));

            let encoded_slash = faithful_report(exchange, "/me/drive/root:/Reports%2FQuarterly%20summary.pdf");
            let failure = judge_report(exchange, case, model, types, Ok(&encoded_slash)).unwrap_err();
            assert_eq!((failure.kind.as_str(), failure.doc_defect), ("the path differs after percent-decoding", false));

            let mut no_token = faithful_report(exchange, path);
            no_token["received"][0]["token"] = false.into();
            let failure = judge_report(exchange, case, model, types, Ok(&no_token)).unwrap_err();
            assert_eq!(failure.kind, "the Client method sends another request than the function builds");

            let mut lost_member = faithful_report(exchange, path);
            let Some(Value::Object(members)) = lost_member["answer"].get_mut("json") else { panic!("a JSON answer") };
            let first = members.keys().find(|k| !k.starts_with('@')).cloned().unwrap();
            members.remove(&first);
            assert!(judge_report(exchange, case, model, types, Ok(&lost_member)).is_err(), "`{first}` lost on the way back");

            let mut failed = faithful_report(exchange, path);
            failed["answer"] = serde_json::json!({ "error": "decode", "status": 200, "code": null });
            assert!(judge_report(exchange, case, model, types, Ok(&failed)).is_err());
        });
    }

    #[test]
    fn sample_keys_break_ties() {
        let template = pieces("/sites/{site_id}/lists/{list_id}");
        let samples = vec!["contoso.sharepoint.com,2C712604".to_owned()];
        let got = capture(&template, "/sites/contoso.sharepoint.com,2C712604/lists/L1", &|_: &str| false, &samples);
        assert_eq!(got.unwrap()[0].1, "contoso.sharepoint.com,2C712604");
    }

    #[test]
    fn call_arguments_and_queries_are_read_as_written() {
        assert_eq!(
            call_argument_pairs("a=1,b='x,y',c='it''s'"),
            [("a".to_owned(), "1".to_owned()), ("b".to_owned(), "'x,y'".to_owned()), ("c".to_owned(), "'it''s'".to_owned())]
        );
        assert_eq!(unquote("'it''s'"), "it's");
        assert_eq!(
            query_pairs("$orderby=receivedDateTime+desc&$filter=a%20eq%201"),
            [("$orderby".to_owned(), "receivedDateTime desc".to_owned()), ("$filter".to_owned(), "a eq 1".to_owned())]
        );
    }

    #[test]
    fn paths_compare_after_decoding_with_call_arguments_by_name() {
        assert_eq!(path_shape("/me/drive/root:/A%20B/c.txt:/content", &[]), path_shape("/me/drive/root:/A B/c.txt:/content", &[]));
        assert_ne!(
            path_shape("/me/drive/root:/A%2FB:/content", &[]),
            path_shape("/me/drive/root:/A/B:/content", &[]),
            "an encoded slash is one segment: the item-path defect"
        );
        assert_eq!(path_shape("/r/f(b=2,a='x')", &[]), path_shape("/r/f(a=x,b=2)", &[]));
        let moved = vec![("token".to_owned(), "latest".to_owned())];
        assert_eq!(path_shape("/me/drive/root/delta", &moved), path_shape("/me/drive/root/delta(token='latest')", &[]));
        assert_eq!(keys_as_segments("/me/mailFolders('SentItems')/messages").as_deref(), Some("/me/mailFolders/SentItems/messages"));
        assert_eq!(keys_as_segments("/range(address='A1')/usedRange()"), None, "calls are not keys");
        assert_eq!(
            call_values_as_placeholders("/r/rowsAbove(count=n)/x(a='{a}',on='v')"),
            "/r/rowsAbove(count={count})/x(a='{a}',on={on})"
        );
    }
}
