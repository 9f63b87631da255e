//! Rule: a request line that holds a literal key where a key belongs.
//!
//! Some pages copy their example's URL into the `## HTTP request` block
//! (`DELETE /education/classes/acdefc6b-2dc6-4e71-b1e9-6d9810ab1793/assignments/{id}`):
//! the line then documents one class, not the endpoint. A segment is read as
//! a key only where one belongs and only when it is shaped like one: it
//! follows a collection (a plural name: `classes`, `messages`, `b2xUserFlows`)
//! and is a GUID, a number, an e-mail address or a long opaque token (letters
//! and digits mixed, `AAMkAGI2THVSAAA=`) that is no member name
//! (`getOffice365ActivationCounts` after `reports` stays a function). Casts,
//! calls, `$value`, placeholders (`{id | userPrincipalName}` keeps its
//! alternatives, `paths::name_placeholders` names it) and the segments of a
//! drive path (`root:/2021/budget.xlsx:`) are never keys. Each key becomes a
//! placeholder named after its collection (`{class-id}`, which
//! `paths::name_placeholders` names `class_id`), and the line is reported
//! with what was replaced. Ranks right after [`super::empty_http_request`]:
//! every later rule reads the templated line, and a line that now repeats
//! another is one operation ([`super::duplicate_operation`]).

use super::super::paths::{is_guid, singular};
use crate::diagnostics::{Code, Diagnostics};
use crate::parse::http::RequestLine;
use crate::parse::page::Page;
use heck::{ToKebabCase, ToSnakeCase};

/// A literal key of a path and the placeholder that replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Replaced {
    literal: String,
    placeholder: String,
}

/// Templates the documented request lines that hold literal keys, each reported.
pub(in crate::resolve) fn template(page: &Page, lines: &mut [(u32, RequestLine)], diags: &mut Diagnostics) {
    for (line, request) in lines.iter_mut() {
        let Some((path, replaced)) = templated(&request.path) else { continue };
        let what = replaced.iter().map(|r| format!("`{}` by `{}`", r.literal, r.placeholder)).collect::<Vec<_>>().join(", ");
        let message =
            format!("request line `{} {}` holds literal keys; replaced {what}: the path is `{path}`", request.method, request.path);
        diags.report(Code::LiteralKey, (&page.file, *line), message);
        request.path = path;
    }
}

/// The path with its literal keys made placeholders, and what was replaced;
/// `None` when it holds none.
fn templated(path: &str) -> Option<(String, Vec<Replaced>)> {
    let mut segments: Vec<String> = path.split('/').map(str::to_owned).collect();
    let mut replaced = Vec::new();
    let mut in_drive_path = false;
    for i in 1..segments.len() {
        // `items/01BYE5RZ...:/report.docx:` keys the item the drive path starts from.
        let (segment, colon) = match segments[i].strip_suffix(':') {
            Some(key) => (key.to_owned(), ":"),
            None => (segments[i].clone(), ""),
        };
        let closes_or_opens = !colon.is_empty();
        if !in_drive_path && is_collection(&segments[i - 1]) && is_literal_key(&segment) {
            let placeholder = format!("{{{}-id}}", singular(&segments[i - 1].to_snake_case()).to_kebab_case());
            segments[i] = format!("{placeholder}{colon}");
            replaced.push(Replaced { literal: segment, placeholder });
        }
        // `root:/a/b:` and `items/{id}:/name:`: what lies between the colons is a drive path.
        if closes_or_opens {
            in_drive_path = !in_drive_path;
        }
    }
    (!replaced.is_empty()).then(|| (segments.join("/"), replaced))
}

/// A plural name, the segment before a key: `classes`, `mailFolders`, `children`.
fn is_collection(segment: &str) -> bool {
    let identifier = segment.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && segment.chars().all(|c| c.is_ascii_alphanumeric());
    let snake = segment.to_snake_case();
    identifier && singular(&snake) != snake
}

/// A segment shaped like a key: a GUID, a number, an e-mail address, or a long
/// opaque token that is no member name.
fn is_literal_key(segment: &str) -> bool {
    let key = segment.trim_matches(|c| c == '\'' || c == '"');
    if key.is_empty() || key.starts_with(['{', '$']) || key.contains(['(', ')', ':', '{', '}']) {
        return false;
    }
    is_guid(key) || key.bytes().all(|b| b.is_ascii_digit()) || is_email(key) || is_opaque_token(key)
}

/// `kim@contoso.com`: a user's principal name where its id belongs.
fn is_email(key: &str) -> bool {
    key.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.starts_with('.'))
}

/// `AAMkAGI2THVSAAA=`, `01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K`: letters and
/// digits mixed, at least 16 long, base64 padding only at the end.
fn is_opaque_token(key: &str) -> bool {
    let body = key.trim_end_matches('=');
    let allowed = body.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'!'));
    let has_digit = body.bytes().any(|b| b.is_ascii_digit());
    let has_letter = body.bytes().any(|b| b.is_ascii_alphabetic());
    key.len() >= 16 && allowed && has_digit && has_letter && !is_member_name(body)
}

/// A camelCase name (`getOffice365ActivationCounts`, `windows10CompliancePolicy`):
/// starts in lower case, no run of four capitals, at most two runs of digits.
fn is_member_name(word: &str) -> bool {
    let bytes = word.as_bytes();
    let camel = bytes.first().is_some_and(u8::is_ascii_lowercase) && bytes.iter().all(u8::is_ascii_alphanumeric);
    let capital_runs = bytes.windows(4).any(|w| w.iter().all(u8::is_ascii_uppercase));
    let digit_runs = bytes.iter().enumerate().filter(|&(i, b)| b.is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit())).count();
    camel && !capital_runs && digit_runs <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(path: &str) -> Option<String> {
        templated(path).map(|(path, _)| path)
    }

    #[test]
    fn keys_after_collections_become_placeholders_named_after_them() {
        assert_eq!(
            path_of("/education/classes/acdefc6b-2dc6-4e71-b1e9-6d9810ab1793/assignments/cf6005fc-9e13-44a2-a6ac-a53322006454/rubric/$ref")
                .as_deref(),
            Some("/education/classes/{class-id}/assignments/{assignment-id}/rubric/$ref")
        );
        assert_eq!(path_of("/me/drive/items/12/children").as_deref(), Some("/me/drive/items/{item-id}/children"));
        assert_eq!(path_of("/me/mailFolders/AAMkAGI2THVSAAA=/messages").as_deref(), Some("/me/mailFolders/{mail-folder-id}/messages"));
        assert_eq!(path_of("/users/kim@contoso.com/events").as_deref(), Some("/users/{user-id}/events"));
        assert_eq!(path_of("/me/todo/lists/gDbc8U7HGwADDZocJgAAAA==/tasks").as_deref(), Some("/me/todo/lists/{list-id}/tasks"));
        assert_eq!(path_of("/drives/b!x/items/01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K").as_deref(), Some("/drives/b!x/items/{item-id}"));
        assert_eq!(
            path_of("/me/drive/items/01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K:/Reports/2021:/content").as_deref(),
            Some("/me/drive/items/{item-id}:/Reports/2021:/content")
        );
        assert_eq!(
            path_of("/identity/b2xUserFlows/B2X_1_PartnerSignUp/languages").as_deref(),
            Some("/identity/b2xUserFlows/{b2x-user-flow-id}/languages")
        );
    }

    #[test]
    fn what_is_replaced_is_told() {
        let (_, replaced) = templated("/education/me/rubrics/ceb3863e-6912-4ea9-ac41-3c2bb7b6672d").unwrap();
        assert_eq!(replaced, [Replaced { literal: "ceb3863e-6912-4ea9-ac41-3c2bb7b6672d".into(), placeholder: "{rubric-id}".into() }]);
    }

    #[test]
    fn names_and_placeholders_stay() {
        for path in [
            "/me",
            "/me/drive/root/children",
            "/users/{id | userPrincipalName}/messages/{id}",
            "/me/drive/items/{item-id}/workbook/worksheets/{id|name}/range(address='A1:B2')",
            "/me/calendarView/delta()",
            "/users/{id}/messages/microsoft.graph.delta()",
            "/me/messages/{id}/$value",
            "/me/reminderView(startDateTime=2021-01-01T00:00:00,endDateTime=2021-01-02T00:00:00)",
            "/reports/getOffice365ActivationCounts",
            "/reports/getOffice365ActivationsUserDetail",
            "/deviceManagement/deviceConfigurations/windows10GeneralConfiguration",
            "/drives/{drive-id}/root:/path/to/file:/content",
            "/me/drive/root:/Reports/2021/0123456789abcdef0123:/content",
            "/me/photos/48x48/$value",
            "/sites/root/lists",
            "/me/insights/trending",
        ] {
            assert_eq!(path_of(path), None, "{path}");
        }
    }

    #[test]
    fn shapes_of_keys() {
        assert!(is_literal_key("acdefc6b-2dc6-4e71-b1e9-6d9810ab1793"));
        assert!(is_literal_key("'12'"));
        assert!(is_literal_key("AAMkADA1M-CJKtzmnlcqVgqI="));
        assert!(!is_literal_key("createUploadSession"));
        assert!(!is_literal_key("getOffice365GroupsActivityDetail"));
        assert!(!is_literal_key("{id}"));
        assert!(!is_literal_key("$count"));
        assert!(!is_literal_key("microsoft.graph.user"));
    }
}
