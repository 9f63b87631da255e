//! Rule: a single object wrapped in `value`.
//!
//! OData wraps collections in `{"value": [...]}`; some examples wrap a single
//! object too (`{"value": {...}}`, the seed page's defect; the service does
//! not). The example is unwrapped: a collection's first item, a wrapped
//! object's inside, reported, or the object as shown. What is left is the
//! sample [`super::response_type`] infers from and [`super::example_member`]
//! reads. Ranks after [`super::collection_mismatch`].

use crate::diagnostics::{Code, Diagnostics};
use crate::parse::page::Page;
use serde_json::{Map, Value};

/// The object an example response shows, with any `value` wrapper removed;
/// `collection` is what [`super::collection_mismatch`] decided.
pub(super) fn unwrap(page: &Page, body: &Value, line: u32, collection: bool, diags: &mut Diagnostics) -> Option<(Map<String, Value>, u32)> {
    let object = body.as_object()?;
    let bare = object.keys().all(|k| k == "value" || k.starts_with('@'));
    match object.get("value") {
        Some(Value::Array(items)) if collection => items.iter().find_map(Value::as_object).map(|o| (o.clone(), line)),
        Some(Value::Object(inner)) if bare => {
            let message =
                "the response example wraps a single object in `value` although the page declares one object; the wrapper is ignored";
            diags.report(Code::UnexpectedValueWrapper, (&page.file, line), message);
            Some((inner.clone(), line))
        }
        _ => Some((object.clone(), line)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn unwrapped(body: Value, collection: bool) -> (Option<Value>, usize) {
        let mut diags = Diagnostics::default();
        let page = Page::default();
        let sample = unwrap(&page, &body, 3, collection, &mut diags).map(|(o, _)| Value::Object(o));
        (sample, diags.len())
    }

    #[test]
    fn the_sample_is_the_first_item_the_wrapped_object_or_the_object() {
        assert_eq!(unwrapped(json!({"value": [{"id": "1"}, {"id": "2"}]}), true), (Some(json!({"id": "1"})), 0));
        assert_eq!(unwrapped(json!({"value": {"id": "1"}}), false), (Some(json!({"id": "1"})), 1), "reported");
        assert_eq!(unwrapped(json!({"value": {"id": "1"}, "next": 2}), false), (Some(json!({"value": {"id": "1"}, "next": 2})), 0));
        assert_eq!(unwrapped(json!({"id": "1"}), false), (Some(json!({"id": "1"})), 0));
        assert_eq!(unwrapped(json!({"value": [1, 2]}), true), (None, 0), "no object to read");
        assert_eq!(unwrapped(json!([{"id": "1"}]), true), (None, 0));
    }
}
