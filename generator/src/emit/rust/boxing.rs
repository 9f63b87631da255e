//! Analysis: which fields are boxed. A struct that holds (not in a `Vec`) a
//! struct that can reach back to it would have an infinite size, so such a
//! field is `Option<Box<T>>`. Fields are the flattened ones
//! ([`ApiModel::fields`]): an inherited field can close a loop too.

use crate::model::{ApiModel, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

pub struct Boxing {
    /// (qualified type, JSON name) of every boxed field.
    boxed: BTreeSet<(String, String)>,
}

impl Boxing {
    pub fn new(model: &ApiModel) -> Boxing {
        let is_object = |qualified: &str| matches!(model.find_type(qualified).map(|d| &d.kind), Some(TypeKind::Object { .. }));
        let mut edges: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for def in &model.types {
            let owner = def.qualified_name();
            let targets = model
                .fields(&owner)
                .into_iter()
                .filter_map(|f| match &f.property.ty {
                    TypeRef::Named(target) if is_object(target) => Some((f.property.json_name.clone(), target.clone())),
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
                    stack.extend(edges.get(&node).into_iter().flatten().map(|(_, t)| t.clone()));
                }
            }
            false
        };
        let mut boxed = BTreeSet::new();
        for (owner, targets) in &edges {
            for (field, target) in targets {
                if reaches(target, owner) {
                    boxed.insert((owner.clone(), field.clone()));
                }
            }
        }
        Boxing { boxed }
    }

    /// Whether the field `json_name` of the struct of `owner` (a qualified type name) is boxed.
    pub fn is_boxed(&self, owner: &str, json_name: &str) -> bool {
        self.boxed.contains(&(owner.to_owned(), json_name.to_owned()))
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
}
