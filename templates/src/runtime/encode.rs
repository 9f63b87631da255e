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

/// Encodes a value that holds a path (`{item-path}`, the `root:/{path}:` form):
/// each segment is encoded as by [`encode_path_segment`] and the `/` between
/// them are kept, so `Reports/big file.bin` becomes `Reports/big%20file.bin`.
/// Leading and trailing `/` are dropped: the path template already has them.
pub fn encode_path(value: &str) -> String {
    value.trim_matches('/').split('/').map(encode_path_segment).collect::<Vec<_>>().join("/")
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
    fn paths_keep_their_separators_and_encode_each_segment() {
        assert_eq!(encode_path("Reports/big file.bin"), "Reports/big%20file.bin");
        assert_eq!(encode_path("/Reports/Q1/"), "Reports/Q1");
        assert_eq!(encode_path("a?b/c#d/e%f"), "a%3Fb/c%23d/e%25f");
        assert_eq!(encode_path("Docs/Résumé.docx"), "Docs/R%C3%A9sum%C3%A9.docx");
        assert_eq!(encode_path("one"), "one");
    }

    #[test]
    fn query_components() {
        assert_eq!(encode_query_component("$filter"), "$filter");
        assert_eq!(encode_query_component("name eq 'a&b'"), "name%20eq%20'a%26b'");
    }
}
