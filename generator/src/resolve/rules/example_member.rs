//! Rule: members that response examples show on a documented type but that
//! neither its tables nor its JSON representation (nor those of its bases) list.
//!
//! Pages often leave out inherited members (`id`, `createdDateTime` of a type
//! that does not say it derives from `entity` or `changeTrackedEntity`) while
//! their examples show them. Such members are added to the type with the type
//! the example value suggests, each reported, so that the generated struct
//! names what the service sends instead of leaving it in `additional_properties`.

use super::super::types::{infer_type, TypeIndex};
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{Property, Source, TypeDef, TypeKind};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// One example object read as a value of `type_name`.
pub(in crate::resolve) struct Observation {
    pub type_name: String,
    pub object: Map<String, Value>,
    pub source: Source,
}

/// Only examples of a documented, closed type that no other type derives from are
/// read, and only when their `@odata.type` (if any) names that same type: an
/// example of a base type usually shows one derived object's members (a list
/// of `directoryObject`s shows users), which must not be pinned on the base.
pub(in crate::resolve) fn learn_members(
    types: &mut BTreeMap<String, TypeDef>,
    observations: Vec<Observation>,
    index: &TypeIndex,
    diags: &mut Diagnostics,
) {
    let bases: BTreeSet<String> = types
        .values()
        .filter_map(|d| match &d.kind {
            TypeKind::Object { base: Some(base), .. } => Some(base.clone()),
            _ => None,
        })
        .collect();
    for observation in observations {
        let target = observation.type_name.clone();
        let readable = types.get(&target).is_some_and(|d| !d.inferred && !d.open) && !bases.contains(&target) && names_only(&observation);
        if !readable {
            continue;
        }
        let known = member_names(types, &target);
        let added: Vec<Property> = observation
            .object
            .iter()
            .filter(|(key, value)| is_member_name(key) && !value.is_null() && !known.contains(&key.to_ascii_lowercase()))
            .map(|(key, value)| Property {
                json_name: key.clone(),
                ty: infer_type(value, index),
                description: String::new(),
                source: observation.source.clone(),
            })
            .collect();
        if added.is_empty() {
            continue;
        }
        let names = added.iter().map(|p| format!("`{}` ({})", p.json_name, p.ty)).collect::<Vec<_>>().join(", ");
        diags.report(Code::ExampleMember, &observation.source, format!("the response example shows {names} on `{target}`, which its page and its bases do not list; added with the types the example suggests"),);
        if let Some(TypeDef { kind: TypeKind::Object { properties, .. }, .. }) = types.get_mut(&target) {
            properties.extend(added);
        }
    }
}

/// The example names no other type than the one it is read as.
fn names_only(observation: &Observation) -> bool {
    observation.object.get("@odata.type").and_then(Value::as_str).is_none_or(|named| {
        let named = named.trim_start_matches('#');
        named.eq_ignore_ascii_case(&observation.type_name)
    })
}

/// Lower-cased names of every property and relationship of `name` and its bases.
pub(super) fn member_names(types: &BTreeMap<String, TypeDef>, name: &str) -> BTreeSet<String> {
    super::super::ancestry(types, name)
        .into_iter()
        .filter_map(|t| match &types.get(&t)?.kind {
            TypeKind::Object { properties, navigation, .. } => Some(properties.iter().chain(navigation)),
            TypeKind::Enum { .. } => None,
        })
        .flatten()
        .map(|p| p.json_name.to_ascii_lowercase())
        .collect()
}

/// Plain identifiers only: keys such as GUIDs (`"fbab97d0-...": {...}`) are
/// entries of an open dictionary, not members.
pub(super) fn is_member_name(key: &str) -> bool {
    key.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_are_plain_identifiers() {
        assert!(is_member_name("createdDateTime"));
        assert!(!is_member_name("fbab97d0-4932-4511-b675-204639209557"));
        assert!(!is_member_name("@odata.type"));
        assert!(!is_member_name(""));
    }
}
