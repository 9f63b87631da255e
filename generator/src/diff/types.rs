//! Types, their properties (and relationships) and enum members.

use super::{code, Change, Delta, Element};
use crate::model::{ApiModel, Property, TypeDef, TypeKind};
use std::collections::BTreeMap;

pub(super) fn diff_types(old: &ApiModel, new: &ApiModel, out: &mut Vec<Change>) {
    let old_types: Index<'_> = old.types.iter().map(|t| (t.qualified_name(), t)).collect();
    let new_types: Index<'_> = new.types.iter().map(|t| (t.qualified_name(), t)).collect();
    for (name, def) in &old_types {
        if !new_types.contains_key(name) {
            out.push(Change {
                element: Element::Type,
                name: name.clone(),
                delta: Delta::Removed,
                breaking: true,
                detail: format!("{} removed", describe(def)),
                old: Some(def.source.clone()),
                new: None,
                resource: name.clone(),
            });
        }
    }
    for (name, def) in &new_types {
        let Some(before) = old_types.get(name) else {
            out.push(Change {
                element: Element::Type,
                name: name.clone(),
                delta: Delta::Added,
                breaking: false,
                detail: format!("new {}", describe(def)),
                old: None,
                new: Some(def.source.clone()),
                resource: name.clone(),
            });
            continue;
        };
        diff_type(name, before, def, (old, new), out);
    }
}

/// `object type (12 properties)`, `enum (3 members)`, with `, inferred from an example` when no page documents it.
fn describe(def: &TypeDef) -> String {
    let shape = match &def.kind {
        TypeKind::Object { properties, navigation, .. } => {
            let n = properties.len() + navigation.len();
            format!("object type ({n} {})", if n == 1 { "property" } else { "properties" })
        }
        TypeKind::Enum { members } => {
            format!("enum ({} {})", members.len(), if members.len() == 1 { "member" } else { "members" })
        }
    };
    if def.inferred {
        format!("{shape}, inferred from an example")
    } else {
        shape
    }
}

type Index<'a> = BTreeMap<String, &'a TypeDef>;

fn diff_type(name: &str, old_def: &TypeDef, new_def: &TypeDef, (old, new): (&ApiModel, &ApiModel), out: &mut Vec<Change>) {
    let type_change = |breaking: bool, detail: String| Change {
        element: Element::Type,
        name: name.to_owned(),
        delta: Delta::Changed,
        breaking,
        detail,
        old: Some(old_def.source.clone()),
        new: Some(new_def.source.clone()),
        resource: name.to_owned(),
    };
    if old_def.inferred != new_def.inferred {
        let detail = if new_def.inferred {
            "no page documents it any more: inferred from an example"
        } else {
            "now documented by a page (was inferred from an example)"
        };
        out.push(type_change(false, detail.to_owned()));
    }
    if old_def.open != new_def.open {
        // The Rust type keeps unknown members either way; only the documented contract changes.
        let detail = if new_def.open { "now an open type (members beyond the documented ones)" } else { "no longer an open type" };
        out.push(type_change(false, detail.to_owned()));
    }
    match (&old_def.kind, &new_def.kind) {
        (TypeKind::Object { base: old_base, .. }, TypeKind::Object { base: new_base, .. }) => {
            if old_base != new_base {
                let old_chain = old.ancestors(name);
                let new_chain = new.ancestors(name);
                let lost: Vec<&&str> = old_chain.iter().filter(|a| !new_chain.contains(a)).collect();
                let show = |b: &Option<String>| b.as_deref().map(code).unwrap_or_else(|| "none".to_owned());
                let mut detail = format!("base type {} -> {}", show(old_base), show(new_base));
                if !lost.is_empty() {
                    let lost: Vec<String> = lost.iter().map(|l| code(l)).collect();
                    detail.push_str(&format!("; no longer inherits from {}", lost.join(", ")));
                }
                out.push(type_change(!lost.is_empty(), detail));
            }
            diff_properties(name, &fields(old_def), &fields(new_def), out);
        }
        (TypeKind::Enum { members: old_members }, TypeKind::Enum { members: new_members }) => {
            let before: BTreeMap<&str, _> = old_members.iter().rev().map(|m| (m.name.as_str(), m)).collect();
            let after: BTreeMap<&str, _> = new_members.iter().rev().map(|m| (m.name.as_str(), m)).collect();
            for (member, m) in &before {
                if !after.contains_key(member) {
                    out.push(Change {
                        element: Element::EnumMember,
                        name: format!("{name}/{member}"),
                        delta: Delta::Removed,
                        breaking: true,
                        detail: "member removed".to_owned(),
                        old: Some(m.source.clone()),
                        new: None,
                        resource: name.to_owned(),
                    });
                }
            }
            for (member, m) in &after {
                if !before.contains_key(member) {
                    out.push(Change {
                        element: Element::EnumMember,
                        name: format!("{name}/{member}"),
                        delta: Delta::Added,
                        breaking: false,
                        detail: "new member".to_owned(),
                        old: None,
                        new: Some(m.source.clone()),
                        resource: name.to_owned(),
                    });
                }
            }
        }
        (old_kind, new_kind) => {
            let word = |k: &TypeKind| if matches!(k, TypeKind::Enum { .. }) { "an enum" } else { "an object type" };
            out.push(type_change(true, format!("was {}, now {}", word(old_kind), word(new_kind))));
        }
    }
}

/// Properties and relationships by JSON name; both are fields of the generated
/// struct. The first occurrence wins, as in the generated struct.
fn fields(def: &TypeDef) -> BTreeMap<&str, &Property> {
    let mut map = BTreeMap::new();
    if let TypeKind::Object { properties, navigation, .. } = &def.kind {
        for property in properties.iter().chain(navigation) {
            map.entry(property.json_name.as_str()).or_insert(property);
        }
    }
    map
}

fn diff_properties(owner: &str, before: &BTreeMap<&str, &Property>, after: &BTreeMap<&str, &Property>, out: &mut Vec<Change>) {
    let change = |name: &str, delta: Delta, breaking: bool, detail: String, old: Option<&Property>, new: Option<&Property>| Change {
        element: Element::Property,
        name: format!("{owner}/{name}"),
        delta,
        breaking,
        detail,
        old: old.map(|p| p.source.clone()),
        new: new.map(|p| p.source.clone()),
        resource: owner.to_owned(),
    };
    for (name, p) in before {
        match after.get(name) {
            None => out.push(change(name, Delta::Removed, true, format!("property {} removed", code(&p.ty.to_string())), Some(p), None)),
            Some(q) if q.ty != p.ty => out.push(change(
                name,
                Delta::Changed,
                true,
                format!("type {} -> {}", code(&p.ty.to_string()), code(&q.ty.to_string())),
                Some(p),
                Some(q),
            )),
            Some(_) => {}
        }
    }
    for (name, q) in after {
        if !before.contains_key(name) {
            out.push(change(name, Delta::Added, false, format!("new property {}", code(&q.ty.to_string())), None, Some(q)));
        }
    }
}
