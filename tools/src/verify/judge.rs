//! Judging one round trip: did the example survive, and if not, whose fault is it?

use super::{fields, request_fields, Case, Role};
use docgen::model::{ApiModel, Primitive, Property, TypeKind, TypeRef};
use serde_json::{Map, Value};

/// Why an example failed. `doc_defect` marks failures caused by the page itself
/// (its example contradicts its own tables or statements, or is not JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: String,
    pub doc_defect: bool,
    pub detail: String,
}

impl Failure {
    pub fn doc(kind: &str, detail: String) -> Failure {
        Failure { kind: kind.to_owned(), doc_defect: true, detail }
    }

    pub fn generator(kind: &str, detail: String) -> Failure {
        Failure { kind: kind.to_owned(), doc_defect: false, detail }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whose = if self.doc_defect { "doc defect" } else { "generator" };
        write!(f, "{whose}: {}: {}", self.kind, self.detail)
    }
}

/// The verdict on one case, given what the program printed for it: the
/// re-serialized value, or the deserialization error.
pub fn judge(case: &Case, model: &ApiModel, outcome: Result<&Value, &str>) -> Result<(), Failure> {
    let Ok(original) = &case.body else { return Err(Failure::doc("example JSON does not parse", String::new())) };
    let Some(op) = case.operation.map(|i| &model.operations[i]) else {
        return Err(Failure::generator("no operation for the example", String::new()));
    };
    let walk = Walk { model };
    match outcome {
        Err(message) => {
            let mismatch = match case.role {
                Role::Request => match request_fields(op) {
                    Some(parameters) => {
                        walk.members(original, &parameters.iter().map(|p| (p.json_name.as_str(), p)).collect::<Vec<_>>(), "$")
                    }
                    None => match &op.request_body {
                        Some(docgen::model::RequestBody::Resource { ty }) => walk.value(original, ty, "$", None),
                        _ => None,
                    },
                },
                Role::Response => match super::answered_body(case, op) {
                    // Collections and primitive results travel as `{"value": ...}`.
                    Some(ty @ (TypeRef::Collection(_) | TypeRef::Primitive(_))) => {
                        original.get("value").and_then(|inner| walk.value(inner, ty, "$.value", None))
                    }
                    Some(ty) => walk.value(original, ty, "$", None),
                    None => None,
                },
            };
            Err(match mismatch {
                Some(m) => m.into_failure(),
                None => Failure::generator("does not deserialize", message.to_owned()),
            })
        }
        Ok(round_trip) => {
            let wrapped = case.role == Role::Response
                && matches!(super::answered_body(case, op), Some(TypeRef::Collection(_) | TypeRef::Primitive(_)));
            let mut original = original.clone();
            if wrapped {
                if let Value::Object(map) = &mut original {
                    map.remove("@odata.context");
                }
            }
            match difference(&original, round_trip, "$") {
                None => Ok(()),
                Some(Difference::Lost(at, value)) if wrapped && at == "$.@odata.type" => {
                    Err(Failure::doc("the items' `@odata.type` on the collection wrapper", format!("{at}: {}", short(&value))))
                }
                Some(Difference::Lost(at, value)) if at.starts_with("$.odata.") => {
                    Err(Failure::doc("annotation written without its `@`", format!("{at}: {}", short(&value))))
                }
                Some(Difference::Lost(at, value)) => {
                    Err(Failure::generator("member lost in the round trip", format!("{at}: {}", short(&value))))
                }
                Some(Difference::Invented(at, value)) => {
                    Err(Failure::generator("member invented in the round trip", format!("{at}: {}", short(&value))))
                }
                Some(Difference::Changed(at, a, b)) => {
                    Err(Failure::generator("value changed in the round trip", format!("{at}: {} became {}", short(&a), short(&b))))
                }
            }
        }
    }
}

#[derive(Debug, PartialEq)]
enum Difference {
    Lost(String, Value),
    Invented(String, Value),
    Changed(String, Value, Value),
}

/// The first difference between the example and its round trip (see the module docs for what counts as equal).
fn difference(original: &Value, back: &Value, at: &str) -> Option<Difference> {
    match (original, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let path = format!("{at}.{key}");
                match b.get(key) {
                    Some(other) => {
                        if let Some(d) = difference(value, other, &path) {
                            return Some(d);
                        }
                    }
                    None if value.is_null() => {}
                    None => return Some(Difference::Lost(path, value.clone())),
                }
            }
            b.iter().find(|(key, _)| !a.contains_key(*key)).map(|(key, value)| Difference::Invented(format!("{at}.{key}"), value.clone()))
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                if let Some(d) = difference(x, y, &format!("{at}[{i}]")) {
                    return Some(d);
                }
            }
            match a.len().cmp(&b.len()) {
                std::cmp::Ordering::Greater => Some(Difference::Lost(format!("{at}[{}]", b.len()), a[b.len()].clone())),
                std::cmp::Ordering::Less => Some(Difference::Invented(format!("{at}[{}]", a.len()), b[a.len()].clone())),
                std::cmp::Ordering::Equal => None,
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let same = a == b
                || match (a.as_f64(), b.as_f64()) {
                    // `1` and `1.0`; an `Edm.Single` read as `f32` and widened back.
                    (Some(x), Some(y)) => x == y || (x - y).abs() <= f64::from(f32::EPSILON) * x.abs().max(y.abs()),
                    _ => false,
                };
            (!same).then(|| Difference::Changed(at.to_owned(), original.clone(), back.clone()))
        }
        (a, b) if a == b => None,
        (Value::String(a), Value::String(b)) if same_scalar(a, b) => None,
        _ => Some(Difference::Changed(at.to_owned(), original.clone(), back.clone())),
    }
}

/// Two texts of one typed scalar value: the same instant in another offset or
/// precision (`...00.0000000Z`, `...-07:00`), the same time of day, duration
/// (`PT24H` and `P1D`), GUID in another case, or bytes in another base64 form.
/// Only typed fields can give back another text than they read.
fn same_scalar(a: &str, b: &str) -> bool {
    use graph_runtime::runtime::{Binary, Date, Duration, Time, Timestamp, Uuid};
    fn same<T: std::str::FromStr + PartialEq>(a: &str, b: &str) -> bool {
        matches!((a.parse::<T>(), b.parse::<T>()), (Ok(x), Ok(y)) if x == y)
    }
    same::<Timestamp>(a, b)
        || same::<Date>(a, b)
        || same::<Time>(a, b)
        || same::<Duration>(a, b)
        || same::<Uuid>(a, b)
        || matches!((Binary::from_base64(a), Binary::from_base64(b)), (Ok(x), Ok(y)) if x == y)
}

/// A member of the example whose JSON does not fit the type the model gives it.
struct Mismatch {
    at: String,
    found: Value,
    expected: TypeRef,
    declared: Option<String>,
    /// The expected type is an object type without any property (`microsoft.graph.Json`).
    open: bool,
}

impl Mismatch {
    fn into_failure(self) -> Failure {
        let declared = self.declared.as_ref().map(|s| format!(" (declared at {s})")).unwrap_or_default();
        let expected = self.expected.to_string();
        let detail = format!("{}: {} is not `{expected}`{declared}", self.at, short(&self.found));
        if self.open {
            Failure::generator(
                "open JSON type emitted as a struct",
                format!("{detail}: the type declares no property, its values are any JSON"),
            )
        } else if self.found.as_str().is_some_and(is_placeholder) {
            Failure::doc("type name or placeholder instead of a value", detail)
        } else if self.found.is_string() && matches!(self.expected, TypeRef::Primitive(p) if is_typed_scalar(p)) {
            Failure::doc("value not in its type's format (a date without an offset, a malformed GUID, ...)", detail)
        } else if self.found.is_object() && matches!(self.expected, TypeRef::Named(_)) {
            Failure::doc("object where the page's table declares an enum", detail)
        } else if self.declared.is_some() {
            Failure::doc("example contradicts the page's table", detail)
        } else {
            Failure::generator("example contradicts the model", detail)
        }
    }
}

/// `"String"`, `"Int32"`, `"Edm.Boolean"`, `"Collection(String)"`, `"string (timestamp)"`: a type written where a value belongs.
fn is_placeholder(text: &str) -> bool {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_prefix("edm.").unwrap_or(&t);
    let word = t.split([' ', '(']).next().unwrap_or("");
    t.starts_with("collection(")
        || t.starts_with("microsoft.graph.")
        || t.contains(" | ")
        || Primitive::ALL.iter().any(|p| p.edm_name().eq_ignore_ascii_case(word))
        || t.ends_with("-value")
        || matches!(word, "int" | "integer" | "number" | "bool" | "datetime" | "timestamp" | "enum" | "value")
}

struct Walk<'m> {
    model: &'m ApiModel,
}

impl Walk<'_> {
    /// The first member that cannot deserialize into `ty` (null fits everything: fields are `Option`s).
    fn value(&self, value: &Value, ty: &TypeRef, at: &str, declared: Option<&Property>) -> Option<Mismatch> {
        let open = matches!(ty, TypeRef::Named(name) if self.model.find_type(name).is_some_and(|d| matches!(&d.kind,
            TypeKind::Object { base: None, properties, navigation } if properties.is_empty() && navigation.is_empty())));
        let mismatch = || Mismatch {
            at: at.to_owned(),
            found: value.clone(),
            expected: ty.clone(),
            declared: declared.map(|p| p.source.to_string()),
            open,
        };
        if value.is_null() {
            return None;
        }
        match ty {
            TypeRef::Json => None,
            TypeRef::Primitive(p) => (!fits(value, *p)).then(mismatch),
            TypeRef::Collection(item) => match value {
                Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| self.value(v, item, &format!("{at}[{i}]"), declared)),
                _ => Some(mismatch()),
            },
            TypeRef::Named(name) => match self.model.find_type(name).map(|d| &d.kind) {
                Some(TypeKind::Enum { .. }) => (!value.is_string()).then(mismatch),
                Some(TypeKind::Object { .. }) => match value {
                    Value::Object(_) => self.members(value, &fields(self.model, name), at),
                    _ => Some(mismatch()),
                },
                None => None,
            },
        }
    }

    fn members(&self, value: &Value, declared: &[(&str, &Property)], at: &str) -> Option<Mismatch> {
        let object: &Map<String, Value> = value.as_object()?;
        object.iter().find_map(|(key, member)| {
            let (_, property) = declared.iter().find(|(name, _)| name == key)?;
            self.value(member, &property.ty, &format!("{at}.{key}"), Some(property))
        })
    }
}

/// The Edm types the generated crate reads into a type of their own (`runtime::scalars`).
fn is_typed_scalar(p: Primitive) -> bool {
    matches!(
        p,
        Primitive::DateTimeOffset | Primitive::Date | Primitive::TimeOfDay | Primitive::Duration | Primitive::Guid | Primitive::Binary
    )
}

/// Whether serde reads `value` as the Rust type of `p` (see `emit::rust::surface`'s `primitive`).
fn fits(value: &Value, p: Primitive) -> bool {
    use graph_runtime::runtime::{Binary, Date, Duration, Time, Timestamp, Uuid};
    let parses = |read: fn(&str) -> bool| value.as_str().is_some_and(read);
    let int = |min: i64, max: i64| value.as_i64().is_some_and(|n| (min..=max).contains(&n));
    match p {
        Primitive::Boolean => value.is_boolean(),
        Primitive::Byte => int(0, 255),
        Primitive::SByte => int(-128, 127),
        Primitive::Int16 => int(i16::MIN.into(), i16::MAX.into()),
        Primitive::Int32 => int(i32::MIN.into(), i32::MAX.into()),
        Primitive::Int64 => int(i64::MIN, i64::MAX),
        Primitive::Single | Primitive::Double | Primitive::Decimal => value.is_number(),
        Primitive::DateTimeOffset => parses(|t| t.parse::<Timestamp>().is_ok()),
        Primitive::Date => parses(|t| t.parse::<Date>().is_ok()),
        Primitive::TimeOfDay => parses(|t| t.parse::<Time>().is_ok()),
        Primitive::Duration => parses(|t| t.parse::<Duration>().is_ok()),
        Primitive::Guid => parses(|t| t.parse::<Uuid>().is_ok()),
        Primitive::Binary => parses(|t| Binary::from_base64(t).is_ok()),
        Primitive::String | Primitive::Stream => value.is_string(),
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_means_same_json_with_the_stated_allowances() {
        assert_eq!(difference(&json!({"a": 1, "b": null}), &json!({"a": 1.0}), "$"), None);
        assert_eq!(difference(&json!({"x": 0.1}), &json!({"x": 0.10000000149011612}), "$"), None);
        assert_eq!(difference(&json!({"a": [1, 2]}), &json!({"a": [1]}), "$"), Some(Difference::Lost("$.a[1]".into(), json!(2))));
        assert_eq!(difference(&json!({}), &json!({"value": []}), "$"), Some(Difference::Invented("$.value".into(), json!([]))));
        assert_eq!(
            difference(&json!({"a": "x"}), &json!({"a": "y"}), "$"),
            Some(Difference::Changed("$.a".into(), json!("x"), json!("y")))
        );
        assert!(difference(&json!({"a": 1}), &json!({"a": 2}), "$").is_some());
        // Typed scalars compare by value.
        assert_eq!(difference(&json!({"t": "2019-01-29T20:00:00.0000000Z"}), &json!({"t": "2019-01-29T20:00:00Z"}), "$"), None);
        assert_eq!(difference(&json!({"t": "2017-09-04T15:30:00-07:00"}), &json!({"t": "2017-09-04T22:30:00Z"}), "$"), None);
        assert_eq!(
            difference(&json!({"g": "C2F8F4A2-1F36-4E0B-9D3E-1E6D0E6A7B11"}), &json!({"g": "c2f8f4a2-1f36-4e0b-9d3e-1e6d0e6a7b11"}), "$"),
            None
        );
        assert_eq!(difference(&json!({"d": "PT24H"}), &json!({"d": "P1D"}), "$"), None);
        assert!(difference(&json!({"t": "2019-01-29T20:00:00Z"}), &json!({"t": "2019-01-29T20:00:01Z"}), "$").is_some());
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder("Int32") && is_placeholder("Edm.Boolean") && is_placeholder("String collection"));
        assert!(is_placeholder("string (timestamp)") && is_placeholder("Collection(microsoft.graph.x)"));
        assert!(!is_placeholder("hello") && !is_placeholder("2021-01-01"));
    }

    #[test]
    fn primitives_fit_as_serde_reads_them() {
        assert!(fits(&json!(1), Primitive::Double) && !fits(&json!(1.5), Primitive::Int32));
        assert!(!fits(&json!(300), Primitive::Byte) && !fits(&json!("1"), Primitive::Int64));
        assert!(
            fits(&json!("2021-01-01T00:00:00Z"), Primitive::DateTimeOffset)
                && !fits(&json!("2021-01-01T00:00:00"), Primitive::DateTimeOffset)
        );
        assert!(fits(&json!("PT1H"), Primitive::Duration) && !fits(&json!("x-value"), Primitive::Guid));
    }
}
