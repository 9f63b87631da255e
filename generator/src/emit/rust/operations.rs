//! Operations -> request-building functions (the generated `operations`
//! module) and, behind the `client` feature, `Client` methods that send them.

use super::docs::{doc_lines, docs};
use super::names::ident;
use super::surface::{CallArgument, ItemPaths, Literal, OperationItem};
use super::Context;
use crate::model::{HttpMethod, Operation};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn operations_module(cx: &Context<'_>) -> TokenStream {
    let (functions, methods): (Vec<TokenStream>, Vec<TokenStream>) = cx
        .model
        .operations
        .iter()
        .zip(cx.surface.operations())
        .map(|(op, item)| {
            let signature = signature(op, item);
            (request_function(cx, op, item, &signature), client_method(cx, op, item, &signature))
        })
        .unzip();
    quote! {
        //! One function per documented method and path. Each builds a [`Request`]
        //! without touching the network; with the `client` feature the same
        //! operations are methods on [`crate::runtime::Client`] that send it.
        #[allow(unused_imports)]
        use crate::runtime::{encode_path, encode_path_segment, odata, Method, Page, Request};
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
}

fn signature(op: &Operation, item: &OperationItem) -> Signature {
    let paths = ItemPaths::operations_module();
    let mut params = Vec::new();
    let mut args = Vec::new();
    for name in &item.path_params {
        let name = ident(name);
        params.push(quote! { #name: &str });
        args.push(quote! { #name });
    }
    for argument in &item.call_args {
        let (name, ty) = (ident(&argument.name), argument.ty.tokens(&paths));
        params.push(quote! { #name: #ty });
        args.push(quote! { #name });
    }
    if let Some(ty) = &item.request_body {
        let ty = ty.tokens(&paths);
        params.push(quote! { body: &#ty });
        args.push(quote! { body });
    }
    Signature { params, args, response: item.response.tokens(&paths), doc: operation_doc(op) }
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

fn request_function(cx: &Context<'_>, op: &Operation, item: &OperationItem, signature: &Signature) -> TokenStream {
    let Signature { params, response, doc, .. } = signature;
    let name = ident(&item.function);
    let method = format_ident!("{}", runtime_method(op.method));
    let path = path_expression(op, item);
    let body = op.request_body.as_ref().map(|_| quote! { .json(body) });
    let cfg = cx.features.area_cfg(&op.area);
    let (function, template) = (&item.function, &op.path);
    quote! {
        #doc
        #cfg
        pub fn #name(#(#params),*) -> Request<#response> {
            Request::new(Method::#method, #path).operation(#function, #template) #body
        }
    }
}

fn client_method(cx: &Context<'_>, op: &Operation, item: &OperationItem, signature: &Signature) -> TokenStream {
    let Signature { params, args, response, doc } = signature;
    let name = ident(&item.function);
    let cfg = cx.features.area_cfg(&op.area);
    if item.content {
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
    if item.monitored {
        return quote! {
            #doc
            ///
            /// The service accepts the action (`202 Accepted`) and goes on with it:
            /// wait for it with [`crate::runtime::LongRunning::wait`].
            #cfg
            pub async fn #name(&self, #(#params),*) -> Result<crate::runtime::LongRunning, crate::runtime::Error> {
                self.start_long_running(#name(#(#args),*)).await
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

/// The variant of the runtime's `Method` (`templates/src/runtime/request.rs`)
/// that sends `method`: every model method has one (tested).
fn runtime_method(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Delete => "Delete",
        HttpMethod::Get => "Get",
        HttpMethod::Patch => "Patch",
        HttpMethod::Post => "Post",
        HttpMethod::Put => "Put",
    }
}

/// `format!("/users/{}/messages", encode_path_segment(user_id))`, or a plain literal.
/// A value that holds a path (`root:/{item_path}:`) keeps its `/` (`encode_path`).
/// Placeholders are found in path order, so each `{}` of the template has
/// exactly one argument whatever the literal text around them holds.
fn path_expression(op: &Operation, item: &OperationItem) -> TokenStream {
    if op.path_params.is_empty() && item.call_args.is_empty() {
        let path = &op.path;
        return quote! { #path };
    }
    let escape = |text: &str| text.replace('{', "{{").replace('}', "}}");
    let mut template = String::new();
    let mut rest = op.path.as_str();
    let mut args = Vec::new();
    let mut unused = Vec::new();
    for (param, rust) in op.path_params.iter().zip(&item.path_params) {
        let name = ident(rust);
        match rest.split_once(&format!("{{{}}}", param.name)) {
            Some((before, after)) => {
                template.push_str(&escape(before));
                template.push_str("{}");
                args.push(if param.holds_path {
                    quote! { encode_path(#name) }
                } else {
                    quote! { encode_path_segment(#name) }
                });
                rest = after;
            }
            // Not in the path (a model not made by `resolve`): the argument is ignored.
            None => unused.push(name),
        }
    }
    template.push_str(&escape(rest));
    if item.call_args.iter().any(|a| a.optional) {
        // Which arguments are given is known only at run time.
        template = format!("{}{{}}", template.trim_end_matches("()"));
        let arguments = item.call_args.iter().map(|a| {
            let (json_name, name, literal) = (&a.json_name, ident(&a.name), call_argument(a));
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
    } else if !item.call_args.is_empty() {
        let call: Vec<String> = item.call_args.iter().map(|a| format!("{}={{}}", escape(&a.json_name))).collect();
        template = format!("{}({})", template.trim_end_matches("()"), call.join(","));
        args.extend(item.call_args.iter().map(call_argument));
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
    let name = ident(&argument.name);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The emitted `Method::X` exists in the runtime for every method a model can hold.
    #[test]
    fn every_model_method_has_a_runtime_method() {
        let text = include_str!("../../../../templates/src/runtime/request.rs");
        let file = syn::parse_file(text).unwrap();
        let variants: Vec<String> = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Enum(e) if e.ident == "Method" => Some(e.variants.iter().map(|v| v.ident.to_string()).collect()),
                _ => None,
            })
            .expect("the runtime has `enum Method`");
        for method in HttpMethod::ALL {
            assert!(variants.contains(&runtime_method(method).to_owned()), "runtime `Method` has no {}", runtime_method(method));
        }
    }
}
