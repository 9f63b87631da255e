//! Rule: a function page that documents its parameters as a request body.
//!
//! A GET sends no body, yet some function pages put their parameter table
//! under `Request body` (`range: offsetRange`). The table is read as the
//! function's parameters, and that is reported. A table under `Function
//! parameters`/`Path parameters`/`Parameters` is trusted first; this rule
//! applies only when there is none, to functions and to any GET page.

use super::super::operations::OperationResolver;
use crate::diagnostics::{Code, Diagnostics};
use crate::model::Property;
use crate::parse::page::{BodySection, Page};

/// The `Request body` table of a GET page, read as function parameters.
pub(in crate::resolve) fn parameters(resolver: &OperationResolver<'_>, page: &Page, diags: &mut Diagnostics) -> Vec<Property> {
    let BodySection::Parameters { line, rows } = &page.request_body else { return Vec::new() };
    let names = rows.iter().map(|r| format!("`{}`", r.name)).collect::<Vec<_>>().join(", ");
    diags.report(
        Code::BodyOfGet,
        (&page.file, *line),
        format!(
            "the function is called with GET, which sends no body; its request body parameters {names} are read as function parameters"
        ),
    );
    resolver.parameters(page, rows, diags)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::resolving;
    use super::*;
    use crate::parse::page::{Row, TypeCell};

    #[test]
    fn only_a_request_body_table_is_read_and_reported() {
        resolving(&[], |resolver| {
            let mut diags = Diagnostics::default();
            let mut page = Page::default();
            assert!(parameters(resolver, &page, &mut diags).is_empty());
            let row = Row { name: "rows".into(), ty: TypeCell { text: "Int32".into(), link: None }, description: String::new(), line: 8 };
            page.request_body = BodySection::Parameters { line: 7, rows: vec![row] };
            let read: Vec<String> = parameters(resolver, &page, &mut diags).iter().map(|p| format!("{}: {}", p.json_name, p.ty)).collect();
            assert_eq!(read, ["rows: Edm.Int32"]);
            assert_eq!(diags.iter().map(|d| (d.code, d.line)).collect::<Vec<_>>(), [(Code::BodyOfGet, 7)]);
        });
    }
}
