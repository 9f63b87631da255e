//! Reading and writing generated structs, and moving values between a type
//! and its base or derived types, member by member.
//!
//! Every generated struct keeps the members it does not declare in
//! `additional_properties`. `#[serde(flatten)]` would do that by first
//! buffering the whole object as serde's private `Content` and reading the
//! struct from the buffer, which made a typed page slower to decode than
//! `serde_json::Value`; instead each struct says how to read one member
//! ([`ReadMembers`]), and the one visitor here reads the object straight from
//! the input: a declared member into its field, any other into the map.
//! Member names borrow from the input where they can, so declared members
//! cost no allocation for their name.
//!
//! Writing is the same in reverse ([`WriteMembers`], [`serialize`]): each
//! struct writes its set members in declaration order, then the ones it keeps.
//! Written by hand rather than derived, a build of the crate without the
//! `client` feature needs no `serde_derive` (nor `syn`), the longest part of
//! compiling it.

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// Unknown members, kept as JSON.
pub type Additional = serde_json::Map<String, serde_json::Value>;

/// A generated struct, read one member at a time.
pub trait ReadMembers: Default {
    /// What an error says was expected, e.g. `a User object`.
    const EXPECTING: &'static str;

    /// Reads the value of the member `key` from `map` into `self` (with
    /// `map.next_value()`); a member the struct does not declare goes to
    /// [`keep`].
    fn read_member<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;
}

/// `Deserialize::deserialize` of every generated struct: a JSON object, its
/// members in any order, each read by [`ReadMembers::read_member`].
///
/// The members are read into one value in place: a visitor that returned the
/// struct would copy it (a `User` is 2.5 KB) once per layer of serde_json's
/// calls on the way out, which was a fifth of decoding a page of them.
pub fn deserialize<'de, D: Deserializer<'de>, T: ReadMembers>(deserializer: D) -> Result<T, D::Error> {
    let mut value = T::default();
    deserializer.deserialize_map(MembersInto(&mut value))?;
    Ok(value)
}

/// A generated struct, written one member at a time.
pub trait WriteMembers {
    /// Writes the declared members that are set (`Some`), in declaration
    /// order, each with [`Members::write`].
    fn write_members<M: SerializeMap>(&self, members: &mut Members<'_, M>);

    /// The members the struct does not declare, written after the others.
    fn additional_properties(&self) -> &Additional;
}

/// `Serialize::serialize` of every generated struct: one JSON object, the
/// declared members that are set, then `additional_properties` (what
/// `skip_serializing_if = "Option::is_none"` and `#[serde(flatten)]` wrote).
pub fn serialize<S: Serializer, T: WriteMembers>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    Members::write_all(value, &mut map)?;
    for (name, member) in value.additional_properties() {
        map.serialize_entry(name, member)?;
    }
    map.end()
}

/// The declared members of one struct being written into a map.
///
/// [`Members::write`] returns nothing and an error stops the rest, so a
/// generated `write_members` is one plain call per member: with a `?` on
/// each (a `Result` matched and its error converted), type- and
/// borrow-checking the v1.0 crate's 1,307 of them took 5.0 s of its `cargo
/// check`, against 1.5 s this way (`-Zself-profile`, docs/BENCHMARKS.md).
pub struct Members<'a, M: SerializeMap> {
    map: &'a mut M,
    error: Option<M::Error>,
}

impl<'a, M: SerializeMap> Members<'a, M> {
    /// Writes `value`'s declared members into `map`, then says whether all were written.
    pub fn write_all<T: WriteMembers + ?Sized>(value: &T, map: &'a mut M) -> Result<(), M::Error> {
        let mut members = Members { map, error: None };
        value.write_members(&mut members);
        members.error.map_or(Ok(()), Err)
    }

    /// Writes one declared member, left out when it is `None`, and nothing
    /// once a member failed.
    pub fn write<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let (None, Some(value)) = (&self.error, value) {
            if let Err(error) = self.map.serialize_entry(name, value) {
                self.error = Some(error);
            }
        }
    }
}

/// `Debug` of every generated struct: its name, then only the members that
/// are set, as they go on the wire (JSON names and values), then the ones it
/// keeps: `Message { subject: "Hi", from: {"emailAddress":{...}} }`, where a
/// derived `Debug` would list every `None` of the type's dozens of members.
/// Written through [`WriteMembers`] because a derived `Debug` was 2.9 s of
/// the v1.0 crate's `cargo check` (this is 0.8 s).
pub fn debug<T: WriteMembers>(value: &T, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let pretty = f.alternate();
    let mut out = DebugMembers { out: f.debug_struct(name), name: None, pretty };
    // Never an error of its own: `format!` panics on a `Debug` that fails
    // when the output did not (the output's errors surface from `finish`).
    let _ = Members::write_all(value, &mut out);
    for (name, member) in value.additional_properties() {
        out.field(name, member);
    }
    out.out.finish()
}

/// A `debug_struct` filled as a map is serialized: each value as its JSON text.
struct DebugMembers<'a, 'b> {
    out: fmt::DebugStruct<'a, 'b>,
    /// The member whose value comes next.
    name: Option<String>,
    /// `{:#?}`: the values as indented JSON.
    pretty: bool,
}

impl DebugMembers<'_, '_> {
    /// One member; a value JSON cannot hold (a map with other keys than
    /// strings, a serializer's error) shows as the error, in angle brackets.
    fn field<V: Serialize + ?Sized>(&mut self, name: &str, value: &V) {
        let json = if self.pretty { serde_json::to_string_pretty(value) } else { serde_json::to_string(value) };
        match json {
            Ok(json) => self.out.field(name, &Verbatim(&json)),
            Err(error) => self.out.field(name, &Verbatim(&format!("<{error}>"))),
        };
    }
}

impl SerializeMap for DebugMembers<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_key<K: Serialize + ?Sized>(&mut self, key: &K) -> Result<(), Self::Error> {
        self.name = Some(match serde_json::to_value(key)? {
            serde_json::Value::String(name) => name,
            other => other.to_string(),
        });
        Ok(())
    }

    fn serialize_value<V: Serialize + ?Sized>(&mut self, value: &V) -> Result<(), Self::Error> {
        let name = self.name.take().unwrap_or_default();
        self.field(&name, value);
        Ok(())
    }

    fn end(self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Text written as it is by `Debug` (a JSON value, not a quoted string).
struct Verbatim<'a>(&'a str);

impl fmt::Debug for Verbatim<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// `Deserialize::deserialize` of every generated enum: its wire string, any
/// value (one it does not know becomes `Unknown`, so it is sent back as read).
pub fn string_enum<'de, D: Deserializer<'de>, T: From<String>>(deserializer: D) -> Result<T, D::Error> {
    String::deserialize(deserializer).map(T::from)
}

/// Reads an object's members into a value that starts as `T::default()`.
struct MembersInto<'a, T>(&'a mut T);

impl<'de, T: ReadMembers> Visitor<'de> for MembersInto<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            self.0.read_member(key, &mut map)?;
        }
        Ok(())
    }
}

/// A member's name, borrowed from the input when it has no escapes.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, name: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(name)))
    }

    fn visit_str<E>(self, name: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(name.to_owned())))
    }

    fn visit_string<E>(self, name: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(name)))
    }
}

/// Reads a declared member into its field.
pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(field: &mut T, map: &mut A) -> Result<(), A::Error> {
    *field = map.next_value()?;
    Ok(())
}

/// Keeps a member the struct does not declare, as JSON.
pub fn keep<'de, A: MapAccess<'de>>(additional: &mut Additional, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
    let value = map.next_value()?;
    additional.insert(key.into_string(), value);
    Ok(())
}

/// Moving a derived value to its base: a member only the derived type
/// declares is kept in the base's `additional_properties`, as JSON.
pub fn keep_member(additional: &mut Additional, name: &str, value: Option<impl Serialize>) {
    if let Some(json) = value.and_then(|v| serde_json::to_value(v).ok()) {
        additional.insert(name.to_owned(), json);
    }
}

/// Moving a member whose type differs between a derived and a base type (a
/// redeclared member) to the base: through JSON; a value that does not fit is
/// kept in the base's `additional_properties`, so it is still sent.
pub fn convert_or_keep<T: DeserializeOwned>(additional: &mut Additional, name: &str, value: Option<impl Serialize>) -> Option<T> {
    let json = serde_json::to_value(value?).ok()?;
    match T::deserialize(&json) {
        Ok(converted) => Some(converted),
        Err(_) => {
            additional.insert(name.to_owned(), json);
            None
        }
    }
}

/// Moving a base value to a derived type: a member the derived type declares,
/// read from where the base kept it (the caller removes it once every member
/// fits). `Err` when it does not fit its type.
fn kept_member<T: DeserializeOwned>(additional: &Additional, name: &str) -> Result<Option<T>, serde_json::Error> {
    match additional.get(name) {
        Some(json) => Option::<T>::deserialize(json),
        None => Ok(None),
    }
}

/// Moving a member whose type differs between a base and a derived type to
/// the derived type: through JSON. `Err` when it does not fit.
fn convert_member<T: DeserializeOwned>(value: &Option<impl Serialize>) -> Result<Option<T>, serde_json::Error> {
    match value {
        Some(value) => serde_json::to_value(value).and_then(serde_json::from_value),
        None => Ok(None),
    }
}

/// Moving a base value to a derived type (`TryFrom<Base> for Derived`): the
/// members read back so far, and whether each fit its type.
///
/// Each read is one plain call that gives `None` for a member that does not
/// fit; a generated `try_from` asks [`Fitting::all_fit`] once, before it
/// changes the base, and hands the base back unchanged if not. (A `let Ok(..)
/// = .. else { return Err(base) }` per member cost the v1.0 crate's `cargo
/// check` more: see docs/BENCHMARKS.md.)
pub struct Fitting {
    all_fit: bool,
}

impl Fitting {
    pub fn new() -> Self {
        Fitting { all_fit: true }
    }

    /// A member the derived type declares, from where the base kept it.
    pub fn kept<T: DeserializeOwned>(&mut self, additional: &Additional, name: &str) -> Option<T> {
        self.fit(kept_member(additional, name))
    }

    /// A member both types declare, with different types: through JSON.
    pub fn converted<T: DeserializeOwned>(&mut self, value: &Option<impl Serialize>) -> Option<T> {
        self.fit(convert_member(value))
    }

    pub fn all_fit(&self) -> bool {
        self.all_fit
    }

    fn fit<T>(&mut self, read: Result<Option<T>, serde_json::Error>) -> Option<T> {
        read.unwrap_or_else(|_| {
            self.all_fit = false;
            None
        })
    }
}

impl Default for Fitting {
    fn default() -> Self {
        Fitting::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, PartialEq)]
    struct Note {
        title: Option<String>,
        pages: Option<Vec<i32>>,
        additional_properties: Additional,
    }

    impl ReadMembers for Note {
        const EXPECTING: &'static str = "a Note object";

        fn read_member<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
            match key.as_str() {
                "title" => self.title = map.next_value()?,
                "pages" => self.pages = map.next_value()?,
                _ => return keep(&mut self.additional_properties, key, map),
            }
            Ok(())
        }
    }

    impl WriteMembers for Note {
        fn write_members<M: SerializeMap>(&self, members: &mut Members<'_, M>) {
            members.write("title", &self.title);
            members.write("pages", &self.pages);
        }

        fn additional_properties(&self) -> &Additional {
            &self.additional_properties
        }
    }

    impl Serialize for Note {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize(self, serializer)
        }
    }

    impl fmt::Debug for Note {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            debug(self, "Note", f)
        }
    }

    impl<'de> Deserialize<'de> for Note {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    #[test]
    fn declared_members_go_to_fields_others_to_the_map() {
        let note: Note =
            serde_json::from_str(r#"{"pages": [1, 2], "title": "Plan", "x\u0041": {"deep": [null]}, "title2": null}"#).unwrap();
        assert_eq!(note.title.as_deref(), Some("Plan"));
        assert_eq!(note.pages, Some(vec![1, 2]));
        assert_eq!(note.additional_properties["xA"], serde_json::json!({"deep": [null]}), "an escaped name is read too");
        assert_eq!(note.additional_properties["title2"], serde_json::Value::Null);
        let from_value: Note = serde_json::from_value(serde_json::json!({"title": null, "other": 1})).unwrap();
        assert_eq!((from_value.title, from_value.additional_properties.len()), (None, 1));
    }

    #[cfg(feature = "client")]
    #[test]
    fn a_member_that_does_not_fit_names_its_path() {
        let body = r#"{"title": "Plan", "pages": [1, "two"]}"#;
        let error = serde_path_to_error::deserialize::<_, Note>(&mut serde_json::Deserializer::from_str(body)).unwrap_err();
        assert_eq!(error.path().to_string(), "pages[1]");
    }

    #[test]
    fn anything_but_an_object_is_an_error() {
        let error = serde_json::from_str::<Note>(r#"["Plan"]"#).unwrap_err();
        assert!(error.to_string().contains("a Note object"), "{error}");
        assert!(serde_json::from_str::<Note>("null").is_err());
    }

    #[test]
    fn declared_members_are_written_in_order_unset_ones_left_out_kept_ones_last() {
        let mut kept = Additional::new();
        kept.insert("zeta".into(), serde_json::json!([1]));
        kept.insert("alpha".into(), serde_json::Value::Null);
        let note = Note { title: Some("Plan".into()), pages: Some(vec![3]), additional_properties: kept.clone() };
        let written = serde_json::to_string(&note).unwrap();
        // The kept members in the map's own order: sorted, or as inserted with serde_json's `preserve_order`.
        let kept_text: Vec<String> = kept.iter().map(|(name, value)| format!("{}:{value}", serde_json::to_string(name).unwrap())).collect();
        assert_eq!(written, format!(r#"{{"title":"Plan","pages":[3],{}}}"#, kept_text.join(",")));
        let untitled = Note { pages: Some(vec![]), ..Note::default() };
        assert_eq!(serde_json::to_string(&untitled).unwrap(), r#"{"pages":[]}"#, "None is left out");
        assert_eq!(serde_json::to_string(&Note::default()).unwrap(), "{}");
        let back: Note = serde_json::from_str(&written).unwrap();
        assert_eq!(back, note, "what is written reads back");
    }

    #[test]
    fn debug_shows_the_set_members_as_json_then_the_kept_ones() {
        let mut kept = Additional::new();
        kept.insert("color".into(), serde_json::json!({"name": "red"}));
        let note = Note { title: Some("Plan \"A\"".into()), pages: None, additional_properties: kept };
        assert_eq!(format!("{note:?}"), r#"Note { title: "Plan \"A\"", color: {"name":"red"} }"#);
        assert_eq!(format!("{note:#?}"), "Note {\n    title: \"Plan \\\"A\\\"\",\n    color: {\n      \"name\": \"red\"\n    },\n}");
        assert_eq!(format!("{:?}", Note::default()), "Note", "nothing set, nothing listed");
        assert_eq!(format!("{Unencodable:?}"), "Odd { keys: <key must be a string> }", "what JSON cannot hold is shown, not a failure");
    }

    /// A member whose value JSON cannot hold (a map with keys that are not strings).
    struct Unencodable;

    impl fmt::Debug for Unencodable {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let mut members = DebugMembers { out: f.debug_struct("Odd"), name: None, pretty: false };
            members.field("keys", &std::collections::BTreeMap::from([((1, 2), 3)]));
            members.out.finish()
        }
    }

    /// Refuses the member `title`, as a serializer refusing a value would, and notes the others.
    struct Refusing(Vec<&'static str>);

    impl SerializeMap for Refusing {
        type Ok = ();
        type Error = serde_json::Error;

        fn serialize_key<K: Serialize + ?Sized>(&mut self, key: &K) -> Result<(), Self::Error> {
            let name = serde_json::to_value(key)?;
            if name == "title" {
                return Err(serde::ser::Error::custom("refused"));
            }
            self.0.push("other");
            Ok(())
        }

        fn serialize_value<V: Serialize + ?Sized>(&mut self, _: &V) -> Result<(), Self::Error> {
            Ok(())
        }

        fn end(self) -> Result<(), Self::Error> {
            Ok(())
        }
    }

    #[test]
    fn a_member_that_fails_stops_the_rest_and_is_the_error() {
        let note = Note { title: Some("Plan".into()), pages: Some(vec![1]), ..Note::default() };
        let mut map = Refusing(Vec::new());
        let error = Members::write_all(&note, &mut map).unwrap_err();
        assert_eq!((error.to_string().as_str(), map.0), ("refused", vec![]), "pages, after it, is not written");
        let untitled = Note { pages: Some(vec![1]), ..Note::default() };
        let mut map = Refusing(Vec::new());
        assert!(Members::write_all(&untitled, &mut map).is_ok(), "an unset member is not written");
        assert_eq!(map.0, vec!["other"]);
    }

    #[derive(Debug, PartialEq)]
    enum Color {
        Red,
        Unknown(String),
    }

    impl From<String> for Color {
        fn from(value: String) -> Self {
            match value.as_str() {
                "red" => Color::Red,
                _ => Color::Unknown(value),
            }
        }
    }

    #[test]
    fn string_enums_keep_values_they_do_not_know() {
        let read = |json: &str| string_enum::<_, Color>(&mut serde_json::Deserializer::from_str(json));
        assert_eq!(read(r#""red""#).unwrap(), Color::Red);
        assert_eq!(read(r#""ultraViolet""#).unwrap(), Color::Unknown("ultraViolet".into()));
        assert_eq!(read(r#""a\u0062""#).unwrap(), Color::Unknown("ab".into()), "an escaped value is read too");
        assert!(read("3").is_err(), "only a string is an enum value");
    }

    #[test]
    fn members_move_between_a_type_and_its_relatives() {
        let mut kept = Additional::new();
        keep_member(&mut kept, "size", Some(12_i64));
        keep_member(&mut kept, "name", None::<String>);
        assert_eq!(serde_json::Value::Object(kept.clone()), serde_json::json!({"size": 12}));
        assert!(kept_member::<String>(&kept, "size").is_err(), "a number is no string");
        assert_eq!(kept_member::<i64>(&kept, "size").unwrap(), Some(12));
        assert_eq!(kept_member::<i64>(&kept, "name").unwrap(), None);
        assert_eq!(convert_member::<i64>(&Some(3_i32)).unwrap(), Some(3));
        assert_eq!(convert_or_keep::<i64>(&mut kept, "count", Some(4_i32)), Some(4));
        assert_eq!(convert_or_keep::<i64>(&mut kept, "label", Some("four")), None);
        assert_eq!(kept["label"], "four", "what does not fit the base's field is still sent");
    }

    #[test]
    fn fitting_says_whether_every_member_read_back_fits() {
        let mut kept = Additional::new();
        kept.insert("size".into(), serde_json::json!(12));
        let mut fitting = Fitting::new();
        assert_eq!(fitting.kept::<i64>(&kept, "size"), Some(12));
        assert_eq!(fitting.kept::<i64>(&kept, "name"), None, "a member not kept is unset");
        assert_eq!(fitting.converted::<i64>(&Some(3_i32)), Some(3));
        assert!(fitting.all_fit());
        assert_eq!(fitting.kept::<String>(&kept, "size"), None, "a number is no string");
        assert_eq!(fitting.converted::<i64>(&Some(12_i64)), Some(12));
        assert!(!fitting.all_fit(), "one member that did not fit is enough, whatever comes after");
        let mut converting = Fitting::default();
        assert_eq!(converting.converted::<i64>(&Some("four")), None);
        assert!(!converting.all_fit());
    }
}
