//! Stage 4b: API model -> OpenAPI 3.1 document.

use super::DEFAULT_BASE_URL;
use crate::model::{ApiModel, Operation, Primitive, Property, RequestBody, TypeDef, TypeKind, TypeRef};
use serde_json::{json, Map, Value};

pub fn openapi(model: &ApiModel, title: &str) -> Value {
    let mut paths = Map::new();
    for op in &model.operations {
        let item = paths.entry(op.path.clone()).or_insert_with(|| json!({}));
        if let Value::Object(item) = item {
            item.insert(op.method.as_str().to_ascii_lowercase(), operation(op));
        }
    }
    let schemas: Map<String, Value> = model
        .types
        .iter()
        .map(|def| {
            let name = def.qualified_name();
            let schema = if model.is_open_json(&name) { any_json_schema(def) } else { type_schema(def) };
            (name, schema)
        })
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": { "title": title, "version": "1.0.0" },
        "servers": [{ "url": model.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL) }],
        "paths": paths,
        "components": { "schemas": schemas },
    })
}

fn operation(op: &Operation) -> Value {
    let mut out = Map::new();
    out.insert("operationId".into(), json!(op.id));
    out.insert("summary".into(), json!(op.title));
    if !op.description.is_empty() {
        out.insert("description".into(), json!(op.description));
    }
    let mut parameters: Vec<Value> = op
        .path_params
        .iter()
        .map(|p| json!({ "name": p.name, "in": "path", "required": true, "schema": { "type": "string" }, "description": format!("documented as `{{{}}}`", p.documented) }))
        .collect();
    parameters
        .extend(op.query_options.iter().map(|q| json!({ "name": q, "in": "query", "required": false, "schema": { "type": "string" } })));
    parameters.extend(op.headers.iter().map(
        |h| json!({ "name": h.name, "in": "header", "required": h.required, "schema": { "type": "string" }, "description": h.description }),
    ));
    if !parameters.is_empty() {
        out.insert("parameters".into(), Value::Array(parameters));
    }
    if let Some(body) = &op.request_body {
        let schema = match body {
            RequestBody::Parameters { parameters, .. } => object_schema(parameters.iter()),
            RequestBody::Resource { ty } => type_ref_schema(ty),
        };
        out.insert("requestBody".into(), json!({ "required": true, "content": { "application/json": { "schema": schema } } }));
    }
    let mut responses: Map<String, Value> = Map::new();
    for r in &op.responses {
        let (media, schema) = match &r.body {
            Some(TypeRef::Primitive(Primitive::Stream)) => {
                ("application/octet-stream", Some(json!({ "type": "string", "format": "binary" })))
            }
            Some(body) => ("application/json", Some(response_schema(body))),
            None => ("", None),
        };
        let when = r.when.as_ref().map(|c| format!(" when the request sets `{}`", c.spelled())).unwrap_or_default();
        let description = format!("{} response{when}", r.status);
        match responses.get_mut(&r.status.to_string()) {
            // Another answer with the same status: both bodies, and both conditions said.
            Some(existing) => {
                let said = existing["description"].as_str().unwrap_or("").to_owned();
                existing["description"] = json!(format!("{said}; or{}", if when.is_empty() { " by default".to_owned() } else { when }));
                if let Some(schema) = schema {
                    let slot = &mut existing["content"][media]["schema"];
                    *slot = if slot.is_null() { schema } else { json!({ "anyOf": [slot.take(), schema] }) };
                }
            }
            None => {
                let mut response = json!({ "description": description });
                if let Some(schema) = schema {
                    response["content"] = json!({ media: { "schema": schema } });
                }
                responses.insert(r.status.to_string(), response);
            }
        }
    }
    out.insert("responses".into(), Value::Object(responses));
    Value::Object(out)
}

/// Collections travel as `{"value": [...], "@odata.nextLink": "..."}`, and
/// primitive results as `{"value": ...}`.
fn response_schema(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::Primitive(_) => json!({ "type": "object", "properties": { "value": type_ref_schema(ty) } }),
        TypeRef::Collection(item) => json!({
            "type": "object",
            "properties": {
                "value": { "type": "array", "items": type_ref_schema(item) },
                "@odata.nextLink": { "type": "string" },
            },
        }),
        other => type_ref_schema(other),
    }
}

/// No `type`: any JSON value, as the Rust side's `serde_json::Value`.
fn any_json_schema(def: &TypeDef) -> Value {
    json!({ "description": if def.description.is_empty() { "Any JSON value." } else { def.description.as_str() } })
}

fn type_schema(def: &TypeDef) -> Value {
    let mut schema = match &def.kind {
        TypeKind::Enum { members } => json!({ "type": "string", "enum": members.iter().map(|m| m.name.clone()).collect::<Vec<_>>() }),
        TypeKind::Object { base, properties, navigation } => {
            let own = object_schema(properties.iter().chain(navigation));
            match base {
                Some(base) => json!({ "allOf": [{ "$ref": schema_ref(base) }, own] }),
                None => own,
            }
        }
    };
    if def.open {
        // Members beyond the documented ones, in the type's own object (not the `allOf` wrapper).
        let own = if schema.get("allOf").is_some() { &mut schema["allOf"][1] } else { &mut schema };
        own["additionalProperties"] = json!(true);
    }
    if !def.description.is_empty() {
        schema["description"] = json!(def.description);
    }
    schema
}

fn object_schema<'a>(properties: impl Iterator<Item = &'a Property>) -> Value {
    let properties: Map<String, Value> = properties.map(|p| (p.json_name.clone(), property_schema(p))).collect();
    json!({ "type": "object", "properties": properties })
}

/// A property's schema says what the docs say of it: it may be null unless
/// the page says otherwise (every structural property of an OData service is
/// nullable by default), and it is `deprecated` when its name is marked so.
fn property_schema(property: &Property) -> Value {
    let schema = type_ref_schema(&property.ty);
    let mut schema = if property.non_null { schema } else { or_null(schema) };
    if property.deprecated {
        schema["deprecated"] = json!(true);
    }
    schema
}

/// `{"type": T}` -> `{"type": [T, "null"]}`; a `$ref` -> `anyOf` it or null;
/// any JSON (`{}`) already allows null.
pub fn or_null(schema: Value) -> Value {
    match schema.get("type").and_then(Value::as_str) {
        Some(ty) => {
            let mut schema = schema.clone();
            schema["type"] = json!([ty, "null"]);
            schema
        }
        None if schema.as_object().is_some_and(Map::is_empty) => schema,
        None => json!({ "anyOf": [schema, { "type": "null" }] }),
    }
}

fn schema_ref(qualified: &str) -> String {
    format!("#/components/schemas/{qualified}")
}

pub fn type_ref_schema(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::Primitive(p) => primitive_schema(*p),
        TypeRef::Named(name) => json!({ "$ref": schema_ref(name) }),
        TypeRef::Collection(item) => json!({ "type": "array", "items": type_ref_schema(item) }),
        // Emitted as `serde_json::Value`: any JSON.
        TypeRef::Json => json!({}),
    }
}

fn primitive_schema(p: Primitive) -> Value {
    let (ty, format) = match p {
        Primitive::String => ("string", None),
        Primitive::Boolean => ("boolean", None),
        Primitive::Byte => ("integer", Some("uint8")),
        Primitive::SByte => ("integer", Some("int8")),
        Primitive::Int16 => ("integer", Some("int16")),
        Primitive::Int32 => ("integer", Some("int32")),
        Primitive::Int64 => ("integer", Some("int64")),
        Primitive::Single => ("number", Some("float")),
        Primitive::Double => ("number", Some("double")),
        Primitive::Decimal => ("number", Some("decimal")),
        Primitive::Guid => ("string", Some("uuid")),
        Primitive::DateTimeOffset => ("string", Some("date-time")),
        Primitive::Date => ("string", Some("date")),
        Primitive::TimeOfDay => ("string", Some("time")),
        Primitive::Duration => ("string", Some("duration")),
        Primitive::Binary => ("string", Some("base64url")),
        Primitive::Stream => ("string", Some("binary")),
    };
    match format {
        Some(format) => json!({ "type": ty, "format": format }),
        None => json!({ "type": ty }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives_map_edm_style() {
        let cases = [
            ("Edm.Int32", json!({"type": "integer", "format": "int32"})),
            ("Edm.Binary", json!({"type": "string", "format": "base64url"})),
            ("Collection(Edm.String)", json!({"type": "array", "items": {"type": "string"}})),
        ];
        for (ty, expected) in cases {
            assert_eq!(type_ref_schema(&ty.parse().unwrap()), expected);
        }
    }

    #[test]
    fn properties_may_be_null_unless_the_page_says_otherwise_and_carry_their_deprecation() {
        let property = |name: &str, ty: &str, deprecated, non_null| Property {
            json_name: name.into(),
            ty: ty.parse().unwrap(),
            description: String::new(),
            source: Default::default(),
            deprecated,
            non_null,
        };
        let cases = [
            (property("id", "Edm.String", false, true), json!({"type": "string"})),
            (property("name", "Edm.String", false, false), json!({"type": ["string", "null"]})),
            (property("tags", "Collection(Edm.String)", false, false), json!({"type": ["array", "null"], "items": {"type": "string"}})),
            (
                property("owner", "microsoft.graph.user", true, false),
                json!({"anyOf": [{"$ref": "#/components/schemas/microsoft.graph.user"}, {"type": "null"}], "deprecated": true}),
            ),
            (property("data", "Json", false, false), json!({})),
        ];
        for (property, expected) in cases {
            assert_eq!(property_schema(&property), expected, "{}", property.json_name);
        }
    }
}
