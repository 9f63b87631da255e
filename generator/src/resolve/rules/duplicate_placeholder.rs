//! Rule: a path that repeats a placeholder (`/users/{id}/notes/{id}`).
//!
//! Pages often write every key `{id}`. The placeholders are named after the
//! collection each indexes (`paths::name_placeholders`: `user_id`,
//! `note_id`), so the path still gives one parameter per key; the repetition
//! is reported with the names chosen. Raises nothing else and decides nothing
//! another rule reads.

use super::super::paths::NamedPath;
use crate::diagnostics::{Code, Diagnostics};
use crate::parse::http::RequestLine;
use crate::parse::page::Page;

pub(in crate::resolve) fn report(page: &Page, line: u32, request: &RequestLine, named: &NamedPath, diags: &mut Diagnostics) {
    if let Some(message) = message(request, named) {
        diags.report(Code::DuplicatePlaceholder, (&page.file, line), message);
    }
}

fn message(request: &RequestLine, named: &NamedPath) -> Option<String> {
    if named.repeated.is_empty() {
        return None;
    }
    let names: Vec<&str> = named.params.iter().map(|p| p.name.as_str()).collect();
    let repeated = named.repeated.iter().map(|r| format!("`{{{r}}}`")).collect::<Vec<_>>().join(", ");
    Some(format!("path `{}` repeats the placeholder {repeated}; the parameters are named {}", request.path, names.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::http::parse_request_line;
    use crate::resolve::paths::name_placeholders;

    #[test]
    fn only_a_repeated_placeholder_is_reported_with_the_names_given() {
        let said = |line: &str| {
            let request = parse_request_line(line).unwrap();
            message(&request, &name_placeholders(&request.path))
        };
        assert_eq!(
            said("GET /users/{id}/notes/{id}").as_deref(),
            Some("path `/users/{id}/notes/{id}` repeats the placeholder `{id}`; the parameters are named user_id, note_id")
        );
        assert_eq!(said("GET /users/{user-id}/notes/{note-id}"), None);
    }
}
