//! Operations -> request-building functions (the generated `operations`
//! module) and, behind the `client` feature, `Client` methods that send them.

use super::names::ident;
use super::types::{doc_lines, docs};
use super::{CallArgument, Context, Literal, OperationNames};
use crate::model::{Operation, Primitive, RequestBody, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn operations_module(cx: &Context<'_>) -> TokenStream {
    let (functions, methods): (Vec<TokenStream>, Vec<TokenStream>) = cx
        .model
        .operations
        .iter()
        .zip(&cx.operation_names)
        .map(|(op, names)| {
            let signature = signature(cx, op, names);
            (request_function(cx, op, names, &signature), client_method(cx, op, names, &signature))
        })
        .unzip();
    quote! {
        //! One function per documented method and path. Each builds a [`Request`]
        //! without touching the network; with the `client` feature the same
        //! operations are methods on [`crate::runtime::Client`] that send it.
        #[allow(unused_imports)]
        use crate::runtime::{encode_path_segment, odata, Method, Page, Request};
        #[allow(unused_imports)]
        use crate::types;

        #(#functions)*

        #[cfg(feature = "client")]
        impl crate::runtime::Client {
            #(#methods)*
        }
    }
}

/// Argument names and types of an operation, shared by both emitted forms.
struct Signature {
    params: Vec<TokenStream>,
    args: Vec<TokenStream>,
    response: TokenStream,
    doc: TokenStream,
    /// The success body is raw content: the `Client` method downloads it.
    content: bool,
}

fn signature(cx: &Context<'_>, op: &Operation, names: &OperationNames) -> Signature {
    let mut params = Vec::new();
    let mut args = Vec::new();
    for name in &names.path_params {
        let name = ident(name);
        params.push(quote! { #name: &str });
        args.push(quote! { #name });
    }
    for argument in &names.call_args {
        let name = ident(&argument.rust);
        let ty = match argument.literal {
            Literal::Plain => cx.rust_type(&argument.ty, false),
            Literal::Member => {
                let ty = cx.rust_type(&argument.ty, false);
                quote! { &#ty }
            }
            Literal::Text | Literal::Unquoted => quote! { &str },
        };
        let ty = if argument.optional {
            quote! { Option<#ty> }
        } else {
            ty
        };
        params.push(quote! { #name: #ty });
        args.push(quote! { #name });
    }
    if let Some(ty) = request_body_type(cx, op) {
        params.push(quote! { body: &#ty });
        args.push(quote! { body });
    }
    let content = op.success_body() == Some(&TypeRef::Primitive(Primitive::Stream));
    Signature { params, args, response: response_type(cx, op), doc: operation_doc(op), content }
}

/// The body type an operation takes, as written in the `operations` module.
pub(super) fn request_body_type(cx: &Context<'_>, op: &Operation) -> Option<TokenStream> {
    Some(match op.request_body.as_ref()? {
        RequestBody::Parameters { type_name, .. } => {
            let name = format_ident!("{}", cx.parameter_struct_name(type_name));
            quote! { types::#name }
        }
        RequestBody::Resource { ty } => cx.rust_type(ty, false),
    })
}

/// The success type an operation's `Request<T>` decodes, as written in the `operations` module.
pub(super) fn response_type(cx: &Context<'_>, op: &Operation) -> TokenStream {
    match op.success_body() {
        None => quote! { () },
        Some(TypeRef::Primitive(Primitive::Stream)) => quote! { crate::runtime::Content },
        Some(primitive @ TypeRef::Primitive(_)) => {
            let value = cx.rust_type(primitive, false);
            quote! { crate::runtime::odata::ODataValue<#value> }
        }
        Some(TypeRef::Collection(item)) => {
            let item = cx.rust_type(item, false);
            quote! { Page<#item> }
        }
        Some(ty) => cx.rust_type(ty, false),
    }
}

fn operation_doc(op: &Operation) -> TokenStream {
    let mut lines = doc_lines(&op.title);
    lines.extend(doc_lines(&op.description));
    lines.push(format!("`{} {}`", op.method, op.path));
    if !op.query_options.is_empty() {
        lines.push(format!(
            "Supports the OData query options {}.",
            op.query_options.iter().map(|q| format!("`{q}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    for parameter in op.unspelled_function_parameters() {
        let description = parameter.description.replace('`', "");
        lines.push(format!("Function parameter `{}` ({}): {}", parameter.json_name, parameter.ty, description.trim()));
    }
    for header in &op.headers {
        let requirement = if header.required { "required" } else { "optional" };
        lines.push(format!("Header `{}` ({requirement}): set it with `Request::header`.", header.name.replace('`', "")));
    }
    docs(&lines)
}

fn request_function(cx: &Context<'_>, op: &Operation, names: &OperationNames, signature: &Signature) -> TokenStream {
    let Signature { params, response, doc, .. } = signature;
    let name = ident(&names.function);
    let method = format_ident!("{}", method_variant(&op.method));
    let path = path_expression(op, names);
    let body = op.request_body.as_ref().map(|_| quote! { .json(body) });
    let cfg = cx.area_cfg(&op.area);
    quote! {
        #doc
        #cfg
        pub fn #name(#(#params),*) -> Request<#response> {
            Request::new(Method::#method, #path) #body
        }
    }
}

fn client_method(cx: &Context<'_>, op: &Operation, names: &OperationNames, signature: &Signature) -> TokenStream {
    let Signature { params, args, response, doc, content } = signature;
    let name = ident(&names.function);
    let cfg = cx.area_cfg(&op.area);
    if *content {
        return quote! {
            #doc
            ///
            /// The content is read into memory, at most `max_bytes` of it; see
            /// [`crate::runtime::Client::download_to`] to stream it to a writer.
            #cfg
            pub async fn #name(&self, #(#params,)* max_bytes: u64) -> Result<Vec<u8>, crate::runtime::Error> {
                self.download(#name(#(#args),*), max_bytes).await
            }
        };
    }
    quote! {
        #doc
        #cfg
        pub async fn #name(&self, #(#params),*) -> Result<#response, crate::runtime::Error> {
            self.send(#name(#(#args),*)).await
        }
    }
}

fn method_variant(method: &str) -> &'static str {
    match method {
        "POST" => "Post",
        "PUT" => "Put",
        "PATCH" => "Patch",
        "DELETE" => "Delete",
        _ => "Get",
    }
}

/// `format!("/users/{}/messages", encode_path_segment(user_id))`, or a plain literal.
/// Placeholders are found in path order, so each `{}` of the template has
/// exactly one argument whatever the literal text around them holds.
fn path_expression(op: &Operation, names: &OperationNames) -> TokenStream {
    if op.path_params.is_empty() && names.call_args.is_empty() {
        let path = &op.path;
        return quote! { #path };
    }
    let escape = |text: &str| text.replace('{', "{{").replace('}', "}}");
    let mut template = String::new();
    let mut rest = op.path.as_str();
    let mut args = Vec::new();
    let mut unused = Vec::new();
    for (param, rust) in op.path_params.iter().zip(&names.path_params) {
        let name = ident(rust);
        match rest.split_once(&format!("{{{}}}", param.name)) {
            Some((before, after)) => {
                template.push_str(&escape(before));
                template.push_str("{}");
                args.push(quote! { encode_path_segment(#name) });
                rest = after;
            }
            // Not in the path (a model not made by `resolve`): the argument is ignored.
            None => unused.push(name),
        }
    }
    template.push_str(&escape(rest));
    if names.call_args.iter().any(|a| a.optional) {
        // Which arguments are given is known only at run time.
        template = format!("{}{{}}", template.trim_end_matches("()"));
        let arguments = names.call_args.iter().map(|a| {
            let (json_name, name, literal) = (&a.json_name, ident(&a.rust), call_argument(a));
            let text = if matches!(a.literal, Literal::Plain) {
                quote! { #literal.to_string() }
            } else {
                literal
            };
            let value = match (a.optional, literal_function(&a.literal)) {
                (false, _) => quote! { Some(#text) },
                // `.map(|x| f(x))` would be a redundant closure to clippy.
                (true, Some(function)) => quote! { #name.map(#function) },
                (true, None) => quote! { #name.map(|#name| #text) },
            };
            quote! { (#json_name, #value) }
        });
        args.push(quote! { odata::call_arguments(&[#(#arguments),*]) });
    } else if !names.call_args.is_empty() {
        let call: Vec<String> = names.call_args.iter().map(|a| format!("{}={{}}", escape(&a.json_name))).collect();
        template = format!("{}({})", template.trim_end_matches("()"), call.join(","));
        args.extend(names.call_args.iter().map(call_argument));
    }
    let path = quote! { format!(#template, #(#args),*) };
    if unused.is_empty() {
        path
    } else {
        quote! { { #(let _ = #unused;)* #path } }
    }
}

/// One argument of a function call, as its OData literal, percent-encoded.
/// Strings and enum members are quoted (`runtime::odata`); numbers and
/// booleans print as they are; dates, GUIDs and durations are unquoted text.
fn call_argument(argument: &CallArgument) -> TokenStream {
    let name = ident(&argument.rust);
    match literal_function(&argument.literal) {
        Some(function) => quote! { #function(#name) },
        None => quote! { #name },
    }
}

/// The runtime function that writes an argument as its literal, if it needs one.
fn literal_function(literal: &Literal) -> Option<TokenStream> {
    match literal {
        Literal::Text => Some(quote! { odata::string_argument }),
        Literal::Member => Some(quote! { odata::enum_argument }),
        Literal::Unquoted => Some(quote! { encode_path_segment }),
        Literal::Plain => None,
    }
}
