//! Types, their properties (and relationships) and enum members.

use super::{code, Change, Delta, Element, Side};
use crate::emit::rust::surface::{FieldItem, Shape};
use crate::model::{Property, TypeDef, TypeKind};
use std::collections::BTreeMap;

pub(super) fn diff_types(old: &Side<'_>, new: &Side<'_>, out: &mut Vec<Change>) {
    let old_types: Index<'_> = old.model.types.iter().map(|t| (t.qualified_name(), t)).collect();
    let new_types: Index<'_> = new.model.types.iter().map(|t| (t.qualified_name(), t)).collect();
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

fn diff_type(name: &str, old_def: &TypeDef, new_def: &TypeDef, (old, new): (&Side<'_>, &Side<'_>), out: &mut Vec<Change>) {
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
    // What users write: the struct or enum's name.
    let (old_name, new_name) = (old.surface.type_name(name), new.surface.type_name(name));
    if old_name != new_name {
        out.push(type_change(true, format!("emitted as {} (was {})", code(new_name), code(old_name))));
    }
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
                let old_chain = old.model.ancestors(name);
                let new_chain = new.model.ancestors(name);
                let lost: Vec<&&str> = old_chain.iter().filter(|a| !new_chain.contains(a)).collect();
                let show = |b: &Option<String>| b.as_deref().map(code).unwrap_or_else(|| "none".to_owned());
                let mut detail = format!("base type {} -> {}", show(old_base), show(new_base));
                if !lost.is_empty() {
                    let lost: Vec<String> = lost.iter().map(|l| code(l)).collect();
                    detail.push_str(&format!("; no longer inherits from {}", lost.join(", ")));
                }
                out.push(type_change(!lost.is_empty(), detail));
            }
            let surfaces = (struct_fields(old, name), struct_fields(new, name));
            diff_properties(name, (&fields(old_def), &fields(new_def)), surfaces, out);
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
            let variants = |side: &Side<'_>| match side.surface.type_item(name).map(|t| &t.shape) {
                Some(Shape::Enum { variants }) => variants.iter().map(|v| (v.member.name.clone(), v.name.clone())).collect(),
                _ => BTreeMap::new(),
            };
            let (old_variants, new_variants): (BTreeMap<String, String>, BTreeMap<String, String>) = (variants(old), variants(new));
            for (member, m) in &after {
                let renamed = old_variants.get(*member).zip(new_variants.get(*member)).filter(|(a, b)| a != b);
                if let Some((was, now)) = renamed {
                    out.push(Change {
                        element: Element::EnumMember,
                        name: format!("{name}/{member}"),
                        delta: Delta::Changed,
                        breaking: true,
                        detail: format!("variant emitted as {} (was {})", code(now), code(was)),
                        old: before.get(member).map(|m| m.source.clone()),
                        new: Some(m.source.clone()),
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

/// The fields of the struct of `qualified` on one side, by JSON name.
fn struct_fields<'s>(side: &'s Side<'_>, qualified: &str) -> BTreeMap<&'s str, &'s FieldItem<'s>> {
    match side.surface.type_item(qualified).map(|t| &t.shape) {
        Some(Shape::Struct { fields, .. }) => fields.iter().map(|f| (f.property.json_name.as_str(), f)).collect(),
        _ => BTreeMap::new(),
    }
}

type Fields<'a> = BTreeMap<&'a str, &'a FieldItem<'a>>;

/// `name: Option<T>`, as the struct declares the field.
fn show_field(field: &FieldItem<'_>) -> String {
    code(&format!("{}: Option<{}>", field.name, field.ty))
}

/// Own properties, compared as documented; breaking when the field users
/// write (its name or Rust type in the struct) changed or is gone. A field
/// that changed in the struct although its property did not (renamed by a
/// new colliding name, boxed by a new recursion) is reported too.
fn diff_properties(
    owner: &str,
    (before, after): (&BTreeMap<&str, &Property>, &BTreeMap<&str, &Property>),
    (old_fields, new_fields): (Fields<'_>, Fields<'_>),
    out: &mut Vec<Change>,
) {
    let field_changed = |name: &str| match (old_fields.get(name), new_fields.get(name)) {
        (Some(a), Some(b)) => a.name != b.name || a.ty != b.ty,
        (Some(_), None) => true,
        (None, _) => false,
    };
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
            None => {
                let detail = format!("property {} removed", code(&p.ty.to_string()));
                out.push(change(name, Delta::Removed, field_changed(name), detail, Some(p), None));
            }
            Some(q) if q.ty != p.ty => out.push(change(
                name,
                Delta::Changed,
                field_changed(name),
                format!("type {} -> {}", code(&p.ty.to_string()), code(&q.ty.to_string())),
                Some(p),
                Some(q),
            )),
            Some(q) if field_changed(name) => {
                let shown = |fields: &Fields<'_>| fields.get(*name).map(|f| show_field(f)).unwrap_or_default();
                let detail = format!("field {} -> {}", shown(&old_fields), shown(&new_fields));
                out.push(change(name, Delta::Changed, true, detail, Some(p), Some(q)));
            }
            // A deprecation is news for the changelog, and breaks nothing: the field stays.
            Some(q) if q.deprecated != p.deprecated => {
                let detail = if q.deprecated { "now deprecated" } else { "no longer deprecated" }.to_owned();
                out.push(change(name, Delta::Changed, false, detail, Some(p), Some(q)));
            }
            Some(_) => {}
        }
    }
    for (name, q) in after {
        if !before.contains_key(name) {
            let deprecated = if q.deprecated { " (deprecated)" } else { "" };
            out.push(change(name, Delta::Added, false, format!("new property {}{deprecated}", code(&q.ty.to_string())), None, Some(q)));
        }
    }
}
