//! Rule: which page defines a type that several pages document.
//!
//! Some types have more than one page (`user.md` and
//! `intune-devices-user.md`). The page that most looks like *the* page of the
//! type defines it, by `PAGE_PREFERENCE`: a page ranks by the first criterion
//! it meets (named exactly after the type; named after it in its last word;
//! under `resources/`), then by path, then by line. What the other pages add
//! is merged into it ([`super::conflicting_duplicate`]), and each is reported.

use super::super::types::{link_stem, DocumentedType};
use crate::diagnostics::{Code, Diagnostics};
use crate::parse::page::Page;

type Criterion = fn(&Page, &DocumentedType<'_>) -> bool;

/// What makes a page the type's own, most decisive first.
const PAGE_PREFERENCE: &[(&str, Criterion)] = &[
    ("the file is named after the type", named_exactly),
    ("the file's last word is the type's name", named_by_last_word),
    ("the page is under `resources/`", |page, _| page.file.starts_with("resources/") || page.file.contains("/resources/")),
];

/// The page's rank for the type (lower is better): the first criterion it meets.
pub(in crate::resolve) fn rank(page: &Page, documented: &DocumentedType<'_>) -> usize {
    PAGE_PREFERENCE.iter().position(|(_, meets)| meets(page, documented)).unwrap_or(PAGE_PREFERENCE.len())
}

fn named_exactly(page: &Page, documented: &DocumentedType<'_>) -> bool {
    link_stem(&page.file).eq_ignore_ascii_case(&documented.name)
}

fn named_by_last_word(page: &Page, documented: &DocumentedType<'_>) -> bool {
    let stem = link_stem(&page.file).to_ascii_lowercase();
    stem.rsplit(['-', '_']).next() == Some(documented.name.to_ascii_lowercase().as_str()) && documented.anchor.is_none()
}

/// Reports a page documenting `qualified`, already defined at `defined_at`.
pub(in crate::resolve) fn report(
    page: &Page,
    documented: &DocumentedType<'_>,
    qualified: &str,
    defined_at: (&str, u32),
    diags: &mut Diagnostics,
) {
    let (file, line) = defined_at;
    let message = format!("type `{qualified}` is also documented at {file}:{line}; what this page adds is merged into it");
    diags.report(Code::DuplicateType, (&page.file, documented.line), message);
}

#[cfg(test)]
mod tests {
    use super::super::super::types::Form;
    use super::*;

    #[test]
    fn the_page_named_after_the_type_ranks_first() {
        let user = DocumentedType { name: "user".into(), line: 1, anchor: None, form: Form::Object };
        let rank_of = |file: &str| rank(&Page { file: file.into(), ..Page::default() }, &user);
        assert_eq!(rank_of("resources/user.md"), 0);
        assert_eq!(rank_of("api/User.md"), 0);
        assert_eq!(rank_of("resources/intune-devices-user.md"), 1);
        assert_eq!(rank_of("resources/users-overview.md"), 2);
        assert_eq!(rank_of("concepts/users.md"), 3);
    }
}
