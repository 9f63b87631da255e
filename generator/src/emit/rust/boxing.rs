//! Analysis: which fields are boxed (`Option<Box<T>>` instead of `Option<T>`).
//!
//! Every field is an `Option`, and an `Option<T>` is as large as `T` whether it
//! is set or not, so a struct that held every nested struct inline would be as
//! large as all of them together (a v1.0 `DriveItem` was 23.9 KB, a `User`
//! 7.5 KB): each item of a page is allocated, zeroed and moved at that size,
//! which made a typed page slower to decode than `serde_json::Value`. The rule
//! (the limit is an estimate for `bench --decode` to settle, docs/BENCHMARKS.md)
//! boxes a field
//! holding one struct (not a `Vec` of them) when
//! - it closes a cycle: a struct that holds a struct that can reach back to
//!   it would have an infinite size;
//! - it is a navigation property (a relationship): the service sends it only
//!   when asked (`$expand`), so it is usually absent and costs 8 bytes;
//! - the struct it holds is larger than [`INLINE_LIMIT`] (estimated from its
//!   fields, themselves laid out by this rule): big complex members are rare
//!   in answers and a box costs one allocation only when one is there.
//!
//! Small complex members (an `ItemBody`, a `Recipient`, a `Hashes`) stay
//! inline: they are in most answers, and a box would cost an allocation each.
//! Fields are the flattened ones ([`ApiModel::fields`]): an inherited field can
//! close a loop too.

use crate::model::{ApiModel, Primitive, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// Structs larger than this (bytes, estimated) are boxed where a field holds one.
pub const INLINE_LIMIT: usize = 192;

/// An `Option<String>`, `Option<Vec<_>>`, a `serde_json::Map`: three words.
const WORDS3: usize = 24;

pub struct Boxing {
    /// (qualified type, JSON name) of every boxed field.
    boxed: BTreeSet<(String, String)>,
}

/// One field that holds a struct: its JSON name, target, and whether it is a navigation property.
struct Edge {
    field: String,
    target: String,
    navigation: bool,
}

impl Boxing {
    pub fn new(model: &ApiModel) -> Boxing {
        let is_object = |qualified: &str| {
            !model.is_open_json(qualified) && matches!(model.find_type(qualified).map(|d| &d.kind), Some(TypeKind::Object { .. }))
        };
        let mut edges: BTreeMap<String, Vec<Edge>> = BTreeMap::new();
        for def in &model.types {
            let owner = def.qualified_name();
            let targets = model
                .fields(&owner)
                .into_iter()
                .filter_map(|f| match &f.property.ty {
                    TypeRef::Named(target) if is_object(target) => Some(Edge {
                        field: f.property.json_name.clone(),
                        target: target.clone(),
                        navigation: is_navigation(f.owner, &f.property.json_name),
                    }),
                    _ => None,
                })
                .collect();
            edges.insert(owner, targets);
        }
        let reaches = |from: &str, to: &str| {
            let mut stack = vec![from.to_owned()];
            let mut seen = BTreeSet::new();
            while let Some(node) = stack.pop() {
                if node == to {
                    return true;
                }
                if seen.insert(node.clone()) {
                    stack.extend(edges.get(&node).into_iter().flatten().map(|e| e.target.clone()));
                }
            }
            false
        };
        let mut boxed = BTreeSet::new();
        for (owner, targets) in &edges {
            for edge in targets {
                if edge.navigation || reaches(&edge.target, owner) {
                    boxed.insert((owner.clone(), edge.field.clone()));
                }
            }
        }
        // What is left inline has no cycle (every edge of a cycle is boxed
        // above), so sizes can be computed by recursion over it.
        let mut sizes = Sizes { model, edges: &edges, boxed, known: BTreeMap::new() };
        for def in &model.types {
            sizes.size(&def.qualified_name());
        }
        Boxing { boxed: sizes.boxed }
    }

    /// Whether the field `json_name` of the struct of `owner` (a qualified type name) is boxed.
    pub fn is_boxed(&self, owner: &str, json_name: &str) -> bool {
        self.boxed.contains(&(owner.to_owned(), json_name.to_owned()))
    }
}

fn is_navigation(owner: &crate::model::TypeDef, json_name: &str) -> bool {
    matches!(&owner.kind, TypeKind::Object { navigation, .. } if navigation.iter().any(|p| p.json_name == json_name))
}

/// The estimated size of each struct, deciding on the way which large fields are boxed.
struct Sizes<'a> {
    model: &'a ApiModel,
    edges: &'a BTreeMap<String, Vec<Edge>>,
    boxed: BTreeSet<(String, String)>,
    known: BTreeMap<String, usize>,
}

impl Sizes<'_> {
    fn size(&mut self, qualified: &str) -> usize {
        if let Some(&size) = self.known.get(qualified) {
            return size;
        }
        // A guard only: the inline edges form no cycle.
        self.known.insert(qualified.to_owned(), 8);
        // `odata_type` and `additional_properties`.
        let mut size = 2 * WORDS3;
        for field in self.model.fields(qualified) {
            let json_name = &field.property.json_name;
            let is_edge = self.edges.get(qualified).is_some_and(|edges| edges.iter().any(|e| &e.field == json_name));
            size += match &field.property.ty {
                _ if self.boxed.contains(&(qualified.to_owned(), json_name.clone())) => 8,
                TypeRef::Named(target) if is_edge => {
                    let target = target.clone();
                    let inline = self.size(&target);
                    if inline > INLINE_LIMIT {
                        self.boxed.insert((qualified.to_owned(), json_name.clone()));
                        8
                    } else {
                        inline
                    }
                }
                other => field_size(other),
            };
        }
        self.known.insert(qualified.to_owned(), size);
        size
    }
}

/// The size of an `Option<T>` field that holds no struct (a primitive, a scalar, an enum, a `Vec`, JSON).
fn field_size(ty: &TypeRef) -> usize {
    match ty {
        TypeRef::Primitive(Primitive::Boolean | Primitive::Byte | Primitive::SByte | Primitive::Int16 | Primitive::Int32) => 8,
        TypeRef::Primitive(Primitive::Int64 | Primitive::Single | Primitive::Double | Primitive::Decimal | Primitive::Date) => 16,
        TypeRef::Primitive(_) | TypeRef::Collection(_) => WORDS3,
        // An enum (`Unknown(String)`), or `serde_json::Value`.
        TypeRef::Named(_) | TypeRef::Json => 32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::rust::test_model::{model, object};

    #[test]
    fn a_field_that_reaches_back_to_its_owner_is_boxed_a_collection_is_not() {
        let model = model(vec![
            object("folder", None, &[("parent", "ns.folder"), ("children", "Collection(ns.folder)"), ("owner", "ns.user")]),
            object("user", None, &[("manager", "ns.person")]),
            object("person", Some("ns.user"), &[]),
        ]);
        let boxing = Boxing::new(&model);
        assert!(boxing.is_boxed("ns.folder", "parent"));
        assert!(!boxing.is_boxed("ns.folder", "children"), "a Vec already breaks the recursion");
        assert!(!boxing.is_boxed("ns.folder", "owner"));
        assert!(boxing.is_boxed("ns.person", "manager"), "an inherited field closes the loop in the derived struct");
        assert!(!boxing.is_boxed("ns.user", "manager"), "a user holds a person, whose own copy of the field is boxed");
    }

    #[test]
    fn large_structs_and_navigation_properties_are_boxed_small_structs_stay_inline() {
        let many: Vec<(String, &str)> = (0..12).map(|i| (format!("s{i}"), "Edm.String")).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        let mut item = object("item", None, &[("body", "ns.body"), ("settings", "ns.settings")]);
        let TypeKind::Object { navigation, .. } = &mut item.kind else { unreachable!() };
        let TypeKind::Object { properties: owner, .. } = object("nav", None, &[("owner", "ns.body")]).kind else { unreachable!() };
        navigation.extend(owner);
        let model = model(vec![
            item,
            object("body", None, &[("contentType", "Edm.String"), ("content", "Edm.String")]),
            object("settings", None, &many),
        ]);
        let boxing = Boxing::new(&model);
        assert!(!boxing.is_boxed("ns.item", "body"), "two strings: inline");
        assert!(boxing.is_boxed("ns.item", "settings"), "twelve strings are more than {INLINE_LIMIT} bytes");
        assert!(boxing.is_boxed("ns.item", "owner"), "a navigation property, however small");
    }
}
