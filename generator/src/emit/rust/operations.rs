//! Operations -> request-building functions (the generated `operations`
//! module) and, behind the `client` feature, `Client` methods that send them.

use super::docs::{doc_lines, docs};
use super::examples::example_doc;
use super::names::ident;
use super::surface::{AlternativeItem, CallArgument, ItemPaths, Literal, OperationItem};
use super::Context;
use crate::model::{ConditionKind, HttpMethod, Operation, Permissions};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn operations_module(cx: &Context<'_>) -> TokenStream {
    let (functions, methods): (Vec<TokenStream>, Vec<TokenStream>) = cx
        .model
        .operations
        .iter()
        .zip(cx.surface.operations())
        .flat_map(|(op, item)| {
            let signature = signature(op, item);
            let default = (request_function(cx, op, item, &signature), client_method(cx, op, item, &signature));
            let alternatives = item.alternatives.iter().map(move |alternative| {
                let item = alternative_operation(item, alternative);
                let signature = signature_of(&item, alternative_doc(op, alternative));
                (request_function(cx, op, &item, &signature), client_method(cx, op, &item, &signature))
            });
            std::iter::once(default).chain(alternatives.collect::<Vec<_>>())
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
    /// Doc lines (paragraphs) shared by the function and the method.
    doc: Vec<String>,
}

fn signature(op: &Operation, item: &OperationItem) -> Signature {
    signature_of(item, operation_doc(op))
}

/// The default operation's item, answering as `alternative` does.
fn alternative_operation(item: &OperationItem, alternative: &AlternativeItem) -> OperationItem {
    OperationItem {
        function: alternative.function.clone(),
        response: alternative.response.clone(),
        content: alternative.content,
        alternatives: vec![alternative.clone()],
        // An alternative answers with the body its condition selects, never a monitor.
        monitored: false,
        ..item.clone()
    }
}

fn alternative_doc(op: &Operation, alternative: &AlternativeItem) -> Vec<String> {
    let mut lines = doc_lines(&op.title);
    lines.push(format!(
        "The answer the page documents when the request sets `{}` (this function sets it).",
        alternative.condition.spelled()
    ));
    lines.push(format!("`{} {}`", op.method, op.path));
    if let Some(permissions) = &op.permissions {
        lines.extend(permission_lines(permissions));
    }
    lines
}

fn signature_of(item: &OperationItem, doc: Vec<String>) -> Signature {
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
        // The value itself, or a `Patch` of it (members sent as `null`).
        params.push(quote! { body: &impl crate::runtime::BodyOf<#ty> });
        args.push(quote! { body });
    }
    Signature { params, args, response: item.response.tokens(&paths), doc }
}

/// What both the function and the `Client` method say: the page's title and
/// description, the request, its query options, parameters and headers (with
/// the page's notes on them), and the permissions it needs.
fn operation_doc(op: &Operation) -> Vec<String> {
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
        let name = header.name.replace('`', "");
        let setter = if name.eq_ignore_ascii_case("ConsistencyLevel") {
            "`Request::consistency_level_eventual`".to_owned()
        } else {
            "`Request::header`".to_owned()
        };
        let note = doc_lines(&header.description).join(" ");
        let note = if note.is_empty() { String::new() } else { format!(" {note}") };
        lines.push(format!("Header `{name}` ({requirement}):{note} Set it with {setter}."));
    }
    if let Some(permissions) = &op.permissions {
        lines.extend(permission_lines(permissions));
    }
    lines
}

/// `# Permissions` and one line per kind of caller the page's table lists
/// (per resource, for a table by resource).
fn permission_lines(permissions: &Permissions) -> Vec<String> {
    let mut listed: Vec<String> = callers(permissions).into_iter().map(|(kind, shown)| format!("- {kind}: {shown}")).collect();
    for (resource, permissions) in &permissions.by_resource {
        let shown: Vec<String> =
            callers(permissions).into_iter().map(|(kind, shown)| format!("{}: {shown}", kind.to_lowercase())).collect();
        if !shown.is_empty() {
            listed.push(format!("- On {}: {}", doc_lines(resource).join(" "), shown.join("; ")));
        }
    }
    let mut lines = Vec::new();
    if !listed.is_empty() {
        lines.extend(["# Permissions".to_owned(), "One of these, least privileged first:".to_owned()]);
        lines.extend(listed);
    } else if let Some(include) = &permissions.include {
        lines.push("# Permissions".to_owned());
        let include = include.replace('`', "");
        lines.push(format!(
            "The page takes its permissions table from the docs' include `{include}` (`includes/permissions/{include}.md`), which is not read here."
        ));
    }
    lines
}

/// (kind of caller, its permissions as shown) for each kind the table states.
fn callers(permissions: &Permissions) -> Vec<(&'static str, String)> {
    let rows = [
        ("Delegated (work or school account)", &permissions.delegated_work),
        ("Delegated (personal Microsoft account)", &permissions.delegated_personal),
        ("Application", &permissions.application),
    ];
    rows.iter()
        .filter_map(|(kind, names)| {
            let names = names.as_ref()?;
            let shown = if names.is_empty() { "not supported".to_owned() } else { doc_lines(&names.join(", ")).join(" ") };
            Some((*kind, shown))
        })
        .collect()
}

fn request_function(cx: &Context<'_>, op: &Operation, item: &OperationItem, signature: &Signature) -> TokenStream {
    let Signature { params, response, doc, .. } = signature;
    let doc = docs(&[doc.clone(), example_doc(cx, op, item)].concat());
    let name = ident(&item.function);
    let method = format_ident!("{}", runtime_method(op.method));
    let path = path_expression(op, item);
    let body = op.request_body.as_ref().map(|_| quote! { .json(body) });
    // An alternative's function sets what selects its answer (`alternatives` holds only it, then).
    let selects = item.alternatives.iter().filter(|a| a.function == item.function).map(|a| {
        let (name, value) = (&a.condition.name, &a.condition.value);
        match a.condition.set {
            ConditionKind::Query => quote! { .query(#name, #value) },
            ConditionKind::Header => quote! { .header(#name, #value) },
        }
    });
    let cfg = cx.features.area_cfg(&op.area);
    let (function, template) = (&item.function, &op.path);
    quote! {
        #doc
        #cfg
        pub fn #name(#(#params),*) -> Request<#response> {
            Request::new(Method::#method, #path).operation(#function, #template) #body #(#selects)*
        }
    }
}

fn client_method(cx: &Context<'_>, op: &Operation, item: &OperationItem, signature: &Signature) -> TokenStream {
    let Signature { params, args, response, doc } = signature;
    let name = ident(&item.function);
    let cfg = cx.features.area_cfg(&op.area);
    let mut doc = doc.clone();
    let example = if op.example.is_some() { ", whose documentation has an example" } else { "" };
    doc.push(format!("Sends [`operations::{0}`](crate::operations::{0}){example}.", item.function.trim_start_matches("r#")));
    let doc = docs(&doc);
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
/// booleans print as they are; dates, GUIDs and durations print unquoted.
fn call_argument(argument: &CallArgument) -> TokenStream {
    let name = ident(&argument.name);
    match (&argument.literal, literal_function(&argument.literal)) {
        // Typed scalars (dates, GUIDs, durations) print through `Display`.
        (Literal::Unquoted, _) => quote! { encode_path_segment(&#name.to_string()) },
        (_, Some(function)) => quote! { #function(#name) },
        (_, None) => quote! { #name },
    }
}

/// The runtime function that writes an argument as its literal, if it takes
/// the argument as it is (so `.map(function)` can apply it to an optional one).
fn literal_function(literal: &Literal) -> Option<TokenStream> {
    match literal {
        Literal::Text => Some(quote! { odata::string_argument }),
        Literal::Member => Some(quote! { odata::enum_argument }),
        Literal::Unquoted | Literal::Plain => None,
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

    #[test]
    fn permissions_list_each_kind_of_caller_or_name_the_include() {
        let table = Permissions {
            delegated_work: Some(vec!["User.Read".into(), "User.ReadWrite".into()]),
            delegated_personal: Some(Vec::new()),
            include: Some("user-get-permissions".into()),
            ..Permissions::default()
        };
        assert_eq!(
            permission_lines(&table)[2..],
            ["- Delegated (work or school account): User.Read, User.ReadWrite", "- Delegated (personal Microsoft account): not supported"]
        );
        let include = Permissions { include: Some("user-update-permissions".into()), ..Permissions::default() };
        let lines = permission_lines(&include);
        assert_eq!(lines[0], "# Permissions");
        assert!(lines[1].contains("`user-update-permissions` (`includes/permissions/user-update-permissions.md`)"), "{lines:?}");
        assert!(permission_lines(&Permissions::default()).is_empty());
    }
}
