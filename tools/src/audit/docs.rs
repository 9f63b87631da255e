//! A deliberately simple, independent reading of the docs tree for the audit.
//! It shares no code with `load`/`parse`/`resolve`, so that a bug there cannot
//! hide itself by also being in the reference the model is measured against.

use docgen::resolve::paths::is_guid;
use std::collections::BTreeMap;

/// Every `*.md` page below the docs root: path relative to the root
/// (`/`-separated) -> text, as `load` read it (the text is shared, its
/// reading is not).
#[derive(Debug, Clone, Default)]
pub struct DocsTree {
    pub pages: BTreeMap<String, String>,
    /// Lower-case path -> path, for case-insensitive lookups.
    lower: BTreeMap<String, String>,
}

impl DocsTree {
    pub fn from_pages<'a>(pages: impl IntoIterator<Item = (&'a str, &'a str)>) -> DocsTree {
        let mut tree = DocsTree::default();
        for (path, text) in pages {
            tree.insert(path, text.to_owned());
        }
        tree
    }

    fn insert(&mut self, path: &str, text: String) {
        self.lower.insert(path.to_ascii_lowercase(), path.to_owned());
        self.pages.insert(path.to_owned(), text);
    }

    /// A page's text by path, case-insensitively.
    pub fn text(&self, path: &str) -> Option<&str> {
        let key = self.lower.get(&path.to_ascii_lowercase())?;
        self.pages.get(key).map(String::as_str)
    }
}

/// One request line of an `HTTP request` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentedEndpoint {
    pub file: String,
    pub line: u32,
    /// The line as written, trimmed.
    pub raw: String,
    /// Upper-case method.
    pub method: String,
    /// See [`normalize_path`].
    pub path: String,
}

pub const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Reference endpoints: every line, inside a code block fenced with an info
/// string starting with `http` (any case), that follows a heading containing
/// "HTTP request" (any case) before the next heading of the same or a higher
/// level (subheadings stay in the section; `# [HTTP](#tab/http)` tab markers
/// are not headings), and that starts with an HTTP method word (any case)
/// followed by whitespace.
pub fn documented_endpoints(file: &str, text: &str) -> Vec<DocumentedEndpoint> {
    let mut out = Vec::new();
    let mut section: Option<usize> = None; // heading level of the current HTTP request section
    let mut fence: Option<bool> = None; // Some(is_http) while inside a fenced block
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            fence = match fence {
                Some(_) => None,
                None => Some(trimmed.trim_start_matches('`').trim().to_ascii_lowercase().starts_with("http")),
            };
            continue;
        }
        match fence {
            None if trimmed.starts_with('#') && !trimmed.contains("(#tab/") => {
                let level = trimmed.chars().take_while(|c| *c == '#').count();
                if trimmed.to_ascii_lowercase().contains("http request") {
                    section = Some(level);
                } else if section.is_some_and(|s| level <= s) {
                    section = None;
                }
            }
            Some(true) if section.is_some() => {
                let word = trimmed.split_whitespace().next().unwrap_or("");
                let method = word.to_ascii_uppercase();
                if METHODS.contains(&method.as_str()) && trimmed.len() > word.len() {
                    let target = trimmed[word.len()..].trim();
                    out.push(DocumentedEndpoint {
                        file: file.to_owned(),
                        line: i as u32 + 1,
                        raw: trimmed.to_owned(),
                        path: normalize_path(target),
                        method,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Endpoint path normalization used for both sides of the comparison: drop a
/// trailing ` HTTP/1.1`, the scheme, host and version segment of an absolute
/// URL, the query string and a leading `~`; ensure a leading `/`; drop a
/// trailing `/`; replace every `{...}` placeholder and every GUID segment by
/// `{}`; lower-case.
pub fn normalize_path(target: &str) -> String {
    let mut t = target.trim();
    if let Some((head, tail)) = t.rsplit_once(char::is_whitespace) {
        if tail.to_ascii_uppercase().starts_with("HTTP/") {
            t = head.trim_end();
        }
    }
    if let Some(rest) = t.strip_prefix("https://").or_else(|| t.strip_prefix("http://")) {
        let rest = rest.find('/').map_or("", |i| &rest[i..]);
        let first = rest.trim_start_matches('/').split(['/', '?']).next().unwrap_or("");
        let is_version =
            first == "beta" || first.strip_prefix('v').is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'));
        t = if is_version { &rest[1 + first.len()..] } else { rest };
    }
    let t = t.split('?').next().unwrap_or("").trim().trim_start_matches('~');
    let mut out = String::with_capacity(t.len() + 1);
    if !t.starts_with('/') {
        out.push('/');
    }
    let mut depth = 0usize;
    // `<name>` is a placeholder too (`range(address='<address>')`).
    let mut angle = false;
    for c in t.chars() {
        match c {
            '<' if depth == 0 => {
                angle = true;
                out.push_str("{}");
            }
            '>' if angle => angle = false,
            _ if angle => {}
            '{' => {
                if depth == 0 {
                    out.push_str("{}");
                }
                depth += 1;
            }
            '}' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    while out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    // A GUID where a key belongs is a sample tenant's id standing for a
    // placeholder (the generator's `literal-key` rule reads it so).
    if out.split('/').any(is_guid) {
        out = out.split('/').map(|s| if is_guid(s) { "{}" } else { s }).collect::<Vec<_>>().join("/");
    }
    out
}

/// A request line the generator would have to repair: the method not in upper
/// case, a target that is neither `/...` nor `https://...`, whitespace inside
/// the target, or unbalanced braces.
pub fn is_irregular(raw: &str) -> bool {
    let mut parts = raw.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target: Vec<&str> = parts.filter(|p| !p.to_ascii_uppercase().starts_with("HTTP/")).collect();
    let joined = target.join(" ");
    let braces_ok = joined.matches('{').count() == joined.matches('}').count();
    let spaces_only_in_placeholders = {
        let mut depth = 0i32;
        !joined.chars().any(|c| {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            c == ' ' && depth == 0
        })
    };
    method != method.to_ascii_uppercase()
        || !(joined.starts_with('/') || joined.starts_with("https://"))
        || !braces_ok
        || !spaces_only_in_placeholders
}

/// Front matter `doc_type`, unquoted, or "" when absent.
pub fn doc_type(text: &str) -> String {
    front_matter(text)
        .lines()
        .find_map(|l| l.trim().strip_prefix("doc_type:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_owned())
        .unwrap_or_default()
}

/// Front matter `title`, unquoted, or "" when absent.
pub fn title(text: &str) -> String {
    front_matter(text)
        .lines()
        .find_map(|l| l.trim().strip_prefix("title:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_owned())
        .unwrap_or_default()
}

fn front_matter(text: &str) -> &str {
    let Some(rest) = text.trim_start().strip_prefix("---") else { return "" };
    rest.find("\n---").map_or("", |end| &rest[..end])
}

/// The namespace a page states in a `Namespace: x` line; `microsoft.graph` when it states none.
pub fn namespace(text: &str) -> String {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("Namespace:"))
        .and_then(|v| v.split_whitespace().next())
        .map(|v| v.trim_matches(|c: char| !c.is_alphanumeric() && c != '.').to_owned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "microsoft.graph".to_owned())
}

/// Names a page under `resources/` may document, lower case: the file stem,
/// the stem's last `-`-separated part (`callrecords-callrecord` -> `callrecord`),
/// and the title's first word without any namespace prefix or punctuation.
pub fn resource_page_names(path: &str, text: &str) -> Vec<String> {
    let stem = path.rsplit('/').next().unwrap_or(path);
    let stem = stem.strip_suffix(".md").unwrap_or(stem).to_ascii_lowercase();
    let mut names = vec![stem.clone()];
    if let Some((_, last)) = stem.rsplit_once('-') {
        names.push(last.to_owned());
    }
    let title = title(text);
    let first = title.split_whitespace().next().unwrap_or("");
    let first = first.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '_');
    let first = first.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    if !first.is_empty() {
        names.push(first);
    }
    names.sort();
    names.dedup();
    names
}

/// Names of the enums a page lists under headings (level 2 or deeper) such as `### color values`, lower case.
pub fn enum_headings(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("##"))
        .filter_map(|h| {
            let h = h.trim_start_matches('#').trim();
            let words: Vec<&str> = h.split_whitespace().collect();
            match words.as_slice() {
                [name, last] if last.eq_ignore_ascii_case("values") => Some(name.trim_matches('`').to_ascii_lowercase()),
                _ => None,
            }
        })
        .collect()
}

/// The part of a page under its `### name values` heading, up to the next
/// heading; the whole page when it has no such heading (an enum page).
pub fn enum_section<'a>(text: &'a str, name: &str) -> &'a str {
    let heading = |line: &str| line.trim_start().starts_with('#');
    let mut start = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        match start {
            None if heading(line) && enum_headings(line).first().is_some_and(|n| n.eq_ignore_ascii_case(name)) => {
                start = Some(offset + line.len())
            }
            Some(from) if heading(line) => return &text[from..offset],
            _ => {}
        }
        offset += line.len();
    }
    start.map_or(text, |from| &text[from..])
}

/// Whether a page documents `name` where a reader sees it: a table row whose
/// first cell is the name (ignoring backticks, asterisks, links and case) or
/// a JSON key `"name":`, outside HTML comments (a row the authors comment out
/// is hidden from the rendered page).
pub fn documents_name(text: &str, name: &str) -> bool {
    let json_key = format!("\"{}\"", name.to_ascii_lowercase());
    without_comments(text).lines().any(|line| {
        let t = line.trim();
        if let Some(row) = t.strip_prefix('|') {
            let cell = row.split('|').next().unwrap_or("");
            let cell = cell.trim().trim_matches(['`', '*', '[', ' ']);
            let cell = cell.split(']').next().unwrap_or(cell).trim_matches(['`', '*', ' ']);
            if cell.eq_ignore_ascii_case(name) {
                return true;
            }
        }
        let lower = t.to_ascii_lowercase();
        lower.find(&json_key).is_some_and(|i| lower[i + json_key.len()..].trim_start().starts_with(':'))
    })
}

/// The page after its front matter (`---` ... `---`), the part a reader sees.
pub fn body(text: &str) -> &str {
    let Some(rest) = text.trim_start().strip_prefix("---") else { return text };
    rest.find("\n---").map_or(text, |end| rest[end + 4..].trim_start_matches('-'))
}

/// The text with every `<!-- ... -->` comment removed (an unclosed one runs to the end).
pub fn without_comments(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("<!--") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("<!--") {
        out.push_str(&rest[..open]);
        rest = rest[open + 4..].find("-->").map_or("", |close| &rest[open + 4 + close + 3..]);
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// The text without its fenced code blocks that hold an HTTP response
/// (`HTTP/1.1 200 OK` first): what a page says about requests.
pub fn without_responses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let fence = line.trim_start();
        if !(fence.starts_with("```") || fence.starts_with("~~~")) {
            out.push_str(line);
            continue;
        }
        let marker = &fence[..3];
        let mut block = vec![line];
        while let Some(inner) = lines.next_if(|l| !l.trim_start().starts_with(marker)) {
            block.push(inner);
        }
        block.extend(lines.next());
        let first = block.iter().skip(1).map(|l| l.trim()).find(|l| !l.is_empty()).unwrap_or("");
        if !first.starts_with("HTTP/") {
            out.extend(block);
        }
    }
    out
}

#[cfg(test)]
mod enum_section_tests {
    use super::enum_section;

    #[test]
    fn an_enum_section_ends_at_the_next_heading() {
        let page = "# enums\n### color values\n|Member|\n|red|\n### size values\n|Member|\n|big|\n";
        assert_eq!(enum_section(page, "color"), "|Member|\n|red|\n");
        assert_eq!(enum_section(page, "size"), "|Member|\n|big|\n");
        assert_eq!(enum_section(page, "shape"), page);
    }
}

/// Whether `text` contains `word` case-insensitively with no identifier character on either side.
pub fn contains_word(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let hay = text.to_ascii_lowercase();
    let needle = word.to_ascii_lowercase();
    let is_ident = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut from = 0;
    while let Some(i) = hay[from..].find(&needle) {
        let start = from + i;
        let end = start + needle.len();
        if !is_ident(hay[..start].chars().next_back()) && !is_ident(hay[end..].chars().next()) {
            return true;
        }
        from = start + needle.len().max(1);
    }
    false
}

/// Whether prose names `name` as a type: a link `[name](...)` or to `name.md`, `` `name` ``,
/// or `name object|objects|collection|value|resource`, or `collection of name`, case-insensitively.
pub fn names_type(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let hay = text.to_ascii_lowercase();
    let n = name.to_ascii_lowercase();
    let fixed = [format!("[{n}]"), format!("/{n}.md"), format!("({n}.md"), format!("`{n}`"), format!("collection of {n}")];
    if fixed.iter().any(|f| hay.contains(f.as_str())) {
        return true;
    }
    ["object", "objects", "collection", "value", "resource"].iter().any(|w| hay.contains(&format!("{n} {w}")) && contains_word(&hay, &n))
}

/// The type cell of a property table row (its second cell); any other text as is.
pub fn type_cell(line: &str) -> &str {
    match line.trim().strip_prefix('|') {
        Some(row) => row.split('|').nth(1).unwrap_or(row),
        None => line,
    }
}

/// Whether text says a type is a collection (`collection`, `[]`, `array`).
pub fn mentions_collection(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("collection") || lower.contains("[]") || contains_word(&lower, "array")
}

/// 1-based line `line` of a text, or "".
pub fn line_of(text: &str, line: u32) -> &str {
    text.lines().nth((line as usize).saturating_sub(1)).unwrap_or("")
}

/// The text of the first section whose heading contains "response" (any case), up to the next heading of the same or higher level.
pub fn response_section(text: &str) -> &str {
    let mut start: Option<(usize, usize)> = None; // (byte offset, heading level)
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with('#') {
            let level = t.chars().take_while(|c| *c == '#').count();
            match start {
                None if t.to_ascii_lowercase().contains("response") => start = Some((offset, level)),
                Some((s, l)) if level <= l => return &text[s..offset],
                _ => {}
            }
        }
        offset += line.len();
    }
    start.map_or("", |(s, _)| &text[s..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "---\ntitle: \"widget: paint\"\ndoc_type: apiPageType\n---\n# widget: paint\n\n## HTTP request\n\n<!-- { \"blockType\": \"ignored\" } -->\n``` http\nPOST /widgets/{id}/paint\n```\n### In a subsection\n# [HTTP](#tab/http)\n```HTTP\npost https://example.com/v1.0/me/widgets/{widget-id}/paint?$select=a HTTP/1.1\n```\n```json\nGET /not/http\n```\n\n## Example\n\n```http\nPOST /widgets/abc/paint\n```\n\n## Response\n\nReturns a [widget](../resources/widget.md) object.\n\n## See also\n";

    #[test]
    fn reads_only_http_request_sections() {
        let found = documented_endpoints("api/widget-paint.md", PAGE);
        let got: Vec<(&str, &str, u32)> = found.iter().map(|e| (e.method.as_str(), e.path.as_str(), e.line)).collect();
        assert_eq!(got, [("POST", "/widgets/{}/paint", 11), ("POST", "/me/widgets/{}/paint", 16)]);
        assert!(!is_irregular(&found[0].raw));
        assert!(is_irregular(&found[1].raw), "lower-case method");
    }

    #[test]
    fn normalization_ignores_placeholder_names_case_and_decoration() {
        assert_eq!(normalize_path("/Users/{id | userPrincipalName}/photo/$value"), "/users/{}/photo/$value");
        assert_eq!(normalize_path("https://graph.microsoft.com/beta/me/"), "/me");
        assert_eq!(
            normalize_path("/education/classes/acdefc6b-2dc6-4e71-b1e9-6d9810ab1793/assignments"),
            "/education/classes/{}/assignments"
        );
        assert_eq!(normalize_path("~/drives/{drive-id}/items/{item-id}?$expand=x HTTP/1.1"), "/drives/{}/items/{}");
        assert_eq!(
            normalize_path("me/reminderView(startDateTime={a},endDateTime={b})"),
            "/me/reminderview(startdatetime={},enddatetime={})"
        );
        assert!(is_irregular("GET me/events"));
        assert!(is_irregular("GET /me/events/{id"));
        assert!(is_irregular("GET /me/my events"));
        assert!(!is_irregular("GET /users/{id | userPrincipalName} HTTP/1.1"));
    }

    #[test]
    fn front_matter_namespace_and_names() {
        let page =
            "---\ntitle: 'callRecord resource type'\ndoc_type: \"resourcePageType\"\n---\n# x\n\nNamespace: microsoft.graph.callRecords\n";
        assert_eq!(doc_type(page), "resourcePageType");
        assert_eq!(namespace(page), "microsoft.graph.callRecords");
        assert_eq!(namespace("no namespace line"), "microsoft.graph");
        assert_eq!(resource_page_names("resources/callrecords-callrecord.md", page), ["callrecord", "callrecords-callrecord"]);
        assert_eq!(enum_headings("# Enum values\n### color values\n### `size` Values\n## Members"), ["color", "size"]);
    }

    #[test]
    fn name_and_word_searches() {
        let page = "| Property | Type |\n|:--|:--|\n| **displayName** | String |\n|[parts](x.md)|part collection|\n\n```json\n{ \"Hue\" : \"red\" }\n```";
        assert!(documents_name(page, "displayname"));
        assert!(documents_name(page, "parts"));
        assert!(documents_name(page, "hue"));
        assert!(!documents_name(page, "display"));
        assert!(!documents_name("<!--|siteId|String||\n|siteCollectionId|String||-->\n| id | String |", "siteId"));
        assert!(documents_name("<!-- { \"blockType\": \"request\" } -->\n| siteId | String |", "siteId"));
        let example = "```http\nPOST /x\n\n{\"a\": 1}\n```\n\n```http\nHTTP/1.1 200 OK\n\n{\"b\": 2}\n```\n";
        assert!(documents_name(&without_responses(example), "a"));
        assert!(!documents_name(&without_responses(example), "b"));
        assert!(contains_word("a [dateTimeTimeZone](x.md) b", "datetimetimezone"));
        assert!(!contains_word("identitySet", "identity"));
        assert!(mentions_collection("part collection"));
        assert!(names_type("returns a [widget](../resources/widget.md) object", "Widget"));
        assert!(names_type("returns `200 OK` and String collection object", "String"));
        assert!(names_type("a `Boolean` in the body", "boolean"));
        assert!(!names_type("redirects to a download URL for the report", "report"));
        assert_eq!(type_cell("|importance|String| The importance: `low`.|"), "String");
        assert_eq!(type_cell("\"a\": \"String\""), "\"a\": \"String\"");
        assert_eq!(line_of(page, 3), "| **displayName** | String |");
        assert_eq!(body("---\ntitle: x\nms.prod: identity\n---\n# x\n"), "\n# x\n");
        assert_eq!(body("# no front matter"), "# no front matter");
        assert_eq!(response_section(PAGE).trim(), "## Response\n\nReturns a [widget](../resources/widget.md) object.");
    }
}
