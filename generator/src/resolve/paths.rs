//! Path templates: gives every `{placeholder}` a distinct, meaningful name and
//! derives operation names from the literal segments.

use crate::model::PathParam;
use heck::ToSnakeCase;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedPath {
    /// The path with `{name}` placeholders, e.g. `/users/{user_id}/messages`.
    pub path: String,
    pub params: Vec<PathParam>,
    /// Placeholder texts used more than once in the documented path.
    pub repeated: Vec<String>,
}

/// Names the placeholders of a documented path. Generic placeholders (`{id}`,
/// `{id | userPrincipalName}`) are named after the collection they index
/// (`users/{id}` -> `user_id`); descriptive ones keep their own name in snake case.
pub fn name_placeholders(path: &str) -> NamedPath {
    let mut out = String::with_capacity(path.len());
    let mut params: Vec<PathParam> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut repeated: Vec<String> = Vec::new();
    let mut owner = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        let literal = &rest[..open];
        out.push_str(literal);
        if let Some(word) = last_word(literal) {
            owner = word;
        }
        let documented = rest[open + 1..close].trim().to_owned();
        if seen.contains(&documented) && !repeated.contains(&documented) {
            repeated.push(documented.clone());
        }
        seen.push(documented.clone());
        let holds_path = holds_path(literal, &documented);
        let base = if holds_path { path_name(&documented) } else { base_name(&documented, &owner) };
        let name = unique_name(&base, &owner, &params);
        out.push('{');
        out.push_str(&name);
        out.push('}');
        params.push(PathParam { name, documented, holds_path });
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    NamedPath { path: out, params, repeated }
}

/// A placeholder whose value is a path rather than one segment: OneDrive's
/// path-based addressing (`root:/{item-path}:`, `items/{parent-id}:/{filename}:`)
/// puts it right after `:/`, and placeholders named as paths (`{path}`,
/// `{path-relative-to-root}`, `{path and filename}`) hold one wherever they are.
fn holds_path(literal_before: &str, placeholder: &str) -> bool {
    literal_before.ends_with(":/")
        || placeholder.to_ascii_lowercase().split(|c: char| !c.is_ascii_alphanumeric()).any(|word| word == "path")
}

/// A path placeholder is named after what it documents (`item_path`,
/// `path_and_filename`), never after the segment before it (`root_id`).
fn path_name(placeholder: &str) -> String {
    let words: Vec<String> =
        placeholder.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_snake_case()).collect();
    match words.join("_") {
        name if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) => "path".to_owned(),
        name => name,
    }
}

fn base_name(placeholder: &str, owner: &str) -> String {
    let snake = placeholder.to_snake_case();
    let generic = snake.is_empty() || snake == "id" || placeholder.contains('|') || placeholder.contains(' ') && !placeholder.contains('_');
    if generic {
        if owner.is_empty() {
            "id".to_owned()
        } else {
            format!("{}_id", singular(owner))
        }
    } else {
        snake
    }
}

fn unique_name(base: &str, owner: &str, taken: &[PathParam]) -> String {
    let is_taken = |name: &str| taken.iter().any(|p| p.name == name);
    if !is_taken(base) {
        return base.to_owned();
    }
    let qualified = format!("{}_{}", singular(owner), base);
    if !owner.is_empty() && !base.starts_with(&singular(owner)) && !is_taken(&qualified) {
        return qualified;
    }
    (2..).map(|n| format!("{base}_{n}")).find(|n| !is_taken(n)).unwrap_or_default()
}

/// The last identifier-like word of the literal text before a placeholder
/// (`/users/` -> `users`, `/items(id='` -> `items`, `/root:/` -> `root`).
fn last_word(literal: &str) -> Option<String> {
    literal
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .rfind(|w| !matches!(*w, "id" | "key"))
        .map(|w| w.to_snake_case())
}

/// English singular of a snake_case collection name, good enough for Graph's nouns.
pub fn singular(word: &str) -> String {
    let (head, last) = match word.rsplit_once('_') {
        Some((h, l)) => (format!("{h}_"), l),
        None => (String::new(), word),
    };
    let one = match last {
        "children" => "child".to_owned(),
        "people" => "person".to_owned(),
        w if w.ends_with("ies") && w.len() > 4 => format!("{}y", &w[..w.len() - 3]),
        w if w.ends_with("sses") || w.ends_with("xes") || w.ends_with("ches") || w.ends_with("shes") => w[..w.len() - 2].to_owned(),
        w if w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") => w.to_owned(),
        w if w.ends_with('s') && w.len() > 1 => w[..w.len() - 1].to_owned(),
        w => w.to_owned(),
    };
    format!("{head}{one}")
}

/// The literal words of a path, snake_cased, for operation names:
/// `/me/messages/{id}/$value` -> `["me", "messages", "value"]`.
pub fn literal_words(path: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    let flush = |current: &mut String, words: &mut Vec<String>| {
        let snake = current.to_snake_case();
        if !snake.is_empty() {
            words.push(snake);
        }
        current.clear();
    };
    for c in path.chars() {
        match c {
            '{' | '(' => {
                flush(&mut current, &mut words);
                depth += 1;
            }
            '}' | ')' => depth = depth.saturating_sub(1),
            c if depth > 0 => {
                let _ = c;
            }
            c if c.is_ascii_alphanumeric() => current.push(c),
            _ => flush(&mut current, &mut words),
        }
    }
    flush(&mut current, &mut words);
    words
}

/// A path's last segment without its call arguments: `/me/items/{id}/f(a=1)` -> `f`.
pub fn last_name(path: &str) -> &str {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    last.split('(').next().unwrap_or(last)
}

/// A path without its last segment's call arguments: `.../image(width=640)` -> `.../image`.
pub fn path_without_call(path: &str) -> &str {
    let last = path.rfind('/').map_or(0, |slash| slash + 1);
    path[last..].find('(').map_or(path, |open| &path[..last + open])
}

/// A segment that addresses one item of a collection: a placeholder or a literal key.
pub fn is_key(segment: &str) -> bool {
    segment.starts_with('{') || looks_like_key(segment)
}

/// True for path segments that are literal example keys rather than names:
/// GUIDs, long opaque tokens, quoted keys.
pub fn looks_like_key(segment: &str) -> bool {
    let s = segment.trim_matches(|c| c == '\'' || c == '"');
    if s.starts_with('{') || s.is_empty() || s.starts_with('$') {
        return false;
    }
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    let is_guid = s.len() == 36 && s.chars().filter(|&c| c == '-').count() == 4;
    is_guid || (s.len() >= 16 && digits >= 2) || s.ends_with('=') || s.contains('@') || (digits > 0 && digits == s.len())
}

/// `acdefc6b-2dc6-4e71-b1e9-6d9810ab1793`: the shape of a GUID (either case).
pub fn is_guid(segment: &str) -> bool {
    let groups: Vec<&str> = segment.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(path: &str) -> (String, Vec<String>, Vec<String>) {
        let named = name_placeholders(path);
        (named.path, named.params.into_iter().map(|p| p.name).collect(), named.repeated)
    }

    #[test]
    fn repeated_generic_ids_are_named_after_their_collections() {
        let (path, params, repeated) = names("/users/{id}/notes/{id}/attachments/{id}/createUploadSession");
        assert_eq!(path, "/users/{user_id}/notes/{note_id}/attachments/{attachment_id}/createUploadSession");
        assert_eq!(params, ["user_id", "note_id", "attachment_id"]);
        assert_eq!(repeated, ["id"]);
    }

    #[test]
    fn descriptive_placeholders_keep_their_names() {
        let (path, params, _) = names("/drives/{drive-id}/items/{itemId}/children");
        assert_eq!(path, "/drives/{drive_id}/items/{item_id}/children");
        assert_eq!(params, ["drive_id", "item_id"]);
        let (_, params, _) = names("/users/{id | userPrincipalName}/messages/{id}");
        assert_eq!(params, ["user_id", "message_id"]);
    }

    #[test]
    fn placeholders_that_hold_paths() {
        let holders =
            |path: &str| -> Vec<(String, bool)> { name_placeholders(path).params.into_iter().map(|p| (p.name, p.holds_path)).collect() };
        assert_eq!(holders("/me/drive/root:/{item-path}:/createUploadSession"), [("item_path".to_owned(), true)]);
        assert_eq!(holders("/drive/root:/{path and filename}:/content"), [("path_and_filename".to_owned(), true)]);
        assert_eq!(
            holders("/drives/{drive-id}/items/{parent-id}:/{filename}:/content"),
            [("drive_id".to_owned(), false), ("parent_id".to_owned(), false), ("filename".to_owned(), true)]
        );
        assert_eq!(
            holders("/sites/{hostname}:/{server-relative-path}"),
            [("hostname".to_owned(), false), ("server_relative_path".to_owned(), true)]
        );
        assert_eq!(holders("/me/drive/root:/{path_to_parent}"), [("path_to_parent".to_owned(), true)]);
        assert_eq!(holders("/users/{id}/messages/{message-id}"), [("user_id".to_owned(), false), ("message_id".to_owned(), false)]);
    }

    #[test]
    fn paths_without_their_call() {
        assert_eq!(path_without_call("/charts/{name}/image(width=640,height=480)"), "/charts/{name}/image");
        assert_eq!(path_without_call("/charts/{name}/image"), "/charts/{name}/image");
        assert_eq!(path_without_call("/items('{id}')/image"), "/items('{id}')/image");
    }

    #[test]
    fn odata_keys_and_function_parameters() {
        let (path, params, _) = names("/reports/getEmailActivityCounts(period='{period_value}')");
        assert_eq!(path, "/reports/getEmailActivityCounts(period='{period_value}')");
        assert_eq!(params, ["period_value"]);
        let (_, params, _) = names("/groups('{id}')/members('{id}')");
        assert_eq!(params, ["group_id", "member_id"]);
    }

    #[test]
    fn same_names_from_different_places_stay_distinct() {
        let (_, params, _) = names("/sites/{id}/lists/{list-id}/items/{id}/versions/{id}");
        assert_eq!(params, ["site_id", "list_id", "item_id", "version_id"]);
        let (_, params, _) = names("/a/{x}/b/{x}");
        assert_eq!(params, ["x", "b_x"]);
    }

    #[test]
    fn singulars() {
        for (plural, one) in [
            ("users", "user"),
            ("mail_folders", "mail_folder"),
            ("policies", "policy"),
            ("children", "child"),
            ("addresses", "address"),
            ("me", "me"),
            ("status", "status"),
        ] {
            assert_eq!(singular(plural), one);
        }
    }

    #[test]
    fn words_of_paths() {
        assert_eq!(literal_words("/me/mailFolders/{id}/messages/$value"), ["me", "mail_folders", "messages", "value"]);
        assert_eq!(literal_words("/reports/getX(period='{p}')"), ["reports", "get_x"]);
        assert_eq!(literal_words("/me/drive/root:/{path}:/content"), ["me", "drive", "root", "content"]);
    }

    #[test]
    fn keys_in_example_urls() {
        assert!(looks_like_key("AAMkAGI2THVSAAA="));
        assert!(looks_like_key("48d31887-5fad-4d73-a9f5-3c356e68a038"));
        assert!(looks_like_key("12345"));
        assert!(!looks_like_key("createUploadSession"));
        assert!(!looks_like_key("{id}"));
    }
}
