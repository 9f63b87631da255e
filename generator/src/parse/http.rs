//! HTTP text in the docs: the request lines of `## HTTP request` blocks and
//! the request/response messages of examples.

use crate::model::HttpMethod;

/// One `METHOD /path` line of an `## HTTP request` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine {
    pub method: HttpMethod,
    /// Path without query string, with a leading `/`.
    pub path: String,
    pub query: Option<String>,
    /// Service root when the line carried an absolute URL.
    pub base_url: Option<String>,
    /// Repairs applied to the line, for diagnostics (empty when it was well formed).
    pub repairs: Vec<&'static str>,
}

/// Parses `GET /me/messages`, `GET/me`, `get ~/me?$top=1`, `POST https://graph.microsoft.com/v1.0/me`.
pub fn parse_request_line(line: &str) -> Option<RequestLine> {
    let line = line.trim();
    let upper_prefix: String = line.chars().take_while(|c| c.is_ascii_alphabetic()).collect::<String>().to_ascii_uppercase();
    let method = HttpMethod::from_name(&upper_prefix)?;
    let spelled = method.as_str();
    let mut repairs = Vec::new();
    let rest = &line[spelled.len()..];
    if !rest.starts_with(char::is_whitespace) {
        repairs.push("missing space after the method");
    }
    if line[..spelled.len()] != *spelled {
        repairs.push("method not in upper case");
    }
    let target = rest.trim();
    let target = strip_http_version(target).trim();
    // A target with control characters (a stray carriage return) is not a path.
    if target.is_empty() || target.chars().any(|c| c.is_control() && c != '\t') {
        return None;
    }
    let (base_url, path) = split_url(target);
    let mut path = path.to_owned();
    if let Some(stripped) = path.strip_prefix('~') {
        path = stripped.to_owned();
        repairs.push("`~` prefix");
    }
    if !path.starts_with('/') {
        path.insert(0, '/');
        repairs.push("missing leading `/`");
    }
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (path, None),
    };
    let mut path = path.trim_end().to_owned();
    if let Some(braced) = angle_placeholders_braced(&path) {
        path = braced;
        repairs.push("`<name>` placeholder read as `{name}`");
    }
    Some(RequestLine { method, path, query, base_url, repairs })
}

/// The verb of a line shaped like a request line (an upper-case word, then a
/// path or URL) whose verb is not an [`HttpMethod`]: `HEAD` for `HEAD /me`.
pub fn unknown_method(line: &str) -> Option<&str> {
    let (verb, target) = line.trim().split_once(char::is_whitespace)?;
    let target = target.trim_start();
    let shaped =
        verb.len() >= 3 && verb.bytes().all(|b| b.is_ascii_uppercase()) && (target.starts_with(['/', '~']) || target.starts_with("http"));
    (shaped && HttpMethod::from_name(verb).is_none()).then_some(verb)
}

/// `range(address='<address>')`: some pages write placeholders in angle
/// brackets. `None` when the path has none.
fn angle_placeholders_braced(path: &str) -> Option<String> {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    let mut found = false;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>').map(|c| open + c) else { break };
        let name = &rest[open + 1..close];
        out.push_str(&rest[..open]);
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-')) {
            out.push('{');
            out.push_str(name);
            out.push('}');
            found = true;
        } else {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    found.then_some(out)
}

fn strip_http_version(target: &str) -> &str {
    match target.rsplit_once(char::is_whitespace) {
        Some((head, tail)) if tail.to_ascii_uppercase().starts_with("HTTP/") => head,
        _ => target,
    }
}

/// Splits `https://host/v1.0/me` into (`https://host/v1.0`, `/me`). Paths pass through.
pub fn split_url(target: &str) -> (Option<String>, &str) {
    let Some(after_scheme) = target.strip_prefix("https://").or_else(|| target.strip_prefix("http://")) else {
        return (None, target);
    };
    let scheme_len = target.len() - after_scheme.len();
    let host_end = after_scheme.find('/').unwrap_or(after_scheme.len());
    let mut base_end = scheme_len + host_end;
    let rest = &target[base_end..];
    let version = rest.trim_start_matches('/').split(['/', '?']).next().unwrap_or("");
    if is_version_segment(version) {
        base_end += 1 + version.len();
    }
    (Some(target[..base_end].to_owned()), &target[base_end..])
}

fn is_version_segment(segment: &str) -> bool {
    segment == "beta" || segment.strip_prefix('v').is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// A parsed example message (request or response).
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The first line: `POST https://...` or `HTTP/1.1 200 OK`.
    pub start_line: String,
    /// Offset (0-based line) of the start line inside the code block.
    pub start_offset: u32,
    pub headers: Vec<(String, String)>,
    /// Body text, if any, and its 0-based line offset inside the code block.
    pub body: Option<(String, u32)>,
}

/// Splits an example into start line, headers and body. Bodies begin at the first
/// blank line after the headers or at the first line that opens JSON/XML, whichever
/// comes first, so examples with a missing or misplaced blank line still parse.
pub fn parse_message(text: &str) -> Option<Message> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| !l.trim().is_empty())?;
    let mut headers = Vec::new();
    let mut i = start + 1;
    while i < lines.len() {
        let line = lines[i].trim();
        if looks_like_body(line) {
            break;
        }
        if line.is_empty() {
            // A blank line ends the headers unless only headers follow (the seed puts one
            // between the status line and Content-Type).
            let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
            match next {
                Some(n) if header_line(n.trim()).is_some() && headers.is_empty() => {
                    i += 1;
                    continue;
                }
                _ => break,
            }
        }
        match header_line(line) {
            Some(header) => headers.push(header),
            None => break,
        }
        i += 1;
    }
    let body_start = (i..lines.len()).find(|&j| !lines[j].trim().is_empty());
    let body = body_start.map(|j| (lines[j..].join("\n"), j as u32));
    Some(Message { start_line: lines[start].trim().to_owned(), start_offset: start as u32, headers, body })
}

fn looks_like_body(line: &str) -> bool {
    line.starts_with('{') || line.starts_with('[') || line.starts_with('<') || line.starts_with('"')
}

fn header_line(line: &str) -> Option<(String, String)> {
    let (name, value) = line.split_once(':')?;
    let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| (name.to_owned(), value.trim().to_owned()))
}

/// A response status line. `well_formed` is false for lines such as `HTTP 1.1 200 Ok`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub status: u16,
    pub well_formed: bool,
}

pub fn parse_status_line(line: &str) -> Option<StatusLine> {
    let mut parts = line.split_whitespace();
    let first = parts.next()?;
    if !first.to_ascii_uppercase().starts_with("HTTP") {
        return None;
    }
    let rest: Vec<&str> = parts.collect();
    let (code_index, code) = rest.iter().enumerate().find_map(|(i, p)| parse_status_code(p).map(|c| (i, c)))?;
    let version_ok = first.starts_with("HTTP/") && first.len() > 5 && code_index == 0;
    let reason: Vec<&str> = rest[code_index + 1..].to_vec();
    let reason_ok = reason.is_empty() || canonical_reason(code).is_none_or(|canon| reason.join(" ") == canon);
    Some(StatusLine { status: code, well_formed: version_ok && reason_ok })
}

fn parse_status_code(text: &str) -> Option<u16> {
    let code: u16 = text.parse().ok()?;
    (100..600).contains(&code).then_some(code)
}

pub fn canonical_reason(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        416 => "Range Not Satisfiable",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn angle_bracket_placeholders_become_braces() {
        let line =
            parse_request_line("GET /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='<address>')/offsetRange").unwrap();
        assert_eq!(line.path, "/me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='{address}')/offsetRange");
        assert_eq!(line.repairs, ["`<name>` placeholder read as `{name}`"]);
        assert_eq!(parse_request_line("GET /a<b c>").unwrap().path, "/a<b c>", "not a name: left alone");
    }

    #[test]
    fn request_lines_in_their_many_spellings() {
        let line = parse_request_line("GET /me/messages/{id}?$select=subject").unwrap();
        assert_eq!(
            (line.method.as_str(), line.path.as_str(), line.query.as_deref()),
            ("GET", "/me/messages/{id}", Some("$select=subject"))
        );
        assert!(line.repairs.is_empty());

        let line = parse_request_line("GET/me").unwrap();
        assert_eq!(line.path, "/me");
        assert_eq!(line.repairs, vec!["missing space after the method"]);

        let line = parse_request_line("post ~/users/{id}").unwrap();
        assert_eq!((line.method.as_str(), line.path.as_str()), ("POST", "/users/{id}"));
        assert_eq!(line.repairs, vec!["method not in upper case", "`~` prefix"]);

        let line = parse_request_line("DELETE users/{id} HTTP/1.1").unwrap();
        assert_eq!(line.path, "/users/{id}");

        let line = parse_request_line("POST https://graph.microsoft.com/beta/users/{id}/x").unwrap();
        assert_eq!(line.base_url.as_deref(), Some("https://graph.microsoft.com/beta"));
        assert_eq!(line.path, "/users/{id}/x");

        assert_eq!(parse_request_line("Content-Type: application/json"), None);
        assert_eq!(parse_request_line("GETTER /x"), None);
    }

    #[test]
    fn urls_split_at_the_version_segment() {
        assert_eq!(split_url("https://h/v1.0/me"), (Some("https://h/v1.0".into()), "/me"));
        assert_eq!(split_url("https://h/me"), (Some("https://h".into()), "/me"));
        assert_eq!(split_url("/me"), (None, "/me"));
    }

    #[test]
    fn messages_with_irregular_blank_lines() {
        let seed_like = "HTTP 1.1 200 Ok\n\nContent-Type: application/json\n{\n  \"a\": 1\n}\n";
        let message = parse_message(seed_like).unwrap();
        assert_eq!(message.start_line, "HTTP 1.1 200 Ok");
        assert_eq!(message.headers, vec![("Content-Type".into(), "application/json".into())]);
        assert_eq!(message.body, Some(("{\n  \"a\": 1\n}".into(), 3)));

        let request = "POST https://x/v1.0/me\nContent-Type: application/json\nContent-Length: 3\n\n{}\n";
        let message = parse_message(request).unwrap();
        assert_eq!(message.headers.len(), 2);
        assert_eq!(message.body, Some(("{}".into(), 4)));

        let no_body = "HTTP/1.1 204 No Content\n";
        assert_eq!(parse_message(no_body).unwrap().body, None);
        assert_eq!(parse_message("\n \n"), None);
    }

    #[test]
    fn status_lines() {
        assert_eq!(parse_status_line("HTTP/1.1 200 OK"), Some(StatusLine { status: 200, well_formed: true }));
        assert_eq!(parse_status_line("HTTP/1.1 204 No Content"), Some(StatusLine { status: 204, well_formed: true }));
        assert_eq!(parse_status_line("HTTP 1.1 200 Ok"), Some(StatusLine { status: 200, well_formed: false }));
        assert_eq!(parse_status_line("HTTP/1.1 200"), Some(StatusLine { status: 200, well_formed: true }));
        assert_eq!(parse_status_line("GET /me"), None);
    }
}
