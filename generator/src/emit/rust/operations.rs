//! Operations -> the builders of the generated `operations` module (one type
//! per node of the surface's resource tree, `tree.rs`): navigation methods,
//! request-building methods and, behind the `client` feature, their twins on
//! the `Client`-bound builder that send them.

use super::docs::{doc_lines, docs};
use super::examples::example_doc;
use super::format::ModuleSource;
use super::names::{ident, module_file_stem};
use super::surface::{AlternativeItem, CallArgument, ItemPaths, Literal, OperationItem};
use super::tree::{Method, Node};
use super::Context;
use crate::model::{ConditionKind, HttpMethod, Operation, Permissions};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// How deep the module tree is cut into files: `operations/users.rs` and
/// `operations/users/messages.rs` are files, the modules below those inline.
/// The second level is where a root's areas part (in v1.0, `users` is
/// 5.4 MB, of which 1.1 MB is below modules an `outlook` build compiles).
const FILE_DEPTH: usize = 2;

/// The `operations` module's files, cut into chunks of token text for
/// formatting: `operations/mod.rs` with the roots, and a file per module of
/// the tree down to [`FILE_DEPTH`], each declared with the `cfg` of the areas
/// found below it, so that a build of one area does not even parse the
/// others' builders (in v1.0, checking `outlook` read all 12 MB of one
/// `operations.rs` before).
///
/// The root modules that have files of their own (and the files below them)
/// are built on every core, the largest first: they are most of the
/// operations, and a regeneration that finds every item in the format cache
/// spends its time building them. Tokens are not `Send`, so each file is cut
/// into chunks where it is built.
pub fn operations_sources(cx: &Context<'_>) -> Vec<(String, ModuleSource)> {
    let (root, deferred) = root_file(cx);
    let tree = cx.surface.tree();
    let size = |index: usize| tree.nodes.iter().filter(|n| n.module.starts_with(&deferred[index].path)).count();
    let below = crate::parallel::largest_first(deferred.len(), size, |index| {
        child_files(cx, &deferred[index]).into_iter().map(|(path, tokens)| (path, ModuleSource::from_file(tokens))).collect::<Vec<_>>()
    });
    let root = (root.0, ModuleSource::from_file(root.1));
    std::iter::once(root).chain(below.into_iter().flatten()).collect()
}

/// [`operations_sources`]' files as tokens, built on one thread.
#[cfg(test)]
fn operations_files(cx: &Context<'_>) -> Vec<(String, TokenStream)> {
    let (root, deferred) = root_file(cx);
    std::iter::once(root).chain(deferred.iter().flat_map(|child| child_files(cx, child))).collect()
}

/// `operations/mod.rs`, and the root modules it declares that have files of
/// their own, still to be built.
fn root_file(cx: &Context<'_>) -> ((String, TokenStream), Vec<ChildFile>) {
    let mut deferred = Vec::new();
    let contents = module_contents(cx, &[], Some("src/operations"), &mut Below::Defer(&mut deferred));
    (("src/operations/mod.rs".to_owned(), root_module(cx, contents)), deferred)
}

/// A module declared `pub mod name;`, whose file is `{below}.rs`.
struct ChildFile {
    below: String,
    path: Vec<String>,
}

/// `child`'s file and the files below it, the deepest first.
fn child_files(cx: &Context<'_>, child: &ChildFile) -> Vec<(String, TokenStream)> {
    let mut files = Vec::new();
    let body = module_contents(cx, &child.path, Some(&child.below), &mut Below::Build(&mut files));
    let imports = module_imports();
    files.push((format!("{}.rs", child.below), quote! { #imports #body }));
    files
}

/// What becomes of the child modules that have files of their own: built
/// now into the list, or left for later (the roots', built on every core).
enum Below<'f> {
    Build(&'f mut Vec<(String, TokenStream)>),
    Defer(&'f mut Vec<ChildFile>),
}

/// What every module of the tree imports (not all use it).
fn module_imports() -> TokenStream {
    quote! {
        #[allow(unused_imports)]
        use crate::runtime::{encode_path, encode_path_segment, odata};
    }
}

/// `operations/mod.rs`: the root functions, `Client`'s twins of them, then
/// `contents` (the nodes at the top, if any, and the root modules).
fn root_module(cx: &Context<'_>, contents: TokenStream) -> TokenStream {
    let tree = cx.surface.tree();
    let roots = tree.roots.iter().map(|root| {
        let node = &tree.nodes[root.node];
        let (name, ty, cfg) = (ident(&root.name), node_type(node), cx.features.cfg(&node.areas));
        let (alias, text) = (proc_macro2::Literal::usize_unsuffixed(root.alias), &root.text);
        let doc = docs(&[format!("`{text}`: {}", node_summary(tree, root.node))]);
        let function = quote! {
            #doc
            #cfg
            pub fn #name() -> #ty {
                #ty(crate::runtime::Node::root((), #alias, #text))
            }
        };
        let method = quote! {
            #doc
            #cfg
            pub fn #name(&self) -> #ty<&Self> {
                #ty(crate::runtime::Node::root(self, #alias, #text))
            }
        };
        (function, method)
    });
    let (functions, methods): (Vec<TokenStream>, Vec<TokenStream>) = roots.unzip();
    quote! {
        //! Every operation, found the way its URL reads: a root (`me()`, `users()`, ...)
        //! and one method per path segment lead to a builder of the resource, whose
        //! methods are what can be done with it (`list`, `get`, `create`, `update`,
        //! `delete`, its actions and functions). Built from a root function, a builder
        //! gives a [`Request`](crate::runtime::Request) without touching the network; built from
        //! [`crate::runtime::Client`]'s method of the same name (feature `client`), the
        //! same methods send it and decode the answer.

        #(#functions)*

        #[cfg(feature = "client")]
        impl crate::runtime::Client {
            #(#methods)*
        }

        #contents
    }
}

/// `crate::operations::users::messages::Messages`
fn node_type(node: &Node) -> TokenStream {
    let modules = node.module.iter().map(|m| ident(m));
    let name = format_ident!("{}", node.name);
    quote! { crate::operations::#(#modules::)*#name }
}

/// The nodes of `module`, then the modules below it. `dir` is where the
/// files of its child modules go (`src/operations/users` for `users`);
/// `None` puts them inline, as every module below an inline one.
fn module_contents(cx: &Context<'_>, module: &[String], dir: Option<&str>, files: &mut Below<'_>) -> TokenStream {
    let tree = cx.surface.tree();
    let items: Vec<TokenStream> =
        tree.nodes.iter().enumerate().filter(|(_, n)| n.module == module).map(|(i, _)| node_items(cx, i)).collect();
    let children: Vec<TokenStream> = child_modules(cx, module)
        .into_iter()
        .map(|child| {
            let ChildModule { doc, cfg, name, path } = child;
            let file = dir.filter(|_| module.len() < FILE_DEPTH).and_then(|dir| module_file(&name, &path).map(|file| (dir, file)));
            match file {
                Some((dir, file)) => {
                    let child = ChildFile { below: format!("{dir}/{file}"), path };
                    match files {
                        Below::Build(built) => built.extend(child_files(cx, &child)),
                        Below::Defer(deferred) => deferred.push(child),
                    }
                    quote! { #doc #cfg pub mod #name; }
                }
                None => {
                    let imports = module_imports();
                    let body = module_contents(cx, &path, None, files);
                    quote! { #doc #cfg pub mod #name { #imports #body } }
                }
            }
        })
        .collect();
    quote! { #(#items)* #(#children)* }
}

/// The file name (without `.rs`) a module declared `pub mod name;` is found
/// by, if it can have one: none for a raw identifier (`r#type`), or where
/// `names::module_file_stem` says no.
fn module_file(name: &proc_macro2::Ident, path: &[String]) -> Option<String> {
    let word = path.last()?;
    (*name == word.as_str() && module_file_stem(word)).then(|| word.clone())
}

/// A module of the tree, as declared: its doc and `cfg`, its identifier
/// (`r#type`) and its path of words below `operations`.
struct ChildModule {
    doc: TokenStream,
    cfg: TokenStream,
    name: proc_macro2::Ident,
    path: Vec<String>,
}

/// The modules directly below `module`, in name order.
fn child_modules(cx: &Context<'_>, module: &[String]) -> Vec<ChildModule> {
    let tree = cx.surface.tree();
    let mut children: Vec<&String> = tree
        .nodes
        .iter()
        .filter(|n| n.module.len() == module.len() + 1 && n.module.starts_with(module))
        .filter_map(|n| n.module.last())
        .collect();
    children.sort();
    children.dedup();
    children
        .into_iter()
        .map(|child| {
            let mut path = module.to_vec();
            path.push(child.clone());
            let areas: std::collections::BTreeSet<String> =
                tree.nodes.iter().filter(|n| n.module.starts_with(&path)).flat_map(|n| n.areas.iter().cloned()).collect();
            let template = tree.nodes.iter().find(|n| n.module == path).map_or("", |n| n.template.as_str());
            ChildModule {
                doc: docs(&[format!("The resources below `{template}`.")]),
                cfg: cx.features.cfg(&areas),
                name: ident(child),
                path,
            }
        })
        .collect()
}

/// One line on a node: its path and how many operations are found at and below it.
fn node_summary(tree: &super::tree::Tree, index: usize) -> String {
    fn count(tree: &super::tree::Tree, index: usize) -> usize {
        let node = &tree.nodes[index];
        node.methods.len() + node.edges.iter().map(|e| count(tree, e.target)).sum::<usize>()
    }
    let node = &tree.nodes[index];
    let (here, all) = (node.methods.len(), count(tree, index));
    format!("the builder of `{}`: {here} operation{} here, {all} at and below it.", node.template, if here == 1 { "" } else { "s" })
}

/// A node's type, its navigation methods and its operations, in both forms.
fn node_items(cx: &Context<'_>, index: usize) -> TokenStream {
    let tree = cx.surface.tree();
    let node = &tree.nodes[index];
    let name = format_ident!("{}", node.name);
    let cfg = cx.features.cfg(&node.areas);
    let mut doc = vec![format!("`{}`", node.template)];
    if node.aliased {
        doc.push(format!("Also reached from `/me` (the signed-in user) in place of `{}`.", alias_prefix(&node.template)));
    }
    if !node.methods.is_empty() {
        doc.push("# What can be done here".into());
        for method in &node.methods {
            let op = &cx.model.operations[method.operations[0]];
            let title = doc_lines(&op.title).join(" ");
            doc.push(format!("- [`{0}`](#method.{0}): {title} (`{1} {2}`)", method.name, op.method, op.path));
            for alternative in &method.alternatives {
                doc.push(format!("- [`{alternative}`](#method.{alternative}): the same, another answer"));
            }
        }
    }
    if !node.edges.is_empty() {
        doc.push("# Where to go from here".into());
        for edge in &node.edges {
            let target = &tree.nodes[edge.target];
            let link = node_type(target).to_string().replace(' ', "");
            doc.push(format!("- [`{0}`](#method.{0}) to [`{link}`] (`{1}`)", edge.name, target.template));
        }
    }
    doc.push("Built from a root function it builds requests ([`crate::runtime::Request`]); from the `Client` method of the same name (`S` is `&Client`) its operations send them.".into());
    let doc = docs(&doc);
    let edges = node.edges.iter().map(|edge| {
        let target = &tree.nodes[edge.target];
        let (method, ty, cfg) = (ident(&edge.name), node_type(target), cx.features.cfg(&target.areas));
        let params = edge.params.iter().map(|(_, rust, _)| {
            let rust = ident(rust);
            quote! { #rust: &str }
        });
        let text = step_expression(&edge.step.text, &edge.params);
        let doc = docs(&[node_summary(tree, edge.target)]);
        quote! {
            #doc
            #cfg
            pub fn #method(&self, #(#params),*) -> #ty<S> {
                #ty(self.0.then(#text))
            }
        }
    });
    let (requests, sends): (Vec<TokenStream>, Vec<TokenStream>) = node
        .methods
        .iter()
        .flat_map(|method| {
            let op = &cx.model.operations[method.operations[0]];
            let item = &cx.surface.operations()[method.operations[0]];
            let default = MethodSite { cx, node, method, op, item, signature: &signature(op, item, method) }.methods();
            let alternatives = item.alternatives.iter().map(move |alternative| {
                let item = alternative_operation(item, alternative);
                let signature = signature_of(&item, alternative_doc(op, alternative), method);
                MethodSite { cx, node, method, op, item: &item, signature: &signature }.methods()
            });
            std::iter::once(default).chain(alternatives.collect::<Vec<_>>())
        })
        .unzip();
    let edges: Vec<TokenStream> = edges.collect();
    let navigation = (!edges.is_empty()).then(|| quote! { #cfg impl<S: Copy> #name<S> { #(#edges)* } });
    let operations = (!requests.is_empty()).then(|| {
        quote! {
            #cfg
            impl #name {
                #(#requests)*
            }

            #[cfg(feature = "client")]
            #cfg
            impl<'c> #name<&'c crate::runtime::Client> {
                #(#sends)*
            }
        }
    });
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct #name<S = ()>(pub(crate) crate::runtime::Node<S>);
        #navigation
        #operations
    }
}

/// `/users/{user_id}` of `/users/{user_id}/messages`.
fn alias_prefix(template: &str) -> String {
    template.splitn(4, '/').take(3).collect::<Vec<_>>().join("/")
}

/// The text a step appends: a literal, or `&format!("/{}", encode_path_segment(id))`.
fn step_expression(text: &str, params: &[(String, String, bool)]) -> TokenStream {
    if params.is_empty() {
        return quote! { #text };
    }
    let escape = |text: &str| text.replace('{', "{{").replace('}', "}}");
    let mut template = String::new();
    let mut rest = text;
    let mut args = Vec::new();
    for (placeholder, rust, holds_path) in params {
        let name = ident(rust);
        if let Some((before, after)) = rest.split_once(&format!("{{{placeholder}}}")) {
            template.push_str(&escape(before));
            template.push_str("{}");
            args.push(if *holds_path {
                quote! { encode_path(#name) }
            } else {
                quote! { encode_path_segment(#name) }
            });
            rest = after;
        }
    }
    template.push_str(&escape(rest));
    quote! { &format!(#template, #(#args),*) }
}

/// One operation method of a builder: where it is and what it takes and gives.
struct MethodSite<'a, 'm> {
    cx: &'a Context<'m>,
    node: &'a Node,
    method: &'a Method,
    op: &'a Operation,
    item: &'a OperationItem,
    signature: &'a Signature,
}

impl MethodSite<'_, '_> {
    /// The request-building method and its `Client`-bound twin.
    fn methods(&self) -> (TokenStream, TokenStream) {
        (request_method(self), client_method(self))
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

fn signature(op: &Operation, item: &OperationItem, method: &Method) -> Signature {
    signature_of(item, operation_doc(op), method)
}

/// The default operation's item, answering as `alternative` does.
fn alternative_operation(item: &OperationItem, alternative: &AlternativeItem) -> OperationItem {
    OperationItem {
        function: alternative.function.clone(),
        place: super::tree::Place { method: alternative.function.clone(), ..item.place.clone() },
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

/// The method's own arguments: the path values of its segment, the call arguments, the body.
fn signature_of(item: &OperationItem, doc: Vec<String>, method: &Method) -> Signature {
    let paths = ItemPaths::types_module();
    let mut params = Vec::new();
    let mut args = Vec::new();
    for &index in &method.step.params {
        let name = ident(&item.path_params[index]);
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

fn request_method(site: &MethodSite<'_, '_>) -> TokenStream {
    let MethodSite { cx, node, method, op, item, signature } = *site;
    let Signature { params, response, doc, .. } = signature;
    let mut doc = doc.clone();
    for other in method.operations.iter().skip(1).map(|&i| &cx.model.operations[i]) {
        doc.push(format!("Also documented as `{} {}`.", other.method, other.path));
    }
    let doc = docs(&[doc, example_doc(cx, op, item)].concat());
    let name = ident(&item.place.method);
    let http = format_ident!("{}", runtime_method(op.method));
    let path = path_expression(op, item, method);
    let body = op.request_body.as_ref().map(|_| quote! { .json(body) });
    // An alternative's method sets what selects its answer (`alternatives` holds only it, then).
    let selects = item.alternatives.iter().filter(|a| a.function == item.place.method).map(|a| {
        let (name, value) = (&a.condition.name, &a.condition.value);
        match a.condition.set {
            ConditionKind::Query => quote! { .query(#name, #value) },
            ConditionKind::Header => quote! { .header(#name, #value) },
        }
    });
    let cfg = method_cfg(cx, method);
    let identity = identity(cx, node, method);
    quote! {
        #doc
        #cfg
        pub fn #name(&self, #(#params),*) -> crate::runtime::Request<#response> {
            let (operation, template) = #identity;
            crate::runtime::Request::new(crate::runtime::Method::#http, #path).operation(operation, template) #body #(#selects)*
        }
    }
}

/// The areas of every documented spelling of the method.
fn method_cfg(cx: &Context<'_>, method: &Method) -> TokenStream {
    let areas: std::collections::BTreeSet<String> = method.operations.iter().map(|&i| cx.model.operations[i].area.clone()).collect();
    match areas.len() {
        1 => cx.features.area_cfg(&cx.model.operations[method.operations[0]].area),
        _ => cx.features.cfg(&areas),
    }
}

/// `("get_me_messages", "/me/messages")`: the documented operation and path template the request
/// was built by; on a node reached from `/me` too, chosen by the root at run time.
fn identity(cx: &Context<'_>, node: &Node, method: &Method) -> TokenStream {
    let ops: Vec<&Operation> = method.operations.iter().map(|&i| &cx.model.operations[i]).collect();
    let first = ops[0];
    if !node.aliased {
        let (id, path) = (&first.id, &first.path);
        return quote! { (#id, #path) };
    }
    fn is_me(op: &&Operation) -> bool {
        op.path == "/me" || op.path.starts_with("/me/") || op.path.starts_with("/me:")
    }
    // The rest after `/me` or `/users/{id}`.
    let rest = |op: &Operation| -> String {
        if is_me(&op) {
            op.path[3..].to_owned()
        } else {
            op.path.splitn(4, '/').nth(3).map(|r| format!("/{r}")).unwrap_or_default()
        }
    };
    let me = ops
        .iter()
        .copied()
        .find(is_me)
        .map_or_else(|| (first.id.clone(), format!("/me{}", rest(first))), |op| (op.id.clone(), op.path.clone()));
    let users = ops.iter().copied().find(|op| !is_me(op)).map_or_else(
        || (first.id.clone(), format!("{}{}", alias_prefix(&node.template), rest(first))),
        |op| (op.id.clone(), op.path.clone()),
    );
    let ((me_id, me_path), (users_id, users_path)) = (me, users);
    quote! {
        match self.0.root_index() {
            1 => (#me_id, #me_path),
            _ => (#users_id, #users_path),
        }
    }
}

fn client_method(site: &MethodSite<'_, '_>) -> TokenStream {
    let MethodSite { cx, node, method, item, signature, .. } = *site;
    let Signature { params, args, response, doc } = signature;
    let name = ident(&item.place.method);
    let ty = format_ident!("{}", node.name);
    let cfg = method_cfg(cx, method);
    let mut doc: Vec<String> = doc.iter().take(1).cloned().collect();
    doc.push(format!("Sends the request that `{}` of the builder without a client builds, and decodes the answer.", item.place.method));
    let doc = docs(&doc);
    let request = quote! { let request = #ty(self.0.unsent()).#name(#(#args),*); };
    if item.content {
        return quote! {
            #doc
            ///
            /// The content is read into memory, at most `max_bytes` of it; see
            /// [`crate::runtime::Client::download_to`] to stream it to a writer.
            #cfg
            pub fn #name(&self, #(#params,)* max_bytes: u64) -> impl std::future::Future<Output = Result<Vec<u8>, crate::runtime::Error>> + 'c {
                #request
                self.0.sender().download(request, max_bytes)
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
            pub fn #name(&self, #(#params),*) -> impl std::future::Future<Output = Result<crate::runtime::LongRunning, crate::runtime::Error>> + 'c {
                #request
                self.0.sender().start_long_running(request)
            }
        };
    }
    quote! {
        #doc
        #cfg
        pub fn #name(&self, #(#params),*) -> impl std::future::Future<Output = Result<#response, crate::runtime::Error>> + 'c {
            #request
            self.0.sender().send(request)
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

/// The request path: the node's path, then what the method's segment adds (its path values encoded,
/// `encode_path` keeping the `/` of a value that holds a path) and the call's arguments.
/// Placeholders are found in path order, so each `{}` of the template has
/// exactly one argument whatever the literal text around them holds.
fn path_expression(op: &Operation, item: &OperationItem, method: &Method) -> TokenStream {
    let text = &method.step.text;
    if method.step.params.is_empty() && item.call_args.is_empty() {
        if text.is_empty() {
            return quote! { self.0.path().to_owned() };
        }
        return quote! { self.0.join(#text) };
    }
    let escape = |text: &str| text.replace('{', "{{").replace('}', "}}");
    let mut template = String::new();
    let mut rest = text.as_str();
    let mut args = Vec::new();
    for &index in &method.step.params {
        let (param, name) = (&op.path_params[index], ident(&item.path_params[index]));
        if let Some((before, after)) = rest.split_once(&format!("{{{}}}", param.name)) {
            template.push_str(&escape(before));
            template.push_str("{}");
            args.push(if param.holds_path {
                quote! { encode_path(#name) }
            } else {
                quote! { encode_path_segment(#name) }
            });
            rest = after;
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
    quote! { self.0.join(&format!(#template, #(#args),*)) }
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
    fn modules_down_to_the_file_depth_are_files_of_their_own_unless_no_file_can_have_their_name() {
        use super::super::test_model::operation;
        let mut model = crate::model::ApiModel::default();
        for path in ["/users/{id}/messages/{message_id}/attachments", "/type/{id}", "/con/{id}", "/users/{id}/mod/x"] {
            model.operations.push(operation(HttpMethod::Get, path));
        }
        let cache = super::super::FormatCache::none();
        let formatter = super::super::format::Formatter::new(&cache);
        let cx = Context::new(&model, &formatter, "c", &mut crate::diagnostics::Diagnostics::default());
        let files = operations_files(&cx);
        let paths: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(paths, ["src/operations/mod.rs", "src/operations/users/messages.rs", "src/operations/users.rs"]);
        let built_on_every_core: Vec<String> = operations_sources(&cx).into_iter().map(|(path, _)| path).collect();
        assert_eq!(built_on_every_core, paths, "the same files in the same order");
        let text = |path: &str| files.iter().find(|(p, _)| p == path).unwrap().1.to_string();
        let root = text("src/operations/mod.rs");
        assert!(root.contains("pub mod users ;") && root.contains("pub mod r#type {") && root.contains("pub mod con {"), "{root}");
        let users = text("src/operations/users.rs");
        assert!(users.contains("pub mod messages ;") && users.contains("pub mod r#mod {"), "{users}");
        assert!(text("src/operations/users/messages.rs").contains("pub mod attachments {"), "below the file depth, inline");
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
