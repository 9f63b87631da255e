//! The `# Example` of an operation's rustdoc: its page's request example
//! (`model::CallExample`) as a call of the generated function, a `no_run`
//! doctest that compiles.
//!
//! The body is written as a struct literal of the generated types when every
//! member of the example fits them (enum members by variant, typed scalars by
//! `.parse()?`, derived types by `@odata.type` and `.into()`, members the
//! types do not name in `additional_properties`), a `null` at the top as
//! `Patch::clear`; otherwise it is read from the example's JSON text. Query
//! options and headers become the request's builder calls, `$select`,
//! `$expand` and `$orderby` with the result type's member constants.

use super::names::ident;
use super::surface::{CallArgument, FieldItem, ItemPaths, Literal, OperationItem, RustType, Scalar, Shape};
use super::Context;
use crate::model::{CallExample, Operation, TypeKind, TypeRef};
use proc_macro2::{Literal as Lit, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Value};

/// Beyond this many members the body is read from its JSON text: the example stays short.
const MAX_LITERAL_MEMBERS: usize = 24;

/// The doc lines of the example, empty when the page has none.
pub fn example_doc(cx: &Context<'_>, op: &Operation, item: &OperationItem) -> Vec<String> {
    let Some(example) = &op.example else { return Vec::new() };
    let writer = Writer { cx, krate: format_ident!("{}", cx.crate_name.replace('-', "_")), paths: ItemPaths::imported() };
    let Some(lines) = writer.program(op, item, example) else { return Vec::new() };
    // A value holding a fence would end the code block early.
    if lines.iter().any(|line| line.contains("```")) {
        return Vec::new();
    }
    let mut doc = vec!["# Example".to_owned(), format!("From the page's request example ({}):", example.source.file)];
    doc.push("```no_run".to_owned());
    doc.extend(lines);
    doc.push("```".to_owned());
    doc
}

/// How the example's body is written.
enum Body {
    /// The value, and whether its binding must name the type (it is no struct literal).
    Value(TokenStream, bool),
    /// The value and the member constants of its `null` members: a `Patch`.
    Patch(TokenStream, Vec<proc_macro2::Ident>),
}

struct Writer<'a, 'm> {
    cx: &'a Context<'m>,
    krate: proc_macro2::Ident,
    paths: ItemPaths,
}

impl Writer<'_, '_> {
    /// The doctest's lines: the statements shown, inside a hidden `main`.
    fn program(&self, op: &Operation, item: &OperationItem, example: &CallExample) -> Option<Vec<String>> {
        let krate = &self.krate;
        let mut statements = Vec::new();
        let mut args: Vec<TokenStream> = Vec::new();
        for (i, param) in op.path_params.iter().enumerate() {
            let value = example.path_args.get(i).cloned().flatten().unwrap_or_else(|| param.name.replace('_', "-"));
            args.push(quote! { #value });
        }
        for argument in &item.call_args {
            let shown = example.call_args.iter().find(|(name, _)| name.eq_ignore_ascii_case(&argument.json_name)).map(|(_, v)| v.as_str());
            args.push(self.call_argument(argument, shown));
        }
        if let Some(ty) = &item.request_body {
            statements.push(self.body_statement(op, ty, example.body.as_ref()));
            args.push(quote! { &body });
        }
        let call = self.paths.request(item, &args);
        // An alternative's method sets what selects its answer already.
        let selected: Vec<&crate::model::Condition> =
            item.alternatives.iter().filter(|a| a.function == item.place.method).map(|a| &a.condition).collect();
        let modifiers = self.modifiers(op, example, &selected);
        statements.push(quote! { let request = #call #(#modifiers)*; });
        let file = quote! {
            fn main() -> Result<(), Box<dyn std::error::Error>> {
                use #krate::{operations, runtime, types};
                #(#statements)*
                Ok(())
            }
        };
        let text = self.cx.formatter.format_file(file)?;
        let lines: Vec<&str> = text.lines().collect();
        let (first, inner, last) = (lines.first()?, &lines[1..lines.len().saturating_sub(2)], lines.last()?);
        let mut out = vec![format!("# {first}")];
        out.extend(inner.iter().map(|l| l.strip_prefix("    ").unwrap_or(l).to_owned()));
        out.push(format!("# {}", lines[lines.len() - 2].trim()));
        out.push(format!("# {last}"));
        Some(out)
    }

    fn body_statement(&self, op: &Operation, ty: &RustType, body: Option<&Value>) -> TokenStream {
        let ty_tokens = ty.tokens(&self.paths);
        let Some(body) = body else {
            return quote! { let body: #ty_tokens = Default::default(); };
        };
        let literal = (member_count(body) <= MAX_LITERAL_MEMBERS).then(|| self.top_level(op, ty, body)).flatten();
        match literal {
            Some(Body::Value(expression, true)) => quote! { let body: #ty_tokens = #expression; },
            Some(Body::Value(expression, false)) => quote! { let body = #expression; },
            Some(Body::Patch(value, cleared)) => quote! {
                let value = #value;
                let body = runtime::Patch::new(value) #(.clear(#ty_tokens::#cleared))*;
            },
            None => {
                let text = raw_string(&serde_json::to_string_pretty(body).unwrap_or_default());
                quote! { let body: #ty_tokens = serde_json::from_str(#text)?; }
            }
        }
    }

    /// The body, with its top-level `null` members as `Patch::clear`.
    fn top_level(&self, op: &Operation, ty: &RustType, body: &Value) -> Option<Body> {
        let cleared: Vec<&String> =
            body.as_object().map(|m| m.iter().filter(|(_, v)| v.is_null()).map(|(k, _)| k).collect()).unwrap_or_default();
        let value = self.value(body, ty)?;
        if cleared.is_empty() {
            // Only a struct literal names its type; `.into()`, `vec![..]` and JSON need the binding to.
            let named = matches!(ty, RustType::Model(_) | RustType::Parameters(_)) && !value.to_string().ends_with(". into ()");
            return Some(Body::Value(value, !named));
        }
        let fields = self.struct_fields(op, ty)?;
        let constants = cleared
            .iter()
            .map(|name| fields.iter().find(|f| &&f.property.json_name == name).map(|f| format_ident!("{}", f.constant)))
            .collect::<Option<Vec<_>>>()?;
        Some(Body::Patch(value, constants))
    }

    /// The fields of the body's struct, for naming the cleared members.
    fn struct_fields(&self, op: &Operation, ty: &RustType) -> Option<&[FieldItem<'_>]> {
        match (op.request_body.as_ref()?, ty) {
            (crate::model::RequestBody::Parameters { type_name, .. }, _) => Some(&self.cx.surface.parameter_struct(type_name)?.fields),
            (crate::model::RequestBody::Resource { ty: TypeRef::Named(name) }, RustType::Model(_)) => {
                match &self.cx.surface.type_item(name)?.shape {
                    Shape::Struct { fields, .. } => Some(fields),
                    Shape::Enum { .. } => None,
                }
            }
            _ => None,
        }
    }

    /// `value` as a Rust expression of type `ty`; `None` when it does not fit.
    fn value(&self, value: &Value, ty: &RustType) -> Option<TokenStream> {
        Some(match ty {
            RustType::Primitive("String") => {
                let text = value.as_str()?;
                quote! { #text.into() }
            }
            RustType::Primitive("bool") => {
                let b = value.as_bool()?;
                quote! { #b }
            }
            RustType::Primitive("f32" | "f64") => signed(value.as_f64()? < 0.0, Lit::f64_unsuffixed(value.as_f64()?.abs())),
            RustType::Primitive(int) => {
                let n = value.as_i64()?;
                let fits = match *int {
                    "u8" => u8::try_from(n).is_ok(),
                    "i8" => i8::try_from(n).is_ok(),
                    "i16" => i16::try_from(n).is_ok(),
                    "i32" => i32::try_from(n).is_ok(),
                    _ => true,
                };
                fits.then(|| signed(n < 0, Lit::u64_unsuffixed(n.unsigned_abs())))?
            }
            RustType::Scalar(Scalar::Binary) => {
                let text = value.as_str()?;
                quote! { runtime::Binary::from_base64(#text)? }
            }
            RustType::Scalar(_) => {
                let text = value.as_str()?;
                quote! { #text.parse()? }
            }
            RustType::Json => {
                let text = raw_string(&value.to_string());
                quote! { serde_json::from_str(#text)? }
            }
            RustType::Vec(item) => {
                let items = value.as_array()?.iter().map(|v| self.value(v, item)).collect::<Option<Vec<_>>>()?;
                quote! { vec![#(#items),*] }
            }
            RustType::Boxed(inner) => {
                let inner = self.value(value, inner)?;
                quote! { Box::new(#inner) }
            }
            RustType::Model(name) => self.model_value(value, name)?,
            RustType::Parameters(name) => {
                let parameters = self.cx.surface.parameter_structs().get(name)?;
                // Parameter structs have no `odata_type` field: `@odata.type` travels with the other members.
                self.struct_literal(value.as_object()?, ty, &parameters.fields, false)?
            }
            _ => return None,
        })
    }

    fn model_value(&self, value: &Value, rust_name: &str) -> Option<TokenStream> {
        let qualified = self.cx.surface.qualified_name(rust_name)?;
        let item = self.cx.surface.type_item(qualified)?;
        let ty = RustType::Model(rust_name.to_owned());
        match &item.shape {
            Shape::Enum { variants } => {
                let text = value.as_str()?;
                let ty = ty.tokens(&self.paths);
                Some(match variants.iter().find(|v| v.member.name == text) {
                    Some(variant) => {
                        let variant = format_ident!("{}", variant.name);
                        quote! { #ty::#variant }
                    }
                    None => quote! { #ty::Unknown(#text.into()) },
                })
            }
            Shape::Struct { fields, .. } => {
                let object = value.as_object()?;
                // A derived type named by `@odata.type`: its own struct, converted.
                let derived = object.get("@odata.type").and_then(Value::as_str).map(|t| t.trim_start_matches('#'));
                match derived.filter(|d| !d.eq_ignore_ascii_case(qualified)).and_then(|d| self.derived(qualified, d)) {
                    Some((derived_ty, derived_fields)) => {
                        let literal = self.struct_literal(object, &derived_ty, derived_fields, true)?;
                        Some(quote! { #literal.into() })
                    }
                    None => self.struct_literal(object, &ty, fields, true),
                }
            }
        }
    }

    /// A type derived from `base` named `name` (any case), with its fields.
    fn derived(&self, base: &str, name: &str) -> Option<(RustType, &[FieldItem<'_>])> {
        let (qualified, item) = self.cx.surface.type_items().find(|(q, _)| q.eq_ignore_ascii_case(name))?;
        let Shape::Struct { fields, .. } = &item.shape else { return None };
        self.cx.model.ancestors(qualified).contains(&base).then(|| (RustType::Model(item.name.clone()), fields.as_slice()))
    }

    /// `has_odata_type`: the struct has the `odata_type` discriminator field (model types do).
    fn struct_literal(
        &self,
        object: &Map<String, Value>,
        ty: &RustType,
        fields: &[FieldItem<'_>],
        has_odata_type: bool,
    ) -> Option<TokenStream> {
        let ty = ty.tokens(&self.paths);
        let mut assigned = Vec::new();
        let mut others = Map::new();
        for (name, value) in object {
            if value.is_null() {
                // Left out here; a `null` at the top is a `Patch::clear` (see `top_level`).
                continue;
            }
            match fields.iter().find(|f| &f.property.json_name == name) {
                Some(field) => {
                    let (field_name, value) = (ident(&field.name), self.value(value, &field.ty)?);
                    assigned.push(quote! { #field_name: Some(#value) });
                }
                None if name == "@odata.type" && has_odata_type => {
                    let text = value.as_str()?;
                    assigned.push(quote! { odata_type: Some(#text.into()) });
                }
                None => {
                    others.insert(name.clone(), value.clone());
                }
            }
        }
        if !others.is_empty() {
            let text = raw_string(&Value::Object(others).to_string());
            assigned.push(quote! { additional_properties: serde_json::from_str(#text)? });
        }
        Some(quote! { #ty { #(#assigned,)* ..Default::default() } })
    }

    /// The value of a function argument the path does not spell: the
    /// example's, else `None` when optional, else its type's default.
    fn call_argument(&self, argument: &CallArgument, shown: Option<&str>) -> TokenStream {
        let unquoted = shown.map(|s| s.trim().trim_matches('\'').to_owned());
        let value = match (argument.literal, unquoted) {
            (Literal::Text, Some(text)) => quote! { #text },
            (Literal::Member, Some(text)) => quote! { &#text.to_owned().into() },
            (Literal::Plain, Some(text)) => match syn::parse_str::<syn::Lit>(&text) {
                Ok(literal @ (syn::Lit::Int(_) | syn::Lit::Float(_) | syn::Lit::Bool(_))) => quote! { #literal },
                _ => quote! { Default::default() },
            },
            (Literal::Unquoted, Some(text)) => quote! { #text.parse()? },
            (Literal::Member, None) if !argument.optional => quote! { &String::new().into() },
            (_, None) if argument.optional => return quote! { None },
            (_, None) => quote! { Default::default() },
        };
        if argument.optional {
            quote! { Some(#value) }
        } else {
            value
        }
    }

    /// The request's builder calls for the example's query options and headers.
    fn modifiers(&self, op: &Operation, example: &CallExample, selected: &[&crate::model::Condition]) -> Vec<TokenStream> {
        use crate::model::ConditionKind;
        let set_by_function = |kind: ConditionKind, name: &str| selected.iter().any(|c| c.set == kind && c.name.eq_ignore_ascii_case(name));
        let mut calls = Vec::new();
        let result = self.result_fields(op);
        for (name, value) in example.query.iter().filter(|(name, _)| !set_by_function(ConditionKind::Query, name)) {
            calls.push(match name.to_ascii_lowercase().as_str() {
                "$select" => {
                    let members = self.members(result.as_ref(), value, false);
                    quote! { .select(&[#(#members),*]) }
                }
                "$expand" => {
                    let members = self.members(result.as_ref(), value, false);
                    quote! { .expand(&[#(#members),*]) }
                }
                "$orderby" => {
                    let keys = self.members(result.as_ref(), value, true);
                    quote! { .order_by(&[#(#keys),*]) }
                }
                "$filter" => quote! { .filter(#value) },
                "$search" => quote! { .search(#value) },
                "$top" | "$skip" | "$count" => match (name.to_ascii_lowercase().as_str(), value.parse::<u32>(), value.parse::<bool>()) {
                    ("$top", Ok(n), _) => {
                        let n = Lit::u32_unsuffixed(n);
                        quote! { .top(#n) }
                    }
                    ("$skip", Ok(n), _) => {
                        let n = Lit::u32_unsuffixed(n);
                        quote! { .skip(#n) }
                    }
                    ("$count", _, Ok(b)) => quote! { .count(#b) },
                    _ => quote! { .query(#name, #value) },
                },
                _ => quote! { .query(#name, #value) },
            });
        }
        for (name, value) in example.headers.iter().filter(|(name, _)| !set_by_function(ConditionKind::Header, name)) {
            calls.push(match name.to_ascii_lowercase().as_str() {
                "consistencylevel" if value.eq_ignore_ascii_case("eventual") => quote! { .consistency_level_eventual() },
                "prefer" => quote! { .prefer(#value) },
                "if-match" => quote! { .if_match(#value) },
                "if-none-match" => quote! { .if_none_match(#value) },
                _ => quote! { .header(#name, #value) },
            });
        }
        calls
    }

    /// The struct the operation returns (or the items of its page), with its fields.
    fn result_fields(&self, op: &Operation) -> Option<(TokenStream, &[FieldItem<'_>])> {
        let TypeRef::Named(name) = op.success_body()?.item() else { return None };
        let item = self.cx.surface.type_item(name)?;
        match (&item.shape, self.cx.model.find_type(name).map(|d| &d.kind)) {
            (Shape::Struct { fields, .. }, Some(TypeKind::Object { .. })) => {
                Some((RustType::Model(item.name.clone()).tokens(&self.paths), fields.as_slice()))
            }
            _ => None,
        }
    }

    /// `displayName,mail` as member constants when the result type has them
    /// all (with `.desc()`/`.asc()` for `$orderby` keys), else as strings.
    fn members(&self, result: Option<&(TokenStream, &[FieldItem<'_>])>, list: &str, ordered: bool) -> Vec<TokenStream> {
        let keys: Vec<&str> = list.split(',').map(str::trim).filter(|k| !k.is_empty()).collect();
        let typed = result.and_then(|(ty, fields)| {
            let directed = ordered && keys.iter().any(|k| k.contains(' '));
            keys.iter()
                .map(|key| {
                    let (name, direction) = key.split_once(' ').map_or((*key, ""), |(n, d)| (n, d.trim()));
                    let field = fields.iter().find(|f| f.property.json_name == name)?;
                    let constant = format_ident!("{}", field.constant);
                    match direction.to_ascii_lowercase().as_str() {
                        "desc" => Some(quote! { #ty::#constant.desc() }),
                        "asc" => Some(quote! { #ty::#constant.asc() }),
                        "" if directed => Some(quote! { #ty::#constant.asc() }),
                        "" => Some(quote! { #ty::#constant }),
                        _ => None,
                    }
                })
                .collect::<Option<Vec<_>>>()
        });
        typed.unwrap_or_else(|| keys.iter().map(|k| quote! { #k }).collect())
    }
}

/// How many members (at any depth) a JSON value has.
fn member_count(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.len() + map.values().map(member_count).sum::<usize>(),
        Value::Array(items) => items.iter().map(member_count).sum(),
        _ => 0,
    }
}

fn signed(negative: bool, magnitude: Lit) -> TokenStream {
    if negative {
        quote! { -#magnitude }
    } else {
        quote! { #magnitude }
    }
}

/// `r#"..."#` with as many `#` as the text needs: JSON reads as it is.
fn raw_string(text: &str) -> TokenStream {
    let hashes = (0..).map(|n| "#".repeat(n)).find(|h| !text.contains(&format!("\"{h}"))).unwrap_or_default();
    format!("r{hashes}\"{text}\"{hashes}").parse().unwrap_or_else(|_| quote! { #text })
}
