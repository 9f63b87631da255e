//! Small models for the analyses' unit tests.

use crate::model::{ApiModel, Property, Source, TypeDef, TypeKind};

/// An object type `ns.<name>` with `(json name, CSDL type)` properties.
pub fn object(name: &str, base: Option<&str>, properties: &[(&str, &str)]) -> TypeDef {
    let properties = properties
        .iter()
        .map(|(json_name, ty)| Property {
            json_name: (*json_name).into(),
            ty: ty.parse().expect("a CSDL type"),
            description: String::new(),
            source: Source::default(),
            deprecated: false,
            non_null: false,
        })
        .collect();
    TypeDef {
        namespace: "ns".into(),
        name: name.into(),
        description: String::new(),
        inferred: false,
        open: false,
        kind: TypeKind::Object { base: base.map(str::to_owned), properties, navigation: Vec::new() },
        area: String::new(),
        source: Source::default(),
    }
}

/// A model of these types, sorted as `resolve` sorts them.
pub fn model(mut types: Vec<TypeDef>) -> ApiModel {
    types.sort_by_key(TypeDef::qualified_name);
    ApiModel { base_url: None, operations: Vec::new(), types }
}
