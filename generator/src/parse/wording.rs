//! The words the pages use, in one place: each table below lists the phrases
//! of one meaning, and each reader says how it matches them (case-insensitive
//! unless it says otherwise). Every reader of a page's wording (the page
//! walker, the resolver's title reading) goes through here, so one phrase
//! has one meaning everywhere; the test at the bottom is the list of phrases
//! and what they mean.

use crate::model::OperationKind;

/// The section a heading opens (`Preamble` and `NamedEnum` are the walker's
/// own states: before the first heading, and under `### <name> values`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Preamble,
    Permissions,
    Http,
    PathParameters,
    QueryParameters,
    Headers,
    Body,
    Response,
    Examples,
    Properties,
    Relationships,
    JsonRepresentation,
    Members,
    NamedEnum,
    Other,
}

/// How a phrase is found in lower-cased text.
#[derive(Debug, Clone, Copy)]
enum Phrase {
    Is(&'static str),
    StartsWith(&'static str),
    EndsWith(&'static str),
    Contains(&'static str),
}

impl Phrase {
    fn matches(self, lower: &str) -> bool {
        match self {
            Phrase::Is(p) => lower == p,
            Phrase::StartsWith(p) => lower.starts_with(p),
            Phrase::EndsWith(p) => lower.ends_with(p),
            Phrase::Contains(p) => lower.contains(p),
        }
    }
}

/// Heading phrases, first match wins (`unless`: a word that rules the row out).
const HEADINGS: &[(Phrase, Option<&str>, Section)] = &[
    (Phrase::StartsWith("http request"), None, Section::Http),
    (Phrase::StartsWith("permission"), None, Section::Permissions),
    (Phrase::Contains("query parameter"), None, Section::QueryParameters),
    (Phrase::Contains("path parameter"), None, Section::PathParameters),
    (Phrase::Contains("function parameter"), None, Section::PathParameters),
    (Phrase::Is("parameters"), None, Section::PathParameters),
    (Phrase::Contains("request header"), None, Section::Headers),
    (Phrase::StartsWith("request body"), None, Section::Body),
    (Phrase::Is("response"), None, Section::Response),
    (Phrase::StartsWith("response "), None, Section::Response),
    (Phrase::Is("responses"), None, Section::Response),
    (Phrase::StartsWith("example"), None, Section::Examples),
    (Phrase::Is("properties"), None, Section::Properties),
    (Phrase::StartsWith("properties "), None, Section::Properties),
    (Phrase::EndsWith(" properties"), Some("relationship"), Section::Properties),
    (Phrase::StartsWith("relationship"), None, Section::Relationships),
    (Phrase::StartsWith("json representation"), None, Section::JsonRepresentation),
    (Phrase::Is("members"), None, Section::Members),
    (Phrase::EndsWith(" values"), None, Section::Members),
    (Phrase::StartsWith("enum"), None, Section::Members),
];

/// The section a heading opens; leading numbering and marks (`1.`, `###`) are ignored.
pub fn heading(text: &str) -> Section {
    let lower = text.trim().to_ascii_lowercase();
    let lower = lower.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    HEADINGS
        .iter()
        .find(|(phrase, unless, _)| phrase.matches(lower) && unless.is_none_or(|word| !lower.contains(word)))
        .map_or(Section::Other, |(_, _, section)| *section)
}

/// Subheadings that end the section above them instead of continuing it
/// ("### Derived types" under "## Properties").
const UNRELATED_SUBHEADINGS: &[&str] = &["derived type", "method", "see also", "related", "remarks"];

pub fn is_unrelated_subheading(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    UNRELATED_SUBHEADINGS.iter().any(|p| lower.starts_with(p))
}

/// Words that head `### <word> values` without naming an enum ("Enum values", "Possible values").
const GENERIC_VALUES_HEADINGS: &[&str] = &["enum", "enumeration", "property", "possible", "return", "default"];

pub fn is_generic_values_heading(word: &str) -> bool {
    GENERIC_VALUES_HEADINGS.contains(&word.to_ascii_lowercase().as_str())
}

/// What a sentence of the `Request body` section says the body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyStatement {
    /// "Don't supply a request body for this method."
    Empty,
    /// "supply the values for relevant fields that should be updated".
    Update,
    /// "supply a JSON representation of [x]" (with the link that names x).
    Resource,
}

const BODY_STATEMENTS: &[(&str, BodyStatement)] = &[
    ("don't supply", BodyStatement::Empty),
    ("do not supply", BodyStatement::Empty),
    ("no request body", BodyStatement::Empty),
    ("not supply a request body", BodyStatement::Empty),
    ("should be updated", BodyStatement::Update),
    ("relevant fields", BodyStatement::Update),
    ("to update", BodyStatement::Update),
    ("json representation", BodyStatement::Resource),
];

/// The first statement, in table order, that the sentence contains.
pub fn body_statement(sentence: &str) -> Option<BodyStatement> {
    let lower = sentence.to_ascii_lowercase();
    BODY_STATEMENTS.iter().find(|(phrase, _)| lower.contains(phrase)).map(|(_, statement)| *statement)
}

/// Phrases of a response sentence that make its type a collection
/// (besides "x collection", which names its item: see [`is_filler_word`]).
const COLLECTION_PHRASES: &[&str] = &["collection of", "list of", "array of"];

pub fn says_collection(sentence: &str) -> bool {
    let lower = sentence.to_ascii_lowercase();
    COLLECTION_PHRASES.iter().any(|p| lower.contains(p))
}

/// A response sentence says what the method returns: it names a status code or says "return".
pub fn says_return(sentence: &str) -> bool {
    sentence.to_ascii_lowercase().contains("return")
}

/// "redirects to a preauthenticated download URL": the result is content behind a redirect.
pub fn says_redirect_to_content(sentence: &str) -> bool {
    let lower = sentence.to_ascii_lowercase();
    lower.contains("redirect") && (lower.contains("download") || lower.contains("content"))
}

/// Where a statement that something is not supported names it: before the
/// phrase ("`$skip` isn't supported") or after it ("doesn't support `$select`").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Names {
    Before,
    After,
}

/// Phrases that say the query options named with them are not supported, in
/// the order they are looked for (a longer phrase before the one it holds).
const NOT_SUPPORTED: &[(&str, Names)] = &[
    ("isn't supported", Names::Before),
    ("is not supported", Names::Before),
    ("aren't supported", Names::Before),
    ("are not supported", Names::Before),
    ("not supported", Names::Before),
    ("doesn't support", Names::After),
    ("does not support", Names::After),
    ("don't support", Names::After),
    ("do not support", Names::After),
    ("no support for", Names::After),
];

/// Words right after such a phrase that narrow it to a case, outside which the
/// option works: "not supported on **x**", "not supported when using $search".
const NARROWING_WORDS: &[&str] = &["on", "when", "with", "if", "unless", "while", "by", "together", "in combination"];

/// Subjects that make the statement about something other than the method:
/// "the **createdDateTime** properties do not support `$select`".
const OTHER_SUBJECTS: &[&str] = &["propert", "field", "column", "member"];

/// The part of a clause (one sentence, or a part of one between `;`, `(` or
/// `)`) whose query options it says are not supported: the text before
/// "isn't supported" (and a `:` list after it), or after "doesn't support";
/// `None` when the clause says no such thing, or narrows it to a case.
pub fn not_supported_span(clause: &str) -> Option<std::ops::Range<usize>> {
    let lower = clause.to_ascii_lowercase();
    let (start, phrase, names) = NOT_SUPPORTED.iter().find_map(|(phrase, names)| lower.find(phrase).map(|at| (at, *phrase, *names)))?;
    let end = start + phrase.len();
    let (subject, rest) = (&lower[..start], lower[end..].trim_start());
    let narrowed =
        NARROWING_WORDS.iter().any(|word| rest.strip_prefix(word).is_some_and(|after| after.is_empty() || after.starts_with(' ')));
    if narrowed || OTHER_SUBJECTS.iter().any(|word| subject.contains(word)) {
        return None;
    }
    Some(match names {
        Names::Before if rest.starts_with(':') => 0..clause.len(),
        Names::Before => 0..start,
        Names::After => end..clause.len(),
    })
}

/// Words before "object" or "collection" that are not type names ("the entire object").
const FILLER_WORDS: &[&str] = &["an", "a", "the", "of", "response", "json", "entire", "whole", "same", "new"];

pub fn is_filler_word(word: &str) -> bool {
    FILLER_WORDS.contains(&word.to_ascii_lowercase().as_str())
}

/// Phrases that introduce a base type: "Inherits from [x]", "inherits the
/// properties from [x]", "is derived from [x]", "derives from [x]".
const INHERITANCE_PHRASES: &[&str] = &[
    "inherits from",
    "inherits the properties from",
    "inherits properties from",
    "inherited from",
    "derived from",
    "derives from",
    "subclass of",
    "subclass from",
    "subtype of",
];

/// Phrases of a base type's page that introduce its derived types: "the
/// derived types are [x], [y]", "is the base type for [x] and [y]".
const DERIVED_PHRASES: &[&str] = &["derived types are", "base type for", "base class for", "base resource for"];

/// Where the inheritance phrase of `lower` (lower-cased text) that starts first begins and ends.
pub fn inheritance_phrase(lower: &str) -> Option<(usize, usize)> {
    INHERITANCE_PHRASES.iter().filter_map(|p| lower.find(p).map(|at| (at, p))).min().map(|(at, p)| (at, at + p.len()))
}

/// Where the derived-types phrase of `lower` that ends first ends: the list follows it.
pub fn derived_types_phrase(lower: &str) -> Option<usize> {
    DERIVED_PHRASES.iter().filter_map(|p| lower.find(p).map(|at| at + p.len())).min()
}

/// "This type is an open type.", "It is an Open Type.", "this is an _open type_".
pub fn says_open_type(text: &str) -> bool {
    text.to_ascii_lowercase().contains("is an open type")
}

/// A title ending in "(Open Type)".
pub fn title_says_open_type(title: &str) -> bool {
    title.to_ascii_lowercase().contains("(open type)")
}

/// The noun a sentence puts after a name it calls a parameter ("the `message` parameter").
pub const PARAMETER_NOUN: &str = "parameter";
/// The articles that may stand before such a name.
pub const ARTICLES: &[&str] = &["the", "a", "an"];

/// What a row's description says of whether a value must be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    Required,
    Optional,
}

/// The first sentence of a description that is "Required" or "Optional" on
/// its own ("Bearer {token}. Required.", "Optional. If unspecified, ...",
/// "The desired height. Optional.") or opens with "(Required)"/"(Optional)".
/// Words that merely contain them ("Optionally filters", "required when
/// using $search") state nothing. Header rows and function parameter rows
/// are read alike.
pub fn requirement(description: &str) -> Option<Requirement> {
    description.split_terminator(['.', ';']).find_map(|sentence| {
        let sentence = sentence.trim().to_ascii_lowercase();
        if sentence == "optional" || sentence.starts_with("(optional)") {
            Some(Requirement::Optional)
        } else if sentence == "required" || sentence.starts_with("(required)") {
            Some(Requirement::Required)
        } else {
            None
        }
    })
}

/// The operation a title's first word names (`List messages`, `Create user`).
const TITLE_VERBS: &[(&str, OperationKind)] = &[
    ("list", OperationKind::List),
    ("get", OperationKind::Get),
    ("create", OperationKind::Create),
    ("add", OperationKind::Create),
    ("post", OperationKind::Create),
    ("update", OperationKind::Update),
    ("delete", OperationKind::Delete),
    ("remove", OperationKind::Delete),
];

pub fn title_verb(word: &str) -> Option<OperationKind> {
    let lower = word.to_ascii_lowercase();
    TITLE_VERBS.iter().find(|(verb, _)| *verb == lower).map(|(_, kind)| *kind)
}

/// The last word of a title that names a call (`wipe action`, `getEffectivePermissions function`); case-sensitive.
const CALL_WORDS: &[&str] = &["action", "function"];

pub fn is_call_word(word: &str) -> bool {
    CALL_WORDS.contains(&word)
}

/// Table header words: the column holding the description, the name, the type.
pub const DESCRIPTION_COLUMNS: &[&str] = &["description", "notes", "remarks"];
pub const NAME_COLUMNS: &[&str] = &["parameter", "name", "property", "member", "header", "option"];
pub const TYPE_COLUMNS: &[&str] = &["type"];
/// Some parameter tables head their type column "Value"; enum tables head their members so.
pub const VALUE_COLUMN: &str = "value";
/// Headers that mark an enum's member table.
pub const MEMBER_COLUMNS: &[&str] = &["member", "value", "name"];

/// What a front matter `doc_type` says a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocType {
    Api,
    Resource,
    Enum,
    Conceptual,
}

const DOC_TYPES: &[(&str, DocType)] = &[
    ("apipagetype", DocType::Api),
    ("resourcepagetype", DocType::Resource),
    ("enumpagetype", DocType::Enum),
    ("conceptualpagetype", DocType::Conceptual),
];

/// `apiPageType`, `"resourcePageType"`: letters only, any case.
pub fn doc_type(value: &str) -> Option<DocType> {
    let value = value.to_ascii_lowercase();
    let value = value.trim_matches(|c: char| !c.is_ascii_alphabetic());
    DOC_TYPES.iter().find(|(spelling, _)| *spelling == value).map(|(_, kind)| *kind)
}

/// What a title's ending says a page documents, when the front matter does not.
const TITLE_KINDS: &[(Phrase, DocType)] = &[
    (Phrase::EndsWith("enum type"), DocType::Enum),
    (Phrase::EndsWith(" enum"), DocType::Enum),
    (Phrase::Contains("resource type"), DocType::Resource),
    (Phrase::EndsWith("complex type"), DocType::Resource),
];

pub fn title_kind(title: &str) -> Option<DocType> {
    let lower = title.to_ascii_lowercase();
    TITLE_KINDS.iter().find(|(phrase, _)| phrase.matches(&lower)).map(|(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `reader` makes of `phrase`, spelled like the expectations below.
    fn meaning(reader: &str, phrase: &str) -> String {
        match reader {
            "heading" => format!("{:?}", heading(phrase)),
            "unrelated subheading" => is_unrelated_subheading(phrase).to_string(),
            "generic values heading" => is_generic_values_heading(phrase).to_string(),
            "body" => format!("{:?}", body_statement(phrase)),
            "collection" => says_collection(phrase).to_string(),
            "redirect" => says_redirect_to_content(phrase).to_string(),
            "not supported" => format!("{:?}", not_supported_span(phrase).map(|span| phrase[span].trim())),
            "filler" => is_filler_word(phrase).to_string(),
            "base" => format!("{:?}", inheritance_phrase(phrase)),
            "derived" => format!("{:?}", derived_types_phrase(phrase)),
            "open" => says_open_type(phrase).to_string(),
            "open title" => title_says_open_type(phrase).to_string(),
            "requirement" => format!("{:?}", requirement(phrase)),
            "title verb" => format!("{:?}", title_verb(phrase)),
            "call word" => is_call_word(phrase).to_string(),
            "doc type" => format!("{:?}", doc_type(phrase)),
            "title kind" => format!("{:?}", title_kind(phrase)),
            other => panic!("no reader `{other}`"),
        }
    }

    #[test]
    fn phrases_and_what_they_mean() {
        let table: &[(&str, &str, &str)] = &[
            ("heading", "HTTP Requests", "Http"),
            ("heading", "1. HTTP request", "Http"),
            ("heading", "Permissions", "Permissions"),
            ("heading", "Optional query parameters", "QueryParameters"),
            ("heading", "Path parameters", "PathParameters"),
            ("heading", "Function parameters", "PathParameters"),
            ("heading", "Parameters", "PathParameters"),
            ("heading", "Request headers", "Headers"),
            ("heading", "Optional request headers", "Headers"),
            ("heading", "Request body", "Body"),
            ("heading", "Response", "Response"),
            ("heading", "Response body", "Response"),
            ("heading", "Responses", "Response"),
            ("heading", "Examples", "Examples"),
            ("heading", "Example 2: create a folder", "Examples"),
            ("heading", "Properties", "Properties"),
            ("heading", "Properties of the session", "Properties"),
            ("heading", "Instance properties", "Properties"),
            ("heading", "Relationship properties", "Relationships"),
            ("heading", "Navigation relationship properties", "Other"),
            ("heading", "Relationships", "Relationships"),
            ("heading", "JSON representation", "JsonRepresentation"),
            ("heading", "Members", "Members"),
            ("heading", "Enum values", "Members"),
            ("heading", "Enumerations", "Members"),
            ("heading", "Methods", "Other"),
            ("unrelated subheading", "Derived types", "true"),
            ("unrelated subheading", "Methods", "true"),
            ("unrelated subheading", "See also", "true"),
            ("unrelated subheading", "Related resources", "true"),
            ("unrelated subheading", "Remarks", "true"),
            ("unrelated subheading", "Request", "false"),
            ("generic values heading", "Possible", "true"),
            ("generic values heading", "Enum", "true"),
            ("generic values heading", "chatType", "false"),
            ("body", "Don't supply a request body for this method.", "Some(Empty)"),
            ("body", "Do not supply a request body for this method.", "Some(Empty)"),
            ("body", "No request body is required.", "Some(Empty)"),
            ("body", "This method does not supply a request body.", "Some(Empty)"),
            ("body", "In the request body, supply the values for relevant fields that should be updated.", "Some(Update)"),
            ("body", "Supply the properties to update.", "Some(Update)"),
            ("body", "In the request body, supply a JSON representation of a [user](user.md) object.", "Some(Resource)"),
            ("body", "The following table lists the parameters.", "None"),
            ("collection", "a collection of [message](message.md) objects", "true"),
            ("collection", "a list of users", "true"),
            ("collection", "an array of strings", "true"),
            ("collection", "a String collection", "false"),
            ("redirect", "a `302 Found` response that redirects to a preauthenticated download URL", "true"),
            ("redirect", "redirects to the content", "true"),
            ("redirect", "a redirect to the sign-in page", "false"),
            ("not supported", "$skip isn't supported", "Some(\"$skip\")"),
            ("not supported", "e.g. $filter is not supported here", "Some(\"e.g. $filter\")"),
            (
                "not supported",
                "Some operators are not supported: $count, $search",
                "Some(\"Some operators are not supported: $count, $search\")",
            ),
            ("not supported", "This method doesn't support $select", "Some(\"$select\")"),
            ("not supported", "This method does not support the OData query parameters", "Some(\"the OData query parameters\")"),
            ("not supported", "There is no support for $search", "Some(\"$search\")"),
            ("not supported", "$select is not supported in this case", "Some(\"$select\")"),
            ("not supported", "The $filter query parameter is not supported on scopes", "None"),
            ("not supported", "This is not supported when using $search", "None"),
            ("not supported", "The $skip parameter isn't supported for this collection", "Some(\"The $skip parameter\")"),
            ("not supported", "The createdDateTime properties of event do not support $select", "None"),
            ("not supported", "This method supports $select and $top", "None"),
            ("filler", "the", "true"),
            ("filler", "entire", "true"),
            ("filler", "uploadSession", "false"),
            ("base", "inherits from [entity](entity.md)", "Some((0, 13))"),
            ("base", "it is derived from x", "Some((6, 18))"),
            ("base", "a subclass of x", "Some((2, 13))"),
            ("base", "this creates a subclass from x", "Some((15, 28))"),
            ("base", "it inherits the properties from x", "Some((3, 31))"),
            ("base", "the base type", "None"),
            ("derived", "the derived types are [a](a.md)", "Some(21)"),
            ("derived", "the base type for places", "Some(17)"),
            ("derived", "a base class for actions", "Some(16)"),
            ("derived", "the base resource for items", "Some(21)"),
            ("open", "This type is an open type.", "true"),
            ("open", "It is an Open Type.", "true"),
            ("open", "It is open.", "false"),
            ("open title", "tabSettings resource type (Open Type)", "true"),
            ("requirement", "Bearer {token}. Required.", "Some(Required)"),
            ("requirement", "Required. Must be `application/json`.", "Some(Required)"),
            ("requirement", "(Required) The key.", "Some(Required)"),
            ("requirement", "Optional. If unspecified, enumerates the current state.", "Some(Optional)"),
            ("requirement", "The desired height of the resulting image. Optional.", "Some(Optional)"),
            ("requirement", "(Optional) The width", "Some(Optional)"),
            ("requirement", "Required. The optional part is ignored.", "Some(Required)"),
            ("requirement", "Optionally filters the result.", "None"),
            ("requirement", "{Time zone}. Optional, UTC assumed if absent.", "None"),
            ("requirement", "eventual. This header and $count are required when using $search.", "None"),
            ("title verb", "List", "Some(List)"),
            ("title verb", "get", "Some(Get)"),
            ("title verb", "Add", "Some(Create)"),
            ("title verb", "Post", "Some(Create)"),
            ("title verb", "Remove", "Some(Delete)"),
            ("title verb", "Archive", "None"),
            ("call word", "action", "true"),
            ("call word", "function", "true"),
            ("call word", "Function", "false"),
            ("doc type", "apiPageType", "Some(Api)"),
            ("doc type", "\"resourcePageType\"", "Some(Resource)"),
            ("doc type", "enumPageType", "Some(Enum)"),
            ("doc type", "conceptualPageType", "Some(Conceptual)"),
            ("doc type", "reference", "None"),
            ("title kind", "attachmentType enum type", "Some(Enum)"),
            ("title kind", "Call records enum", "Some(Enum)"),
            ("title kind", "user resource type", "Some(Resource)"),
            ("title kind", "itemBody complex type", "Some(Resource)"),
            ("title kind", "List users", "None"),
        ];
        let wrong: Vec<String> = table
            .iter()
            .filter(|(reader, phrase, expected)| meaning(reader, phrase) != *expected)
            .map(|(reader, phrase, expected)| format!("{reader}: {phrase:?} means {}, not {expected}", meaning(reader, phrase)))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
