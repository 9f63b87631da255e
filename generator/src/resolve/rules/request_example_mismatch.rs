//! Rule: a request example that sends none of the documented parameters.
//!
//! The parameter table is trusted over the example: an example body whose
//! members are none of the table's names (often copied from another page) is
//! not read as a parameters payload, and that is reported. An empty body
//! sends nothing and is not a mismatch. Ranks after
//! [`super::wrapped_parameters`], which reads a wrapping example first.

use crate::diagnostics::{Code, Diagnostics};
use crate::model::Property;
use crate::parse::page::Page;
use serde_json::{Map, Value};

pub(super) fn check(page: &Page, parameters: &[Property], body: &Map<String, Value>, line: u32, diags: &mut Diagnostics) {
    if !mismatches(parameters, body) {
        return;
    }
    let found = body.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    let expected = parameters.iter().map(|p| format!("`{}`", p.json_name)).collect::<Vec<_>>().join(", ");
    let message = format!("the request example body has {found} but the documented parameters are {expected}; the example is not a parameters payload and is ignored");
    diags.report(Code::RequestExampleMismatch, (&page.file, line), message);
}

fn mismatches(parameters: &[Property], body: &Map<String, Value>) -> bool {
    !body.is_empty() && !body.keys().any(|k| parameters.iter().any(|p| p.json_name == *k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Source, TypeRef};
    use serde_json::json;

    #[test]
    fn a_body_sharing_no_name_with_the_table_mismatches() {
        let rows = [Property { json_name: "comment".into(), ty: TypeRef::Json, description: String::new(), source: Source::default() }];
        let mismatch = |body: Value| mismatches(&rows, body.as_object().unwrap());
        assert!(mismatch(json!({"message": "hi"})));
        assert!(!mismatch(json!({"comment": "hi", "extra": 1})));
        assert!(!mismatch(json!({})));
        assert!(mismatch(json!({"Comment": "hi"})), "names match exactly");
    }
}
