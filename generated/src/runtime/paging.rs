//! Collections come back one page at a time; `@odata.nextLink` names the next.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// One page of a collection: `value` holds its items, `next_link` the URL of
/// the next page (absent on the last).
///
/// `Deserialize` is written by hand so that each item goes straight into
/// `value`: serde's `Vec` visitor returns every item as an `Option` first,
/// one more copy of each (2.5 KB for a `User`) than pushing it as it is read.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub value: Vec<T>,
    pub next_link: Option<String>,
    pub delta_link: Option<String>,
    pub count: Option<i64>,
}

/// `value`, then the links and the count that are set (written by hand: the
/// crate without `client` builds without `serde_derive`).
impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let set = [self.next_link.is_some(), self.delta_link.is_some(), self.count.is_some()];
        let mut page = serializer.serialize_struct("Page", 1 + set.iter().filter(|s| **s).count())?;
        page.serialize_field("value", &self.value)?;
        if let Some(link) = &self.next_link {
            page.serialize_field("@odata.nextLink", link)?;
        }
        if let Some(link) = &self.delta_link {
            page.serialize_field("@odata.deltaLink", link)?;
        }
        if let Some(count) = &self.count {
            page.serialize_field("@odata.count", count)?;
        }
        page.end()
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page { value: Vec::new(), next_link: None, delta_link: None, count: None }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PageVisitor(PhantomData))
    }
}

struct PageVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for PageVisitor<T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a page of a collection (an object with `value`)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
        let mut page = Page::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match &*key {
                "value" => map.next_value_seed(Items(&mut page.value))?,
                "@odata.nextLink" => page.next_link = map.next_value()?,
                "@odata.deltaLink" => page.delta_link = map.next_value()?,
                "@odata.count" => page.count = map.next_value()?,
                // `@odata.context` and any other annotation of the page.
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(page)
    }
}

/// The `value` array, each item pushed onto the page's `Vec` as it is read.
struct Items<'a, T>(&'a mut Vec<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Items<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Items<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of items")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        // A page that says `value` twice keeps the last, as a derived decoder would.
        self.0.clear();
        while seq.next_element_seed(Push(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

struct Push<'a, T>(&'a mut Vec<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Push<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.0.push(T::deserialize(deserializer)?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_links_and_count_are_read_and_other_annotations_skipped() {
        let page: Page<i32> = serde_json::from_str(
            r#"{"@odata.context": "https://x/$metadata#things", "@odata.count": 3, "value": [1, 2, 3], "@odata.deltaLink": "https://x/delta", "@odata.nextLink": null}"#,
        )
        .unwrap();
        assert_eq!(
            (page.value, page.count, page.delta_link.as_deref(), page.next_link),
            (vec![1, 2, 3], Some(3), Some("https://x/delta"), None)
        );
        let empty: Page<i32> = serde_json::from_str(r#"{"@odata.context": "https://x/$metadata#things"}"#).unwrap();
        assert_eq!(empty, Page::default(), "a page without `value` has no items");
    }

    #[test]
    fn an_item_that_does_not_fit_is_an_error_with_its_place() {
        let error = serde_json::from_str::<Page<i32>>(r#"{"value": [1, "two"]}"#).unwrap_err();
        assert_eq!((error.line(), error.column()), (1, 19), "{error}");
        assert!(serde_json::from_str::<Page<i32>>(r#"{"value": {"not": "an array"}}"#).is_err());
        assert!(serde_json::from_str::<Page<i32>>(r#"[1, 2]"#).is_err());
    }

    #[test]
    fn reads_next_links() {
        let page: Page<String> = serde_json::from_str(r#"{"value": ["a"], "@odata.nextLink": "https://x/next"}"#).unwrap();
        assert_eq!(page.value, ["a"]);
        assert_eq!(page.next_link.as_deref(), Some("https://x/next"));
    }
}
