//! Rule: a base type's page that lists the types deriving from it.
//!
//! Some base pages name their derived types ("the derived types are [x],
//! [y]", "is the base type for [x] and [y]": parse reads the links right
//! after the phrase). That states the derived types' base, but only for those
//! whose own pages state none: a type's own page is trusted first
//! ([`super::base_type_mismatch`]). A type is never its own base. Runs once
//! every type is read.

use super::super::types::TypeIndex;
use super::super::TypeDefs;
use crate::diagnostics::Diagnostics;
use crate::model::{TypeDef, TypeKind, TypeRef};
use crate::parse::page::Page;

/// Gives each type the page lists, when it has no base yet, the page's type as its base.
pub(in crate::resolve) fn adopt(page: &Page, index: &TypeIndex, types: &mut TypeDefs, diags: &mut Diagnostics) {
    let Some(own) = index.page_type(page).cloned() else { return };
    for cell in &page.derived_types {
        let TypeRef::Named(derived) = index.resolve_cell(cell, &page.file, page.title_line, diags) else { continue };
        if derived == own {
            continue;
        }
        if let Some(TypeDef { kind: TypeKind::Object { base: base @ None, .. }, .. }) = types.get_mut(&derived) {
            *base = Some(own.clone());
        }
    }
}
