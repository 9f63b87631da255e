//! Stage 2: one Markdown page -> one `Page`, the page model. This module knows
//! the Graph docs layout (sections, tables, annotated examples) but nothing
//! about other pages; linking pages together is `resolve`'s job. Its cases are
//! the fixture directories of `generator/tests/rules/` (pages, diagnostics, model).

use super::annotation::{self, Annotation};
use super::example::json_text;
pub use super::example::{Example, ExampleRole, Payload};
use super::front_matter;
use super::http::{parse_request_line, unknown_method, RequestLine};
use super::markdown::{blocks, Block, BlockKind, Inline, Link, TableRow};
use super::page_kind;
use super::wording::{self, BodyStatement, Section};
use super::Located;
use crate::diagnostics::{Code, Diagnostics};
use crate::load::SourceFile;
use crate::model::HttpMethod;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PageKind {
    Api,
    Resource,
    Enum,
    /// Conceptual and overview pages: loaded, not modelled.
    #[default]
    Conceptual,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub file: String,
    pub kind: PageKind,
    pub title: String,
    pub title_line: u32,
    /// Product area from `ms.prod`, normalized (`Outlook` -> `outlook`); `other` when absent.
    pub area: String,
    pub namespace: Option<String>,
    pub description: String,
    pub http: Option<HttpSection>,
    /// Query options the page names as supported (`$select`, ...), lower case.
    pub query_options: Vec<String>,
    /// Query options a sentence of the query-parameters section says are not
    /// supported ("`$skip` isn't supported"), with its line.
    pub unsupported_query_options: Vec<(String, u32)>,
    pub headers: Vec<Row>,
    pub request_body: BodySection,
    /// A JSON block shown in the `Request body` section (instead of a parameter table).
    pub body_sample: Option<Located<Payload>>,
    /// Rows of `Function parameters`, `Path parameters` or `Parameters` tables.
    pub function_parameters: Vec<Row>,
    /// Parameters the introduction or the `Request body` section names in a
    /// sentence ("the `message` parameter"), first mention first.
    pub named_parameters: Vec<NamedParameter>,
    pub response: Option<ResponseSentence>,
    /// A request's annotation says `"target": "action"`: the page's requests
    /// call an action or function, whatever its title says ("List recent files").
    pub requests_call: bool,
    pub examples: Vec<Example>,
    pub base_type: Option<TypeCell>,
    /// Types the page names as derived from its own ("the derived types are [x], [y]").
    pub derived_types: Vec<TypeCell>,
    /// The page says its type is an OData open type ("This type is an open
    /// type", a title ending in "(Open Type)").
    pub open_type: bool,
    pub properties: Vec<Row>,
    pub relationships: Vec<Row>,
    /// Members of the page's own enum (enum pages).
    pub members: Vec<Row>,
    /// Enums documented under `### <name> values` headings, on enum or resource pages.
    pub named_enums: Vec<NamedEnum>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NamedParameter {
    pub name: String,
    /// The sentence that names it, which is all the page says about it.
    pub sentence: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NamedEnum {
    pub name: String,
    pub line: u32,
    pub members: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpSection {
    /// Line of the first code block of the section (or of its heading when it has none).
    pub line: u32,
    pub requests: Vec<(u32, RequestLine)>,
}

/// A table row: name, type cell and description.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub ty: TypeCell,
    pub description: String,
    pub line: u32,
}

/// A type as written in a table cell or sentence: its text and the link target, if linked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeCell {
    pub text: String,
    pub link: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub enum BodySection {
    /// No `Request body` section at all.
    #[default]
    Unspecified,
    /// The page says the method takes no body.
    Empty,
    /// Action parameters.
    Parameters { line: u32, rows: Vec<Row> },
    /// "a JSON representation of the [x] object".
    Resource { line: u32, ty: TypeCell },
    /// "the values for relevant fields that should be updated".
    Update { line: u32, rows: Vec<Row> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseSentence {
    pub line: u32,
    pub status: Option<u16>,
    pub ty: Option<TypeCell>,
    pub collection: bool,
    /// "redirects to a preauthenticated download URL": the result is content behind a redirect.
    pub redirects_to_content: bool,
}

pub fn parse_page(source: &SourceFile, diags: &mut Diagnostics) -> Page {
    let file = source.path.as_str();
    let (front, yaml_error) = front_matter::parse(&source.text);
    if let Some((line, message)) = yaml_error {
        diags.report(Code::BadFrontMatter, (file, line), format!("the YAML front matter does not parse ({message}); read it line by line"));
    }
    let blocks = blocks(&source.text);
    let (title, title_line) = blocks
        .iter()
        .find_map(|b| match &b.kind {
            BlockKind::Heading { level: 1, text } => Some((text.clone(), b.line)),
            _ => None,
        })
        .or_else(|| front.title.clone().map(|t| (t, 1)))
        // No title: diagnostics about the page as a whole point at its first line.
        .unwrap_or_else(|| (String::new(), 1));
    if title.is_empty() {
        diags.report(Code::MissingTitle, (file, 1), "the page has no `# title` heading and no front matter title");
    }
    let title_says_open_type = wording::title_says_open_type(&title);
    let mut page = Page {
        file: file.to_owned(),
        kind: page_kind::stated(&page_kind::Stated { file, doc_type: front.doc_type.as_deref(), title: &title }),
        title,
        title_line,
        area: area_name(front.product.as_deref()),
        namespace: None,
        description: front.description.clone().unwrap_or_default(),
        http: None,
        query_options: Vec::new(),
        unsupported_query_options: Vec::new(),
        headers: Vec::new(),
        request_body: BodySection::Unspecified,
        body_sample: None,
        function_parameters: Vec::new(),
        named_parameters: Vec::new(),
        response: None,
        requests_call: false,
        examples: Vec::new(),
        base_type: None,
        derived_types: Vec::new(),
        open_type: wording::says_open_type(front.description.as_deref().unwrap_or("")) || title_says_open_type,
        properties: Vec::new(),
        relationships: Vec::new(),
        members: Vec::new(),
        named_enums: Vec::new(),
    };
    SectionWalker { page: &mut page, diags, section: Section::Preamble, section_level: 1, pending: None, seen_title: false }.walk(&blocks);
    page_kind::correct(&mut page, diags);
    if page.kind == PageKind::Api {
        report_bad_example_json(&page, diags);
    }
    page
}

/// An operation page's request and response examples are read for their
/// bodies (parameters, result types, members), so a body that is not JSON is
/// a defect there; elsewhere nothing reads it.
fn report_bad_example_json(page: &Page, diags: &mut Diagnostics) {
    for role in [ExampleRole::Request, ExampleRole::Response] {
        for example in page.examples.iter().filter(|e| e.role == role) {
            if let Some(Located { value: Payload::BadJson(err), line }) = &example.body {
                let message = format!(
                    "the example body is not valid JSON even after removing comments and elisions ({}); it is ignored",
                    err.message
                );
                diags.report(Code::BadExampleJson, (&page.file, line + err.line - 1), message);
            }
        }
    }
}

/// A Cargo feature name from `ms.prod`: lower-case ASCII letters, digits and `-`.
pub fn area_name(product: Option<&str>) -> String {
    let name: String =
        product.unwrap_or("").trim().to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let name = name.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) || matches!(name.as_str(), "full" | "default" | "client") {
        "other".to_owned()
    } else {
        name
    }
}

struct SectionWalker<'a> {
    page: &'a mut Page,
    diags: &'a mut Diagnostics,
    section: Section,
    /// Level of the heading that opened `section`: a heading as high ends it.
    section_level: u8,
    /// The annotation comment waiting for the code block it describes.
    pending: Option<(Annotation, u32)>,
    seen_title: bool,
}

impl SectionWalker<'_> {
    fn walk(mut self, blocks: &[Block]) {
        for block in blocks {
            match &block.kind {
                BlockKind::Heading { level, text } => self.heading(*level, text, block.line),
                BlockKind::Paragraph(inline) => self.paragraph(inline, block.line),
                BlockKind::Table { header, rows } => self.table(header, rows, block.line),
                BlockKind::Code { lang, text, body_line } => self.code(lang, text, block.line, *body_line),
                BlockKind::Html(html) => self.html(html, block.line),
            }
        }
        if self.page.kind == PageKind::Api && self.page.http.is_none() {
            self.diags.report(
                Code::MissingHttpRequest,
                (&self.page.file, self.page.title_line),
                "the page has no `## HTTP request` section",
            );
        }
    }

    fn heading(&mut self, level: u8, text: &str, line: u32) {
        if level == 1 && !self.seen_title {
            self.seen_title = true;
            return;
        }
        if let Some(name) = enum_values_heading(text) {
            self.page.named_enums.push(NamedEnum { name, line, members: Vec::new() });
            self.section = Section::NamedEnum;
            self.section_level = level;
            self.pending = None;
            return;
        }
        let section = wording::heading(text);
        // Subheadings keep their section ("### Request" under Examples), except known
        // sections and lists that are not part of the one above ("### Derived types").
        // A sibling heading ("### Link types" after "### Request body") ends it too.
        let ends_section = (wording::is_unrelated_subheading(text) || level <= self.section_level) && self.section != Section::Examples;
        let switches = level <= 2 || ends_section || (section != Section::Other && self.section != Section::Examples);
        if switches {
            self.section = section;
            self.section_level = level;
            if section == Section::Http && self.page.http.is_none() {
                self.page.http = Some(HttpSection { line, requests: Vec::new() });
            }
        }
        self.pending = None;
    }

    fn paragraph(&mut self, inline: &Inline, line: u32) {
        let text = inline.text.trim();
        if let Some(ns) = text.strip_prefix("Namespace:") {
            let ns = ns.split_whitespace().next().unwrap_or("").trim_matches(|c: char| c == '`' || c == '.' || c == ',');
            if !ns.is_empty() && self.page.namespace.is_none() {
                self.page.namespace = Some(ns.to_owned());
            }
            return;
        }
        if let Some(base) = inherits_from(inline) {
            self.page.base_type.get_or_insert(base);
        }
        if self.section != Section::Examples {
            self.page.derived_types.extend(derived_types(inline));
            self.page.open_type |= wording::says_open_type(text);
        }
        if matches!(self.section, Section::Preamble | Section::Body) {
            for name in parameters_named(inline) {
                if !self.page.named_parameters.iter().any(|known| known.name.eq_ignore_ascii_case(&name)) {
                    self.page.named_parameters.push(NamedParameter { name, sentence: text.to_owned(), line });
                }
            }
        }
        match self.section {
            Section::Preamble if self.page.description.is_empty() && is_prose(text) => {
                self.page.description = text.to_owned();
            }
            Section::Body => self.body_sentence(inline, line),
            Section::Response if self.page.response.is_none() => {
                self.page.response = response_sentence(inline, line);
            }
            Section::QueryParameters => {
                for clause in text.split(['.', ';', '(', ')']) {
                    match wording::not_supported_span(clause) {
                        Some(span) => {
                            collect_query_options(&clause[..span.start], &mut self.page.query_options);
                            collect_query_options(&clause[span.end..], &mut self.page.query_options);
                            let mut unsupported = Vec::new();
                            collect_query_options(&clause[span], &mut unsupported);
                            self.page.unsupported_query_options.extend(unsupported.into_iter().map(|option| (option, line)));
                        }
                        None => collect_query_options(clause, &mut self.page.query_options),
                    }
                }
            }
            _ => {}
        }
    }

    fn body_sentence(&mut self, inline: &Inline, line: u32) {
        if !matches!(self.page.request_body, BodySection::Unspecified) {
            return;
        }
        match wording::body_statement(&inline.text) {
            Some(BodyStatement::Empty) => self.page.request_body = BodySection::Empty,
            Some(BodyStatement::Update) => self.page.request_body = BodySection::Update { line, rows: Vec::new() },
            // Without a link the sentence names no type: later sentences may still say what the body is.
            Some(BodyStatement::Resource) => {
                if let Some(link) = inline.links.iter().find(|l| is_page_link(&l.dest)) {
                    self.page.request_body =
                        BodySection::Resource { line, ty: TypeCell { text: link.text.clone(), link: Some(link.dest.clone()) } };
                }
            }
            None => {}
        }
    }

    fn table(&mut self, header: &[Inline], rows: &[TableRow], line: u32) {
        let columns = Columns::find(header);
        let modelled = matches!(
            self.section,
            Section::Properties | Section::Relationships | Section::Members | Section::NamedEnum | Section::Body | Section::PathParameters
        );
        for row in rows.iter().filter(|_| modelled) {
            let name_empty = row.cells.get(columns.name).is_none_or(|c| c.text.trim().trim_matches('`').trim().is_empty());
            if name_empty && row.cells.iter().any(|c| !c.text.trim().is_empty()) {
                self.diags.report(Code::EmptyName, (&self.page.file, row.line), "this table row has no name; it is dropped");
            }
        }
        match self.section {
            Section::Headers => self.page.headers.extend(columns.rows(rows)),
            Section::QueryParameters => {
                for row in columns.rows(rows) {
                    collect_query_options(&row.name, &mut self.page.query_options);
                }
            }
            Section::Body if columns.ty.is_some() => match &mut self.page.request_body {
                BodySection::Update { rows: existing, .. } => existing.extend(columns.rows(rows)),
                BodySection::Parameters { rows: existing, .. } => existing.extend(columns.rows(rows)),
                _ => self.page.request_body = BodySection::Parameters { line, rows: columns.rows(rows) },
            },
            Section::PathParameters if columns.ty.is_some() => self.page.function_parameters.extend(columns.rows(rows)),
            Section::Properties if columns.ty.is_some() => self.page.properties.extend(columns.rows(rows)),
            Section::Relationships if columns.ty.is_some() => self.page.relationships.extend(columns.rows(rows)),
            Section::Members => self.page.members.extend(columns.rows(rows)),
            Section::NamedEnum => {
                if let Some(named) = self.page.named_enums.last_mut() {
                    named.members.extend(columns.rows(rows));
                }
            }
            _ if self.page.kind == PageKind::Enum && columns.is_member_table => self.page.members.extend(columns.rows(rows)),
            _ => {}
        }
    }

    fn html(&mut self, html: &str, line: u32) {
        match annotation::parse(html) {
            None => {}
            Some(Ok(annotation)) => self.pending = Some((annotation, line)),
            Some(Err(message)) => {
                self.diags.report(
                    Code::BadAnnotation,
                    (&self.page.file, line),
                    format!("the example annotation is not valid JSON ({message}); it is ignored"),
                );
                self.pending = Some((Annotation::default(), line));
            }
        }
    }

    fn code(&mut self, lang: &str, text: &str, line: u32, body_line: u32) {
        let pending = self.pending.take().map(|(a, _)| a);
        self.page.requests_call |= pending.as_ref().is_some_and(|a| a.targets_call && a.block_type.as_deref() == Some("request"));
        if self.section == Section::Http {
            self.http_block(text, line, body_line);
            return;
        }
        if self.section == Section::Body && pending.is_none() && text.trim_start().starts_with('{') && self.page.body_sample.is_none() {
            self.page.body_sample = Some(Located { value: json_text(text), line: body_line });
            return;
        }
        let annotation = pending.unwrap_or_default();
        let role = match annotation.block_type.as_deref() {
            Some("request") => ExampleRole::Request,
            Some("response") => ExampleRole::Response,
            Some("resource") => ExampleRole::Resource,
            Some(_) => ExampleRole::Other,
            None => guess_role(self.section, text),
        };
        self.page.examples.push(Example::parse(role, annotation, line, body_line, lang, text));
    }

    fn http_block(&mut self, text: &str, line: u32, body_line: u32) {
        let http = self.page.http.get_or_insert(HttpSection { line, requests: Vec::new() });
        if http.requests.is_empty() {
            http.line = line;
        }
        for (offset, raw) in text.lines().enumerate() {
            let raw = raw.trim();
            if raw.is_empty() || raw.starts_with('#') || raw.starts_with("//") {
                continue;
            }
            let line_no = body_line + offset as u32;
            match parse_request_line(raw) {
                Some(request) => http.requests.push((line_no, request)),
                None if unknown_method(raw).is_some() => {
                    let verb = unknown_method(raw).unwrap_or_default();
                    let known: Vec<&str> = HttpMethod::ALL.iter().map(|m| m.as_str()).collect();
                    let message =
                        format!("`{raw}`: `{verb}` is not a method the generated client sends ({}); the line is skipped", known.join(", "));
                    self.diags.report(Code::UnknownMethod, (&self.page.file, line_no), message)
                }
                None => self.diags.report(
                    Code::BadRequestLine,
                    (&self.page.file, line_no),
                    format!("`{raw}` is not a `METHOD /path` request line; it is skipped"),
                ),
            }
        }
    }
}

/// `chatType values` -> `chatType`. Only `<identifier> values`, so headings such as
/// "Enum values" or "Property values" are not taken for enum names.
fn enum_values_heading(text: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    let (name, values, rest) = (words.next()?, words.next()?, words.next());
    let name = name.trim_matches('`');
    let is_identifier =
        name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let generic = wording::is_generic_values_heading(name);
    (values.eq_ignore_ascii_case("values") && rest.is_none() && is_identifier && !generic).then(|| name.to_owned())
}

fn guess_role(section: Section, text: &str) -> ExampleRole {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    if section == Section::JsonRepresentation {
        ExampleRole::Resource
    } else if first.to_ascii_uppercase().starts_with("HTTP") {
        ExampleRole::Response
    } else if parse_request_line(first).is_some() {
        ExampleRole::Request
    } else {
        ExampleRole::Other
    }
}

fn is_prose(text: &str) -> bool {
    !text.is_empty() && !text.starts_with("[!") && !text.starts_with('>') && !text.starts_with('|')
}

fn is_page_link(dest: &str) -> bool {
    let path = dest.split('#').next().unwrap_or("");
    path.ends_with(".md") || (!path.is_empty() && !path.contains("://") && !path.starts_with('/'))
}

/// Names the sentence calls a parameter: a marked name (code or bold) right
/// after "the"/"a"/"an" and right before the singular word "parameter" ("the
/// `message` parameter"). Not "the **settings** parameter of [x]", which is
/// another type's member, nor "the `id` parameters", which are usually path keys.
fn parameters_named(inline: &Inline) -> Vec<String> {
    let lower = inline.text.to_ascii_lowercase();
    let mut out: Vec<String> = Vec::new();
    for name in &inline.marked {
        let is_identifier = name.starts_with(|c: char| c.is_ascii_alphabetic()) && name.chars().all(|c| c.is_ascii_alphanumeric());
        if !is_identifier || out.contains(name) {
            continue;
        }
        let phrase = format!("{} {}", name.to_ascii_lowercase(), wording::PARAMETER_NOUN);
        let named = lower.match_indices(&phrase).any(|(at, _)| {
            let before = lower[..at].trim_end();
            let after = &lower[at + phrase.len()..];
            let article =
                wording::ARTICLES.iter().any(|a| before.strip_suffix(a).is_some_and(|rest| rest.is_empty() || rest.ends_with(' ')));
            let singular = !after.starts_with(|c: char| c.is_ascii_alphanumeric());
            article && singular && !after.trim_start().starts_with("of ")
        });
        if named {
            out.push(name.clone());
        }
    }
    out
}

/// The page links that the derived-types phrase lists: right after it (or
/// after "... such as"), separated only by commas, "and" and "or", within its
/// sentence. "A base class for apply actions in the [x]" lists nothing.
fn derived_types(inline: &Inline) -> Vec<TypeCell> {
    let lower = inline.text.to_ascii_lowercase();
    let Some(mut cursor) = wording::derived_types_phrase(&lower) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let start = cursor;
    for (at, link) in link_positions(inline).into_iter().filter(|(at, _)| *at >= start) {
        let gap = lower[cursor..at].trim();
        let lists_it = if out.is_empty() { gap.is_empty() || gap.ends_with("such as") } else { is_list_separator(gap) };
        if !lists_it || !is_page_link(&link.dest) {
            break;
        }
        out.push(TypeCell { text: link.text.clone(), link: Some(link.dest.clone()) });
        cursor = at + link.text.len();
    }
    out
}

/// `,`, `and`, `, and`, `or` between the items of a list.
fn is_list_separator(gap: &str) -> bool {
    gap.split(|c: char| c == ',' || c.is_whitespace()).all(|word| matches!(word, "" | "and" | "or"))
}

/// Where each link's text starts in the inline text, in document order.
fn link_positions(inline: &Inline) -> Vec<(usize, &Link)> {
    let mut from = 0;
    let mut out = Vec::new();
    for link in &inline.links {
        if let Some(found) = inline.text[from..].find(&link.text) {
            out.push((from + found, link));
            from += found + link.text.len();
        }
    }
    out
}

fn inherits_from(inline: &Inline) -> Option<TypeCell> {
    let lower = inline.text.to_ascii_lowercase();
    let (_, end) = wording::inheritance_phrase(&lower)?;
    let after = &inline.text[end..];
    // The link right after the phrase ("inherits from [x]", "derived from the [**x**]"),
    // not an earlier link whose text happens to reappear later.
    let next_link = link_positions(inline).into_iter().find(|(position, _)| *position >= end);
    let in_sentence = |(position, link): &(usize, &Link)| is_page_link(&link.dest) && !inline.text[end..*position].contains(". ");
    if let Some((_, link)) = next_link.filter(in_sentence) {
        return Some(TypeCell { text: link.text.clone(), link: Some(link.dest.clone()) });
    }
    let word = after.split_whitespace().next()?.trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
    (!word.is_empty()).then(|| TypeCell { text: word.to_owned(), link: None })
}

/// "If successful, this method returns a `200 OK` response code and a collection of [x](x.md) objects".
pub(crate) fn response_sentence(inline: &Inline, line: u32) -> Option<ResponseSentence> {
    let text = &inline.text;
    let status = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|t| t.len() == 3)
        .filter_map(|t| t.parse::<u16>().ok())
        .find(|c| (100..600).contains(c));
    if status.is_none() && !wording::says_return(text) {
        return None;
    }
    let item_before_collection = word_before(text, "collection");
    let collection = wording::says_collection(text) || item_before_collection.is_some();
    let ty = inline
        .links
        .iter()
        .find(|l| is_page_link(&l.dest) && !l.dest.contains("errors") && !l.dest.contains("/concepts/"))
        .map(|l| TypeCell { text: l.text.clone(), link: Some(l.dest.clone()) })
        .or_else(|| object_word(text).or(item_before_collection).map(|w| TypeCell { text: w, link: None }));
    let redirects_to_content = wording::says_redirect_to_content(text);
    Some(ResponseSentence { line, status, ty, collection, redirects_to_content })
}

/// The word before `object`/`objects` in a sentence ("an uploadSession object").
fn object_word(text: &str) -> Option<String> {
    word_before(text, "object").or_else(|| word_before(text, "objects"))
}

/// The type name written just before `noun` ("a String collection", "an
/// uploadSession object"); articles and filler words are not names.
fn word_before(text: &str, noun: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).find_map(|w| {
        let next = w[1].trim_end_matches(|c: char| !c.is_alphanumeric());
        let word = w[0].trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
        let is_name = word.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && !wording::is_filler_word(word);
        (next.eq_ignore_ascii_case(noun) && is_name).then(|| word.to_owned())
    })
}

fn collect_query_options(text: &str, into: &mut Vec<String>) {
    for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '$')) {
        if let Some(name) = token.strip_prefix('$') {
            let option = format!("${}", name.to_ascii_lowercase());
            if !name.is_empty() && !into.contains(&option) {
                into.push(option);
            }
        }
    }
}

/// Which table columns hold the name, type and description. Header names vary
/// (`Parameter`, `Name`, `Property`, `Member`), so we match on keywords.
struct Columns {
    name: usize,
    ty: Option<usize>,
    description: Option<usize>,
    is_member_table: bool,
}

impl Columns {
    fn find(header: &[Inline]) -> Columns {
        let names: Vec<String> = header.iter().map(|h| h.text.trim().to_ascii_lowercase()).collect();
        let position = |keys: &[&str]| names.iter().position(|n| keys.iter().any(|k| n.contains(k)));
        let description = position(wording::DESCRIPTION_COLUMNS);
        let name = position(wording::NAME_COLUMNS).unwrap_or(0);
        let value_column = names.iter().position(|n| n == wording::VALUE_COLUMN);
        let ty = position(wording::TYPE_COLUMNS).or_else(|| value_column.filter(|&i| i != name && names.len() >= 3));
        let is_member_table = names.iter().any(|n| wording::MEMBER_COLUMNS.contains(&n.as_str()));
        Columns { name, ty, description, is_member_table }
    }

    fn rows(&self, rows: &[TableRow]) -> Vec<Row> {
        let mut out: Vec<Row> = Vec::new();
        for row in rows {
            let cell = |i: usize| row.cells.get(i).cloned().unwrap_or_default();
            let name = cell(self.name).text.trim().trim_matches('`').trim().to_owned();
            if name.is_empty() {
                continue;
            }
            if let Some(previous) = out.last_mut().filter(|_| self.continues_previous(row, &name)) {
                previous.description = format!("{} {name}", previous.description);
                continue;
            }
            let ty = self.ty.map(cell).map(|c| type_cell(&c)).unwrap_or_default();
            let description = self.description.map(cell).map(|c| c.text.trim().to_owned()).unwrap_or_default();
            out.push(Row { name, ty, description, line: row.line });
        }
        out
    }

    /// A description broken over two lines makes the second a row of its own,
    /// holding words in the name column and nothing else.
    fn continues_previous(&self, row: &TableRow, name: &str) -> bool {
        let other_cells_empty =
            [self.ty, self.description].into_iter().flatten().all(|i| row.cells.get(i).is_none_or(|c| c.text.trim().is_empty()));
        let several_columns = self.ty.is_some() || self.description.is_some();
        several_columns && other_cells_empty && name.contains([' ', ',', '(', ')'])
    }
}

fn type_cell(cell: &Inline) -> TypeCell {
    let link = cell.links.iter().find(|l| is_page_link(&l.dest)).map(|l| l.dest.clone());
    TypeCell { text: cell.text.trim().to_owned(), link }
}
