//! The JSON annotations in HTML comments that precede example blocks:
//! `<!-- { "blockType": "response", "@odata.type": "microsoft.graph.x" } -->`.

use super::json::parse_lenient;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotation {
    pub block_type: Option<String>,
    pub name: Option<String>,
    pub odata_type: Option<String>,
    pub is_collection: bool,
    pub truncated: bool,
    /// `"target": "action"` on a request: it calls an action or function.
    pub targets_call: bool,
    /// `"openType": true` on a resource: the type takes members beyond its documented ones.
    pub open_type: bool,
    pub raw: Map<String, Value>,
}

/// `None` when the comment is not an annotation at all (`<!-- CRUD Methods -->`);
/// `Some(Err)` when it looks like one but its JSON is broken.
pub fn parse(html: &str) -> Option<Result<Annotation, String>> {
    let inner = html.trim().strip_prefix("<!--")?;
    let inner = inner.trim_end().strip_suffix("-->").unwrap_or(inner).trim();
    if !inner.starts_with('{') {
        return None;
    }
    Some(match parse_lenient(inner) {
        Ok((Value::Object(raw), _)) => Ok(from_map(raw)),
        Ok(_) => Err("the annotation is not a JSON object".to_owned()),
        Err(err) => Err(err.message),
    })
}

fn from_map(raw: Map<String, Value>) -> Annotation {
    let text = |key: &str| raw.get(key).and_then(Value::as_str).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let flag = |key: &str| match raw.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
    Annotation {
        block_type: text("blockType").map(|s| s.to_ascii_lowercase()),
        name: text("name"),
        // A few pages write `@type` for `@odata.type`.
        odata_type: text("@odata.type").or_else(|| text("@type")),
        is_collection: flag("isCollection"),
        truncated: flag("truncated"),
        targets_call: text("target").is_some_and(|t| t.eq_ignore_ascii_case("action")),
        open_type: flag("openType"),
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_known_keys() {
        let a = parse("<!-- {\n \"blockType\": \"response\",\n \"truncated\": true,\n \"@odata.type\": \"microsoft.graph.user\",\n \"isCollection\": \"true\",\n} -->").unwrap().unwrap();
        assert_eq!(a.block_type.as_deref(), Some("response"));
        assert_eq!(a.odata_type.as_deref(), Some("microsoft.graph.user"));
        assert!(a.is_collection && a.truncated);
        let short = parse(r#"<!-- { "blockType": "response", "@type": "microsoft.graph.site" } -->"#).unwrap().unwrap();
        assert_eq!(short.odata_type.as_deref(), Some("microsoft.graph.site"));
        assert!(!short.targets_call);
        let call = parse(r#"<!-- { "blockType": "request", "name": "recent", "target": "action" } -->"#).unwrap().unwrap();
        assert!(call.targets_call);
        let open = parse(r#"<!-- { "blockType": "resource", "openType": true } -->"#).unwrap().unwrap();
        assert!(open.open_type && !call.open_type);
    }

    #[test]
    fn plain_comments_are_not_annotations() {
        assert_eq!(parse("<!-- CRUD Methods -->"), None);
        assert!(parse("<!-- { \"blockType\": } -->").unwrap().is_err());
    }
}
