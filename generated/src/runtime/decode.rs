//! Response bodies into typed values. A body that does not fit its type (a
//! date without an offset, a GUID that is not one) fails with the JSON path of
//! the member at fault, so the caller knows which value to fall back on
//! (`Request::with_response::<serde_json::Value>()` reads the raw JSON).

use super::error::Error;
use serde::de::DeserializeOwned;

/// Decodes a `status` response's JSON body as `T`; a blank body reads as
/// `null`. The docs contradict themselves about some answers, and the service
/// may send either form, so neither is a failure of the request:
/// - a `T` that wants no content (`()`, an operation documented to return no
///   body) takes any body (pages say `204 No Content` and show a body);
/// - an answer that says it has no content (`201`, `202` or `204` without a
///   body: what `Prefer: return=minimal` asks for, and what some examples
///   show where the page declares the entity) reads as `{}`, a value with
///   nothing set. A `200` without the body it promises is still an error.
pub fn json<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T, Error> {
    let empty = bytes.iter().all(u8::is_ascii_whitespace);
    let bytes = if empty { b"null".as_slice() } else { bytes };
    // A type that wants no content is one that reads `null` and not an
    // object (`()`), not `serde_json::Value` or an `Option`: for those a
    // broken body is still an error.
    let wants_nothing = || serde_json::from_slice::<T>(b"null").is_ok() && serde_json::from_slice::<T>(b"{}").is_err();
    let fallback = || {
        let no_content = || serde_json::from_slice(b"null").ok().filter(|_| wants_nothing());
        no_content().or_else(|| match empty && matches!(status, 201 | 202 | 204) {
            true => serde_json::from_slice(b"{}").ok(),
            false => None,
        })
    };
    serde_json::from_slice(bytes).or_else(|error| {
        fallback().ok_or_else(|| {
            // Only a failure is decoded again, tracking the path: decoding that
            // succeeds pays nothing for it.
            let mut deserializer = serde_json::Deserializer::from_slice(bytes);
            match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
                Err(tracked) => Error::Decode { status, path: Some(json_path(tracked.path())), message: tracked.into_inner().to_string() },
                Ok(_) => Error::Decode { status, path: None, message: error.to_string() },
            }
        })
    })
}

/// Decodes `value` (a `$batch` item's body, a delta entry) as `T`, naming the
/// JSON path of the member at fault like [`json`].
pub fn value<T: DeserializeOwned>(status: u16, value: &serde_json::Value) -> Result<T, Error> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|tracked| Error::Decode {
        status,
        path: Some(json_path(tracked.path())),
        message: tracked.into_inner().to_string(),
    })
}

/// `$.value[0].createdDateTime`, `$` for the body itself.
fn json_path(path: &serde_path_to_error::Path) -> String {
    let mut out = String::from("$");
    let mut segments: Vec<&serde_path_to_error::Segment> = path.iter().collect();
    // A member whose name was not read yet (the body broke off) is no member.
    while matches!(segments.last(), Some(serde_path_to_error::Segment::Unknown)) {
        segments.pop();
    }
    for segment in segments {
        match segment {
            serde_path_to_error::Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            serde_path_to_error::Segment::Map { key } | serde_path_to_error::Segment::Enum { variant: key } => {
                out.push('.');
                out.push_str(key);
            }
            serde_path_to_error::Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_type_that_wants_no_content_takes_any_body() {
        assert!(json::<()>(200, b"done").is_ok(), "a 204 page whose service answers with a body");
        assert!(json::<()>(200, br#"{"value": true}"#).is_ok());
        assert!(json::<serde_json::Value>(200, br#"{"id": "cut off"#).is_err(), "a broken body is no null");
        assert!(json::<Option<serde_json::Value>>(200, b"done").is_err());
    }
    use crate::runtime::Timestamp;

    #[derive(Debug, serde::Deserialize)]
    struct Event {
        #[serde(rename = "createdDateTime", default)]
        created_date_time: Option<Timestamp>,
    }

    #[cfg(feature = "scalars")]
    #[test]
    fn a_value_that_does_not_fit_names_its_path() {
        use crate::runtime::Page;
        let body = br#"{"value": [{"createdDateTime": "2021-07-01T08:30:00Z"}, {"createdDateTime": "2021-07-01T08:30:00"}]}"#;
        let Err(Error::Decode { status, path, message }) = json::<Page<Event>>(200, body) else { panic!("decoded") };
        assert_eq!((status, path.as_deref()), (200, Some("$.value[1].createdDateTime")));
        assert!(message.contains("2021-07-01T08:30:00") || message.contains("offset"), "{message}");
        let page: Page<Event> = json(200, br#"{"value": [{"createdDateTime": "2021-07-01T08:30:00Z"}]}"#).unwrap();
        assert_eq!(page.value[0].created_date_time.as_ref().map(|t| t.to_string()).as_deref(), Some("2021-07-01T08:30:00Z"));
    }

    #[test]
    fn blank_bodies_are_null_and_bad_json_has_no_member_path() {
        assert_eq!(json::<Option<Event>>(204, b" ").unwrap().map(|e| e.created_date_time), None);
        let Err(Error::Decode { path, .. }) = json::<Event>(200, b"{") else { panic!("decoded") };
        assert_eq!(path.as_deref(), Some("$"));
    }
}
