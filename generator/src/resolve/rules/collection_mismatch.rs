//! Rule: one object or a collection.
//!
//! The response sentence ("a collection of [x]"), the annotation
//! (`isCollection`) and the example can disagree. The example decides when it
//! is unambiguous: a `value` array (and nothing but annotations beside it)
//! makes a collection; a plain object with members and no `value` makes one
//! object (`GET /chats/{id}`, documented as "a collection of chat"), but only
//! when every request of the page ends alike (one example cannot speak for
//! `.../{name}` and `.../{name}/children`) and no annotation says
//! `isCollection`. Either correction is reported. Ranks after the statements:
//! it reads the sentence's and the annotation's say, then the example.

use super::ResponseEvidence;
use crate::diagnostics::{Code, Diagnostics};
use serde_json::Value;

/// What the page says, corrected by the example.
pub(super) fn collection(evidence: &ResponseEvidence<'_>, diags: &mut Diagnostics) -> bool {
    let annotated = evidence.annotation_says_collection();
    let said = evidence.sentence().is_some_and(|s| s.collection) || annotated;
    let Some((body, line)) = evidence.example_json() else { return said };
    match correction(said, annotated, evidence.one_resource, body) {
        Some(Correction::OneObject) => {
            let message =
                "the page declares a collection but the response example shows a single object; the response is read as one object";
            diags.report(Code::CollectionMismatch, (&evidence.page.file, line), message);
            false
        }
        Some(Correction::Collection) => {
            let message =
                "the response example holds a `value` array but the page declares a single object; the response is read as a collection";
            diags.report(Code::CollectionMismatch, (&evidence.page.file, line), message);
            true
        }
        None => said,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Correction {
    OneObject,
    Collection,
}

fn correction(said: bool, annotated: bool, one_resource: bool, body: &Value) -> Option<Correction> {
    let object = body.as_object()?;
    let bare = object.keys().all(|k| k == "value" || k.starts_with('@'));
    if said {
        let one_object = !object.contains_key("value") && object.keys().any(|k| !k.starts_with('@'));
        (one_resource && !annotated && one_object).then_some(Correction::OneObject)
    } else {
        (bare && matches!(object.get("value"), Some(Value::Array(_)))).then_some(Correction::Collection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_example_corrects_the_page_only_when_it_is_unambiguous() {
        let one = json!({"id": "1"});
        let many = json!({"@odata.context": "x", "value": [{"id": "1"}]});
        assert_eq!(correction(true, false, true, &one), Some(Correction::OneObject));
        assert_eq!(correction(true, false, false, &one), None, "requests of different shapes");
        assert_eq!(correction(true, true, true, &one), None, "the annotation says collection");
        assert_eq!(correction(false, false, true, &many), Some(Correction::Collection));
        assert_eq!(correction(false, false, true, &json!({"value": [], "next": 1})), None, "a member beside `value`");
        assert_eq!(correction(true, false, true, &many), None);
        assert_eq!(correction(false, false, true, &one), None);
    }
}
