//! Rule: a member the tables spell in another case than the JSON representation.
//!
//! JSON member names are case-sensitive, for the service's answers and for
//! serde: a table row `printerID` beside a representation showing
//! `printerId` would give a field that never matches what the service sends.
//! The representation is a payload, the table a hand-typed name, so a member
//! both list that differs only in case takes the representation's spelling,
//! and the row is reported. Members only one of them lists are left to
//! [`super::undocumented_property`].

use super::undocumented_property::representation_members;
use crate::diagnostics::{Code, Diagnostics};
use crate::model::Property;
use crate::parse::page::Page;

/// Respells, in place, the rows of `properties` and `navigation` that the
/// page's JSON representation writes in another case.
pub(in crate::resolve) fn respell(page: &Page, documented: [&mut [Property]; 2], diags: &mut Diagnostics) {
    let shown = representation_members(page);
    if shown.is_empty() {
        return;
    }
    for property in documented.into_iter().flatten() {
        let Some(wire) = wire_spelling(&shown, &property.json_name) else { continue };
        diags.report(
            Code::MemberCase,
            &property.source,
            format!(
                "the property table names `{}`, which the JSON representation spells `{wire}`; the member is `{wire}`, as sent",
                property.json_name
            ),
        );
        property.json_name = wire.to_owned();
    }
}

/// The representation's spelling of `name` when it differs from it only in case.
fn wire_spelling<'a>(shown: &'a [String], name: &str) -> Option<&'a str> {
    if shown.iter().any(|s| s == name) {
        return None;
    }
    let mut same = shown.iter().filter(|s| s.eq_ignore_ascii_case(name));
    match (same.next(), same.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_single_spelling_that_differs_in_case_is_taken() {
        let shown = vec!["printerId".to_owned(), "usageDate".to_owned(), "Id".to_owned(), "ID".to_owned()];
        assert_eq!(wire_spelling(&shown, "printerID"), Some("printerId"));
        assert_eq!(wire_spelling(&shown, "usageDate"), None, "already as sent");
        assert_eq!(wire_spelling(&shown, "id"), None, "two spellings: no evidence which is sent");
        assert_eq!(wire_spelling(&shown, "weight"), None, "not in the representation");
    }
}
