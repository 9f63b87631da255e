//! Rule: a property table that lists a name twice.
//!
//! The first row is kept and the second reported (two fields for one JSON
//! member would not compile). A trailing `*` (a footnote mark) is not part of
//! the name. Every property and relationship table goes through here.

use super::super::types::TypeIndex;
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{Property, Source};
use crate::parse::page::{Page, Row};

/// One property per name, typed from its row.
pub(in crate::resolve) fn properties(page: &Page, rows: &[Row], index: &TypeIndex, diags: &mut Diagnostics) -> Vec<Property> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for row in rows {
        let name = property_name(row);
        if seen.contains(&name) {
            diags.report(
                Code::DuplicateProperty,
                (&page.file, row.line),
                format!("property `{name}` is listed twice; the first row is kept"),
            );
            continue;
        }
        seen.push(name);
        let ty = index.resolve_cell(&row.ty, &page.file, row.line, diags);
        out.push(Property {
            json_name: name.to_owned(),
            ty,
            description: row.description.clone(),
            source: Source { file: page.file.clone(), line: row.line },
        });
    }
    out
}

/// `displayName*` -> `displayName`.
fn property_name(row: &Row) -> &str {
    row.name.trim_end_matches('*').trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::page::TypeCell;

    #[test]
    fn the_first_row_of_a_name_is_kept_footnote_marks_aside() {
        let row = |name: &str, ty: &str, line| Row {
            name: name.into(),
            ty: TypeCell { text: ty.into(), link: None },
            description: String::new(),
            line,
        };
        let mut diags = Diagnostics::default();
        let rows = [row("id", "String", 5), row("id*", "Int32", 6), row("Id", "Int32", 7)];
        let kept: Vec<String> = properties(&Page::default(), &rows, &TypeIndex::default(), &mut diags)
            .iter()
            .map(|p| format!("{}: {}", p.json_name, p.ty))
            .collect();
        assert_eq!(kept, ["id: Edm.String", "Id: Edm.Int32"]);
        assert_eq!(diags.iter().map(|d| (d.code, d.line)).collect::<Vec<_>>(), [(Code::DuplicateProperty, 6)]);
    }
}
