//! Stage 4a: API model -> Rust sources of the generated crate, built as token
//! streams with `quote!` and formatted by prettyplease.

mod boxing;
mod docs;
mod examples;
mod features;
mod format;
mod hierarchy;
pub mod names;
mod operations;
pub mod surface;
#[cfg(test)]
pub(crate) mod test_model;
pub mod tree;
mod types;

use crate::diagnostics::Diagnostics;
use crate::emit::EmitError;
use crate::model::ApiModel;
pub use features::areas;
use features::Features;
pub use format::FormatCache;
use format::ModuleSource;
use proc_macro2::TokenStream;
use quote::quote;
pub use surface::{ItemPaths, RustType, Surface};

/// What the emitters render from: the model (docs, sources), its surface
/// (every name and type) and its features (`cfg`). Each is an analysis of
/// its own file, computed once per model.
struct Context<'m> {
    model: &'m ApiModel,
    surface: Surface<'m>,
    features: Features,
    /// The generated crate's name, as its rustdoc examples import it.
    crate_name: String,
}

impl<'m> Context<'m> {
    fn new(model: &'m ApiModel, crate_name: &str, diags: &mut Diagnostics) -> Context<'m> {
        Context { model, surface: Surface::new(model, diags), features: Features::new(model), crate_name: crate_name.to_owned() }
    }
}

/// The Rust types of one operation, as paths usable outside the generated crate.
pub struct OperationTypes {
    /// What the request body is serialized from; `None` when the operation sends none.
    pub request_body: Option<TokenStream>,
    /// What a success response is decoded into (`()` when it has no body).
    pub response: TokenStream,
    /// What each alternative answer is decoded into, in `Operation::alternatives` order.
    pub alternatives: Vec<TokenStream>,
}

/// Per operation (in `model.operations` order), the types of its request body
/// and success response as full paths from outside the generated crate `krate`
/// (`graph_client::types::User`, `graph_client::runtime::Page<...>`): what a
/// program that round-trips the docs' examples through the crate names.
pub fn operation_types(surface: &Surface<'_>, krate: &str) -> Vec<OperationTypes> {
    let paths = ItemPaths::outside(krate);
    surface
        .operations()
        .iter()
        .map(|op| OperationTypes {
            request_body: op.request_body.as_ref().map(|t| t.tokens(&paths)),
            response: op.response.tokens(&paths),
            alternatives: op.alternatives.iter().map(|a| a.response.tokens(&paths)).collect(),
        })
        .collect()
}

/// The `lib.rs`, `types.rs` and `operations.rs` sources, formatted (items
/// `cache` holds for the same tokens are not formatted again).
pub fn emit_modules(
    model: &ApiModel,
    default_base_url: &str,
    crate_name: &str,
    cache: &FormatCache,
    diags: &mut Diagnostics,
) -> Result<Vec<(&'static str, String)>, EmitError> {
    let cx = Context::new(model, crate_name, diags);
    let lib = lib_rs(&cx, default_base_url)?;
    // Tokens are not `Send`: each module is built and cut into chunks of
    // token text on a thread of its own (`operations.rs` is built whole,
    // its methods share one `impl` block); the chunks are then formatted on
    // every core.
    let (types, operations) = std::thread::scope(|scope| {
        let operations = scope.spawn(|| ModuleSource::from_file(operations::operations_module(&cx)));
        let types = types::types_module(&cx);
        (types, operations.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    // The surface is not needed to format (peak memory).
    drop(cx);
    let mut texts = format::format_modules(&[&types?, &operations], GENERATED_HEADER, cache)?.into_iter();
    let (types, operations) = (texts.next().unwrap_or_default(), texts.next().unwrap_or_default());
    Ok(vec![("src/lib.rs", lib), ("src/types.rs", types), ("src/operations.rs", operations)])
}

/// A module's items, collected one item (or group of items) at a time to
/// be formatted as chunks of their own: the same text as formatting the whole file.
struct ItemFormatter {
    module: ModuleSource,
}

impl ItemFormatter {
    /// Starts the file with `head`: its inner doc comment and attributes.
    fn new(head: TokenStream) -> Result<ItemFormatter, EmitError> {
        Ok(ItemFormatter { module: ModuleSource::new(head) })
    }

    /// Adds `items`; a chunk that does not parse fails formatting.
    fn push(&mut self, items: TokenStream) -> Result<(), EmitError> {
        self.module.push(items);
        Ok(())
    }

    fn finish(self) -> ModuleSource {
        self.module
    }
}

/// The crate root: what the crate is, then the map of the areas (each Cargo feature and the roots its
/// operations are found under), then how a request is built and sent.
fn lib_rs(cx: &Context<'_>, default_base_url: &str) -> Result<String, EmitError> {
    let model = cx.model;
    let krate = cx.crate_name.replace('-', "_");
    let mut doc = vec![
        format!(
            " Typed client for {} operations and {} types, generated by docgen from the API reference pages.",
            model.operations.len(),
            model.types.len()
        ),
        String::new(),
        " # Map of the areas".into(),
        String::new(),
        " Each area is a Cargo feature (all on by default); its operations are found from these roots of".into(),
        " [`operations`], the way their URLs read:".into(),
        String::new(),
    ];
    doc.extend(area_map(cx));
    doc.extend([
        String::new(),
        " # Building and sending".into(),
        String::new(),
        " A root function of [`operations`] and one method per path segment lead to the resource; its".into(),
        " methods build a [`Request`] without touching the network. [`Client`] (feature `client`, on by".into(),
        " default) has the same roots, whose operations send the request and decode the typed response:".into(),
        String::new(),
        " ```no_run".into(),
        " # #[cfg(feature = \"client\")]".into(),
        format!(" # async fn demo() -> Result<(), {krate}::Error> {{"),
        format!(" let client = {krate}::Client::builder().token(\"access-token\").build()?;"),
        " println!(\"sending to {}\", client.base_url());".into(),
        " # Ok(())".into(),
        " # }".into(),
        " ```".into(),
    ]);
    let doc = doc.iter().map(|line| quote! { #![doc = #line] });
    let tokens = quote! {
        #(#doc)*
        #![allow(clippy::large_enum_variant, clippy::too_many_arguments, clippy::doc_lazy_continuation, clippy::should_implement_trait)]

        /// The service root seen in the docs' examples; `ClientBuilder::base_url` overrides it.
        pub const DEFAULT_BASE_URL: &str = #default_base_url;

        pub mod operations;
        pub mod runtime;
        pub mod types;

        #[cfg(feature = "client")]
        pub use runtime::{Batch, Change, Client, Cloud, DeltaCursor, LargeFileUpload, LongRunning, RetryPolicy, UploadResult};
        pub use runtime::{Error, Member, Page, Patch, Request};
    };
    format_file(tokens)
}

/// One line per area: `- \`outlook\` (412 operations): [\`me\`](operations::me), [\`users\`](operations::users)`.
fn area_map(cx: &Context<'_>) -> Vec<String> {
    let tree = cx.surface.tree();
    let mut areas: std::collections::BTreeMap<&str, (usize, std::collections::BTreeSet<&str>)> = Default::default();
    for (op, item) in cx.model.operations.iter().zip(cx.surface.operations()) {
        let entry = areas.entry(op.area.as_str()).or_default();
        entry.0 += 1;
        entry.1.insert(item.place.root.as_str());
    }
    let _ = tree;
    areas
        .into_iter()
        .map(|(area, (count, roots))| {
            let roots: Vec<String> = roots.iter().map(|r| format!("[`{r}`](fn@operations::{r})")).collect();
            format!(" - `{area}` ({count} operation{}): {}", if count == 1 { "" } else { "s" }, roots.join(", "))
        })
        .collect()
}

pub const GENERATED_HEADER: &str = "// @generated by docgen from the API reference pages. Do not edit: run `cargo xtask gen`.\n\n";

fn format_file(tokens: TokenStream) -> Result<String, EmitError> {
    let file: syn::File = syn::parse2(tokens)?;
    Ok(format!("{GENERATED_HEADER}{}", prettyplease::unparse(&file)))
}
