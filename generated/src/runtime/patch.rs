//! Request bodies in three states: a member left out, sent as `null`, or sent
//! with a value.
//!
//! A generated struct says two of them: a field that is `None` is left out, a
//! `Some` is sent. A [`Patch`] adds the third: the members it clears are sent
//! as `null`, which is how Graph clears a property (`{"mobilePhone": null}`).
//! Responses are read into the plain structs, where `null` and absent are
//! both `None`.
//!
//! `Patch::new(User { job_title: Some("Lead".into()), ..Default::default() }).clear(User::MOBILE_PHONE)`
//! sends `{"jobTitle": "Lead", "mobilePhone": null}`; an operation that takes a
//! `User` body takes a `Patch<User>` as well ([`BodyOf`]).

use super::members::Member;
use serde::ser::Error as _;
use serde::{Serialize, Serializer};

/// A value of `T` to send, and the members of it to send as `null`.
///
/// Derefs to the value, so fields can be set in place:
/// `let mut patch = Patch::<User>::default(); patch.job_title = Some(..);`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patch<T> {
    value: T,
    /// Members sent as `null`, in the order they were cleared.
    cleared: Vec<&'static str>,
    /// Members sent as given (a nested patch, JSON the types do not describe).
    raw: Vec<(&'static str, serde_json::Value)>,
}

impl<T> Patch<T> {
    /// Sends the members `value` has (its `Some` fields) and nothing else.
    pub fn new(value: T) -> Patch<T> {
        Patch { value, cleared: Vec::new(), raw: Vec::new() }
    }

    /// Sends `member` as `null`: the service clears it. A value the struct
    /// holds for the same member is not sent.
    pub fn clear(mut self, member: Member<T>) -> Patch<T> {
        self.raw.retain(|(name, _)| *name != member.name());
        if !self.cleared.contains(&member.name()) {
            self.cleared.push(member.name());
        }
        self
    }

    /// Sends `member` as `value`, whatever the struct holds for it: a nested
    /// [`Patch`] (to clear a member of a complex property), or JSON.
    pub fn set_json(mut self, member: Member<T>, value: impl Serialize) -> Patch<T> {
        self.cleared.retain(|name| *name != member.name());
        self.raw.retain(|(name, _)| *name != member.name());
        let value = serde_json::to_value(value).unwrap_or_else(|e| serde_json::Value::String(format!("<unserializable: {e}>")));
        self.raw.push((member.name(), value));
        self
    }

    /// The members sent as `null`.
    pub fn cleared(&self) -> &[&'static str] {
        &self.cleared
    }

    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::new(value)
    }
}

impl<T> std::ops::Deref for Patch<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> std::ops::DerefMut for Patch<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = serde_json::to_value(&self.value).map_err(S::Error::custom)?;
        let serde_json::Value::Object(set) = &value else {
            return Err(S::Error::custom(format!("a patch is of an object, not of {value}")));
        };
        // Sorted by name, whatever order serde_json keeps (its `preserve_order` feature).
        let mut members: std::collections::BTreeMap<&str, &serde_json::Value> = set.iter().map(|(k, v)| (k.as_str(), v)).collect();
        for name in &self.cleared {
            members.insert(name, &serde_json::Value::Null);
        }
        for (name, value) in &self.raw {
            members.insert(name, value);
        }
        members.serialize(serializer)
    }
}

/// What an operation taking a `T` body accepts: a `T`, or a [`Patch`] of one.
pub trait BodyOf<T>: Serialize {}

impl<T: Serialize> BodyOf<T> for T {}

impl<T: Serialize> BodyOf<T> for Patch<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::runtime::object::{self, Additional, Members, WriteMembers};
    use serde::ser::SerializeMap;

    /// Written as a generated struct is.
    #[derive(Debug, Clone, Default, PartialEq)]
    struct Widget {
        a: Option<String>,
        b: Option<i32>,
        c: Option<Box<Widget>>,
        additional_properties: Additional,
    }

    impl WriteMembers for Widget {
        fn write_members<M: SerializeMap>(&self, members: &mut Members<'_, M>) {
            members.write("a", &self.a);
            members.write("b", &self.b);
            members.write("c", &self.c);
        }

        fn additional_properties(&self) -> &Additional {
            &self.additional_properties
        }
    }

    impl Serialize for Widget {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            object::serialize(self, serializer)
        }
    }

    impl Widget {
        const A: Member<Widget> = Member::new("a");
        const C: Member<Widget> = Member::new("c");
    }

    fn sent(body: &impl BodyOf<Widget>) -> String {
        serde_json::to_string(body).unwrap()
    }

    #[test]
    fn a_patch_sends_nulls_values_and_leaves_out_the_rest() {
        let patch = Patch::new(Widget { b: Some(1), ..Default::default() }).clear(Widget::A);
        assert_eq!(sent(&patch), r#"{"a":null,"b":1}"#);
        assert_eq!(sent(&Widget { b: Some(1), ..Default::default() }), r#"{"b":1}"#, "a plain struct still is a body");
        assert_eq!(sent(&Patch::<Widget>::default()), "{}", "nothing set, nothing sent");
    }

    #[test]
    fn clearing_wins_over_the_struct_and_the_last_call_wins() {
        let patch = Patch::new(Widget { a: Some("x".into()), ..Default::default() }).clear(Widget::A).clear(Widget::A);
        assert_eq!(sent(&patch), r#"{"a":null}"#);
        assert_eq!(patch.cleared(), ["a"]);
        let patch = patch.set_json(Widget::A, "y");
        assert_eq!(sent(&patch), r#"{"a":"y"}"#);
        assert_eq!(sent(&patch.clear(Widget::A)), r#"{"a":null}"#);
    }

    #[test]
    fn nested_members_are_cleared_with_a_nested_patch() {
        let inner = Patch::new(Widget { b: Some(2), ..Default::default() }).clear(Widget::A);
        let mut patch = Patch::<Widget>::default().set_json(Widget::C, &inner);
        patch.b = Some(3);
        assert_eq!(sent(&patch), r#"{"b":3,"c":{"a":null,"b":2}}"#);
        assert_eq!(patch.into_inner().b, Some(3));
    }

    #[test]
    fn a_patch_of_something_else_than_an_object_is_refused() {
        assert!(serde_json::to_string(&Patch::new(5)).is_err());
    }
}
