//! Analysis: the generated crate's public surface, decided once. Every name
//! users write (types, parameter structs, `…Kind` enums and their variants,
//! fields, enum variants, functions and their arguments) and the Rust type of
//! every field, argument, request body and result.
//!
//! The emitters render from it; `verify` names the crate's types through it
//! ([`ItemPaths`], typify's `with_type_mod`); `diff` compares the surfaces of
//! two models, so that "breaking" means "something users name or call
//! changed". It is a pure function of the model (renames are reported into
//! the given diagnostics, nothing else), so the surface of an old snapshot is
//! computed the same way as the new one.
//!
//! Names come from `names.rs`; a name is claimed in a scope in model order:
//! types, then parameter structs, then `…Kind` enums (one module scope); then
//! functions (among the runtime's reserved names); then each struct's fields,
//! each enum's variants and each function's arguments in their own scope.

use super::boxing::Boxing;
use super::hierarchy::Hierarchy;
use super::names::{self, snake_name, type_name, variant_name, Scope};
use super::tree::{OperationFacts, Place, Tree};
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{ApiModel, EnumMember, Operation, Primitive, Property, RequestBody, Source, TypeDef, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The names and types of everything the generated crate exposes.
pub struct Surface<'m> {
    /// Model types by qualified name.
    types: BTreeMap<String, TypeItem<'m>>,
    /// Rust name -> qualified name of the model types.
    qualified_names: BTreeMap<String, String>,
    /// Parameter structs by Rust name (the order they are emitted in).
    parameter_structs: BTreeMap<String, ParameterStruct<'m>>,
    /// Parameter struct model name -> Rust name.
    parameter_names: BTreeMap<&'m str, String>,
    /// One per operation, in `model.operations` order.
    operations: Vec<OperationItem>,
    /// Where each operation is found: the builder types of the `operations` module.
    tree: Tree,
}

/// A struct or enum of the `types` module, for one model type.
pub struct TypeItem<'m> {
    pub name: String,
    pub shape: Shape<'m>,
}

pub enum Shape<'m> {
    Struct {
        /// Own and inherited fields ([`ApiModel::fields`]), `@odata.type` left out (it is the built-in `odata_type`).
        fields: Vec<FieldItem<'m>>,
        /// The enum over the derived types, for a type that has some.
        kind: Option<KindEnum>,
    },
    Enum {
        /// Members in page order, a repeated member left out.
        variants: Vec<VariantItem<'m>>,
    },
}

/// One field of a struct: `pub <name>: Option<<ty>>`, and its member
/// constant `<constant>: runtime::Member<Owner>` (the JSON name, for `$select`
/// and `Patch::clear`).
pub struct FieldItem<'m> {
    pub property: &'m Property,
    pub name: String,
    pub constant: String,
    pub ty: RustType,
}

/// One variant of an enum: `<name>`, spelled `<member.name>` on the wire.
pub struct VariantItem<'m> {
    pub member: &'m EnumMember,
    pub name: String,
}

/// `<Base>Kind`: one variant per derived type, plus `Other(<Base>)`.
pub struct KindEnum {
    pub name: String,
    /// (variant, qualified name of the derived type), in model order.
    pub variants: Vec<(String, String)>,
}

/// The struct an action's parameters are sent from.
pub struct ParameterStruct<'m> {
    pub model_name: &'m str,
    /// Title of the first operation that takes it.
    pub title: &'m str,
    pub fields: Vec<FieldItem<'m>>,
}

/// One operation: the method of a builder of the `operations` module
/// (and its `Client`-bound twin of the same name) that builds it.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationItem {
    /// Its place spelled as a changelog shows it: `me().messages().by_id().attachments().create_upload_session`.
    pub function: String,
    /// Where it is found: its root, the navigation steps, the method.
    pub place: Place,
    /// The `&str` arguments, one per path parameter, in path order.
    pub path_params: Vec<String>,
    /// Function parameters the path does not spell, passed in the call's parentheses.
    pub call_args: Vec<CallArgument>,
    /// What `body: &T` is; `None` when the operation sends no body.
    pub request_body: Option<RustType>,
    /// The `T` of `Request<T>`.
    pub response: RustType,
    /// The success body is raw content: the `Client` method downloads it (and takes `max_bytes`).
    pub content: bool,
    /// The other answers the page documents, each a function of its own that
    /// sets what selects it (`…_as_json`, `…_with_representation`).
    pub alternatives: Vec<AlternativeItem>,
    /// The action is answered `202 Accepted` with a monitor: the `Client`
    /// method returns the runtime's `LongRunning` to wait on.
    pub monitored: bool,
}

/// The method of an alternative answer: the same request, plus the query
/// option or header that selects the answer, decoded as that answer.
#[derive(Debug, Clone, PartialEq)]
pub struct AlternativeItem {
    /// The method's name on the operation's builder (`get_as_json`).
    pub function: String,
    pub condition: crate::model::Condition,
    pub response: RustType,
    pub content: bool,
}

/// A function parameter passed in the call's parentheses: `offsetRange(rowOffset=1)`.
#[derive(Debug, Clone, PartialEq)]
pub struct CallArgument {
    pub json_name: String,
    pub name: String,
    /// The argument's type as the function takes it (`&str`, `i32`, `Option<&types::X>`).
    pub ty: RustType,
    pub literal: Literal,
    /// The page marks it optional: an `Option` the call leaves out when `None`.
    pub optional: bool,
}

/// How an argument is written in an OData function call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Literal {
    /// `'text'`, quotes doubled.
    Text,
    /// An enum member: `'member'`.
    Member,
    /// Numbers and booleans, as Rust prints them.
    Plain,
    /// Dates, times, GUIDs and durations: typed values, unquoted in the call.
    Unquoted,
}

/// A Rust type the crate exposes, independent of how a module spells its
/// path (see [`ItemPaths`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType {
    /// `bool`, `i32`, `String`, ...
    Primitive(&'static str),
    /// A typed Edm scalar of the runtime (`runtime::Timestamp`, ...).
    Scalar(Scalar),
    /// `serde_json::Value`: open JSON, or a type the model does not define.
    Json,
    /// A struct or enum of the `types` module, by Rust name.
    Model(String),
    /// A parameter struct of the `types` module, by Rust name.
    Parameters(String),
    Vec(Box<RustType>),
    Boxed(Box<RustType>),
    Option(Box<RustType>),
    /// `&T`
    Ref(Box<RustType>),
    /// `&str`
    Str,
    /// `runtime::Page<T>`
    Page(Box<RustType>),
    /// `runtime::odata::ODataValue<T>`: a primitive result, sent as `{"value": ...}`.
    ODataValue(Box<RustType>),
    /// `runtime::Content`: raw bytes.
    Content,
    /// `()`
    Unit,
}

/// The Edm scalars that have a Rust type of their own: newtypes of the
/// runtime's `scalars.rs`, the same names with and without its `scalars`
/// feature (with it, over the crate the ARCHITECTURE.md table names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// `Edm.DateTimeOffset`: `runtime::Timestamp` (over `jiff::Timestamp`).
    Timestamp,
    /// `Edm.Date`: `runtime::Date` (over `jiff::civil::Date`).
    Date,
    /// `Edm.TimeOfDay`: `runtime::Time` (over `jiff::civil::Time`).
    Time,
    /// `Edm.Duration`: `runtime::Duration` (ISO 8601, over `jiff::SignedDuration`).
    Duration,
    /// `Edm.Guid`: `runtime::Uuid` (over `uuid::Uuid`).
    Uuid,
    /// `Edm.Binary`: `runtime::Binary` (base64 bytes).
    Binary,
}

impl Scalar {
    /// The name the runtime exports it under.
    pub fn name(self) -> &'static str {
        match self {
            Scalar::Timestamp => "Timestamp",
            Scalar::Date => "Date",
            Scalar::Time => "Time",
            Scalar::Duration => "Duration",
            Scalar::Uuid => "Uuid",
            Scalar::Binary => "Binary",
        }
    }
}

/// How emitted code spells the paths of the crate's items (typify's
/// `with_type_mod`): the prefix of model types, of parameter structs, of
/// `Page` and of the runtime.
pub struct ItemPaths {
    types: TokenStream,
    parameters: TokenStream,
    page: TokenStream,
    runtime: TokenStream,
    operations: TokenStream,
}

impl ItemPaths {
    /// As the `types` module spells them.
    pub fn types_module() -> ItemPaths {
        ItemPaths {
            types: quote! { crate::types },
            parameters: quote! { crate::types },
            page: quote! { crate::runtime::Page },
            runtime: quote! { crate::runtime },
            operations: quote! { crate::operations },
        }
    }

    /// As the `operations` module spells them: it imports `types` and `Page`.
    pub fn operations_module() -> ItemPaths {
        ItemPaths { parameters: quote! { types }, page: quote! { Page }, ..ItemPaths::types_module() }
    }

    /// As a program that imports `{operations, runtime, types}` of the crate
    /// spells them: the rustdoc examples.
    pub fn imported() -> ItemPaths {
        ItemPaths {
            types: quote! { types },
            parameters: quote! { types },
            page: quote! { runtime::Page },
            runtime: quote! { runtime },
            operations: quote! { operations },
        }
    }

    /// From outside the crate named `crate_name` (a program that uses it).
    pub fn outside(crate_name: &str) -> ItemPaths {
        let krate = format_ident!("{}", crate_name.replace('-', "_"));
        ItemPaths {
            types: quote! { #krate::types },
            parameters: quote! { #krate::types },
            page: quote! { #krate::runtime::Page },
            runtime: quote! { #krate::runtime },
            operations: quote! { #krate::operations },
        }
    }

    /// The expression that builds an operation's request: `operations::me().messages().by_id(a).list()`,
    /// `args` its path values, call arguments and body in that order.
    pub fn request(&self, item: &OperationItem, args: &[TokenStream]) -> TokenStream {
        let operations = &self.operations;
        item.place.call(quote! { #operations:: }, &item.place.method, args)
    }
}

impl Place {
    /// `<start>root().step(..)...method(..)` with `args` (path values first, in path order) dealt out
    /// to the steps that take them; `start` is a module path (`operations::`) or a value (`client.`).
    pub fn call(&self, start: TokenStream, method: &str, args: &[TokenStream]) -> TokenStream {
        let root = names::ident(&self.root);
        let mut call = quote! { #start #root() };
        let mut rest = args;
        for (step, count) in &self.steps {
            let (taken, left) = rest.split_at((*count).min(rest.len()));
            let step = names::ident(step);
            call = quote! { #call.#step(#(#taken),*) };
            rest = left;
        }
        let method = names::ident(method);
        quote! { #call.#method(#(#rest),*) }
    }
}

impl RustType {
    fn boxed(inner: RustType) -> RustType {
        RustType::Boxed(Box::new(inner))
    }

    /// The type as written where `paths` hold.
    pub fn tokens(&self, paths: &ItemPaths) -> TokenStream {
        match self {
            RustType::Primitive(name) => {
                let name = format_ident!("{}", name);
                quote! { #name }
            }
            RustType::Json => quote! { serde_json::Value },
            RustType::Scalar(scalar) => {
                let (runtime, name) = (&paths.runtime, format_ident!("{}", scalar.name()));
                quote! { #runtime::#name }
            }
            RustType::Model(name) => {
                let (types, name) = (&paths.types, format_ident!("{}", name));
                quote! { #types::#name }
            }
            RustType::Parameters(name) => {
                let (parameters, name) = (&paths.parameters, format_ident!("{}", name));
                quote! { #parameters::#name }
            }
            RustType::Vec(item) => {
                let item = item.tokens(paths);
                quote! { Vec<#item> }
            }
            RustType::Boxed(inner) => {
                let inner = inner.tokens(paths);
                quote! { Box<#inner> }
            }
            RustType::Option(inner) => {
                let inner = inner.tokens(paths);
                quote! { Option<#inner> }
            }
            RustType::Ref(inner) => {
                let inner = inner.tokens(paths);
                quote! { &#inner }
            }
            RustType::Str => quote! { &str },
            RustType::Page(item) => {
                let (page, item) = (&paths.page, item.tokens(paths));
                quote! { #page<#item> }
            }
            RustType::ODataValue(value) => {
                let (runtime, value) = (&paths.runtime, value.tokens(paths));
                quote! { #runtime::odata::ODataValue<#value> }
            }
            RustType::Content => {
                let runtime = &paths.runtime;
                quote! { #runtime::Content }
            }
            RustType::Unit => quote! { () },
        }
    }
}

impl fmt::Display for RustType {
    /// Short, as a changelog shows it: `Option<types::User>`, `Page<types::Message>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RustType::Primitive(name) => f.write_str(name),
            RustType::Json => f.write_str("serde_json::Value"),
            RustType::Scalar(scalar) => f.write_str(scalar.name()),
            RustType::Model(name) | RustType::Parameters(name) => write!(f, "types::{name}"),
            RustType::Vec(item) => write!(f, "Vec<{item}>"),
            RustType::Boxed(inner) => write!(f, "Box<{inner}>"),
            RustType::Option(inner) => write!(f, "Option<{inner}>"),
            RustType::Ref(inner) => write!(f, "&{inner}"),
            RustType::Str => f.write_str("&str"),
            RustType::Page(item) => write!(f, "Page<{item}>"),
            RustType::ODataValue(value) => write!(f, "ODataValue<{value}>"),
            RustType::Content => f.write_str("Content"),
            RustType::Unit => f.write_str("()"),
        }
    }
}

/// The Rust type for an Edm primitive.
fn primitive(p: Primitive) -> RustType {
    let plain = RustType::Primitive;
    match p {
        Primitive::Boolean => plain("bool"),
        Primitive::Byte => plain("u8"),
        Primitive::SByte => plain("i8"),
        Primitive::Int16 => plain("i16"),
        Primitive::Int32 => plain("i32"),
        Primitive::Int64 => plain("i64"),
        Primitive::Single => plain("f32"),
        Primitive::Double | Primitive::Decimal => plain("f64"),
        // A stream property's JSON value (rare) is the content's text or URL.
        Primitive::String | Primitive::Stream => plain("String"),
        Primitive::DateTimeOffset => RustType::Scalar(Scalar::Timestamp),
        Primitive::Date => RustType::Scalar(Scalar::Date),
        Primitive::TimeOfDay => RustType::Scalar(Scalar::Time),
        Primitive::Duration => RustType::Scalar(Scalar::Duration),
        Primitive::Guid => RustType::Scalar(Scalar::Uuid),
        Primitive::Binary => RustType::Scalar(Scalar::Binary),
    }
}

/// Lower-cased names that types of more than one namespace carry
/// (`microsoft.graph.alert` and `microsoft.graph.security.alert`).
fn names_in_several_namespaces(model: &ApiModel) -> BTreeSet<String> {
    let mut namespaces: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for def in &model.types {
        namespaces.entry(def.name.to_ascii_lowercase()).or_default().insert(def.namespace.as_str());
    }
    namespaces.into_iter().filter(|(_, spaces)| spaces.len() > 1).map(|(name, _)| name).collect()
}

/// Two types of one name in different namespaces are two types: the one of
/// the default namespace keeps the plain name, the others are prefixed with
/// their namespace's last segment (`SecurityAlert`), whatever the model order.
fn namespaced_type_name(def: &TypeDef, shared: &BTreeSet<String>) -> String {
    let in_default = def.namespace == crate::resolve::types::DEFAULT_NAMESPACE;
    if in_default || !shared.contains(&def.name.to_ascii_lowercase()) {
        return type_name(&def.name);
    }
    let prefix = def.namespace.rsplit('.').next().unwrap_or("");
    type_name(&format!("{}{}", type_name(prefix), type_name(&def.name)))
}

/// Reserved in every struct: the discriminator and the catch-all of unknown members.
const RESERVED_FIELD_NAMES: &[&str] = &["additional_properties", "odata_type"];

impl<'m> Surface<'m> {
    /// The surface of `model`; every rename that is not a plain case conversion is reported into `diags`.
    pub fn new(model: &'m ApiModel, diags: &mut Diagnostics) -> Surface<'m> {
        let hierarchy = Hierarchy::new(model);
        let mut module = Scope::default();
        let mut type_names = BTreeMap::new();
        let shared = names_in_several_namespaces(model);
        for def in &model.types {
            let qualified = def.qualified_name();
            let claim = module.claim_for(&def.name, &namespaced_type_name(def, &shared));
            if claim.is_rename() {
                let why = if claim.clash.is_none() && shared.contains(&def.name.to_ascii_lowercase()) {
                    "another namespace has a type of that name".to_owned()
                } else {
                    claim.reason("among the types", "another type")
                };
                diags.report(Code::Renamed, &def.source, format!("type `{qualified}` is emitted as `{}` ({why})", claim.name));
            }
            type_names.insert(qualified, claim.name);
        }
        let mut parameter_names: BTreeMap<&'m str, String> = BTreeMap::new();
        let mut parameter_owners: Vec<(&'m str, &'m [Property], &'m str)> = Vec::new();
        for op in &model.operations {
            if let Some(RequestBody::Parameters { type_name: name, parameters }) = &op.request_body {
                if !parameter_names.contains_key(name.as_str()) {
                    parameter_names.insert(name, module.claim(&type_name(name)));
                    parameter_owners.push((name, parameters, &op.title));
                }
            }
        }
        let mut kind_names = BTreeMap::new();
        for def in &model.types {
            let qualified = def.qualified_name();
            if !hierarchy.descendants(&qualified).is_empty() {
                let rust = module.claim(&format!("{}Kind", type_names.get(&qualified).map_or("UnknownType", String::as_str)));
                kind_names.insert(qualified, rust);
            }
        }
        let mut builder = Builder { model, type_names, boxing: Boxing::new(model), diags };
        let mut types = BTreeMap::new();
        for def in &model.types {
            let qualified = def.qualified_name();
            let shape = match &def.kind {
                TypeKind::Object { .. } => {
                    let fields: Vec<&Property> = model.fields(&qualified).into_iter().map(|f| f.property).collect();
                    let kind = kind_names.remove(&qualified).map(|name| builder.kind_enum(name, hierarchy.descendants(&qualified)));
                    Shape::Struct { fields: builder.fields(&qualified, &fields), kind }
                }
                TypeKind::Enum { members } => Shape::Enum { variants: builder.variants(members) },
            };
            types.insert(qualified.clone(), TypeItem { name: builder.type_name(&qualified).to_owned(), shape });
        }
        let mut parameter_structs = BTreeMap::new();
        for (model_name, parameters, title) in parameter_owners {
            let rust = parameter_names[model_name].clone();
            // Not a model type: never boxed (the owner name has no namespace).
            let fields = builder.fields(&rust, &parameters.iter().collect::<Vec<_>>());
            parameter_structs.insert(rust, ParameterStruct { model_name, title, fields });
        }
        let mut operations = builder.operations(&parameter_names);
        let facts: Vec<OperationFacts> = operations.iter().map(operation_facts).collect();
        let tree = Tree::new(model, &facts);
        for rename in &tree.renames {
            let by = rename.holder.as_deref().unwrap_or("another name");
            report_rename(builder.diags, &model.operations[rename.operation].source, rename.what, &rename.claim, rename.within, by);
        }
        for (item, place) in operations.iter_mut().zip(&tree.places) {
            item.function = place.spelled();
            item.place = place.clone();
            for (alternative, name) in item.alternatives.iter_mut().zip(&place.alternatives) {
                alternative.function = name.clone();
            }
        }
        let qualified_names = types.iter().map(|(qualified, item)| (item.name.clone(), qualified.clone())).collect();
        Surface { types, qualified_names, parameter_structs, parameter_names, operations, tree }
    }

    /// The Rust name of a model type; `UnknownType` for a type the model does not define.
    pub fn type_name(&self, qualified: &str) -> &str {
        self.types.get(qualified).map_or("UnknownType", |t| t.name.as_str())
    }

    pub fn type_item(&self, qualified: &str) -> Option<&TypeItem<'m>> {
        self.types.get(qualified)
    }

    /// The qualified name of the model type emitted as `rust`.
    pub fn qualified_name(&self, rust: &str) -> Option<&str> {
        self.qualified_names.get(rust).map(String::as_str)
    }

    /// Every model type's item, by qualified name.
    pub fn type_items(&self) -> impl Iterator<Item = (&str, &TypeItem<'m>)> {
        self.types.iter().map(|(qualified, item)| (qualified.as_str(), item))
    }

    /// Parameter structs by Rust name.
    pub fn parameter_structs(&self) -> &BTreeMap<String, ParameterStruct<'m>> {
        &self.parameter_structs
    }

    /// The parameter struct of a `RequestBody::Parameters` type name.
    pub fn parameter_struct(&self, model_name: &str) -> Option<&ParameterStruct<'m>> {
        self.parameter_structs.get(self.parameter_names.get(model_name)?)
    }

    /// One per operation, in `model.operations` order.
    pub fn operations(&self) -> &[OperationItem] {
        &self.operations
    }

    /// The builder types, their navigation and operation methods, and the roots.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }
}

/// What the tree reads of an operation: its signature without names, its path parameters' names, its alternatives.
fn operation_facts(item: &OperationItem) -> OperationFacts {
    let arguments: Vec<String> =
        item.call_args.iter().map(|a| format!("{}:{:?}:{:?}:{}", a.json_name, a.ty, a.literal, a.optional)).collect();
    let alternatives: Vec<String> = item.alternatives.iter().map(|a| format!("{:?}:{:?}", a.condition, a.response)).collect();
    OperationFacts {
        signature: format!(
            "{arguments:?} {:?} {:?} {} {} {alternatives:?}",
            item.request_body, item.response, item.content, item.monitored
        ),
        path_params: item.path_params.clone(),
        alternatives: item.alternatives.iter().map(|a| alternative_suffix(&a.condition)).collect(),
    }
}

/// What building the surface needs after the module scope is filled.
struct Builder<'m, 'd> {
    model: &'m ApiModel,
    type_names: BTreeMap<String, String>,
    boxing: Boxing,
    diags: &'d mut Diagnostics,
}

impl<'m> Builder<'m, '_> {
    fn type_name(&self, qualified: &str) -> &str {
        self.type_names.get(qualified).map_or("UnknownType", String::as_str)
    }

    fn kind_enum(&self, name: String, descendants: &[String]) -> KindEnum {
        let mut scope = Scope::with_reserved(&["Other"]);
        let variants = descendants.iter().map(|d| (scope.claim(self.type_name(d)), d.clone())).collect();
        KindEnum { name, variants }
    }

    /// The fields of the struct `owner` (a qualified type name, or a parameter struct's Rust name).
    fn fields(&mut self, owner: &str, properties: &[&'m Property]) -> Vec<FieldItem<'m>> {
        let mut scope = Scope::with_reserved(RESERVED_FIELD_NAMES);
        let mut fields = Vec::new();
        for &property in properties {
            if property.json_name == "@odata.type" {
                let message = "property `@odata.type` is not emitted as a field of its own: it is the built-in `odata_type` \
                    discriminator (in parameter structs it travels in `additional_properties`)";
                self.diags.report(Code::Merged, &property.source, message);
                continue;
            }
            let claim = scope.claim_for(&property.json_name, &snake_name(&property.json_name));
            report_rename(self.diags, &property.source, "property", &claim, "in the same struct", "another property");
            let name = claim.name;
            let ty = self.rust_type(&property.ty, self.boxing.is_boxed(owner, &property.json_name));
            fields.push(FieldItem { property, constant: member_constant(&name), name, ty });
        }
        fields
    }

    fn variants(&mut self, members: &'m [EnumMember]) -> Vec<VariantItem<'m>> {
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let mut variants: Vec<VariantItem<'m>> = Vec::new();
        for member in members {
            if variants.iter().any(|v| v.member.name == member.name) {
                self.diags.report(
                    Code::DuplicateMember,
                    &member.source,
                    format!("enum member `{}` is listed twice; the first is kept", member.name),
                );
                continue;
            }
            let claim = scope.claim_for(&member.name, &variant_name(&member.name));
            report_rename(self.diags, &member.source, "enum member", &claim, "in the same enum", "another member");
            variants.push(VariantItem { member, name: claim.name });
        }
        variants
    }

    /// The operations' arguments, unique within their method and never
    /// shadowing what its body calls (their places come from the tree).
    fn operations(&mut self, parameter_names: &BTreeMap<&str, String>) -> Vec<OperationItem> {
        let model = self.model;
        model
            .operations
            .iter()
            .map(|op| {
                let mut arguments = Scope::with_reserved(&["body", "max_bytes", "self", "request", "encode_path_segment", "odata"]);
                let path_params = op
                    .path_params
                    .iter()
                    .map(|param| {
                        let claim = arguments.claim_for(&param.name, &snake_name(&param.name));
                        report_rename(
                            self.diags,
                            &op.source,
                            "path parameter",
                            &claim,
                            "among the method's arguments",
                            "another path parameter",
                        );
                        claim.name
                    })
                    .collect();
                let call_args = op
                    .unspelled_function_parameters()
                    .filter_map(|p| {
                        let literal = self.call_literal(&p.ty)?;
                        let claim = arguments.claim_for(&p.json_name, &snake_name(&p.json_name));
                        report_rename(
                            self.diags,
                            &p.source,
                            "function parameter",
                            &claim,
                            "among the method's arguments",
                            "another parameter",
                        );
                        let name = claim.name;
                        let optional = op.is_optional_argument(&p.json_name);
                        let ty = match literal {
                            Literal::Plain | Literal::Unquoted => self.rust_type(&p.ty, false),
                            Literal::Member => RustType::Ref(Box::new(self.rust_type(&p.ty, false))),
                            Literal::Text => RustType::Str,
                        };
                        let ty = if optional { RustType::Option(Box::new(ty)) } else { ty };
                        Some(CallArgument { json_name: p.json_name.clone(), name, ty, literal, optional })
                    })
                    .collect();
                let alternatives = op
                    .alternatives()
                    .map(|(condition, answer)| {
                        let body = answer.body.as_ref().filter(|_| (200..400).contains(&answer.status));
                        AlternativeItem {
                            function: String::new(),
                            condition: condition.clone(),
                            response: self.body_type(body),
                            content: body == Some(&TypeRef::Primitive(Primitive::Stream)),
                        }
                    })
                    .collect();
                OperationItem {
                    function: String::new(),
                    place: Place::default(),
                    path_params,
                    call_args,
                    request_body: self.request_body(op, parameter_names),
                    response: self.response(op),
                    content: op.success_body() == Some(&TypeRef::Primitive(Primitive::Stream)),
                    alternatives,
                    monitored: op.responses.iter().find(|r| r.when.is_none()).is_some_and(|r| r.monitored),
                }
            })
            .collect()
    }

    fn request_body(&self, op: &Operation, parameter_names: &BTreeMap<&str, String>) -> Option<RustType> {
        Some(match op.request_body.as_ref()? {
            RequestBody::Parameters { type_name, .. } => {
                RustType::Parameters(parameter_names.get(type_name.as_str()).cloned().unwrap_or_else(|| "UnknownParameters".into()))
            }
            RequestBody::Resource { ty } => self.rust_type(ty, false),
        })
    }

    /// The success type an operation's `Request<T>` decodes.
    fn response(&self, op: &Operation) -> RustType {
        self.body_type(op.success_body())
    }

    /// The `T` of `Request<T>` for a success body.
    fn body_type(&self, body: Option<&TypeRef>) -> RustType {
        match body {
            None => RustType::Unit,
            Some(TypeRef::Primitive(Primitive::Stream)) => RustType::Content,
            Some(primitive @ TypeRef::Primitive(_)) => RustType::ODataValue(Box::new(self.rust_type(primitive, false))),
            Some(TypeRef::Collection(item)) => RustType::Page(Box::new(self.rust_type(item, false))),
            Some(ty) => self.rust_type(ty, false),
        }
    }

    /// Primitives and enum members have an OData literal form; objects and
    /// collections would need parameter aliases, which are not generated.
    fn call_literal(&self, ty: &TypeRef) -> Option<Literal> {
        match ty {
            TypeRef::Primitive(Primitive::String) => Some(Literal::Text),
            TypeRef::Primitive(Primitive::Stream | Primitive::Binary) => None,
            TypeRef::Primitive(
                Primitive::Guid | Primitive::DateTimeOffset | Primitive::Date | Primitive::TimeOfDay | Primitive::Duration,
            ) => Some(Literal::Unquoted),
            TypeRef::Primitive(_) => Some(Literal::Plain),
            TypeRef::Named(name) if matches!(self.model.find_type(name).map(|d| &d.kind), Some(TypeKind::Enum { .. })) => {
                Some(Literal::Member)
            }
            _ => None,
        }
    }

    /// The Rust type for a model type.
    fn rust_type(&self, ty: &TypeRef, boxed: bool) -> RustType {
        match ty {
            TypeRef::Primitive(p) => primitive(*p),
            TypeRef::Json => RustType::Json,
            TypeRef::Collection(item) => RustType::Vec(Box::new(self.rust_type(item, false))),
            TypeRef::Named(name) if self.model.is_open_json(name) => RustType::Json,
            TypeRef::Named(name) => match self.type_names.get(name) {
                Some(rust) if boxed => RustType::boxed(RustType::Model(rust.clone())),
                Some(rust) => RustType::Model(rust.clone()),
                None => RustType::Json,
            },
        }
    }
}

/// `$format=application/json` -> `as_json`, `Prefer: return=representation` -> `with_representation`.
fn alternative_suffix(condition: &crate::model::Condition) -> String {
    let value = condition.value.rsplit(['/', '=']).next().unwrap_or(&condition.value);
    let word = snake_name(value);
    match condition.set {
        crate::model::ConditionKind::Query => format!("as_{word}"),
        crate::model::ConditionKind::Header => format!("with_{word}"),
    }
}

/// `DISPLAY_NAME` for the field `display_name`: field names are unique
/// snake case in their struct, so their upper case is unique too, and never
/// `ODATA_TYPE` (the discriminator constant), since `odata_type` is reserved.
fn member_constant(field: &str) -> String {
    field.trim_start_matches("r#").to_ascii_uppercase()
}

/// A `renamed` diagnostic for `claim` when its name is more than a case
/// conversion of the page's word, saying why (`within`, `by`: [`names::Claim::reason`]).
fn report_rename(diags: &mut Diagnostics, source: &Source, what: &str, claim: &names::Claim, within: &str, by: &str) {
    if claim.is_rename() {
        let shown = names::ident(&claim.name);
        let message = format!("{what} `{}` is emitted as `{shown}` ({})", claim.word, claim.reason(within, by));
        diags.report(Code::Renamed, source, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::rust::test_model::{model, object};

    #[test]
    fn names_and_types_are_decided_once_for_every_module() {
        let model = model(vec![
            object("result", None, &[("self", "Edm.String"), ("parent", "ns.result"), ("items", "Collection(ns.thing)")]),
            object("thing", Some("ns.result"), &[("count", "Edm.Int32")]),
        ]);
        let mut diags = Diagnostics::default();
        let surface = Surface::new(&model, &mut diags);
        assert_eq!(surface.type_name("ns.result"), "ResultType");
        assert_eq!(surface.type_name("ns.missing"), "UnknownType");
        let Some(Shape::Struct { fields, kind: Some(kind) }) = surface.type_item("ns.result").map(|t| &t.shape) else { panic!() };
        let shown: Vec<String> = fields.iter().map(|f| format!("{}: {}", f.name, f.ty)).collect();
        assert_eq!(shown, ["self_: String", "parent: Box<types::ResultType>", "items: Vec<types::Thing>"]);
        assert_eq!((kind.name.as_str(), kind.variants.as_slice()), ("ResultTypeKind", &[("Thing".to_owned(), "ns.thing".to_owned())][..]));
        let renamed: Vec<&str> = diags.iter().filter(|d| d.code == "renamed").map(|d| d.message.as_str()).collect();
        assert_eq!(renamed.len(), 3, "the type, and `self` in both structs: {renamed:?}");
    }

    #[test]
    fn item_paths_spell_the_same_type_for_each_place() {
        let page = RustType::Page(Box::new(RustType::Model("User".into())));
        let shown = |paths: &ItemPaths| page.tokens(paths).to_string().replace(' ', "");
        assert_eq!(shown(&ItemPaths::operations_module()), "Page<crate::types::User>");
        assert_eq!(shown(&ItemPaths::types_module()), "crate::runtime::Page<crate::types::User>");
        assert_eq!(shown(&ItemPaths::outside("graph-client")), "graph_client::runtime::Page<graph_client::types::User>");
        let parameters = RustType::Parameters("SendMailParameters".into());
        assert_eq!(parameters.tokens(&ItemPaths::operations_module()).to_string().replace(' ', ""), "types::SendMailParameters");
        let place = Place {
            root: "me".into(),
            steps: vec![("messages".into(), 0), ("by_id".into(), 1)],
            method: "r#type".into(),
            ..Place::default()
        };
        let call = place.call(quote! { graph_client::operations:: }, "type", &[quote! { "m" }, quote! { &body }]);
        assert_eq!(call.to_string().replace(' ', ""), "graph_client::operations::me().messages().by_id(\"m\").r#type(&body)");
    }
}
