//! Model types -> Rust structs and enums (the generated `types` module).

use super::names::{ident, snake_name, variant_name, Scope};
use super::{Context, ItemFormatter};
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{EnumMember, Property, TypeDef, TypeKind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `types.rs`, formatted: its types are independent items, formatted one at a time.
pub fn types_module(cx: &Context<'_>, diags: &mut Diagnostics) -> Result<String, String> {
    let mut file = ItemFormatter::new(quote! {
        //! Request and response types, one per documented type.
    })?;
    for def in &cx.model.types {
        file.push(match &def.kind {
            TypeKind::Object { .. } => object(cx, def, diags),
            TypeKind::Enum { members } => enumeration(cx, def, members, diags),
        })?;
    }
    for (name, (parameters, source_doc)) in &cx.parameter_structs {
        file.push(parameter_struct(cx, name, parameters, source_doc, diags))?;
    }
    Ok(file.finish())
}

fn object(cx: &Context<'_>, def: &TypeDef, diags: &mut Diagnostics) -> TokenStream {
    let name = format_ident!("{}", cx.type_name(&def.qualified_name()));
    let fields = cx.all_fields(&def.qualified_name());
    let field_tokens = fields_tokens(cx, &def.qualified_name(), &fields, diags);
    let mut doc = doc_lines(&def.description);
    doc.push(format!("`{}`", def.qualified_name()));
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
    let odata_type = format!("#{}", def.qualified_name());
    let conversions = upcasts(cx, def);
    let kind = kind_enum(cx, def);
    let cfg = cx.type_cfg(&def.qualified_name());
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct #name {
            /// The concrete type of this value, e.g. `#microsoft.graph.fileAttachment`.
            #[serde(rename = "@odata.type", default, skip_serializing_if = "Option::is_none")]
            pub odata_type: Option<String>,
            #(#field_tokens)*
            /// Properties the docs do not list, kept so a read-modify-write loses nothing.
            #[serde(flatten)]
            pub additional_properties: serde_json::Map<String, serde_json::Value>,
        }

        #cfg
        impl #name {
            /// This type's `@odata.type` discriminator.
            pub const ODATA_TYPE: &'static str = #odata_type;
        }

        #(#conversions)*
        #kind
    }
}

/// `From<Derived> for Base` for every base: a derived value can be sent where
/// the API takes its base type, and it keeps its `@odata.type`.
fn upcasts(cx: &Context<'_>, def: &TypeDef) -> Vec<TokenStream> {
    let derived = format_ident!("{}", cx.type_name(&def.qualified_name()));
    // The derived type's areas include its bases' (bases are part of what it needs).
    let cfg = cx.type_cfg(&def.qualified_name());
    cx.ancestors(&def.qualified_name())
        .iter()
        .map(|base| {
            let base = format_ident!("{}", cx.type_name(base));
            quote! {
                #cfg
                impl From<#derived> for #base {
                    fn from(value: #derived) -> Self {
                        let mut base: #base = crate::runtime::odata::convert(&value).unwrap_or_default();
                        base.odata_type = Some(value.odata_type.unwrap_or_else(|| #derived::ODATA_TYPE.to_owned()));
                        base
                    }
                }
            }
        })
        .collect()
}

/// For a type with derived types: an enum over the concrete types, chosen by `@odata.type`.
fn kind_enum(cx: &Context<'_>, def: &TypeDef) -> TokenStream {
    let qualified = def.qualified_name();
    let Some(kind_name) = cx.kind_names.get(&qualified) else { return TokenStream::new() };
    let kind = format_ident!("{}", kind_name);
    let base = format_ident!("{}", cx.type_name(&qualified));
    let mut scope = Scope::with_reserved(&["Other"]);
    let descendants = cx.descendants(&qualified);
    let variants: Vec<_> = descendants.iter().map(|d| format_ident!("{}", scope.claim(cx.type_name(d)))).collect();
    let types: Vec<_> = descendants.iter().map(|d| format_ident!("{}", cx.type_name(d))).collect();
    let names: Vec<&String> = descendants.iter().collect();
    let variant_cfgs: Vec<TokenStream> = descendants.iter().map(|d| cx.type_cfg(d)).collect();
    let cfg = cx.type_cfg(&qualified);
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
            pub fn into_kind(self) -> #kind {
                #(
                    #variant_cfgs
                    if crate::runtime::odata::is_odata_type(self.odata_type.as_deref(), #names) {
                        if let Some(concrete) = crate::runtime::odata::convert(&self) {
                            return #kind::#variants(concrete);
                        }
                    }
                )*
                #kind::Other(self)
            }
        }
    }
}

fn parameter_struct(cx: &Context<'_>, name: &str, parameters: &[Property], title: &str, diags: &mut Diagnostics) -> TokenStream {
    let ident = format_ident!("{}", name);
    let fields = fields_tokens(cx, name, &parameters.iter().collect::<Vec<_>>(), diags);
    let doc = docs(&[format!("Parameters of `{title}`.")]);
    let cfg = cx.cfg(cx.parameter_areas.get(name).unwrap_or(&Default::default()));
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct #ident {
            #(#fields)*
            /// Parameters the docs do not list.
            #[serde(flatten)]
            pub additional_properties: serde_json::Map<String, serde_json::Value>,
        }
    }
}

fn fields_tokens(cx: &Context<'_>, owner: &str, fields: &[&Property], diags: &mut Diagnostics) -> Vec<TokenStream> {
    let mut scope = Scope::with_reserved(&["additional_properties", "odata_type"]);
    fields
        .iter()
        .filter_map(|property| {
            // Every struct already carries `@odata.type` as `odata_type`.
            if property.json_name == "@odata.type" {
                let message = "property `@odata.type` is not emitted as a field of its own: it is the built-in `odata_type` \
                    discriminator (in parameter structs it travels in `additional_properties`)";
                diags.report(Code::Merged, &property.source, message);
                return None;
            }
            let rust = scope.claim(&snake_name(&property.json_name));
            cx.report_rename(diags, &property.source, "property", &property.json_name, &rust);
            let field = ident(&rust);
            let json_name = &property.json_name;
            let ty = cx.rust_type(&property.ty, cx.is_boxed(owner, json_name));
            let doc = docs(&doc_lines(&property.description));
            Some(quote! {
                #doc
                #[serde(rename = #json_name, default, skip_serializing_if = "Option::is_none")]
                pub #field: Option<#ty>,
            })
        })
        .collect()
}

/// Enums keep values this crate does not know in `Unknown`, so new members on the
/// server never break deserialization.
fn enumeration(cx: &Context<'_>, def: &TypeDef, members: &[EnumMember], diags: &mut Diagnostics) -> TokenStream {
    let name = format_ident!("{}", cx.type_name(&def.qualified_name()));
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let mut variants = Vec::new();
    let mut wire = Vec::new();
    let mut docs_per_variant = Vec::new();
    for member in members {
        if wire.contains(&member.name) {
            diags.report(
                Code::DuplicateMember,
                &member.source,
                format!("enum member `{}` is listed twice; the first is kept", member.name),
            );
            continue;
        }
        let rust = scope.claim(&variant_name(&member.name));
        cx.report_rename(diags, &member.source, "enum member", &member.name, &rust);
        variants.push(format_ident!("{}", rust));
        wire.push(member.name.clone());
        docs_per_variant.push(docs(&doc_lines(&member.description)));
    }
    let doc = docs(&[doc_lines(&def.description), vec![format!("`{}`", def.qualified_name())]].concat());
    let cfg = cx.type_cfg(&def.qualified_name());
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(from = "String", into = "String")]
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

/// Description text as doc lines, escaped so rustdoc reads it as plain prose:
/// no intra-doc links, HTML tags or code blocks can appear by accident.
pub fn doc_lines(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' | ']' | '<' | '>' | '*' | '_' | '`' | '#' | '\\' | '|' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\r' => {}
            c => escaped.push(c),
        }
    }
    escaped.lines().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect()
}

/// `#[doc = "..."]` attributes, with a blank line between paragraphs. Every
/// doc attribute goes through here: prettyplease prints them as `///` comments,
/// where a line break or a bare carriage return (a request path in the docs
/// can hold one) would end the comment or not lex, so control characters
/// become spaces.
pub fn docs(lines: &[String]) -> TokenStream {
    let mut out = TokenStream::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.extend(quote! { #[doc = ""] });
        }
        let line: String = format!(" {line}").chars().map(|c| if c.is_control() && c != '\t' { ' ' } else { c }).collect();
        out.extend(quote! { #[doc = #line] });
    }
    out
}
