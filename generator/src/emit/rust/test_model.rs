//! Small models for the unit tests.

use crate::model::{ApiModel, HttpMethod, Operation, OperationKind, Property, Source, TypeDef, TypeKind};

/// A `method` on `path` (also its documented path) with nothing else
/// documented: a plain get, no parameters, no responses. Tests set what they
/// need with `Operation { kind, responses, ..operation(method, path) }`.
pub fn operation(method: HttpMethod, path: &str) -> Operation {
    Operation {
        id: String::new(),
        title: String::new(),
        kind: OperationKind::Get,
        method,
        path: path.into(),
        documented_path: path.into(),
        path_params: Vec::new(),
        query_options: Vec::new(),
        headers: Vec::new(),
        request_body: None,
        function_parameters: Vec::new(),
        optional_arguments: Vec::new(),
        example_only: false,
        responses: Vec::new(),
        description: String::new(),
        permissions: None,
        example: None,
        area: String::new(),
        source: Source::default(),
    }
}

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
