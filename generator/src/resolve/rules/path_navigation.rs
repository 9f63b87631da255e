//! Rule: navigation properties that the documented paths reveal but no table lists.
//!
//! Relationships tables leave some out (`user` lists no `joinedTeams`), yet
//! `GET /me/joinedTeams` is documented, with the type of what it returns. A
//! path segment that follows a resource of a known object type, and that a
//! documented GET answers with a typed body, is a navigation property of that
//! type (of a subtype, when the page is named after one that derives from it:
//! `userscopeteamsappinstallation-get-chat.md`). Each one added is reported,
//! with the request that shows it. A member only a subtype declares
//! (`contentVersions` of `mobileLobApp`, reached as
//! `/mobileApps/{id}/contentVersions`) is the subtype's: the path left out
//! the cast, and it is reported, not added to the base.
//!
//! What the walk trusts: the type of a path is what its GET operations return
//! (`list` and `get` pages; the most documented type when pages disagree);
//! `path/{key}` is an item of `path`. Walks stop at segments that are not plain
//! names (`$value`, `microsoft.graph.x` casts, `root:` item paths, calls) and at
//! a placeholder that follows another (`{thumb-id}/{size}`), and a segment
//! that is an action or function name anywhere (`range`) is never a navigation
//! property. A function written without parentheses on a page titled like a
//! list (`GET /me/drive/recent`) cannot be told apart and is read as one.

use super::super::ancestry;
use super::super::paths::{is_key, last_name};
use super::example_member::{is_member_name, member_names};
use crate::diagnostics::{Code, Diagnostics};
use crate::model::HttpMethod;
use crate::model::{Operation, OperationKind, Property, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// A path's segments up to the first one the walk cannot read on.
pub(super) fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for raw in path.split('/').filter(|s| !s.is_empty()) {
        // A name-like segment is a name even when long and digit-bearing (`microsoft365Apps`).
        let segment = if raw.starts_with('{') || (!is_member_name(raw) && is_key(raw)) {
            // A key indexes a named collection; `{thumb-id}/{size}` is a placeholder for a name.
            if !matches!(out.last(), Some(Segment::Name(_))) {
                break;
            }
            Segment::Key
        } else if is_member_name(raw) {
            Segment::Name(raw.to_owned())
        } else {
            break;
        };
        out.push(segment);
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Segment {
    Key,
    Name(String),
}

impl Segment {
    fn normalized(&self) -> String {
        match self {
            Segment::Key => "{}".to_owned(),
            Segment::Name(name) => name.to_ascii_lowercase(),
        }
    }
}

fn key(segments: &[Segment]) -> String {
    segments.iter().map(Segment::normalized).collect::<Vec<_>>().join("/")
}

/// What GET answers at each path, and which paths are indexed by a key.
pub(super) struct PathTypes {
    answers: BTreeMap<String, TypeRef>,
    keyed: BTreeSet<String>,
}

impl PathTypes {
    pub(super) fn build(operations: &[Operation], types: &BTreeMap<String, TypeDef>) -> PathTypes {
        let mut votes: BTreeMap<String, BTreeMap<TypeRef, usize>> = BTreeMap::new();
        let mut keyed = BTreeSet::new();
        for op in operations {
            let segments = segments(&op.path);
            for (i, segment) in segments.iter().enumerate() {
                if *segment == Segment::Key && i > 0 {
                    keyed.insert(key(&segments[..i]));
                }
            }
            let whole = segments.len() == op.path.split('/').filter(|s| !s.is_empty()).count();
            let answered = op.method == HttpMethod::Get && matches!(op.kind, OperationKind::List | OperationKind::Get) && whole;
            let body = op.success_body().filter(|ty| matches!(ty.item(), TypeRef::Named(name) if is_object(types, name)));
            if let (true, Some(body)) = (answered, body) {
                *votes.entry(key(&segments)).or_default().entry(body.clone()).or_default() += 1;
            }
        }
        // The most documented answer; ties go to the first in type order, for determinism.
        let answers = votes
            .into_iter()
            .filter_map(|(path, counts)| {
                let best = counts.values().copied().max()?;
                counts.into_iter().find(|(_, n)| *n == best).map(|(ty, _)| (path, ty))
            })
            .collect();
        PathTypes { answers, keyed }
    }

    /// The type of the resource at `segments`: what GET answers there, or an item
    /// of the collection one level up when the last segment is a key. A key
    /// addresses one item, whatever a page says its GET returns.
    pub(super) fn type_at(&self, segments: &[Segment]) -> Option<TypeRef> {
        let keyed = matches!(segments.last(), Some(Segment::Key));
        if let Some(ty) = self.answers.get(&key(segments)) {
            return Some(if keyed { ty.item().clone() } else { ty.clone() });
        }
        match segments.split_last() {
            Some((Segment::Key, parent)) if !parent.is_empty() => self.property_type(parent).map(|ty| ty.item().clone()),
            _ => None,
        }
    }

    /// The property's type: a collection when GET answers one or the path is keyed.
    fn property_type(&self, segments: &[Segment]) -> Option<TypeRef> {
        let ty = self.answers.get(&key(segments))?.clone();
        Some(if !ty.is_collection() && self.keyed.contains(&key(segments)) { TypeRef::collection(ty) } else { ty })
    }
}

fn is_object(types: &BTreeMap<String, TypeDef>, name: &str) -> bool {
    matches!(types.get(name).map(|d| &d.kind), Some(TypeKind::Object { .. }))
}

/// A property a path shows: its spellings (the most used wins) and the first
/// request that shows it.
struct Found<'o> {
    spellings: BTreeMap<String, usize>,
    ty: TypeRef,
    first: &'o Operation,
}

/// Adds, to each object type, the navigation properties its paths show.
pub(in crate::resolve) fn learn_from_paths(types: &mut BTreeMap<String, TypeDef>, operations: &[Operation], diags: &mut Diagnostics) {
    let paths = PathTypes::build(operations, types);
    let callables: BTreeSet<String> = operations
        .iter()
        .filter(|op| matches!(op.kind, OperationKind::Action | OperationKind::Function))
        .map(|op| last_name(&op.path).to_ascii_lowercase())
        .collect();
    let mut by_name: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for (qualified, def) in types.iter() {
        by_name.entry(def.name.to_ascii_lowercase()).or_default().push(qualified);
    }
    let mut found: BTreeMap<(String, String), Found<'_>> = BTreeMap::new();
    for op in operations {
        let segments = segments(&op.path);
        for end in 2..=segments.len() {
            let Segment::Name(name) = &segments[end - 1] else { continue };
            if callables.contains(&name.to_ascii_lowercase()) {
                continue;
            }
            let Some(TypeRef::Named(owner)) = paths.type_at(&segments[..end - 1]) else { continue };
            let Some(ty) = paths.property_type(&segments[..end]) else { continue };
            let owner = page_subtype(types, &by_name, &owner, &op.source.file).unwrap_or(owner);
            let entry =
                found.entry((owner, name.to_ascii_lowercase())).or_insert_with(|| Found { spellings: BTreeMap::new(), ty, first: op });
            *entry.spellings.entry(name.clone()).or_default() += 1;
        }
    }
    for ((owner, lower), property) in found {
        if member_names(types, &owner).contains(&lower) {
            continue;
        }
        let most = property.spellings.values().copied().max().unwrap_or(0);
        let Some(name) = property.spellings.into_iter().find(|(_, n)| *n == most).map(|(spelling, _)| spelling) else { continue };
        let (op, ty) = (property.first, property.ty);
        let request = format!("`{} {}`", op.method, op.documented_path);
        if let Some(subtype) = declaring_subtype(types, &owner, &lower) {
            diags.report(
                Code::PathNavigation,
                &op.source,
                format!("{request} reaches `{name}` on `{owner}`, which only its subtype `{subtype}` declares: the path leaves out the cast to it; not added"),
            );
            continue;
        }
        diags.report(
            Code::PathNavigation,
            &op.source,
            format!("`{owner}` lists no property `{name}`, but {request} reaches it; added as a navigation property of type `{ty}`"),
        );
        if let Some(TypeDef { kind: TypeKind::Object { navigation, .. }, .. }) = types.get_mut(&owner) {
            let description = format!("Not in the type's tables; the path of {request} shows it.");
            navigation.push(Property { json_name: name, ty, description, source: op.source.clone(), deprecated: false, non_null: false });
        }
    }
}

/// A type derived from `owner` that declares the member `lower` (so a path
/// that reaches it from `owner` left out a cast).
fn declaring_subtype(types: &BTreeMap<String, TypeDef>, owner: &str, lower: &str) -> Option<String> {
    types
        .keys()
        .find(|qualified| {
            qualified.as_str() != owner
                && ancestry(types, qualified).iter().any(|a| a == owner)
                && member_names(types, qualified).contains(lower)
        })
        .cloned()
}

/// The subtype of `owner` that the page is named after (`userscopeteamsappinstallation-get-chat.md`
/// names `userScopeTeamsAppInstallation`, a `teamsAppInstallation`), if any.
fn page_subtype(types: &BTreeMap<String, TypeDef>, by_name: &BTreeMap<String, Vec<&String>>, owner: &str, file: &str) -> Option<String> {
    let stem = file.rsplit('/').next()?.split(['-', '.']).next()?.to_ascii_lowercase();
    by_name
        .get(&stem)?
        .iter()
        .find(|qualified| qualified.as_str() != owner && ancestry(types, qualified).iter().any(|a| a == owner))
        .map(|qualified| (*qualified).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_stop_where_segments_are_not_names() {
        let names = |path: &str| segments(path).iter().map(Segment::normalized).collect::<Vec<_>>();
        assert_eq!(names("/users/{id}/joinedTeams"), ["users", "{}", "joinedteams"]);
        assert_eq!(names("/me/photo/$value"), ["me", "photo"]);
        assert_eq!(names("/me/drive/root:/{path}:/children"), ["me", "drive"]);
        assert_eq!(names("/places/microsoft.graph.room"), ["places"]);
        assert_eq!(names("/me/drive/items/{id}/thumbnails/{thumb-id}/{size}/content"), ["me", "drive", "items", "{}", "thumbnails", "{}"]);
        assert_eq!(names("/{id}/children"), Vec::<String>::new());
        assert_eq!(names("/admin/microsoft365Apps/installationOptions"), ["admin", "microsoft365apps", "installationoptions"]);
        assert_eq!(
            names("/education/classes/acdefc6b-2dc6-4e71-b1e9-6d9810ab1793/assignments"),
            ["education", "classes", "{}", "assignments"]
        );
    }
}
