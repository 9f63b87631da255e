//! Analysis: product areas and `cfg`. Every area (the page's `ms.subservice` or `ms.prod`, see `parse::area`) is a
//! Cargo feature of the generated crate; an item is compiled for the areas
//! that need it, so every feature compiles on its own and `full` (default)
//! compiles everything.

use crate::model::{ApiModel, RequestBody, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

pub struct Features {
    /// Every product area (Cargo feature) of the model.
    areas: BTreeSet<String>,
    /// Type -> the areas whose operations or pages need it (transitively).
    type_areas: BTreeMap<String, BTreeSet<String>>,
    /// Parameter struct (model name) -> areas of the operations that take it.
    parameter_areas: BTreeMap<String, BTreeSet<String>>,
}

/// The Cargo features of the generated crate: one per product area.
pub fn areas(model: &ApiModel) -> BTreeSet<String> {
    model.operations.iter().map(|o| o.area.clone()).chain(model.types.iter().map(|t| t.area.clone())).collect()
}

impl Features {
    pub fn new(model: &ApiModel) -> Features {
        let mut parameter_areas: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for op in &model.operations {
            if let Some(RequestBody::Parameters { type_name, .. }) = &op.request_body {
                parameter_areas.entry(type_name.clone()).or_default().insert(op.area.clone());
            }
        }
        Features { areas: areas(model), type_areas: type_areas(model), parameter_areas }
    }

    /// `#[cfg(any(feature = "a", ...))]` for items needed by `areas`; nothing when every area needs them.
    pub fn cfg(&self, areas: &BTreeSet<String>) -> TokenStream {
        if let Some(only) = self.home(areas) {
            return quote! { #[cfg(feature = #only)] };
        }
        if areas.is_empty() || self.areas.is_subset(areas) {
            return TokenStream::new();
        }
        let names = areas.iter();
        quote! { #[cfg(any(#(feature = #names),*))] }
    }

    /// The `cfg` of a model type's items.
    pub fn type_cfg(&self, qualified: &str) -> TokenStream {
        self.cfg(self.type_areas.get(qualified).unwrap_or(&BTreeSet::new()))
    }

    /// The `cfg` of a parameter struct (by its model name).
    pub fn parameter_cfg(&self, model_name: &str) -> TokenStream {
        self.cfg(self.parameter_areas.get(model_name).unwrap_or(&BTreeSet::new()))
    }

    /// The one area that needs a type's items, when exactly one does (their
    /// `cfg` is then `#[cfg(feature = "area")]`).
    pub fn type_home(&self, qualified: &str) -> Option<&str> {
        self.type_areas.get(qualified).and_then(|areas| self.home(areas))
    }

    /// [`Features::type_home`] of a parameter struct (by its model name).
    pub fn parameter_home(&self, model_name: &str) -> Option<&str> {
        self.parameter_areas.get(model_name).and_then(|areas| self.home(areas))
    }

    /// The one area of `areas`, unless it is the crate's only area (no `cfg` then).
    fn home<'a>(&self, areas: &'a BTreeSet<String>) -> Option<&'a str> {
        let only = areas.first().filter(|_| areas.len() == 1 && self.areas.len() > 1)?;
        Some(only.as_str())
    }

    /// An operation's own area: needed only there, unless it is the crate's only area.
    pub fn area_cfg(&self, area: &str) -> TokenStream {
        if self.areas.len() <= 1 {
            TokenStream::new()
        } else {
            quote! { #[cfg(feature = #area)] }
        }
    }
}

/// Which areas need each type: an area needs the types its operations take
/// and return and the types its pages document, and everything those types
/// hold or inherit from, so every feature compiles on its own.
fn type_areas(model: &ApiModel) -> BTreeMap<String, BTreeSet<String>> {
    let mut roots: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for op in &model.operations {
        let mut refs: Vec<&TypeRef> = op.responses.iter().filter_map(|r| r.body.as_ref()).collect();
        refs.extend(op.function_parameters.iter().map(|p| &p.ty));
        match &op.request_body {
            Some(RequestBody::Parameters { parameters, .. }) => refs.extend(parameters.iter().map(|p| &p.ty)),
            Some(RequestBody::Resource { ty }) => refs.push(ty),
            None => {}
        }
        let named = refs.into_iter().filter_map(|t| match t.item() {
            TypeRef::Named(name) => Some(name.clone()),
            _ => None,
        });
        roots.entry(op.area.as_str()).or_default().extend(named);
    }
    for def in &model.types {
        roots.entry(def.area.as_str()).or_default().push(def.qualified_name());
    }
    let mut type_areas: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // What a type reaches (bases, then field types) is the same for every area: computed once.
    let mut reaches: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (area, mut stack) in roots {
        while let Some(name) = stack.pop() {
            let areas = type_areas.entry(name.clone()).or_default();
            if !areas.insert(area.to_owned()) {
                continue;
            }
            let next = reaches.entry(name).or_insert_with_key(|name| {
                let mut next: Vec<String> = model.ancestors(name).into_iter().map(str::to_owned).collect();
                next.extend(model.fields(name).into_iter().filter_map(|f| match f.property.ty.item() {
                    TypeRef::Named(target) => Some(target.clone()),
                    _ => None,
                }));
                next
            });
            stack.extend(next.iter().cloned());
        }
    }
    type_areas
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::rust::test_model::{model, object};

    #[test]
    fn a_type_is_compiled_for_every_area_that_reaches_it() {
        let mut types = vec![
            object("base", None, &[]),
            object("chat", None, &[]),
            object("mail", Some("ns.base"), &[("item", "ns.part")]),
            object("part", None, &[]),
        ];
        for (def, area) in types.iter_mut().zip(["files", "teams", "outlook", "files"]) {
            def.area = area.into();
        }
        let features = Features::new(&model(types));
        let cfg = |q: &str| features.type_cfg(q).to_string();
        assert_eq!(cfg("ns.mail"), quote! { #[cfg(feature = "outlook")] }.to_string());
        // Its own page's area, and the area of a type that holds it or inherits from it.
        assert_eq!(cfg("ns.part"), quote! { #[cfg(any(feature = "files", feature = "outlook"))] }.to_string());
        assert_eq!(cfg("ns.base"), cfg("ns.part"));
        let all: BTreeSet<String> = ["files", "outlook", "teams"].map(String::from).into();
        assert!(features.cfg(&all).is_empty(), "needed by every area: no cfg");
        assert_eq!(features.area_cfg("teams").to_string(), quote! { #[cfg(feature = "teams")] }.to_string());
    }
}
