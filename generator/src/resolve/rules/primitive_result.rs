//! Rule: a primitive result.
//!
//! OData wraps a function's primitive result in `{"value": ...}`. Pages say so
//! in the response annotation (`"@odata.type": "Edm.String"`,
//! `Collection(Edm.Int32)`), which is trusted first, or only show the wrapper
//! in the example (`{"value": true}`), which is trusted when the sentence
//! names no type or names a primitive. The result is the primitive (a
//! collection when the annotation, the sentence or the annotation's
//! `isCollection` says so); the wrapper is what the client expects. Ranks
//! after [`super::no_body`] in `RESPONSE_BODY`.

use super::super::types::{infer_type, TypeIndex};
use super::ResponseEvidence;
use crate::model::{Primitive, TypeRef};
use crate::parse::page::{ExampleRole, Page};
use serde_json::Value;

/// The primitive the response annotation names.
pub(super) fn annotated(evidence: &ResponseEvidence<'_>) -> Option<Option<TypeRef>> {
    let (primitive, annotated_collection) = annotated_primitive(evidence.page)?;
    let collection = evidence.sentence().is_some_and(|s| s.collection) || evidence.annotation_says_collection() || annotated_collection;
    let item = TypeRef::Primitive(primitive);
    Some(Some(if collection { TypeRef::collection(item) } else { item }))
}

/// The primitive an example's `{"value": ...}` wraps, when the sentence does not name another type.
pub(super) fn wrapped(evidence: &ResponseEvidence<'_>) -> Option<Option<TypeRef>> {
    let primitive = evidence.example_json().and_then(|(body, _)| wrapped_primitive(body, evidence.index))?;
    let untyped =
        evidence.sentence().is_none_or(|s| s.ty.is_none() || s.ty.as_ref().is_some_and(|t| Primitive::from_edm_name(&t.text).is_some()));
    untyped.then_some(Some(primitive))
}

/// `"@odata.type": "Edm.String"` (or `Collection(Edm.Int32)`, then `true`) on the response example.
fn annotated_primitive(page: &Page) -> Option<(Primitive, bool)> {
    let annotated = page.examples.iter().find(|e| e.role == ExampleRole::Response)?.annotation.odata_type.as_deref()?;
    let bare = annotated.trim_start_matches('#');
    let item = bare.strip_prefix("Collection(").and_then(|b| b.strip_suffix(')'));
    Primitive::from_edm_name(item.unwrap_or(bare)).map(|p| (p, item.is_some()))
}

/// OData's wrapper for a primitive result, `{"value": true}` or `{"value": ["a"]}`:
/// the type of what it wraps.
fn wrapped_primitive(body: &Value, index: &TypeIndex) -> Option<TypeRef> {
    let object = body.as_object()?;
    if !object.keys().all(|k| k == "value" || k.starts_with('@')) {
        return None;
    }
    let primitive = |v: &Value| match infer_type(v, index) {
        ty @ TypeRef::Primitive(_) if !v.is_null() => Some(ty),
        _ => None,
    };
    match object.get("value")? {
        Value::Array(items) => items.first().and_then(primitive).map(TypeRef::collection),
        other => primitive(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_a_bare_value_wrapper_around_a_primitive_is_one() {
        let index = TypeIndex::default();
        let shown = |v: Value| wrapped_primitive(&v, &index).map(|t| t.to_string());
        assert_eq!(shown(json!({"@odata.context": "x", "value": true})).as_deref(), Some("Edm.Boolean"));
        assert_eq!(shown(json!({"value": ["a", "b"]})).as_deref(), Some("Collection(Edm.String)"));
        assert_eq!(shown(json!({"value": {"id": "1"}})), None);
        assert_eq!(shown(json!({"value": null})), None);
        assert_eq!(shown(json!({"value": 1, "other": 2})), None);
    }
}
