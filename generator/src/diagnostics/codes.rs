//! Every diagnostic code, declared once: its spelling, severity, meaning, the
//! fallback the generator takes, and the files that raise it (`raised_in`,
//! relative to `generator/src/`; a test checks each against the
//! `report(Code::...)` calls of the sources). `docs/DIAGNOSTICS.md` is
//! generated from this table (`cargo xtask diagnostics`), and a test fails
//! when a code is raised by no rule fixture (`generator/tests/rules/`).

use super::Severity;
use std::fmt;

macro_rules! codes {
    ($(
        $variant:ident {
            code: $code:literal,
            severity: $severity:ident,
            meaning: $meaning:literal,
            fallback: $fallback:literal,
            raised_in: [$($file:literal),+ $(,)?] $(,)?
        }
    )+) => {
        /// A diagnostic code. The spelling (`Code::as_str`) is what users see
        /// (`warning[duplicate-operation]`) and what they may filter on.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($variant,)+
        }

        impl Code {
            /// Every code, in spelling order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)+
                }
            }

            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)+
                }
            }

            /// What the defect is, in one sentence.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => $meaning,)+
                }
            }

            /// What the generator does instead, so that generation goes on.
            pub fn fallback(self) -> &'static str {
                match self {
                    $(Code::$variant => $fallback,)+
                }
            }

            /// The files (below `generator/src/`) that raise it.
            pub fn raised_in(self) -> &'static [&'static str] {
                match self {
                    $(Code::$variant => &[$($file),+],)+
                }
            }
        }
    };
}

codes! {
    BadAnnotation {
        code: "bad-annotation",
        severity: Warning,
        meaning: "An example's `<!-- { ... } -->` annotation looks like JSON but does not parse.",
        fallback: "The annotation is ignored; the code block after it is read as if it had none.",
        raised_in: ["parse/page.rs"],
    }
    BadBaseType {
        code: "bad-base-type",
        severity: Warning,
        meaning: "A type inherits from a type no page documents, or its inheritance loops back to it.",
        fallback: "The base is dropped: the type keeps its own members only.",
        raised_in: ["resolve/rules/bad_base_type.rs"],
    }
    BadExampleJson {
        code: "bad-example-json",
        severity: Warning,
        meaning: "An operation page's example body is not JSON even after removing comments, elisions and trailing commas.",
        fallback: "The body is ignored: nothing is inferred from it.",
        raised_in: ["parse/page.rs"],
    }
    BadFrontMatter {
        code: "bad-front-matter",
        severity: Warning,
        meaning: "The YAML front matter does not parse.",
        fallback: "It is read line by line (`key: value`).",
        raised_in: ["parse/page.rs"],
    }
    BadPermissions {
        code: "bad-permissions",
        severity: Warning,
        meaning: "A `Permissions` table has a row for no kind of caller this reader knows (delegated work or school, delegated personal, application), or no such row at all.",
        fallback: "The row (or the table) is left out: the operation's rustdoc names the permissions the other rows state, or none.",
        raised_in: ["parse/permissions.rs"],
    }
    BadRequestLine {
        code: "bad-request-line",
        severity: Warning,
        meaning: "A line of the `HTTP request` block is not a `METHOD /path` request line.",
        fallback: "The line is skipped.",
        raised_in: ["parse/page.rs"],
    }
    BaseTypeMismatch {
        code: "base-type-mismatch",
        severity: Warning,
        meaning: "The JSON representation's `baseType` and the page's prose (\"Inherits from [x]\") name different bases.",
        fallback: "The annotation is kept, unless the prose names a type that itself derives from it (the more specific statement).",
        raised_in: ["resolve/rules/base_type_mismatch.rs"],
    }
    BodyOfGet {
        code: "body-of-get",
        severity: Warning,
        meaning: "A function called with GET documents its parameters as a request body, which a GET does not send.",
        fallback: "The request body table is read as the function's parameters.",
        raised_in: ["resolve/rules/body_of_get.rs"],
    }
    CollectionMismatch {
        code: "collection-mismatch",
        severity: Warning,
        meaning: "The page says one object and the response example holds a `value` array, or it says a collection and the example shows one object.",
        fallback: "The example decides (a single object only when every request of the page ends alike and no annotation says `isCollection`).",
        raised_in: ["resolve/rules/collection_mismatch.rs"],
    }
    ConflictingDuplicate {
        code: "conflicting-duplicate",
        severity: Warning,
        meaning: "Two pages document the same type differently: a property with another type, or an enum against an object type.",
        fallback: "The first definition is kept and the second page's conflicting part is dropped.",
        raised_in: ["resolve/rules/conflicting_duplicate.rs"],
    }
    DuplicateMember {
        code: "duplicate-member",
        severity: Warning,
        meaning: "An enum lists the same member twice.",
        fallback: "The first is kept.",
        raised_in: ["emit/rust/surface.rs"],
    }
    DuplicateOperation {
        code: "duplicate-operation",
        severity: Warning,
        meaning: "Two pages document the same method and path.",
        fallback: "The page about that request is kept (see the rule's file for the order of preference); the other listing is dropped.",
        raised_in: ["resolve/rules/duplicate_operation.rs"],
    }
    DuplicateParameter {
        code: "duplicate-parameter",
        severity: Warning,
        meaning: "A parameter table lists the same name twice.",
        fallback: "The first row is kept (two fields for one JSON member would not compile).",
        raised_in: ["resolve/rules/duplicate_parameter.rs"],
    }
    DuplicatePlaceholder {
        code: "duplicate-placeholder",
        severity: Warning,
        meaning: "A path repeats a placeholder (`/users/{id}/notes/{id}`).",
        fallback: "Each occurrence gets its own parameter, named after the collection it indexes (`user_id`, `note_id`).",
        raised_in: ["resolve/rules/duplicate_placeholder.rs"],
    }
    DuplicateProperty {
        code: "duplicate-property",
        severity: Warning,
        meaning: "A property table lists the same property twice.",
        fallback: "The first row is kept.",
        raised_in: ["resolve/rules/duplicate_property.rs"],
    }
    DuplicateType {
        code: "duplicate-type",
        severity: Warning,
        meaning: "Several pages document the same type.",
        fallback: "The page named after the type is its definition; what the others add is merged into it.",
        raised_in: ["resolve/rules/duplicate_type.rs"],
    }
    EmptyHttpRequest {
        code: "empty-http-request",
        severity: Warning,
        meaning: "The `HTTP request` block is empty or missing.",
        fallback: "The path is taken from the request example, its keys made placeholders.",
        raised_in: ["resolve/rules/empty_http_request.rs"],
    }
    EmptyName {
        code: "empty-name",
        severity: Warning,
        meaning: "A table row has no name.",
        fallback: "The row is dropped.",
        raised_in: ["parse/page.rs"],
    }
    ExampleMember {
        code: "example-member",
        severity: Warning,
        meaning: "A response example shows members of a closed, leaf, documented type that neither its page nor its bases list.",
        fallback: "They are added to the type with the types the example values suggest.",
        raised_in: ["resolve/rules/example_member.rs"],
    }
    ExampleOnlyRequest {
        code: "example-only-request",
        severity: Warning,
        meaning: "A request example uses a form of the method (another address of what a documented line reaches, written as a template) that the `HTTP request` section does not list.",
        fallback: "The form becomes an operation of its own, flagged `example_only`; it is named after, and loses duplicate contests to, documented lines.",
        raised_in: ["resolve/rules/example_only_request.rs"],
    }
    ExpandOfParent {
        code: "expand-of-parent",
        severity: Warning,
        meaning: "A request line gets the parent of the page's resource and `$expand`s the navigation the page is about (`GET /me/todo/lists/{id}?$expand=extensions(...)` on the extension's page, `GET /me?$expand=manager` on the manager's): the service answers with the parent, not with the page's resource.",
        fallback: "The line is not an operation of this page: the parent's own page documents that GET (and `$expand` among its query options), so the page's type is never given to the parent's path.",
        raised_in: ["resolve/rules/expand_of_parent.rs"],
    }
    ForeignNamespace {
        code: "foreign-namespace",
        severity: Warning,
        meaning: "The response annotation's `@odata.type` names a namespace no page uses, not the page's own.",
        fallback: "The name is read in the page's namespace.",
        raised_in: ["resolve/rules/response_type.rs"],
    }
    InferredParameters {
        code: "inferred-parameters",
        severity: Warning,
        meaning: "An action documents no parameter table.",
        fallback: "Its parameters are the members of the JSON body the page shows, typed as their values suggest.",
        raised_in: ["resolve/rules/inferred_parameters.rs"],
    }
    InferredType {
        code: "inferred-type",
        severity: Warning,
        meaning: "The response type has no page.",
        fallback: "The type is inferred from the response example's members.",
        raised_in: ["resolve/rules/response_type.rs"],
    }
    InvalidUtf8 {
        code: "invalid-utf8",
        severity: Warning,
        meaning: "The page is not valid UTF-8.",
        fallback: "Invalid bytes are replaced with U+FFFD and the page is read.",
        raised_in: ["load.rs"],
    }
    IrregularRequestLine {
        code: "irregular-request-line",
        severity: Warning,
        meaning: "A request line needed repairs (no space after the method, `~` prefix, lower-case method, `<name>` placeholders, ...).",
        fallback: "The repaired line is used.",
        raised_in: ["resolve/rules/empty_http_request.rs"],
    }
    LiteralKey {
        code: "literal-key",
        severity: Warning,
        meaning: "A request line holds a literal key where a key belongs (a GUID, a number, an opaque token or an e-mail address after a collection: `/education/classes/acdefc6b-2dc6-4e71-b1e9-6d9810ab1793/assignments`), so it documents one item, not the endpoint.",
        fallback: "Each key is read as a placeholder named after its collection (`{class-id}`); a line that then repeats another line is the same operation.",
        raised_in: ["resolve/rules/literal_key.rs"],
    }
    MalformedStatusLine {
        code: "malformed-status-line",
        severity: Warning,
        meaning: "A response example's status line is malformed (`HTTP 1.1 200 Ok`).",
        fallback: "Its status code is used.",
        raised_in: ["resolve/rules/status_mismatch.rs"],
    }
    MemberCase {
        code: "member-case",
        severity: Warning,
        meaning: "A property table spells a member in another case than the JSON representation.",
        fallback: "The member is named as the JSON representation spells it (the name on the wire).",
        raised_in: ["resolve/rules/member_case.rs"],
    }
    Merged {
        code: "merged",
        severity: Warning,
        meaning: "A property is documented that the generated struct already carries (`@odata.type`, the built-in `odata_type` discriminator).",
        fallback: "It is not emitted as a field of its own.",
        raised_in: ["emit/rust/surface.rs"],
    }
    MissingHttpRequest {
        code: "missing-http-request",
        severity: Warning,
        meaning: "An operation page has no `## HTTP request` section.",
        fallback: "The request example's path is used, if there is one.",
        raised_in: ["parse/page.rs"],
    }
    MissingTitle {
        code: "missing-title",
        severity: Warning,
        meaning: "The page has no `# title` heading and no front matter title.",
        fallback: "Names come from the file name; diagnostics about the page point at its first line.",
        raised_in: ["parse/page.rs"],
    }
    NavigationCollection {
        code: "navigation-collection",
        severity: Warning,
        meaning: "A relationship row names a single object, but the pages list or create items at that path (`List x`, `POST .../x`, `.../x/{id}`): the word \"collection\" is missing.",
        fallback: "The relationship is a collection of that type.",
        raised_in: ["resolve/rules/navigation_collection.rs"],
    }
    NoEndpoint {
        code: "no-endpoint",
        severity: Error,
        meaning: "An operation page has no request line, neither in its `HTTP request` block nor in an example.",
        fallback: "The page yields no operation.",
        raised_in: ["resolve/rules/empty_http_request.rs"],
    }
    ParameterInProse {
        code: "parameter-in-prose",
        severity: Warning,
        meaning: "A sentence names an action parameter (\"the `message` parameter\") that no parameter table lists.",
        fallback: "It is added, typed as the bound type's member of that name, else as the type of that name, else any JSON.",
        raised_in: ["resolve/rules/parameter_in_prose.rs"],
    }
    PathNavigation {
        code: "path-navigation",
        severity: Warning,
        meaning: "A documented path reaches a navigation property that the type's tables omit (`GET /me/joinedTeams`).",
        fallback: "It is added as a navigation property, typed as what the path's GET returns.",
        raised_in: ["resolve/rules/path_navigation.rs"],
    }
    Renamed {
        code: "renamed",
        severity: Warning,
        meaning: "A documented name is not usable as is in Rust (keyword, reserved, colliding, not an identifier).",
        fallback: "It is emitted under another name (raw identifier, suffix, number); the wire name is kept.",
        raised_in: ["emit/rust/surface.rs", "resolve/operations.rs"],
    }
    RequestExampleMismatch {
        code: "request-example-mismatch",
        severity: Warning,
        meaning: "The request example's body sends none of the documented parameters.",
        fallback: "The example is not read as a parameters payload; the table stands.",
        raised_in: ["resolve/rules/request_example_mismatch.rs"],
    }
    ResourceBodyParameters {
        code: "resource-body-parameters",
        severity: Warning,
        meaning: "An action's body is documented as a resource, but its request example sends members of that resource.",
        fallback: "Those members are the action's parameters, typed as the resource types them.",
        raised_in: ["resolve/rules/resource_body_parameters.rs"],
    }
    StatusMismatch {
        code: "status-mismatch",
        severity: Warning,
        meaning: "The response example's status differs from the one the response section states.",
        fallback: "The example's status is used.",
        raised_in: ["resolve/rules/status_mismatch.rs"],
    }
    TypeNameMismatch {
        code: "type-name-mismatch",
        severity: Warning,
        meaning: "The title names a type differently from its JSON representation's `@odata.type`.",
        fallback: "The type is named as the JSON representation says (the name on the wire).",
        raised_in: ["resolve/rules/type_name_mismatch.rs"],
    }
    UndocumentedProperty {
        code: "undocumented-property",
        severity: Warning,
        meaning: "The JSON representation shows members that the property tables do not list.",
        fallback: "They are kept, typed as the representation's values suggest.",
        raised_in: ["resolve/rules/undocumented_property.rs"],
    }
    UnexpectedValueWrapper {
        code: "unexpected-value-wrapper",
        severity: Warning,
        meaning: "A response example wraps a single object in `value` although the page declares one object.",
        fallback: "The wrapper is ignored: the response is the object.",
        raised_in: ["resolve/rules/value_wrapper.rs"],
    }
    UnknownMethod {
        code: "unknown-method",
        severity: Warning,
        meaning: "A request line's verb is not one the generated client sends (`HEAD`, `MERGE`, ...).",
        fallback: "The line is skipped.",
        raised_in: ["parse/page.rs"],
    }
    UnknownType {
        code: "unknown-type",
        severity: Warning,
        meaning: "A type is neither a primitive nor documented by any page, and no example shows it.",
        fallback: "It degrades to an open JSON object (`serde_json::Value`).",
        raised_in: ["resolve/rules/response_type.rs", "resolve/types.rs"],
    }
    UnreadableFile {
        code: "unreadable-file",
        severity: Error,
        meaning: "A page cannot be read from disk.",
        fallback: "The page is skipped.",
        raised_in: ["load.rs"],
    }
    UnresolvedLink {
        code: "unresolved-link",
        severity: Warning,
        meaning: "A type link points to a page that does not exist.",
        fallback: "The link text is looked up by name; when no type has that name, it degrades to an open JSON object.",
        raised_in: ["resolve/types.rs"],
    }
    WrappedParameters {
        code: "wrapped-parameters",
        severity: Warning,
        meaning: "The parameter table lists members that the request example sends inside one object (`{\"passwordCredential\": {...}}`).",
        fallback: "That one member is the parameter.",
        raised_in: ["resolve/rules/wrapped_parameters.rs"],
    }
    WrongDocType {
        code: "wrong-doc-type",
        severity: Warning,
        meaning: "The front matter's `doc_type` contradicts the page: a resource page listing requests, or an operation page with a properties table and no request.",
        fallback: "The page is read as what it documents.",
        raised_in: ["parse/page_kind.rs"],
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Codes order as their spellings do, so sorted diagnostics read alphabetically.
impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// `d.code == "renamed"`: tests and tools may compare with the spelling.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Code {
    /// The code of a spelling, if it is one.
    pub fn from_spelling(spelling: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.as_str() == spelling)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_are_unique_sorted_lower_case_words() {
        let spellings: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = spellings.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(spellings, sorted, "declared in spelling order, each once");
        for spelling in spellings {
            let words_ok = spelling.split('-').all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
            assert!(words_ok, "`{spelling}`: lower-case words joined by `-`");
        }
    }

    #[test]
    fn every_code_states_its_meaning_and_fallback_as_sentences() {
        for code in Code::ALL {
            for text in [code.meaning(), code.fallback()] {
                assert!(text.ends_with('.') && text.starts_with(|c: char| c.is_uppercase() || c == '`'), "{code}: {text}");
            }
        }
    }

    /// The tie between the table and the code: each `raised_in` file holds a
    /// `report(Code::X` call for the code, and no other file does.
    #[test]
    fn every_code_is_raised_exactly_where_it_says() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        collect_rust_files(&root, &mut files);
        for code in Code::ALL {
            let variant = format!("{code:?}");
            let mut raising: Vec<String> = files
                .iter()
                .filter(|(_, text)| reports(text, &variant))
                .map(|(path, _)| path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"))
                .collect();
            raising.sort();
            let mut declared: Vec<String> = code.raised_in().iter().map(|s| s.to_string()).collect();
            declared.sort();
            assert_eq!(raising, declared, "{code}: the files with `report(Code::{variant}, ...)` are not its `raised_in`");
        }
    }

    fn reports(text: &str, variant: &str) -> bool {
        text.match_indices("report(").any(|(at, call)| {
            let rest = text[at + call.len()..].trim_start();
            rest.strip_prefix("Code::").and_then(|r| r.strip_prefix(variant)).is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric()))
        })
    }

    fn collect_rust_files(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
}
