//! Rule: an action without a parameter table.
//!
//! Some action pages document no table in `Request body`. A `Parameters`
//! table elsewhere on the page is trusted first (it is documentation, not an
//! example). Failing that, the action's parameters are the members of the
//! JSON the page shows, from the first of `SHOWN_PARAMETERS` that shows an
//! object with members, typed as their values suggest; that inference is
//! reported. Ranks inside [`super::request_body`], which calls it.

use super::super::operations::{OperationResolver, Title};
use super::super::types::infer_properties;
use super::super::Exchange;
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{RequestBody, Source};
use crate::parse::page::{Page, Payload};
use serde_json::Value;

/// Where an action's parameters are read from when no table lists them, first that shows JSON wins.
const SHOWN_PARAMETERS: &[(&str, Shown)] =
    &[("a JSON block in the `Request body` section", body_sample), ("the request example's body", request_example)];

type Shown = for<'p> fn(&'p Page, Option<Exchange<'p>>) -> Option<(&'p Value, u32)>;

fn body_sample<'p>(page: &'p Page, _: Option<Exchange<'p>>) -> Option<(&'p Value, u32)> {
    let sample = page.body_sample.as_ref()?;
    match &sample.value {
        Payload::Json(value) => Some((value, sample.line)),
        _ => None,
    }
}

fn request_example<'p>(_: &'p Page, example: Option<Exchange<'p>>) -> Option<(&'p Value, u32)> {
    example.and_then(|e| e.json)
}

impl OperationResolver<'_> {
    /// Actions whose `Request body` section has no parameter table: a `Parameters`
    /// table elsewhere on the page, else the keys of the JSON the page shows.
    pub(in crate::resolve) fn action_parameters_without_table(
        &self,
        page: &Page,
        title: &Title,
        example: Option<Exchange<'_>>,
        diags: &mut Diagnostics,
    ) -> Option<RequestBody> {
        let type_name = self.parameter_struct_name(page, title);
        if !page.function_parameters.is_empty() {
            return Some(RequestBody::Parameters { type_name, parameters: self.parameters(page, &page.function_parameters, diags) });
        }
        let (Value::Object(object), line) = SHOWN_PARAMETERS.iter().find_map(|(_, shown)| shown(page, example))? else { return None };
        if object.is_empty() {
            return None;
        }
        let source = Source { file: page.file.clone(), line };
        let parameters = infer_properties(object, self.index, &source);
        let names = parameters.iter().map(|p| format!("`{}`", p.json_name)).collect::<Vec<_>>().join(", ");
        diags.report(
            Code::InferredParameters,
            (&page.file, line),
            format!("the action documents no parameter table; its parameters {names} are inferred from the JSON body shown"),
        );
        Some(RequestBody::Parameters { type_name, parameters })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{exchange, request_example as example};
    use super::*;
    use crate::parse::Located;

    #[test]
    fn the_body_sample_is_read_before_the_request_example() {
        let sent = example("POST /me/widgets/1/paint\n\n{\"coats\": 2}\n");
        let mut page = Page::default();
        let shown =
            |page: &Page| SHOWN_PARAMETERS.iter().find_map(|(_, shown)| shown(page, exchange(&sent))).map(|(v, line)| (v.clone(), line));
        assert_eq!(shown(&page), Some((serde_json::json!({"coats": 2}), 23)));
        page.body_sample = Some(Located { value: Payload::Json(serde_json::json!({"color": "red"})), line: 9 });
        assert_eq!(shown(&page), Some((serde_json::json!({"color": "red"}), 9)));
        page.body_sample =
            Some(Located { value: Payload::BadJson(crate::parse::json::JsonError { line: 1, message: String::new() }), line: 9 });
        assert_eq!(shown(&page).map(|(_, line)| line), Some(23), "a sample that is not JSON shows nothing");
    }
}
