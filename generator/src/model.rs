//! The API model: plain data produced by `resolve` and consumed by every emitter.
//! Nothing downstream of this module looks at Markdown again.
//!
//! Lists are kept sorted (operations by path then method, types by qualified
//! name) so that the serialized model is stable and diffs well.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiModel {
    /// Service root seen in the examples, e.g. `https://graph.microsoft.com/v1.0`.
    pub base_url: Option<String>,
    pub operations: Vec<Operation>,
    pub types: Vec<TypeDef>,
}

impl ApiModel {
    /// Finds a type by qualified name (`types` is sorted by it).
    pub fn find_type(&self, qualified_name: &str) -> Option<&TypeDef> {
        self.types.binary_search_by(|t| compare_qualified(&t.namespace, &t.name, qualified_name)).ok().map(|i| &self.types[i])
    }

    /// Base types of `qualified`, nearest first. A base the model does not
    /// define ends the chain (it is listed: the page names it); so does a
    /// loop (`resolve` cuts loops; a model read from elsewhere may have one).
    ///
    /// The one definition of inheritance after `resolve`: the emitter
    /// flattens along it, the diff compares it, the audit measures it.
    pub fn ancestors(&self, qualified: &str) -> Vec<&str> {
        let mut chain: Vec<&str> = Vec::new();
        let mut current = qualified;
        while let Some(TypeKind::Object { base: Some(base), .. }) = self.find_type(current).map(|d| &d.kind) {
            if base == qualified || chain.contains(&base.as_str()) {
                break;
            }
            chain.push(base);
            current = base;
        }
        chain
    }

    /// The fields of an object type's generated struct: its own and inherited
    /// properties and relationships, base first. A property redeclared by a
    /// derived type (same JSON name, exact case) replaces the inherited one,
    /// in the derived type's place. Empty for enums and unknown types.
    pub fn fields(&self, qualified: &str) -> Vec<Field<'_>> {
        let mut chain = self.ancestors(qualified);
        chain.insert(0, qualified);
        let mut fields: Vec<Field<'_>> = Vec::new();
        for owner in chain.iter().rev().filter_map(|name| self.find_type(name)) {
            if let TypeKind::Object { properties, navigation, .. } = &owner.kind {
                for property in properties.iter().chain(navigation) {
                    fields.retain(|f| f.property.json_name != property.json_name);
                    fields.push(Field { property, owner });
                }
            }
        }
        fields
    }

    /// `microsoft.graph.Json` is documented as a type without properties, but its
    /// values are any JSON (Excel ranges hold strings, numbers, nested arrays).
    pub fn is_open_json(&self, qualified: &str) -> bool {
        qualified.rsplit('.').next() == Some("Json")
            && matches!(self.find_type(qualified).map(|d| &d.kind),
                Some(TypeKind::Object { base: None, properties, navigation }) if properties.is_empty() && navigation.is_empty())
    }
}

/// One field of an object type's struct (see [`ApiModel::fields`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field<'m> {
    pub property: &'m Property,
    /// The type that declares it: the struct's own type or one of its bases.
    pub owner: &'m TypeDef,
}

/// Orders `namespace.name` against a qualified string as the string order of
/// `format!("{namespace}.{name}")` would, without allocating it.
fn compare_qualified(namespace: &str, name: &str, qualified: &str) -> std::cmp::Ordering {
    let joined = namespace.bytes().chain(std::iter::once(b'.')).chain(name.bytes());
    joined.cmp(qualified.bytes())
}

/// Where a model element was documented: page path relative to the docs root, 1-based line.
///
/// Line 0 means "line unknown": the model snapshot (`api-model.json`) keeps only
/// the page, as a plain string, and reading a snapshot back gives such sources.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Source {
    pub file: String,
    pub line: u32,
}

impl fmt::Display for Source {
    /// `page.md:LINE`, or `page.md` when the line is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.file)
        } else {
            write!(f, "{}:{}", self.file, self.line)
        }
    }
}

/// Accepts `{"file": ..., "line": ...}` (the full model) and a plain file name
/// (the snapshot, whose sources have no line).
impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Located { file: String, line: u32 },
            File(String),
        }
        match Form::deserialize(deserializer) {
            Ok(Form::Located { file, line }) => Ok(Source { file, line }),
            Ok(Form::File(file)) => Ok(Source { file, line: 0 }),
            Err(_) => Err(serde::de::Error::custom("expected a source: a file name or {\"file\", \"line\"}")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    List,
    Get,
    Create,
    Update,
    Delete,
    Action,
    Function,
    Other,
}

/// An HTTP method the docs document and the generated client sends (the
/// runtime's `Method` has the same variants; a test holds them together). A
/// request line with another verb is reported where it is read and skipped.
///
/// Variants are in the order of their spelling, so that sorting by method
/// sorts as the spelled names do (the model's operation order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Delete,
    Get,
    Patch,
    Post,
    Put,
}

impl HttpMethod {
    pub const ALL: [HttpMethod; 5] = [HttpMethod::Delete, HttpMethod::Get, HttpMethod::Patch, HttpMethod::Post, HttpMethod::Put];

    /// `GET`, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Delete => "DELETE",
            HttpMethod::Get => "GET",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
        }
    }

    /// The method spelled exactly `word` (upper case).
    pub fn from_name(word: &str) -> Option<HttpMethod> {
        HttpMethod::ALL.into_iter().find(|m| m.as_str() == word)
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One documented HTTP method on one documented path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// The operation's name, unique in the model (`list_me_messages`): the
    /// OpenAPI `operationId` and the stem of the generated function's name,
    /// which `emit::rust::surface` decides (a reserved runtime name renames it).
    pub id: String,
    /// Page title, e.g. `attachment: createUploadSession`.
    pub title: String,
    pub kind: OperationKind,
    pub method: HttpMethod,
    /// Path with distinct, named parameters, e.g. `/users/{user_id}/messages/{message_id}`.
    pub path: String,
    /// The path exactly as the docs wrote it.
    pub documented_path: String,
    pub path_params: Vec<PathParam>,
    /// OData system query options the page documents (`$select`, `$top`, ...).
    pub query_options: Vec<String>,
    pub headers: Vec<HeaderParam>,
    pub request_body: Option<RequestBody>,
    /// Parameters of a function (`GET .../f(a='{a}')`), passed in the path or query.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub function_parameters: Vec<Property>,
    /// Function parameters the path does not spell and the page marks optional
    /// ("Optional." in their row): a call may leave them out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub optional_arguments: Vec<String>,
    /// Only a request example of the page shows this form; its HTTP request
    /// section lists the method at other addresses (`example-only-request`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub example_only: bool,
    pub responses: Vec<ResponseSpec>,
    pub description: String,
    /// The permissions the page's table states (`resolve/permissions.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Permissions>,
    /// The page's request example of this operation, for its rustdoc (`resolve/call_examples.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<CallExample>,
    /// Product area (Cargo feature of the generated crate), from the page's `ms.subservice` or `ms.prod` (`parse::area`).
    #[serde(default)]
    pub area: String,
    pub source: Source,
}

impl Operation {
    /// Function parameters the path does not spell: `offsetRange` documented
    /// with `rowOffset` and `columnOffset` but a path without `(...)`.
    pub fn unspelled_function_parameters(&self) -> impl Iterator<Item = &Property> {
        let spelled = call_arguments(&self.path).map(|(_, names)| names).unwrap_or_default();
        self.function_parameters.iter().filter(move |p| !spelled.iter().any(|name| name.eq_ignore_ascii_case(&p.json_name)))
    }

    /// Whether a call may leave out this function parameter.
    pub fn is_optional_argument(&self, json_name: &str) -> bool {
        self.optional_arguments.iter().any(|name| name == json_name)
    }

    /// The success response body: the first 2xx response's, or the content a
    /// 3xx redirects to (usage reports answer `302 Found` to a download URL).
    pub fn success_body(&self) -> Option<&TypeRef> {
        self.responses.iter().find(|r| r.when.is_none() && (200..400).contains(&r.status) && r.body.is_some()).and_then(|r| r.body.as_ref())
    }

    /// The other answers the page documents, each with what the request sets to get it.
    pub fn alternatives(&self) -> impl Iterator<Item = (&Condition, &ResponseSpec)> {
        self.responses.iter().filter_map(|r| Some((r.when.as_ref()?, r)))
    }
}

/// The call in a path's last segment, `f(a='{a}',b=1)`: its argument text
/// (`a='{a}',b=1`) and the names it spells (`a`, `b`); `None` when there is no `(`.
pub fn call_arguments(path: &str) -> Option<(&str, Vec<&str>)> {
    let arguments = path.rsplit('/').next().unwrap_or("").split_once('(')?.1.trim_end_matches(')');
    Some((arguments, arguments.split(',').filter_map(|a| a.split_once('=').map(|(name, _)| name.trim())).collect()))
}

/// The name of a call's overload whose plain name `word` another one took:
/// `word` and the arguments its path spells (`image_width_height` for
/// `image(width={w},height={h})`); `None` when it spells none.
pub fn overload_name(word: &str, path: &str) -> Option<String> {
    let (_, names) = call_arguments(path)?;
    let names: Vec<String> = names.iter().map(|name| heck::ToSnakeCase::to_snake_case(*name)).filter(|name| !name.is_empty()).collect();
    (!names.is_empty()).then(|| format!("{word}_{}", names.join("_")))
}

/// Who may call an operation, least privileged permission first. `None`:
/// the page's table has no row for that kind of caller; empty: "Not supported".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegated_work: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegated_personal: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<Vec<String>>,
    /// A page whose permissions depend on the resource (an attachment of an
    /// event, a message, a post): each resource as the page names it, with its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_resource: Vec<(String, Permissions)>,
    /// The docs' include that holds the page's permissions table (2023-2026
    /// pages: `includes/permissions/<name>.md`), by name; not expanded, the
    /// include being no page of the reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<String>,
}

/// A request example of the operation's page, as values for the generated
/// function: what its rustdoc example calls it with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallExample {
    /// One value per path parameter (in `path_params` order), as the example
    /// writes it, percent-decoded; `None` where the example's path does not
    /// spell this operation's (an example of `/me` for `/users/{id}`).
    pub path_args: Vec<Option<String>>,
    /// Values of function parameters the path does not spell, by JSON name, as
    /// the example's call writes them (`true`, `'text'`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub call_args: Vec<(String, String)>,
    /// Query options in order (`$select`, `displayName,mail`), percent-decoded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    /// Request headers other than the token and the content's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathParam {
    /// snake_case name used in the Rust signature and the normalized path.
    pub name: String,
    /// Placeholder text as documented (`id`, `user-id`, `id | userPrincipalName`).
    pub documented: String,
    /// The value is a path (`root:/{item-path}:`): its `/` separators are kept
    /// and each segment is encoded, where any other value is one segment.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub holds_path: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderParam {
    pub name: String,
    pub required: bool,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequestBody {
    /// Action parameters: a JSON object whose members are the parameters.
    Parameters { type_name: String, parameters: Vec<Property> },
    /// A whole resource (create) or the changed fields of it (update).
    Resource { ty: TypeRef },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseSpec {
    pub status: u16,
    /// `None` when the response has no body.
    pub body: Option<TypeRef>,
    /// `None` for the default answer; for another answer the page documents
    /// for the same request, what the request sets to get it
    /// (`$format=application/json`, `Prefer: return=representation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// `202 Accepted` with a `Location` that names a monitor to poll: the
    /// action goes on after the answer (a drive item copy, a team clone).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub monitored: bool,
}

/// What a request sets to get an alternative answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub set: ConditionKind,
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionKind {
    /// A query option (`$format=application/json`).
    Query,
    /// A request header (`Prefer: return=representation`).
    Header,
}

impl Condition {
    /// `$format=application/json`, `Prefer: return=representation`: as the page writes it.
    pub fn spelled(&self) -> String {
        match self.set {
            ConditionKind::Query => format!("{}={}", self.name, self.value),
            ConditionKind::Header => format!("{}: {}", self.name, self.value),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeDef {
    pub namespace: String,
    pub name: String,
    pub description: String,
    /// True when no page documents the type and it was inferred from examples.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inferred: bool,
    /// An OData open type ("This type is an open type"): members beyond the
    /// documented ones are expected (planner's assignments keyed by user ID).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
    pub kind: TypeKind,
    /// Product area of the page that documents (or first infers) the type.
    #[serde(default)]
    pub area: String,
    pub source: Source,
}

impl TypeDef {
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    Object {
        /// Qualified name of the base type.
        base: Option<String>,
        properties: Vec<Property>,
        navigation: Vec<Property>,
    },
    Enum {
        members: Vec<EnumMember>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Property {
    /// Name on the wire, kept exactly as documented.
    pub json_name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    pub description: String,
    pub source: Source,
    /// The page marks the name deprecated (`backupReviewers (deprecated)`):
    /// still on the wire, not to be used in new code.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The page says the value is never null (`Not nullable.`, a key). Every
    /// other property of this API may be null.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub non_null: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumMember {
    pub name: String,
    pub description: String,
    pub source: Source,
}

/// Edm primitive types, as named in CSDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Primitive {
    String,
    Boolean,
    Byte,
    SByte,
    Int16,
    Int32,
    Int64,
    Single,
    Double,
    Decimal,
    Guid,
    DateTimeOffset,
    Date,
    TimeOfDay,
    Duration,
    Binary,
    Stream,
}

impl Primitive {
    pub const ALL: [Primitive; 17] = [
        Primitive::String,
        Primitive::Boolean,
        Primitive::Byte,
        Primitive::SByte,
        Primitive::Int16,
        Primitive::Int32,
        Primitive::Int64,
        Primitive::Single,
        Primitive::Double,
        Primitive::Decimal,
        Primitive::Guid,
        Primitive::DateTimeOffset,
        Primitive::Date,
        Primitive::TimeOfDay,
        Primitive::Duration,
        Primitive::Binary,
        Primitive::Stream,
    ];

    pub fn edm_name(self) -> &'static str {
        match self {
            Primitive::String => "String",
            Primitive::Boolean => "Boolean",
            Primitive::Byte => "Byte",
            Primitive::SByte => "SByte",
            Primitive::Int16 => "Int16",
            Primitive::Int32 => "Int32",
            Primitive::Int64 => "Int64",
            Primitive::Single => "Single",
            Primitive::Double => "Double",
            Primitive::Decimal => "Decimal",
            Primitive::Guid => "Guid",
            Primitive::DateTimeOffset => "DateTimeOffset",
            Primitive::Date => "Date",
            Primitive::TimeOfDay => "TimeOfDay",
            Primitive::Duration => "Duration",
            Primitive::Binary => "Binary",
            Primitive::Stream => "Stream",
        }
    }

    /// Accepts `Int32`, `int32`, `Edm.Int32`.
    pub fn from_edm_name(name: &str) -> Option<Primitive> {
        let bare = name.strip_prefix("Edm.").unwrap_or(name);
        Primitive::ALL.into_iter().find(|p| p.edm_name().eq_ignore_ascii_case(bare))
    }
}

/// A reference to a type. Serialized as its CSDL spelling: `Edm.String`,
/// `microsoft.graph.uploadSession`, `Collection(Edm.String)`, or `Json` for an
/// open JSON object (a type the docs did not define).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    Primitive(Primitive),
    Named(String),
    Collection(Box<TypeRef>),
    Json,
}

impl TypeRef {
    pub fn collection(item: TypeRef) -> TypeRef {
        TypeRef::Collection(Box::new(item))
    }

    pub fn is_collection(&self) -> bool {
        matches!(self, TypeRef::Collection(_))
    }

    /// The element type for collections, the type itself otherwise.
    pub fn item(&self) -> &TypeRef {
        match self {
            TypeRef::Collection(item) => item.item(),
            other => other,
        }
    }
}

impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRef::Primitive(p) => write!(f, "Edm.{}", p.edm_name()),
            TypeRef::Named(name) => f.write_str(name),
            TypeRef::Collection(item) => write!(f, "Collection({item})"),
            TypeRef::Json => f.write_str("Json"),
        }
    }
}

impl FromStr for TypeRef {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(inner) = s.strip_prefix("Collection(").and_then(|r| r.strip_suffix(')')) {
            return Ok(TypeRef::collection(inner.parse()?));
        }
        if s == "Json" {
            return Ok(TypeRef::Json);
        }
        if let Some(bare) = s.strip_prefix("Edm.") {
            return Primitive::from_edm_name(bare).map(TypeRef::Primitive).ok_or_else(|| format!("unknown Edm type `{s}`"));
        }
        if s.is_empty() {
            return Err("empty type name".into());
        }
        Ok(TypeRef::Named(s.to_owned()))
    }
}

impl Serialize for TypeRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TypeRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_refs_round_trip_through_their_csdl_spelling() {
        for text in ["Edm.String", "microsoft.graph.user", "Collection(Edm.Int64)", "Json", "Collection(Collection(a.b))"] {
            let parsed: TypeRef = text.parse().unwrap();
            assert_eq!(parsed.to_string(), text);
        }
        assert!("Edm.Nope".parse::<TypeRef>().is_err());
    }

    #[test]
    fn sources_read_both_the_full_form_and_the_snapshot_form() {
        let full: Source = serde_json::from_str(r#"{"file": "api/a.md", "line": 7}"#).unwrap();
        assert_eq!(full, Source { file: "api/a.md".into(), line: 7 });
        assert_eq!(full.to_string(), "api/a.md:7");
        let bare: Source = serde_json::from_str(r#""api/a.md""#).unwrap();
        assert_eq!(bare, Source { file: "api/a.md".into(), line: 0 });
        assert_eq!(bare.to_string(), "api/a.md");
        assert!(serde_json::from_str::<Source>("12").is_err());
    }

    fn object(name: &str, base: Option<&str>, fields: &[&str]) -> TypeDef {
        let property = |json_name: &str| Property {
            json_name: json_name.into(),
            ty: TypeRef::Primitive(Primitive::String),
            description: name.into(),
            source: Source::default(),
            deprecated: false,
            non_null: false,
        };
        TypeDef {
            namespace: "ns".into(),
            name: name.into(),
            description: String::new(),
            inferred: false,
            open: false,
            kind: TypeKind::Object {
                base: base.map(str::to_owned),
                properties: fields.iter().map(|f| property(f)).collect(),
                navigation: Vec::new(),
            },
            area: String::new(),
            source: Source::default(),
        }
    }

    #[test]
    fn inheritance_is_flattened_base_first_and_redeclared_fields_replace_inherited_ones() {
        let model = ApiModel {
            base_url: None,
            operations: Vec::new(),
            types: vec![
                object("a", Some("ns.missing"), &["id", "name"]),
                object("b", Some("ns.a"), &["name", "Id", "size"]),
                object("c", Some("ns.b"), &[]),
                object("loop1", Some("ns.loop2"), &["x"]),
                object("loop2", Some("ns.loop1"), &["y"]),
            ],
        };
        assert_eq!(model.ancestors("ns.c"), ["ns.b", "ns.a", "ns.missing"]);
        assert_eq!(model.ancestors("ns.loop1"), ["ns.loop2"]);
        assert!(model.ancestors("ns.nope").is_empty());
        let fields: Vec<(&str, &str)> =
            model.fields("ns.c").iter().map(|f| (f.property.json_name.as_str(), f.owner.name.as_str())).collect();
        // `name` is b's (redeclared), in b's place; `Id` is another field than `id`: names are case-sensitive.
        assert_eq!(fields, [("id", "a"), ("name", "b"), ("Id", "b"), ("size", "b")]);
        let fields: Vec<&str> = model.fields("ns.loop1").iter().map(|f| f.property.json_name.as_str()).collect();
        assert_eq!(fields, ["y", "x"]);
    }

    #[test]
    fn http_methods_sort_and_serialize_as_their_spelling() {
        let mut spelled: Vec<&str> = HttpMethod::ALL.iter().map(|m| m.as_str()).collect();
        spelled.sort();
        assert_eq!(spelled, HttpMethod::ALL.map(HttpMethod::as_str), "variant order is spelling order");
        for method in HttpMethod::ALL {
            assert_eq!(serde_json::to_value(method).unwrap(), method.as_str());
            assert_eq!(HttpMethod::from_name(method.as_str()), Some(method));
        }
        assert_eq!(HttpMethod::from_name("HEAD"), None);
        assert!(serde_json::from_str::<HttpMethod>("\"get\"").is_err());
    }

    #[test]
    fn primitive_names_are_case_insensitive_and_accept_the_edm_prefix() {
        assert_eq!(Primitive::from_edm_name("Edm.int32"), Some(Primitive::Int32));
        assert_eq!(Primitive::from_edm_name("datetimeoffset"), Some(Primitive::DateTimeOffset));
        assert_eq!(Primitive::from_edm_name("Object"), None);
    }
}
