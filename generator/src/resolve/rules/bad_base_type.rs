//! Rule: a base that does not exist, or inheritance that loops.
//!
//! A page may name a base no page documents, or bases may loop (`a` inherits
//! from `b`, `b` from `a`). The link is dropped where it is documented (on
//! the type whose base it is), so every type's chain of bases ends, and that
//! is reported. Runs once every base is known, before any rule walks the
//! chains to find inherited members.

use super::super::{base_of, TypeDefs};
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{TypeDef, TypeKind};

/// Bases must exist and inheritance must not loop.
pub(in crate::resolve) fn check(types: &mut TypeDefs, diags: &mut Diagnostics) {
    let names: Vec<String> = types.keys().cloned().collect();
    for name in names {
        let mut seen = vec![name.clone()];
        let mut current = name.clone();
        while let Some(base) = base_of(types, &current) {
            if seen.contains(&base) || !types.contains_key(&base) {
                // Reported where the dropped link is documented: on `current`, whose base it is.
                let def = &types[&current];
                let reason = if seen.contains(&base) { "inheritance loops back to it" } else { "the base type is not documented" };
                diags.report(
                    Code::BadBaseType,
                    &def.source,
                    format!("`{current}` inherits from `{base}` but {reason}; the base is dropped"),
                );
                if let Some(TypeDef { kind: TypeKind::Object { base, .. }, .. }) = types.get_mut(&current) {
                    *base = None;
                }
                break;
            }
            seen.push(base.clone());
            current = base;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;

    fn object(name: &str, base: Option<&str>) -> (String, TypeDef) {
        let kind = TypeKind::Object { base: base.map(Into::into), properties: Vec::new(), navigation: Vec::new() };
        let source = Source { file: format!("resources/{name}.md"), line: 1 };
        (
            name.to_owned(),
            TypeDef {
                namespace: String::new(),
                name: name.into(),
                description: String::new(),
                inferred: false,
                open: false,
                kind,
                area: String::new(),
                source,
            },
        )
    }

    #[test]
    fn a_missing_base_and_a_loop_are_cut_where_they_are_documented() {
        let mut types: TypeDefs =
            [object("a", Some("b")), object("b", Some("a")), object("c", Some("ghost")), object("d", Some("a"))].into_iter().collect();
        let mut diags = Diagnostics::default();
        check(&mut types, &mut diags);
        let bases: Vec<(String, Option<String>)> = types.values().map(|t| (t.name.clone(), base_of(&types, &t.name))).collect();
        assert_eq!(bases, [("a".into(), Some("b".into())), ("b".into(), None), ("c".into(), None), ("d".into(), Some("a".into()))]);
        assert_eq!(diags.iter().map(|d| d.file.as_str()).collect::<Vec<_>>(), ["resources/b.md", "resources/c.md"]);
    }
}
