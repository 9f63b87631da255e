//! Rule: what a second page adds to a type another page defines.
//!
//! The defining page ([`super::duplicate_type`]) is trusted first: a member
//! both pages document keeps its definition, and when the second page types
//! it otherwise, that is reported; members only the second page has are
//! added; a base only the second states is taken; an open type stays open.
//! A page documenting the type in the other form (an enum against an object
//! type) is dropped and reported.

use crate::diagnostics::{Code, Diagnostics};
use crate::model::{Property, TypeDef, TypeKind};

/// Adds what a second page documents about a type (members, properties) to the kept definition.
pub(in crate::resolve) fn merge(target: &mut TypeDef, extra: TypeDef, diags: &mut Diagnostics) {
    let conflict = |kept: &Property, dropped: &Property, diags: &mut Diagnostics| {
        if kept.ty != dropped.ty {
            let message = format!(
                "property `{}` is also documented at {} as `{}`; this page's `{}` is dropped",
                dropped.json_name, kept.source, kept.ty, dropped.ty
            );
            diags.report(Code::ConflictingDuplicate, &dropped.source, message);
        }
    };
    target.open |= extra.open;
    let (qualified, kept_at) = (target.qualified_name(), target.source.clone());
    match (&mut target.kind, extra.kind) {
        (TypeKind::Object { base, properties, navigation }, TypeKind::Object { base: extra_base, properties: p, navigation: n }) => {
            if base.is_none() {
                *base = extra_base;
            }
            for (property, is_navigation) in p.into_iter().map(|p| (p, false)).chain(n.into_iter().map(|n| (n, true))) {
                match properties.iter().chain(navigation.iter()).find(|q| q.json_name.eq_ignore_ascii_case(&property.json_name)) {
                    Some(kept) => conflict(kept, &property, diags),
                    None if is_navigation => navigation.push(property),
                    None => properties.push(property),
                }
            }
        }
        (TypeKind::Enum { members }, TypeKind::Enum { members: extra_members }) => {
            for member in extra_members {
                if !members.iter().any(|m| m.name == member.name) {
                    members.push(member);
                }
            }
        }
        (kept, _) => {
            let form = |k: &TypeKind| if matches!(k, TypeKind::Enum { .. }) { "an enum" } else { "an object type" };
            let message = format!(
                "`{qualified}` is documented at {kept_at} as {}; this page, which documents it as the other form, is dropped",
                form(kept)
            );
            diags.report(Code::ConflictingDuplicate, &extra.source, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Source, TypeRef};

    fn object(page: &str, members: &[(&str, &str)]) -> TypeDef {
        let source = Source { file: page.into(), line: 1 };
        let properties = members
            .iter()
            .map(|(name, ty)| Property {
                json_name: name.to_string(),
                ty: ty.parse().unwrap(),
                description: String::new(),
                source: source.clone(),
            })
            .collect();
        let kind = TypeKind::Object { base: None, properties, navigation: Vec::new() };
        TypeDef {
            namespace: "microsoft.graph".into(),
            name: "widget".into(),
            description: String::new(),
            inferred: false,
            open: false,
            kind,
            area: String::new(),
            source,
        }
    }

    #[test]
    fn the_defining_page_keeps_its_members_and_the_other_adds_its_own() {
        let mut kept = object("resources/widget.md", &[("id", "Edm.String"), ("size", "Edm.Int32")]);
        let mut diags = Diagnostics::default();
        merge(&mut kept, object("resources/widget-again.md", &[("Size", "Edm.String"), ("extra", "Edm.Boolean")]), &mut diags);
        let TypeKind::Object { properties, .. } = &kept.kind else { panic!() };
        let names: Vec<String> = properties.iter().map(|p| format!("{}: {}", p.json_name, p.ty)).collect();
        assert_eq!(names, ["id: Edm.String", "size: Edm.Int32", "extra: Edm.Boolean"]);
        assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::ConflictingDuplicate]);
        assert_eq!(properties[1].ty, TypeRef::Primitive(crate::model::Primitive::Int32));
    }
}
