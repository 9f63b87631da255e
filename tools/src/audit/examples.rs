//! Response examples against the exported OpenAPI schemas: does what the docs
//! show a response to look like fit the schema the generator exported for it?
//!
//! Two figures. `response examples valid` follows JSON Schema as the export
//! writes it: the schemas do not forbid undeclared members (the generated
//! types keep them in `additional_properties`), so only values of the wrong
//! type or outside an enum fail. `response examples fully declared` is stricter
//! than OpenAPI: a member the schema does not declare fails too (instance
//! annotations such as `@odata.context` excepted), so a property the docs
//! forgot to list, or a wrapper they added, is caught. Both accept `null` for
//! any property (OData properties are nullable unless stated otherwise).

use super::csdl::{bare_item_name, Csdl};
use super::docs::DocsTree;
use super::metrics::{Disagreement, Figure, Outcome, Ratio, Verdict};
use docgen::diagnostics::Diagnostics;
use docgen::emit::openapi::type_ref_schema;
use docgen::load::SourceFile;
use docgen::model::{ApiModel, TypeRef};
use docgen::parse::page::ExampleRole;
use docgen::parse::parse_page;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const VALID: &str = "For every operation page with a JSON response example, the example body is validated against the \
response schema the OpenAPI export gives that page's first operation for the example's status. Validation follows JSON Schema \
(type, properties, items, enum, allOf, $ref; members the schema does not declare are allowed, as the exported schemas do not \
forbid them), and `null` is allowed for properties. agreement = examples that validate / examples checked. Every failure is \
listed as a doc defect with the member and value that fail (the model follows the page's tables; see the strict figure below).";

const DECLARED: &str = "The same examples and schemas, with one rule added: a member the schema does not declare fails \
(except `@` annotations). This catches members the page's tables omit and single objects wrapped in `value`. agreement = \
examples that validate / examples checked.";

/// Both figures, from one pass over the examples: (valid, fully declared).
pub fn response_examples(model: &ApiModel, csdl: &Csdl, tree: &DocsTree) -> (Outcome, Outcome) {
    let document = docgen::emit::openapi::openapi(model, "audit");
    let schemas = lowercase_keys(document["components"]["schemas"].as_object().cloned().unwrap_or_default());
    let csdl_schemas = lowercase_keys(csdl_schemas(csdl));
    let mut first_op: BTreeMap<&str, &docgen::model::Operation> = BTreeMap::new();
    for op in &model.operations {
        first_op.entry(op.source.file.as_str()).or_insert(op);
    }
    let lax = Validator { schemas: &schemas, strict: false };
    let strict = Validator { schemas: &schemas, strict: true };
    let csdl_lax = Validator { schemas: &csdl_schemas, strict: false };
    let csdl_strict = Validator { schemas: &csdl_schemas, strict: true };
    let (mut valid, mut declared) = (Tally::default(), Tally::default());
    let (mut csdl_valid, mut csdl_declared) = (Tally::default(), Tally::default());
    for (file, op) in &first_op {
        let Some(text) = tree.text(file) else { continue };
        let Some((status, body, line)) = response_example(file, text) else { continue };
        let Some(schema) = document["paths"][&op.path][op.method.as_str().to_ascii_lowercase()]["responses"][status.to_string()]["content"]
            ["application/json"]["schema"]
            .as_object()
        else {
            continue;
        };
        let schema = Value::Object(schema.clone());
        let at = format!("{file}:{line}");
        valid.record(lax.check(&body, &schema, "$"), &at);
        declared.record(strict.check(&body, &schema, "$"), &at);
        csdl_valid.record(csdl_lax.check(&body, &schema, "$"), &at);
        csdl_declared.record(csdl_strict.check(&body, &schema, "$"), &at);
    }
    let pages = first_op.len();
    let mut valid = valid.outcome("response_examples", "response examples valid", VALID, pages);
    let mut declared = declared.outcome("response_examples_declared", "response examples fully declared", DECLARED, pages);
    valid.figure.notes.push(csdl_baseline(&csdl_valid));
    declared.figure.notes.push(csdl_baseline(&csdl_declared));
    (valid, declared)
}

/// The answer key under the same rules: the same examples and response
/// schemas, but every referenced type as the CSDL defines it.
fn csdl_baseline(tally: &Tally) -> String {
    let percent = Ratio::new(tally.passed, tally.checked).percent().unwrap_or(0.0);
    format!(
        "baseline: the CSDL's own definitions of the same types validate {percent:.1}% ({}/{}) under the same rules (a type the CSDL lacks fails)",
        tally.passed, tally.checked
    )
}

/// The CSDL's entity, complex and enum types as schemas of the export's shape.
fn csdl_schemas(csdl: &Csdl) -> Map<String, Value> {
    let mut schemas = Map::new();
    for t in csdl.types.values() {
        let properties: Map<String, Value> =
            t.properties.iter().map(|p| (p.name.clone(), p.ty.parse::<TypeRef>().map_or(json!({}), |ty| type_ref_schema(&ty)))).collect();
        let mut own = json!({ "type": "object", "properties": properties });
        if t.open {
            own["additionalProperties"] = json!(true);
        }
        let schema = match &t.base {
            Some(base) => json!({ "allOf": [{ "$ref": format!("#/components/schemas/{base}") }, own] }),
            None if bare_item_name(&t.qualified) == "Json" && t.properties.is_empty() => json!({}),
            None => own,
        };
        schemas.insert(t.qualified.clone(), schema);
    }
    for e in csdl.enums.values() {
        schemas.insert(e.qualified.clone(), json!({ "type": "string", "enum": e.members }));
    }
    schemas
}

fn lowercase_keys(map: Map<String, Value>) -> Map<String, Value> {
    map.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect()
}

#[derive(Default)]
struct Tally {
    checked: usize,
    passed: usize,
    failures: BTreeMap<String, Vec<(String, String)>>,
}

impl Tally {
    fn record(&mut self, result: Result<(), String>, at: &str) {
        self.checked += 1;
        match result {
            Ok(()) => self.passed += 1,
            Err(reason) => self.failures.entry(reason_kind(&reason)).or_default().push((at.to_owned(), reason)),
        }
    }

    fn outcome(self, key: &'static str, label: &'static str, definition: &'static str, pages: usize) -> Outcome {
        let mut disagreements: Vec<Disagreement> = self
            .failures
            .into_iter()
            .map(|(kind, items)| Disagreement {
                metric: key,
                verdict: Verdict::DocDefect,
                count: items.len(),
                weight: items.len(),
                subject: kind,
                detail: items.iter().take(4).map(|(at, why)| format!("{at}: {why}")).collect::<Vec<_>>().join("; "),
                evidence: items[0].0.clone(),
            })
            .collect();
        disagreements.sort_by(|a, b| b.count.cmp(&a.count).then(a.subject.cmp(&b.subject)));
        let figure = Figure {
            key,
            label,
            definition,
            recall: None,
            precision: None,
            agreement: Some(Ratio::new(self.passed, self.checked)),
            notes: vec![format!("{} response examples checked on {pages} operation pages", self.checked)],
        };
        Outcome { figure, disagreements }
    }
}

/// The first response example of a page with a JSON body: (status, body, line).
fn response_example(file: &str, text: &str) -> Option<(u16, Value, u32)> {
    let mut diags = Diagnostics::default();
    let page = parse_page(&SourceFile { path: file.to_owned(), text: text.to_owned() }, &mut diags);
    let example = page.examples.iter().find(|e| e.role == ExampleRole::Response)?;
    let status = example.message.as_ref()?.status.as_ref()?.status;
    let (value, line) = example.json()?;
    Some((status, value.clone(), line))
}

/// Groups failures by what failed: "undeclared member `x`" keeps the member,
/// value mismatches group by kind ("expected integer").
fn reason_kind(reason: &str) -> String {
    let what = reason.split_once(": ").map_or(reason, |(_, w)| w);
    if what.starts_with("undeclared member") {
        what.to_owned()
    } else {
        what.split(" `").next().unwrap_or(what).to_owned()
    }
}

struct Validator<'a> {
    schemas: &'a Map<String, Value>,
    /// Undeclared members fail.
    strict: bool,
}

impl Validator<'_> {
    /// Schemas are keyed in lower case: the CSDL and the docs do not always
    /// agree on a name's case (`microsoft.graph.workbookRange`).
    fn lookup(&self, name: &str) -> Option<&Value> {
        self.schemas.get(&name.to_ascii_lowercase())
    }

    fn check(&self, value: &Value, schema: &Value, at: &str) -> Result<(), String> {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap_or("");
            let target = self.lookup(name).ok_or_else(|| format!("{at}: unresolved `{reference}`"))?;
            if let Some(concrete) = self.derived_named_by(value, name) {
                return self.check_object(value, concrete, at);
            }
            return self.check(value, target, at);
        }
        if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
            let errors: Vec<String> = options.iter().filter_map(|o| self.check(value, o, at).err()).collect();
            return if errors.len() < options.len() { Ok(()) } else { Err(errors.into_iter().next().unwrap_or_default()) };
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !value.is_null() && !allowed.contains(value) {
                return Err(format!("{at}: value not among the enum members `{value}`"));
            }
            return Ok(());
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") | None if schema.get("allOf").is_some() || schema.get("properties").is_some() => {
                self.check_object(value, schema, at)
            }
            Some("object") => match value {
                Value::Object(_) | Value::Null => Ok(()),
                other => Err(format!("{at}: expected an object `{}`", short(other))),
            },
            Some("array") => match value {
                Value::Array(items) => {
                    let item_schema = schema.get("items").cloned().unwrap_or(Value::Bool(true));
                    items.iter().enumerate().try_for_each(|(i, item)| self.check(item, &item_schema, &format!("{at}[{i}]")))
                }
                Value::Null => Ok(()),
                other => Err(format!("{at}: expected an array `{}`", short(other))),
            },
            Some(primitive) => check_primitive(value, primitive, at),
            None => Ok(()),
        }
    }

    /// A value of schema `name` may be of a type derived from it, named by its
    /// `@odata.type` (OData polymorphism): that type's schema, if it is one.
    fn derived_named_by(&self, value: &Value, name: &str) -> Option<&Value> {
        let named = value.get("@odata.type")?.as_str()?.trim_start_matches('#');
        let (concrete_name, concrete) = self.schemas.iter().find(|(n, _)| n.eq_ignore_ascii_case(named))?;
        (!concrete_name.eq_ignore_ascii_case(name) && self.inherits(concrete, name, 0)).then_some(concrete)
    }

    fn inherits(&self, schema: &Value, ancestor: &str, depth: usize) -> bool {
        depth < 32
            && schema.get("allOf").and_then(Value::as_array).into_iter().flatten().any(|part| {
                let Some(base) = part.get("$ref").and_then(Value::as_str).map(|r| r.rsplit('/').next().unwrap_or("")) else { return false };
                base.eq_ignore_ascii_case(ancestor) || self.lookup(base).is_some_and(|b| self.inherits(b, ancestor, depth + 1))
            })
    }

    /// Whether the schema or anything it inherits allows undeclared members
    /// (`additionalProperties: true`, the export's mark of an open type).
    fn is_open(&self, schema: &Value, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        if schema.get("additionalProperties") == Some(&Value::Bool(true)) {
            return true;
        }
        let referenced = schema.get("$ref").and_then(Value::as_str).and_then(|r| self.lookup(r.rsplit('/').next().unwrap_or("")));
        referenced.is_some_and(|target| self.is_open(target, depth + 1))
            || schema.get("allOf").and_then(Value::as_array).into_iter().flatten().any(|part| self.is_open(part, depth + 1))
    }

    /// Properties of the schema and of everything it inherits (`allOf`).
    fn declared(&self, schema: &Value, into: &mut Map<String, Value>) {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if let Some(target) = self.lookup(reference.rsplit('/').next().unwrap_or("")) {
                self.declared(target, into);
            }
        }
        for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.declared(part, into);
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            into.extend(properties.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }

    fn check_object(&self, value: &Value, schema: &Value, at: &str) -> Result<(), String> {
        let object = match value {
            Value::Object(object) => object,
            Value::Null => return Ok(()),
            other => return Err(format!("{at}: expected an object `{}`", short(other))),
        };
        let mut declared = Map::new();
        self.declared(schema, &mut declared);
        let open = !self.strict || self.is_open(schema, 0);
        for (key, member) in object {
            if key.contains('@') {
                continue;
            }
            match declared.get(key) {
                Some(member_schema) if member.is_null() => {
                    let _ = member_schema;
                }
                Some(member_schema) => self.check(member, member_schema, &format!("{at}.{key}"))?,
                None if !open => return Err(format!("{at}: undeclared member `{key}`")),
                None => {}
            }
        }
        Ok(())
    }
}

fn check_primitive(value: &Value, primitive: &str, at: &str) -> Result<(), String> {
    let fits = match primitive {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        // OData writes INF/NaN and, with IEEE754Compatible, numbers as strings.
        "number" => value.is_number() || value.is_string(),
        _ => true,
    };
    if fits || value.is_null() {
        Ok(())
    } else {
        Err(format!("{at}: expected {primitive} `{}`", short(value)))
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 40 {
        format!("{}...", &text[..text.char_indices().nth(40).map_or(text.len(), |(i, _)| i)])
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schemas() -> Value {
        json!({"ns.base": {"type": "object", "properties": {"id": {"type": "string"}}}, "ns.color": {"type": "string", "enum": ["red"]}})
    }

    fn validate(value: Value, schema: Value) -> Result<(), String> {
        Validator { schemas: schemas().as_object().unwrap(), strict: true }.check(&value, &schema, "$")
    }

    #[test]
    fn json_schema_semantics_allow_undeclared_members_but_not_wrong_values() {
        let schemas = schemas();
        let lax = Validator { schemas: schemas.as_object().unwrap(), strict: false };
        let base = json!({"$ref": "#/components/schemas/ns.base"});
        assert_eq!(lax.check(&json!({"id": "a", "extra": 1}), &base, "$"), Ok(()));
        assert_eq!(lax.check(&json!({"id": 1, "extra": 1}), &base, "$"), Err("$.id: expected string `1`".into()));
        assert_eq!(lax.check(&json!({"value": {"id": 7}}), &base, "$"), Ok(()), "a wrapper is only an undeclared member");
        let strict = Validator { schemas: schemas.as_object().unwrap(), strict: true };
        let open = json!({"type": "object", "properties": {}, "additionalProperties": true});
        assert_eq!(strict.check(&json!({"fbab97d0-4932": {}}), &open, "$"), Ok(()), "an open type declares any member");
    }

    #[test]
    fn strict_objects_with_inheritance() {
        let derived = json!({"allOf": [{"$ref": "#/components/schemas/ns.base"}, {"type": "object", "properties": {"n": {"type": "integer"}, "c": {"$ref": "#/components/schemas/ns.color"}}}]});
        assert_eq!(validate(json!({"id": "a", "n": 2, "c": "red", "@odata.type": "#ns.derived"}), derived.clone()), Ok(()));
        assert_eq!(validate(json!({"id": null, "n": null}), derived.clone()), Ok(()));
        assert_eq!(validate(json!({"n": 1.5}), derived.clone()), Err("$.n: expected integer `1.5`".into()));
        assert_eq!(validate(json!({"c": "blue"}), derived.clone()), Err("$.c: value not among the enum members `\"blue\"`".into()));
        assert_eq!(validate(json!({"extra": 1}), derived), Err("$: undeclared member `extra`".into()));
    }

    #[test]
    fn collections() {
        let page = json!({"type": "object", "properties": {"value": {"type": "array", "items": {"type": "string"}}}});
        assert_eq!(validate(json!({"value": ["a"], "@odata.nextLink": "x"}), page.clone()), Ok(()));
        assert_eq!(validate(json!({"value": [1]}), page), Err("$.value[0]: expected string `1`".into()));
    }

    #[test]
    fn failures_group_by_kind() {
        assert_eq!(reason_kind("$.a: undeclared member `x`"), "undeclared member `x`");
        assert_eq!(reason_kind("$.value[0].n: expected integer `1.5`"), "expected integer");
    }
}
