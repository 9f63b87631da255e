//! OData conventions shared by generated types: `@odata.type` discriminators
//! and lossless conversion between a type and its base or derived types.

use super::object::{Additional, Key};
use serde::de::{DeserializeOwned, Error as _, IntoDeserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A primitive result (a function returning a string, a number, ...): OData
/// sends it as `{"value": ...}`.
///
/// Written and read by hand (`value`, then the annotations), so that the
/// crate without `client` builds without `serde_derive`.
#[derive(Debug, Clone, PartialEq)]
pub struct ODataValue<T> {
    pub value: T,
    /// Instance annotations such as `@odata.context`.
    pub annotations: Additional,
}

impl<T: Serialize> Serialize for ODataValue<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("value", &self.value)?;
        for (name, annotation) in &self.annotations {
            map.serialize_entry(name, annotation)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ODataValue<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ValueVisitor(PhantomData))
    }
}

struct ValueVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ValueVisitor<T> {
    type Value = ODataValue<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with a `value`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ODataValue<T>, A::Error> {
        let mut value = None;
        let mut annotations = Additional::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "value" => value = Some(map.next_value()?),
                _ => super::object::keep(&mut annotations, key, &mut map)?,
            }
        }
        // Absent, an `Option` is `None` (as serde's derive reads it); anything else is missing.
        let value = match value {
            Some(value) => value,
            None => T::deserialize(().into_deserializer()).map_err(|_: serde::de::value::Error| A::Error::missing_field("value"))?,
        };
        Ok(ODataValue { value, annotations })
    }
}

/// Re-reads `value` as another type through JSON. Generated types keep unknown
/// members in `additional_properties`, so converting between a type and its
/// base or derived types loses nothing. `None` when `value` does not fit `T`.
pub fn convert<T: DeserializeOwned>(value: &impl Serialize) -> Option<T> {
    serde_json::to_value(value).ok().and_then(|json| serde_json::from_value(json).ok())
}

/// True when an `@odata.type` value (`#microsoft.graph.fileAttachment`) names
/// `qualified` (`microsoft.graph.fileAttachment`); case-insensitive, `#` optional.
pub fn is_odata_type(odata_type: Option<&str>, qualified: &str) -> bool {
    odata_type.is_some_and(|t| t.trim_start_matches('#').eq_ignore_ascii_case(qualified))
}

/// A string as a function-call argument: the OData literal `'it''s'`,
/// percent-encoded for the path (`it's` -> `'it''s'`, `a/b` -> `'a%2Fb'`).
pub fn string_argument(value: &str) -> String {
    super::encode_path_segment(&format!("'{}'", value.replace('\'', "''")))
}

/// An enum member as a function-call argument: its serialized name, quoted.
pub fn enum_argument(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(member)) => string_argument(&member),
        Ok(other) => super::encode_path_segment(&other.to_string()),
        Err(_) => "null".to_owned(),
    }
}

/// A function call's argument list, `(a=1,b='x')`, from its arguments in
/// order as call literals; those left out (`None`) are skipped, and when all
/// are, the list is empty: the function's path without parentheses.
pub fn call_arguments(arguments: &[(&str, Option<String>)]) -> String {
    let given: Vec<String> = arguments.iter().filter_map(|(name, value)| value.as_ref().map(|v| format!("{name}={v}"))).collect();
    if given.is_empty() {
        String::new()
    } else {
        format!("({})", given.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_call_arguments() {
        assert_eq!(string_argument("it's"), "'it''s'");
        assert_eq!(string_argument("a/b c"), "'a%2Fb%20c'");
        enum Level {
            VeryHigh,
        }
        impl Serialize for Level {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    Level::VeryHigh => serializer.serialize_unit_variant("Level", 0, "veryHigh"),
                }
            }
        }
        assert_eq!(enum_argument(&Level::VeryHigh), "'veryHigh'");
        assert_eq!(call_arguments(&[("token", None), ("top", Some("5".into())), ("q", Some(string_argument("a b")))]), "(top=5,q='a%20b')");
        assert_eq!(call_arguments(&[("token", None)]), "");
    }

    #[test]
    fn matches_discriminators() {
        assert!(is_odata_type(Some("#microsoft.graph.fileAttachment"), "microsoft.graph.fileattachment"));
        assert!(is_odata_type(Some("microsoft.graph.fileAttachment"), "microsoft.graph.fileAttachment"));
        assert!(!is_odata_type(Some("#microsoft.graph.itemAttachment"), "microsoft.graph.fileAttachment"));
        assert!(!is_odata_type(None, "microsoft.graph.fileAttachment"));
    }

    #[test]
    fn primitive_results_are_unwrapped() {
        let result: ODataValue<String> = serde_json::from_str(r#"{"@odata.context": "x", "value": "abc"}"#).unwrap();
        assert_eq!(result.value, "abc");
        assert_eq!(result.annotations["@odata.context"], "x");
        assert_eq!(serde_json::to_string(&result).unwrap(), r#"{"value":"abc","@odata.context":"x"}"#);
        assert!(serde_json::from_str::<ODataValue<String>>(r#"{"@odata.context": "x"}"#).is_err());
        let absent: ODataValue<Option<u8>> = serde_json::from_str("{}").unwrap();
        assert_eq!(absent.value, None, "an optional value may be absent");
    }

    #[test]
    fn converts_through_json() {
        let wide = serde_json::json!({"a": 1, "b": "x"});
        let narrow: std::collections::BTreeMap<String, serde_json::Value> = convert(&wide).unwrap();
        assert_eq!(narrow.len(), 2);
        assert_eq!(convert::<u32>(&wide), None);
    }
}
