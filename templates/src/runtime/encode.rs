//! Percent-encoding for path segments and query strings (RFC 3986 unreserved
//! characters pass through; everything else is encoded byte by byte).

use std::fmt::Write;

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn encode(text: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if is_unreserved(b) || keep(b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Encodes a value substituted into one path segment: `/` and `?` cannot leak out.
pub fn encode_path_segment(value: &str) -> String {
    encode(value, |b| matches!(b, b'@' | b':' | b'$' | b'\'' | b'(' | b')' | b'=' | b','))
}

/// Encodes a query-string name or value. `$` stays readable for OData options.
pub(crate) fn encode_query_component(value: &str) -> String {
    encode(value, |b| matches!(b, b'$' | b'\'' | b'(' | b')' | b',' | b':' | b'@' | b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_cannot_escape() {
        assert_eq!(encode_path_segment("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
        assert_eq!(encode_path_segment("user@contoso.com"), "user@contoso.com");
        assert_eq!(encode_path_segment("AAMk=="), "AAMk==");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }

    #[test]
    fn query_components() {
        assert_eq!(encode_query_component("$filter"), "$filter");
        assert_eq!(encode_query_component("name eq 'a&b'"), "name%20eq%20'a%26b'");
    }
}
