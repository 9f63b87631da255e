//! Collections come back one page at a time; `@odata.nextLink` names the next.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>", serialize = "T: Serialize"))]
pub struct Page<T> {
    #[serde(default)]
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default, skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
    #[serde(rename = "@odata.deltaLink", default, skip_serializing_if = "Option::is_none")]
    pub delta_link: Option<String>,
    #[serde(rename = "@odata.count", default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page { value: Vec::new(), next_link: None, delta_link: None, count: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_next_links() {
        let page: Page<String> = serde_json::from_str(r#"{"value": ["a"], "@odata.nextLink": "https://x/next"}"#).unwrap();
        assert_eq!(page.value, ["a"]);
        assert_eq!(page.next_link.as_deref(), Some("https://x/next"));
    }
}
