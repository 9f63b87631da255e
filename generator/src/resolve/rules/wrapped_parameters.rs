//! Rule: a parameter table that lists one object's members.
//!
//! Some tables list the members of the one parameter an action takes: the
//! table lists `displayName` and `endDateTime`, the request example sends
//! `{"passwordCredential": {"displayName": ...}}` (or `{"value": [{"id":
//! ...}]}` under a table of `id`). The example is trusted over the table's
//! framing: when its only member is an object (or an array of objects) that
//! holds a documented name, that member is the one parameter, typed as the
//! type of its name (for an array, of its singular or of the title's
//! subject), else as JSON. Ranks inside [`super::request_body`]; when it
//! does not apply, [`super::request_example_mismatch`] checks the example.

use super::super::operations::{OperationResolver, Title};
use super::super::paths::singular;
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{Property, Source, TypeRef};
use crate::parse::page::Page;
use serde_json::{Map, Value};

/// The one parameter, reported, when the example sends the table's members inside it.
pub(super) fn wrapper(
    resolver: &OperationResolver<'_>,
    page: &Page,
    title: &Title,
    rows: &[Property],
    body: &Map<String, Value>,
    line: u32,
    diags: &mut Diagnostics,
) -> Option<Property> {
    let (name, wraps) = wrapping_member(rows, body)?;
    let ty = match wraps {
        Wraps::Object => resolver.known(name).map(TypeRef::Named).unwrap_or(TypeRef::Json),
        Wraps::Items => {
            let item =
                resolver.known(&singular(name)).or_else(|| resolver.known(&title.subject)).map(TypeRef::Named).unwrap_or(TypeRef::Json);
            TypeRef::collection(item)
        }
    };
    let members = rows.iter().map(|p| format!("`{}`", p.json_name)).collect::<Vec<_>>().join(", ");
    let message = format!("the table lists {members}, which the request example sends inside `{name}`; that member is the one parameter");
    diags.report(Code::WrappedParameters, (&page.file, line), message);
    Some(Property { json_name: name.clone(), ty, description: String::new(), source: Source { file: page.file.clone(), line } })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wraps {
    Object,
    Items,
}

/// `{"passwordCredential": {"displayName": ...}}` under a table of
/// `displayName`, ...: the body's only member, when it wraps the documented names and the body itself holds none.
fn wrapping_member<'b>(rows: &[Property], body: &'b Map<String, Value>) -> Option<(&'b String, Wraps)> {
    let documents = |object: &Map<String, Value>| rows.iter().any(|p| object.contains_key(&p.json_name));
    if body.len() != 1 || documents(body) {
        return None;
    }
    let (name, value) = body.iter().next()?;
    match value {
        Value::Object(inner) if documents(inner) => Some((name, Wraps::Object)),
        Value::Array(items) if items.first().and_then(Value::as_object).is_some_and(documents) => Some((name, Wraps::Items)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_member_wrapping_documented_names_is_the_parameter() {
        let rows = [Property { json_name: "displayName".into(), ty: TypeRef::Json, description: String::new(), source: Source::default() }];
        let wrapped = |body: Value| wrapping_member(&rows, body.as_object().unwrap()).map(|(name, wraps)| (name.clone(), wraps));
        assert_eq!(wrapped(json!({"credential": {"displayName": "x"}})), Some(("credential".into(), Wraps::Object)));
        assert_eq!(wrapped(json!({"value": [{"displayName": "x"}]})), Some(("value".into(), Wraps::Items)));
        assert_eq!(wrapped(json!({"displayName": "x"})), None, "the body is the parameters");
        assert_eq!(wrapped(json!({"credential": {"other": 1}})), None);
        assert_eq!(wrapped(json!({"a": {"displayName": "x"}, "b": 1})), None);
    }
}
