//! Rule: a relationship documented as one object that the pages treat as a collection.
//!
//! Relationship tables sometimes drop the word "collection" (`members |
//! [directoryObject](...) | ...`), while other pages list the items at that
//! path (`List members`: a GET answering a collection) or create items there
//! (`POST .../members`). The operations are the more specific statement: such
//! a page is about that very path. Only pages whose request lines all end in
//! the same name count (a `List trending` page that also lists
//! `.../trending/{id}/resource` answers the collection for the first line
//! only), and a key after the name does not (`PATCH /groups/{id}/drive/{item-id}`
//! is a path missing its `items`, not a collection of drives). So a single-valued
//! navigation property (of an object type) that such an operation reaches is
//! made a collection of its type, each one reported. Applies after
//! [`super::path_navigation`], whose path walk it shares.

use super::super::ancestry;
use super::super::paths::last_name;
use super::path_navigation::{segments, PathTypes, Segment};
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{HttpMethod, Operation, OperationKind, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// How an operation shows that the items at its path are many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    /// A GET at the path answers a collection.
    Listed,
    /// A POST creates an item at the path.
    Created,
}

/// What an operation shows of its path's last segment (its own, not of a key below it).
fn shown(op: &Operation) -> Option<Shown> {
    let listed = op.method == HttpMethod::Get && op.success_body().is_some_and(TypeRef::is_collection);
    let created = op.method == HttpMethod::Post && op.kind == OperationKind::Create;
    match (listed, created) {
        (true, _) => Some(Shown::Listed),
        (_, true) => Some(Shown::Created),
        _ => None,
    }
}

/// Makes collections of the single-valued relationships that operations list, create or key.
pub(in crate::resolve) fn from_operations(types: &mut BTreeMap<String, TypeDef>, operations: &[Operation], diags: &mut Diagnostics) {
    let paths = PathTypes::build(operations, types);
    let mut endings: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for op in operations {
        endings.entry(op.source.file.as_str()).or_default().insert(last_name(&op.path).to_ascii_lowercase());
    }
    let mut changes: BTreeMap<(String, String), (Shown, &Operation)> = BTreeMap::new();
    for op in operations {
        let segments = segments(&op.path);
        let whole = segments.len() == op.path.split('/').filter(|s| !s.is_empty()).count();
        let one_ending = endings.get(op.source.file.as_str()).is_some_and(|e| e.len() == 1);
        let (Some(how), true, true, Some((Segment::Name(name), parent))) = (shown(op), whole, one_ending, segments.split_last()) else {
            continue;
        };
        let Some(TypeRef::Named(owner)) = paths.type_at(parent) else { continue };
        let Some(declaring) = single_relationship(types, &owner, name) else { continue };
        changes.entry((declaring, name.to_ascii_lowercase())).or_insert((how, op));
    }
    for ((owner, lower), (how, op)) in changes {
        let Some(TypeDef { kind: TypeKind::Object { navigation, .. }, .. }) = types.get_mut(&owner) else { continue };
        let Some(property) = navigation.iter_mut().find(|p| p.json_name.to_ascii_lowercase() == lower) else { continue };
        let evidence = match how {
            Shown::Listed => "lists them",
            Shown::Created => "creates one",
        };
        let message = format!(
            "relationship `{}` of `{owner}` is documented as one `{}`, but `{} {}` ({}) {evidence}; read as a collection",
            property.json_name, property.ty, op.method, op.documented_path, op.source
        );
        diags.report(Code::NavigationCollection, &property.source, message);
        property.ty = TypeRef::collection(property.ty.clone());
    }
}

/// The type (`owner` or a base) declaring `name` as a single-valued
/// relationship to an object type, if one does.
fn single_relationship(types: &BTreeMap<String, TypeDef>, owner: &str, name: &str) -> Option<String> {
    ancestry(types, owner).into_iter().find(|t| match types.get(t).map(|d| &d.kind) {
        Some(TypeKind::Object { navigation, .. }) => navigation.iter().any(|p| {
            p.json_name.eq_ignore_ascii_case(name)
                && matches!(&p.ty, TypeRef::Named(target) if matches!(types.get(target).map(|d| &d.kind), Some(TypeKind::Object { .. })))
        }),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResponseSpec;

    fn operation(method: HttpMethod, kind: OperationKind, path: &str, body: Option<&str>) -> Operation {
        let responses = vec![ResponseSpec { status: 200, body: body.map(|b| b.parse().unwrap()), when: None, monitored: false }];
        Operation { kind, responses, ..crate::emit::rust::test_model::operation(method, path) }
    }

    #[test]
    fn lists_and_creates_show_a_collection_a_plain_get_does_not() {
        let list = operation(HttpMethod::Get, OperationKind::List, "/groups/{id}/members", Some("Collection(ns.user)"));
        let get = operation(HttpMethod::Get, OperationKind::Get, "/groups/{id}/owner", Some("ns.user"));
        let create = operation(HttpMethod::Post, OperationKind::Create, "/groups/{id}/members", Some("ns.user"));
        assert_eq!(shown(&list), Some(Shown::Listed));
        assert_eq!(shown(&create), Some(Shown::Created));
        assert_eq!(shown(&get), None);
    }
}
