//! Rule: a parameter table that lists a name twice.
//!
//! The first row is kept and the second reported: two fields for one JSON
//! member would not compile, and the first row is the one a reader of the
//! page sees first. Names compare exactly (`type` and `Type` are two JSON
//! members). Every parameter table goes through here.

use super::super::operations::OperationResolver;
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{Property, Source};
use crate::parse::page::{Page, Row};

impl OperationResolver<'_> {
    /// One parameter per name, typed from its row.
    pub(in crate::resolve) fn parameters(&self, page: &Page, rows: &[Row], diags: &mut Diagnostics) -> Vec<Property> {
        let mut out: Vec<Property> = Vec::new();
        for row in rows {
            if out.iter().any(|p| p.json_name == row.name) {
                let message = format!("parameter `{}` is listed twice; the first row is kept", row.name);
                diags.report(Code::DuplicateParameter, (&page.file, row.line), message);
                continue;
            }
            out.push(Property {
                json_name: row.name.clone(),
                ty: self.index.resolve_cell(&row.ty, &page.file, row.line, diags),
                description: row.description.clone(),
                source: Source { file: page.file.clone(), line: row.line },
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::resolving;
    use super::*;
    use crate::parse::page::TypeCell;

    #[test]
    fn the_first_row_of_a_name_is_kept() {
        resolving(&[], |resolver| {
            let row = |name: &str, ty: &str, line| Row {
                name: name.into(),
                ty: TypeCell { text: ty.into(), link: None },
                description: String::new(),
                line,
            };
            let mut diags = Diagnostics::default();
            let rows = [row("type", "String", 5), row("Type", "Int32", 6), row("type", "Int32", 7)];
            let kept: Vec<String> =
                resolver.parameters(&Page::default(), &rows, &mut diags).iter().map(|p| format!("{}: {}", p.json_name, p.ty)).collect();
            assert_eq!(kept, ["type: Edm.String", "Type: Edm.Int32"]);
            assert_eq!(diags.iter().map(|d| (d.code, d.line)).collect::<Vec<_>>(), [(Code::DuplicateParameter, 7)]);
        });
    }
}
