//! A reader for OData CSDL (the `$metadata` XML), used only as the audit's
//! answer key. Generation never reads it.
//!
//! Everything is stored in the model's spelling so the comparison is a plain
//! string comparison: qualified names use the schema namespace (aliases such as
//! `graph.` are expanded), types are written as [`docgen::model::TypeRef`]
//! displays them (`Edm.String`, `microsoft.graph.user`, `Collection(...)`), and
//! the open complex type `<namespace>.Json` becomes `Json`.

use docgen::model::Primitive;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructuredKind {
    Entity,
    Complex,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsdlProperty {
    pub name: String,
    /// Model spelling, e.g. `Collection(microsoft.graph.recipient)`.
    pub ty: String,
    pub navigation: bool,
    /// `Nullable` is not `false` (OData's default for properties).
    pub nullable: bool,
}

/// An `EntityType` or `ComplexType`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsdlType {
    pub qualified: String,
    pub kind: StructuredKind,
    /// Qualified name of the `BaseType`, aliases expanded.
    pub base: Option<String>,
    /// `Property` then `NavigationProperty` elements, in document order.
    pub properties: Vec<CsdlProperty>,
    /// `OpenType="true"`: members beyond the declared ones are allowed.
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsdlEnum {
    pub qualified: String,
    pub members: Vec<String>,
}

/// An `Action` or `Function`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsdlOperation {
    pub namespace: String,
    pub name: String,
    pub is_function: bool,
    /// Type of the binding parameter (the first one) of a bound operation.
    pub binding: Option<String>,
    /// Parameters other than the binding parameter: (name, type).
    pub parameters: Vec<(String, String)>,
    /// `None` when the operation returns nothing.
    pub return_type: Option<String>,
}

impl CsdlOperation {
    /// Bare item name of the binding type: `Collection(microsoft.graph.user)` -> `user`.
    pub fn binding_name(&self) -> Option<&str> {
        self.binding.as_deref().map(bare_item_name)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Csdl {
    /// Entity and complex types by lower-case qualified name.
    pub types: BTreeMap<String, CsdlType>,
    /// Enum types by lower-case qualified name.
    pub enums: BTreeMap<String, CsdlEnum>,
    pub operations: Vec<CsdlOperation>,
}

impl Csdl {
    pub fn find_type(&self, qualified: &str) -> Option<&CsdlType> {
        self.types.get(&qualified.to_ascii_lowercase())
    }

    /// The type and its bases, nearest first. Stops at a missing base or a loop.
    pub fn ancestry(&self, qualified: &str) -> Vec<&CsdlType> {
        let mut chain: Vec<&CsdlType> = Vec::new();
        let mut next = self.find_type(qualified);
        while let Some(t) = next {
            if chain.iter().any(|c| c.qualified == t.qualified) {
                break;
            }
            chain.push(t);
            next = t.base.as_deref().and_then(|b| self.find_type(b));
        }
        chain
    }

    /// Properties including inherited ones; a derived declaration hides a base one of the same name.
    /// Returns (property, qualified name of the declaring type).
    pub fn flattened(&self, qualified: &str) -> Vec<(&CsdlProperty, &str)> {
        let mut out: Vec<(&CsdlProperty, &str)> = Vec::new();
        for t in self.ancestry(qualified) {
            for p in &t.properties {
                if !out.iter().any(|(q, _)| q.name.eq_ignore_ascii_case(&p.name)) {
                    out.push((p, t.qualified.as_str()));
                }
            }
        }
        out
    }
}

/// `Collection(a.b.c)` -> `c`; `Edm.String` -> `String`; `Json` -> `Json`.
pub fn bare_item_name(ty: &str) -> &str {
    let mut inner = ty;
    while let Some(i) = inner.strip_prefix("Collection(").and_then(|r| r.strip_suffix(')')) {
        inner = i;
    }
    inner.rsplit('.').next().unwrap_or(inner)
}

pub fn is_collection(ty: &str) -> bool {
    ty.starts_with("Collection(")
}

/// Why a metadata file is not a CSDL document.
#[derive(Debug, thiserror::Error)]
pub enum CsdlError {
    #[error("not well-formed XML: {0}")]
    Xml(#[from] roxmltree::Error),
    #[error("no <Schema> element: not a CSDL document")]
    NoSchema,
}

/// Parses a CSDL document (all `Schema` elements).
pub fn parse(text: &str) -> Result<Csdl, CsdlError> {
    let doc = roxmltree::Document::parse_with_options(text, roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() })?;
    let schemas: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.has_tag_name("Schema")).collect();
    if schemas.is_empty() {
        return Err(CsdlError::NoSchema);
    }
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    for schema in &schemas {
        let namespace = schema.attribute("Namespace").unwrap_or_default().to_owned();
        if let Some(alias) = schema.attribute("Alias") {
            aliases.insert(alias.to_owned(), namespace.clone());
        }
        aliases.insert(namespace.clone(), namespace);
    }
    let names = Names { aliases };
    let mut csdl = Csdl::default();
    for schema in &schemas {
        let namespace = schema.attribute("Namespace").unwrap_or_default();
        for node in schema.children().filter(roxmltree::Node::is_element) {
            let name = node.attribute("Name").unwrap_or_default();
            let qualified = format!("{namespace}.{name}");
            match node.tag_name().name() {
                tag @ ("EntityType" | "ComplexType") => {
                    let kind = if tag == "EntityType" { StructuredKind::Entity } else { StructuredKind::Complex };
                    let properties = node
                        .children()
                        .filter(|c| c.has_tag_name("Property") || c.has_tag_name("NavigationProperty"))
                        .map(|c| CsdlProperty {
                            name: c.attribute("Name").unwrap_or_default().to_owned(),
                            ty: names.type_ref(c.attribute("Type").unwrap_or_default()),
                            navigation: c.has_tag_name("NavigationProperty"),
                            nullable: !c.attribute("Nullable").is_some_and(|n| n.eq_ignore_ascii_case("false")),
                        })
                        .collect();
                    let base = node.attribute("BaseType").map(|b| names.qualified(b));
                    let open = node.attribute("OpenType").is_some_and(|o| o.eq_ignore_ascii_case("true"));
                    csdl.types.insert(qualified.to_ascii_lowercase(), CsdlType { qualified, kind, base, properties, open });
                }
                "EnumType" => {
                    let members =
                        node.children().filter(|c| c.has_tag_name("Member")).filter_map(|c| c.attribute("Name")).map(str::to_owned);
                    csdl.enums.insert(qualified.to_ascii_lowercase(), CsdlEnum { qualified, members: members.collect() });
                }
                tag @ ("Action" | "Function") => {
                    let bound = node.attribute("IsBound").is_some_and(|b| b.eq_ignore_ascii_case("true"));
                    let mut parameters: Vec<(String, String)> = node
                        .children()
                        .filter(|c| c.has_tag_name("Parameter"))
                        .map(|c| {
                            (c.attribute("Name").unwrap_or_default().to_owned(), names.type_ref(c.attribute("Type").unwrap_or_default()))
                        })
                        .collect();
                    let binding = (bound && !parameters.is_empty()).then(|| parameters.remove(0).1);
                    let return_type =
                        node.children().find(|c| c.has_tag_name("ReturnType")).and_then(|r| r.attribute("Type")).map(|t| names.type_ref(t));
                    csdl.operations.push(CsdlOperation {
                        namespace: namespace.to_owned(),
                        name: name.to_owned(),
                        is_function: tag == "Function",
                        binding,
                        parameters,
                        return_type,
                    });
                }
                _ => {}
            }
        }
    }
    Ok(csdl)
}

struct Names {
    /// Alias or namespace -> namespace.
    aliases: BTreeMap<String, String>,
}

impl Names {
    /// `graph.user` -> `microsoft.graph.user`.
    fn qualified(&self, name: &str) -> String {
        let name = name.trim();
        match name.rsplit_once('.') {
            Some((prefix, bare)) => match self.aliases.get(prefix) {
                Some(namespace) => format!("{namespace}.{bare}"),
                None => name.to_owned(),
            },
            None => name.to_owned(),
        }
    }

    /// A CSDL type reference in the model's spelling.
    fn type_ref(&self, ty: &str) -> String {
        let ty = ty.trim();
        if let Some(inner) = ty.strip_prefix("Collection(").and_then(|r| r.strip_suffix(')')) {
            return format!("Collection({})", self.type_ref(inner));
        }
        if let Some(bare) = ty.strip_prefix("Edm.") {
            return match Primitive::from_edm_name(bare) {
                Some(p) => format!("Edm.{}", p.edm_name()),
                None => ty.to_owned(),
            };
        }
        let qualified = self.qualified(ty);
        match qualified.rsplit_once('.') {
            Some((namespace, "Json")) if self.aliases.contains_key(namespace) => "Json".to_owned(),
            _ => qualified,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="example.api" Alias="ex" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color">
        <Member Name="red" Value="0" />
        <Member Name="blue" Value="1" />
      </EnumType>
      <EntityType Name="thing" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="widget" BaseType="ex.thing">
        <Property Name="size" Type="Edm.Int32" />
        <Property Name="tags" Type="Collection(Edm.String)" />
        <Property Name="extra" Type="ex.Json" />
        <NavigationProperty Name="parts" Type="Collection(ex.part)" ContainsTarget="true" />
      </EntityType>
      <ComplexType Name="Json" />
      <ComplexType Name="part">
        <Property Name="hue" Type="example.api.color" />
      </ComplexType>
      <Action Name="paint" IsBound="true">
        <Parameter Name="bindingParameter" Type="ex.widget" />
        <Parameter Name="Hue" Type="ex.color" Nullable="false" />
        <ReturnType Type="ex.widget" />
      </Action>
      <Function Name="delta" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(ex.widget)" />
        <ReturnType Type="Collection(ex.widget)" />
      </Function>
      <Action Name="reset" />
    </Schema>
    <Schema Namespace="example.api.more" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="note" BaseType="example.api.part" />
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

    #[test]
    fn reads_types_enums_and_operations_in_model_spelling() {
        let csdl = parse(SAMPLE).unwrap();
        let widget = csdl.find_type("EXAMPLE.API.WIDGET").unwrap();
        assert_eq!(widget.kind, StructuredKind::Entity);
        assert_eq!(widget.base.as_deref(), Some("example.api.thing"));
        let props: Vec<String> = widget.properties.iter().map(|p| format!("{}:{}:{}", p.name, p.ty, p.navigation)).collect();
        assert_eq!(
            props,
            ["size:Edm.Int32:false", "tags:Collection(Edm.String):false", "extra:Json:false", "parts:Collection(example.api.part):true"]
        );
        assert_eq!(csdl.find_type("example.api.part").unwrap().properties[0].ty, "example.api.color");
        assert_eq!(csdl.find_type("example.api.more.note").unwrap().base.as_deref(), Some("example.api.part"));
        assert_eq!(csdl.enums["example.api.color"].members, ["red", "blue"]);

        let paint = csdl.operations.iter().find(|o| o.name == "paint").unwrap();
        assert!(!paint.is_function);
        assert_eq!(paint.binding.as_deref(), Some("example.api.widget"));
        assert_eq!(paint.parameters, [("Hue".to_owned(), "example.api.color".to_owned())]);
        assert_eq!(paint.return_type.as_deref(), Some("example.api.widget"));
        let delta = csdl.operations.iter().find(|o| o.name == "delta").unwrap();
        assert!(delta.is_function);
        assert_eq!(delta.binding_name(), Some("widget"));
        assert_eq!(delta.return_type.as_deref(), Some("Collection(example.api.widget)"));
        let reset = csdl.operations.iter().find(|o| o.name == "reset").unwrap();
        assert_eq!((reset.binding.as_deref(), reset.return_type.as_deref()), (None, None));
    }

    #[test]
    fn flattening_follows_base_types() {
        let csdl = parse(SAMPLE).unwrap();
        let names: Vec<(&str, &str)> = csdl.flattened("example.api.widget").iter().map(|(p, d)| (p.name.as_str(), *d)).collect();
        assert_eq!(
            names,
            [
                ("size", "example.api.widget"),
                ("tags", "example.api.widget"),
                ("extra", "example.api.widget"),
                ("parts", "example.api.widget"),
                ("id", "example.api.thing")
            ]
        );
    }

    #[test]
    fn rejects_what_is_not_csdl() {
        assert!(parse("<a>").is_err());
        assert!(matches!(parse("<root/>"), Err(CsdlError::NoSchema)));
    }

    #[test]
    fn bare_names() {
        assert_eq!(bare_item_name("Collection(microsoft.graph.user)"), "user");
        assert_eq!(bare_item_name("Edm.String"), "String");
        assert_eq!(bare_item_name("Json"), "Json");
    }
}
