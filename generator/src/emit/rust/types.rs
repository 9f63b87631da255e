//! Model types -> Rust structs and enums (the generated `types` module),
//! rendered from the [`Surface`](super::Surface).

use super::docs::{doc_lines, docs};
use super::format::ModuleSource;
use super::surface::{FieldItem, ItemPaths, KindEnum, RustType, Shape, VariantItem};
use super::Context;
use crate::model::{TypeDef, TypeKind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// The `types` module's files, unformatted (each type's items are one chunk):
/// `types/mod.rs` with the types several areas need, and one file per area
/// with the types only that area needs.
pub fn types_modules(cx: &Context<'_>) -> Vec<(String, ModuleSource)> {
    let mut files = TypeFiles::default();
    for def in &cx.model.types {
        let qualified = def.qualified_name();
        let Some(item) = cx.surface.type_item(&qualified) else { continue };
        files.push(
            cx.features.type_home(&qualified),
            match &item.shape {
                Shape::Struct { fields, kind } => object(cx, def, &item.name, fields, kind.as_ref()),
                Shape::Enum { variants } => enumeration(cx, def, &item.name, variants),
            },
        );
    }
    for (name, parameters) in cx.surface.parameter_structs() {
        let doc = docs(&[format!("Parameters of `{}`.", parameters.title)]);
        let cfg = cx.features.parameter_cfg(parameters.model_name);
        let ident = format_ident!("{}", name);
        let fields = fields_tokens(&parameters.fields);
        let constants = member_constants(&parameters.fields);
        let reading = read_members(&ident, &parameters.fields, false, &cfg);
        let writing = write_members(&ident, &parameters.fields, false, &cfg);
        files.push(
            cx.features.parameter_home(parameters.model_name),
            quote! {
                #doc
                #cfg
                #[derive(Clone, Default, PartialEq)]
                pub struct #ident {
                    #(#fields)*
                    /// Parameters the docs do not list.
                    pub additional_properties: serde_json::Map<String, serde_json::Value>,
                }

                #cfg
                impl #ident {
                    #(#constants)*
                }

                #reading
                #writing
            },
        );
    }
    files.finish()
}

/// The files of the `types` module being filled. The items only one area
/// needs (their `cfg` is that one feature) go to that area's file, declared
/// `#[cfg(feature = "area")] mod area;` and glob re-exported, so paths stay
/// `types::User` and a build of another area does not even parse them (in
/// v1.0, checking `outlook` alone read all 12 MB of types before).
#[derive(Default)]
struct TypeFiles {
    shared: ModuleSource,
    /// Area -> its file.
    areas: BTreeMap<String, ModuleSource>,
    /// Module name -> the area that has it.
    modules: BTreeMap<String, String>,
}

impl TypeFiles {
    fn push(&mut self, home: Option<&str>, items: TokenStream) {
        match home.filter(|area| self.claim(area)) {
            Some(area) => self.areas.entry(area.to_owned()).or_insert_with(|| ModuleSource::new(area_head(area))).push(items),
            None => self.shared.push(items),
        }
    }

    /// Whether `area` can have a file: its module name is an identifier no
    /// other area took, and its file name can be one (`names::module_file_stem`).
    fn claim(&mut self, area: &str) -> bool {
        let module = area_module(area);
        super::names::module_file_stem(area)
            && syn::parse_str::<syn::Ident>(&module).is_ok()
            && self.modules.entry(module).or_insert_with(|| area.to_owned()) == area
    }

    fn finish(self) -> Vec<(String, ModuleSource)> {
        let mut root = ModuleSource::new(quote! {
            //! Request and response types, one per documented type.
        });
        if !self.areas.is_empty() {
            let declarations = self.areas.keys().map(|area| {
                let module = format_ident!("{}", area_module(area));
                let file = area_file(area);
                quote! {
                    #[cfg(feature = #area)]
                    #[path = #file]
                    mod #module;
                    #[cfg(feature = #area)]
                    pub use #module::*;
                }
            });
            root.push(quote! { #(#declarations)* });
        }
        root.append(self.shared);
        let mut files = vec![("src/types/mod.rs".to_owned(), root)];
        files.extend(self.areas.into_iter().map(|(area, source)| (format!("src/types/{}", area_file(&area)), source)));
        files
    }
}

/// The module of an area's types: `cloud-communications` -> `area_cloud_communications`.
/// Never a crate's name (an area may be called `serde`): the module is in
/// scope in `types/mod.rs` and, through `use super::*`, in every area's file.
fn area_module(area: &str) -> String {
    format!("area_{}", area.replace('-', "_"))
}

/// Its file in `src/types/`: `cloud-communications.rs`.
fn area_file(area: &str) -> String {
    format!("{area}.rs")
}

fn area_head(area: &str) -> TokenStream {
    let doc = format!(" The types only the `{area}` area needs (feature `{area}`), in a file of their own.");
    // Conversions between relatives name each other without a path.
    quote! {
        #![doc = #doc]
        #[allow(unused_imports)]
        use super::*;
    }
}

fn object(cx: &Context<'_>, def: &TypeDef, name: &str, fields: &[FieldItem<'_>], kind: Option<&KindEnum>) -> TokenStream {
    let qualified = def.qualified_name();
    let name = format_ident!("{}", name);
    let field_tokens = fields_tokens(fields);
    let constants = member_constants(fields);
    let mut doc = doc_lines(&def.description);
    doc.push(format!("`{qualified}`"));
    if def.inferred {
        doc.push("No page documents this type: its fields were inferred from an example.".into());
    }
    if def.open {
        doc.push("An open type: members beyond these fields are expected and kept in `additional_properties`.".into());
    }
    if let TypeKind::Object { base: Some(base), .. } = &def.kind {
        doc.push(format!("Includes the properties of its base type `{base}`."));
    }
    let doc = docs(&doc);
    let odata_type = format!("#{qualified}");
    let conversions = conversions(cx, def, fields);
    let kind = kind.map(|kind| kind_enum(cx, &qualified, kind)).unwrap_or_default();
    let cfg = cx.features.type_cfg(&qualified);
    let reading = read_members(&name, fields, true, &cfg);
    let writing = write_members(&name, fields, true, &cfg);
    quote! {
        #doc
        #cfg
        #[derive(Clone, Default, PartialEq)]
        pub struct #name {
            /// The concrete type of this value, e.g. `#microsoft.graph.fileAttachment`.
            pub odata_type: Option<String>,
            #(#field_tokens)*
            /// Properties the docs do not list, kept so a read-modify-write loses nothing.
            pub additional_properties: serde_json::Map<String, serde_json::Value>,
        }

        #cfg
        impl #name {
            /// This type's `@odata.type` discriminator.
            pub const ODATA_TYPE: &'static str = #odata_type;
            #(#constants)*
        }

        #reading
        #writing
        #(#conversions)*
        #kind
    }
}

/// `Deserialize` through [`runtime::object`](crate): one arm per member, the
/// rest kept in `additional_properties` without buffering the object.
fn read_members(name: &proc_macro2::Ident, fields: &[FieldItem<'_>], odata_type: bool, cfg: &TokenStream) -> TokenStream {
    let expecting = format!("{name} as a JSON object");
    let json_names = fields.iter().map(|f| &f.property.json_name);
    let idents = fields.iter().map(|f| super::names::ident(&f.name));
    let odata_type = odata_type.then(|| quote! { "@odata.type" => crate::runtime::object::read(&mut self.odata_type, map), });
    quote! {
        #cfg
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::object::deserialize(deserializer)
            }
        }

        #cfg
        #[allow(deprecated)]
        impl crate::runtime::object::ReadMembers for #name {
            const EXPECTING: &'static str = #expecting;

            fn read_member<'de, A: serde::de::MapAccess<'de>>(
                &mut self,
                key: crate::runtime::object::Key<'de>,
                map: &mut A,
            ) -> Result<(), A::Error> {
                // Each arm one call and no `?`: a tenth less to type-check
                // and borrow-check in an area's build than assigning with `?`.
                match key.as_str() {
                    #odata_type
                    #( #json_names => crate::runtime::object::read(&mut self.#idents, map), )*
                    _ => crate::runtime::object::keep(&mut self.additional_properties, key, map),
                }
            }
        }
    }
}

/// `Serialize` and `Debug` through [`runtime::object`](crate): the members
/// that are set, `@odata.type` first, in declaration order, then
/// `additional_properties` (what serde's derive wrote with
/// `skip_serializing_if` and `flatten`, without needing `serde_derive` to
/// build the crate).
fn write_members(name: &proc_macro2::Ident, fields: &[FieldItem<'_>], odata_type: bool, cfg: &TokenStream) -> TokenStream {
    let json_names = fields.iter().map(|f| &f.property.json_name);
    let idents = fields.iter().map(|f| super::names::ident(&f.name));
    let odata_type = odata_type.then(|| quote! { members.write("@odata.type", &self.odata_type); });
    // A struct with no member to write leaves the writer unused (a warning in the user's build).
    let members = if fields.is_empty() && odata_type.is_none() {
        quote! { _members }
    } else {
        quote! { members }
    };
    let type_name = name.to_string();
    quote! {
        #cfg
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                crate::runtime::object::serialize(self, serializer)
            }
        }

        #cfg
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                crate::runtime::object::debug(self, #type_name, f)
            }
        }

        #cfg
        #[allow(deprecated)]
        impl crate::runtime::object::WriteMembers for #name {
            fn write_members<M: serde::ser::SerializeMap>(&self, #members: &mut crate::runtime::object::Members<'_, M>) {
                #odata_type
                #( members.write(#json_names, &self.#idents); )*
            }

            fn additional_properties(&self) -> &crate::runtime::object::Additional {
                &self.additional_properties
            }
        }
    }
}

/// `From<Derived> for Base` for every base: a derived value can be sent where
/// the API takes its base type, and it keeps its `@odata.type` and the
/// members only it declares (in the base's `additional_properties`).
/// `TryFrom<Base> for Derived` reads them back (`into_kind`). Both move
/// member by member; only what the two types spell differently goes through JSON.
fn conversions(cx: &Context<'_>, def: &TypeDef, fields: &[FieldItem<'_>]) -> Vec<TokenStream> {
    let derived = format_ident!("{}", cx.surface.type_name(&def.qualified_name()));
    // The derived type's areas include its bases' (bases are part of what it needs).
    let cfg = cx.features.type_cfg(&def.qualified_name());
    cx.model
        .ancestors(&def.qualified_name())
        .into_iter()
        .filter_map(|base| {
            let Shape::Struct { fields: base_fields, .. } = &cx.surface.type_item(base)?.shape else { return None };
            let base = format_ident!("{}", cx.surface.type_name(base));
            let upcast = upcast(&derived, &base, fields, base_fields);
            let downcast = downcast(&derived, &base, fields, base_fields);
            Some(quote! {
                #cfg
                #[allow(deprecated)]
                impl From<#derived> for #base {
                    fn from(value: #derived) -> Self {
                        #upcast
                    }
                }

                #cfg
                #[allow(deprecated)]
                impl TryFrom<#base> for #derived {
                    /// The base value, unchanged, when a member it keeps does not fit the derived type.
                    type Error = #base;

                    #downcast
                }
            })
        })
        .collect()
}

/// How a member moves between two structs that both declare it.
enum Move {
    Same,
    Boxed,
    Unboxed,
    Json,
}

fn move_kind(from: &RustType, to: &RustType) -> Move {
    match (from, to) {
        _ if from == to => Move::Same,
        (RustType::Boxed(inner), to) if **inner == *to => Move::Unboxed,
        (from, RustType::Boxed(inner)) if **inner == *from => Move::Boxed,
        _ => Move::Json,
    }
}

fn upcast(derived: &proc_macro2::Ident, base: &proc_macro2::Ident, fields: &[FieldItem<'_>], base_fields: &[FieldItem<'_>]) -> TokenStream {
    let kept = fields.iter().filter(|f| !base_fields.iter().any(|b| b.property.json_name == f.property.json_name)).map(|f| {
        let (name, json_name) = (super::names::ident(&f.name), &f.property.json_name);
        quote! { crate::runtime::object::keep_member(&mut additional_properties, #json_name, value.#name); }
    });
    let kept: Vec<TokenStream> = kept.collect();
    let mut converts = false;
    let moved: Vec<TokenStream> = base_fields
        .iter()
        .filter_map(|b| {
            let f = fields.iter().find(|f| f.property.json_name == b.property.json_name)?;
            let (from, to, json_name) = (super::names::ident(&f.name), super::names::ident(&b.name), &b.property.json_name);
            Some(match move_kind(&f.ty, &b.ty) {
                Move::Same => quote! { #to: value.#from, },
                Move::Boxed => quote! { #to: value.#from.map(Box::new), },
                Move::Unboxed => quote! { #to: value.#from.map(|boxed| *boxed), },
                Move::Json => {
                    converts = true;
                    quote! { #to: crate::runtime::object::convert_or_keep(&mut additional_properties, #json_name, value.#from), }
                }
            })
        })
        .collect();
    // `mut` only when a member goes into the map: an unused `mut` warns in the user's build.
    let binding = if kept.is_empty() && !converts {
        quote! { additional_properties }
    } else {
        quote! { mut additional_properties }
    };
    quote! {
        let #binding = value.additional_properties;
        #(#kept)*
        #base {
            odata_type: Some(value.odata_type.unwrap_or_else(|| #derived::ODATA_TYPE.to_owned())),
            #(#moved)*
            additional_properties,
        }
    }
}

fn downcast(
    derived: &proc_macro2::Ident,
    base: &proc_macro2::Ident,
    fields: &[FieldItem<'_>],
    base_fields: &[FieldItem<'_>],
) -> TokenStream {
    let mut checks = Vec::new();
    let mut removals = Vec::new();
    let mut members = Vec::new();
    for f in fields {
        let (to, json_name) = (super::names::ident(&f.name), &f.property.json_name);
        let local = format_ident!("member_{}", f.name.trim_start_matches("r#"));
        match base_fields.iter().find(|b| b.property.json_name == f.property.json_name) {
            None => {
                checks.push(quote! {
                    let #local = fitting.kept(&base.additional_properties, #json_name);
                });
                removals.push(quote! { base.additional_properties.remove(#json_name); });
                members.push(quote! { #to: #local, });
            }
            Some(b) => {
                let from = super::names::ident(&b.name);
                members.push(match move_kind(&b.ty, &f.ty) {
                    Move::Same => quote! { #to: base.#from, },
                    Move::Boxed => quote! { #to: base.#from.map(Box::new), },
                    Move::Unboxed => quote! { #to: base.#from.map(|boxed| *boxed), },
                    Move::Json => {
                        checks.push(quote! {
                            let #local = fitting.converted(&base.#from);
                        });
                        quote! { #to: #local, }
                    }
                });
            }
        }
    }
    let binding = if removals.is_empty() {
        quote! { base }
    } else {
        quote! { mut base }
    };
    let checks = (!checks.is_empty()).then(|| {
        quote! {
            let mut fitting = crate::runtime::object::Fitting::new();
            #(#checks)*
            if !fitting.all_fit() {
                return Err(base);
            }
        }
    });
    quote! {
        fn try_from(#binding: #base) -> Result<Self, #base> {
            #checks
            #(#removals)*
            Ok(#derived {
                odata_type: base.odata_type,
                #(#members)*
                additional_properties: base.additional_properties,
            })
        }
    }
}

/// For a type with derived types: an enum over the concrete types, chosen by `@odata.type`.
fn kind_enum(cx: &Context<'_>, qualified: &str, kind_item: &KindEnum) -> TokenStream {
    let kind = format_ident!("{}", kind_item.name);
    let base = format_ident!("{}", cx.surface.type_name(qualified));
    let variants: Vec<_> = kind_item.variants.iter().map(|(variant, _)| format_ident!("{}", variant)).collect();
    let types: Vec<_> = kind_item.variants.iter().map(|(_, d)| format_ident!("{}", cx.surface.type_name(d))).collect();
    let names: Vec<&String> = kind_item.variants.iter().map(|(_, d)| d).collect();
    let variant_cfgs: Vec<TokenStream> = kind_item.variants.iter().map(|(_, d)| cx.features.type_cfg(d)).collect();
    let cfg = cx.features.type_cfg(qualified);
    let doc = docs(&[format!("The concrete types of `{qualified}`, chosen by `@odata.type`.")]);
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq)]
        pub enum #kind {
            #( #variant_cfgs #variants(#types), )*
            /// The base type itself, or a derived type this crate does not know.
            Other(#base),
        }

        #cfg
        impl #base {
            /// The concrete type named by `@odata.type`, with all its properties.
            #[allow(unused_mut)]
            pub fn into_kind(mut self) -> #kind {
                #(
                    #variant_cfgs
                    if crate::runtime::odata::is_odata_type(self.odata_type.as_deref(), #names) {
                        match #types::try_from(self) {
                            Ok(concrete) => return #kind::#variants(concrete),
                            Err(unchanged) => self = unchanged,
                        }
                    }
                )*
                #kind::Other(self)
            }
        }
    }
}

fn fields_tokens(fields: &[FieldItem<'_>]) -> Vec<TokenStream> {
    let paths = ItemPaths::types_module();
    fields
        .iter()
        .map(|field| {
            let name = super::names::ident(&field.name);
            let json_name = &field.property.json_name;
            let ty = field.ty.tokens(&paths);
            let doc = docs(&doc_lines(&field.property.description));
            // Still sent and read; only the user's own uses of it are flagged.
            let deprecated = field.property.deprecated.then(|| {
                let note = format!("the docs mark `{json_name}` deprecated");
                quote! { #[deprecated = #note] }
            });
            quote! {
                #doc
                #deprecated
                pub #name: Option<#ty>,
            }
        })
        .collect()
}

/// One `Member` constant per field: its JSON name, checked by the compiler
/// where `$select`, `$expand`, `$orderby` and `Patch::clear` take one.
fn member_constants(fields: &[FieldItem<'_>]) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|field| {
            let constant = format_ident!("{}", field.constant);
            let json_name = &field.property.json_name;
            quote! { pub const #constant: crate::runtime::Member<Self> = crate::runtime::Member::new(#json_name); }
        })
        .collect()
}

/// Enums keep values this crate does not know in `Unknown`, so new members on the
/// server never break deserialization.
fn enumeration(cx: &Context<'_>, def: &TypeDef, name: &str, members: &[VariantItem<'_>]) -> TokenStream {
    let name = format_ident!("{}", name);
    let variants: Vec<_> = members.iter().map(|v| format_ident!("{}", v.name)).collect();
    let wire: Vec<&String> = members.iter().map(|v| &v.member.name).collect();
    let docs_per_variant: Vec<TokenStream> = members.iter().map(|v| docs(&doc_lines(&v.member.description))).collect();
    let doc = docs(&[doc_lines(&def.description), vec![format!("`{}`", def.qualified_name())]].concat());
    let cfg = cx.features.type_cfg(&def.qualified_name());
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #( #docs_per_variant #variants, )*
            /// A value this crate does not know (added to the API after generation).
            Unknown(String),
        }

        #cfg
        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #name::#variants => #wire, )*
                    #name::Unknown(other) => other,
                }
            }
        }

        #cfg
        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #( #wire => #name::#variants, )*
                    _ => #name::Unknown(value),
                }
            }
        }

        #cfg
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #cfg
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::object::string_enum(deserializer)
            }
        }

        #cfg
        impl From<#name> for String {
            fn from(value: #name) -> Self {
                match value {
                    #name::Unknown(other) => other,
                    known => known.as_str().to_owned(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_area_has_a_file_only_under_a_name_of_its_own() {
        let mut files = TypeFiles::default();
        assert!(files.claim("cloud-communications") && files.claim("cloud-communications"), "claimed once, kept");
        assert!(!files.claim("cloud_communications"), "the same module as `cloud-communications`");
        assert!(files.claim("serde"), "`area_serde` never shadows the serde crate");
        assert!(!files.claim("mod"), "its file would be the types module's own mod.rs");
        assert!(!files.claim("con"), "no file of that name can exist on Windows");
        assert!(!files.claim("a.b"), "not an identifier");
    }
}
