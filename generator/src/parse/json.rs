//! Lenient JSON for doc examples: comments, `...` elisions and trailing commas
//! are common in hand-written examples and are removed before strict parsing.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    /// 1-based line inside the parsed text.
    pub line: u32,
    pub message: String,
}

/// Parses `text`; `repaired` tells whether anything had to be removed first.
pub fn parse_lenient(text: &str) -> Result<(Value, bool), JsonError> {
    let cleaned = clean(text);
    let repaired = cleaned != text;
    serde_json::from_str(&cleaned)
        .map(|value| (value, repaired))
        .map_err(|err| JsonError { line: err.line().max(1) as u32, message: err.to_string() })
}

/// Removes comments and elisions outside strings (keeping line breaks so error
/// lines still match), then trailing commas.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut in_string = false;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            out.push(c);
            if c == '\\' && i + 1 < chars.len() {
                out.push(chars[i + 1]);
                i += 1;
            } else if c == '"' || c == '\n' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
                i += 1;
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    if chars[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
                i += 2;
            }
            '.' if chars.get(i + 1) == Some(&'.') => {
                while i < chars.len() && chars[i] == '.' {
                    i += 1;
                }
            }
            '…' => i += 1,
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    remove_stray_commas(&out)
}

/// Drops commas directly before `}`/`]`, doubled commas and commas right after `{`/`[`
/// (what is left once elisions are removed).
fn remove_stray_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut last_significant: Option<char> = None;
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            if c == '"' && !is_escaped(&chars, i) || c == '\n' {
                in_string = false;
                last_significant = Some('"');
            }
            continue;
        }
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            let before_close = matches!(next, Some('}') | Some(']') | Some(',') | None);
            let after_open = matches!(last_significant, Some('{') | Some('[') | None);
            if before_close || after_open {
                continue;
            }
        }
        if c == '"' {
            in_string = true;
        }
        if !c.is_whitespace() {
            last_significant = Some(c);
        }
        out.push(c);
    }
    out
}

fn is_escaped(chars: &[char], index: usize) -> bool {
    let backslashes = chars[..index].iter().rev().take_while(|&&c| c == '\\').count();
    backslashes % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strict_json_is_not_marked_repaired() {
        assert_eq!(parse_lenient(r#"{"a": [1, 2]}"#).unwrap(), (json!({"a": [1, 2]}), false));
    }

    #[test]
    fn comments_elisions_and_trailing_commas_are_removed() {
        let text =
            "{\n  // a comment\n  \"a\": \"x // not a comment\",\n  \"b\": [1, 2, ...],\n  /* block */ \"c\": {\"d\": true,},\n  ...\n}";
        let (value, repaired) = parse_lenient(text).unwrap();
        assert!(repaired);
        assert_eq!(value, json!({"a": "x // not a comment", "b": [1, 2], "c": {"d": true}}));
    }

    #[test]
    fn unicode_ellipsis_and_leading_elision() {
        let (value, _) = parse_lenient("{ \"value\": [ …, {\"id\": \"1\"} ] }").unwrap();
        assert_eq!(value, json!({"value": [{"id": "1"}]}));
    }

    #[test]
    fn strings_with_escaped_quotes_survive() {
        let (value, _) = parse_lenient(r#"{"a": "say \"hi\", ok",}"#).unwrap();
        assert_eq!(value, json!({"a": "say \"hi\", ok"}));
    }

    #[test]
    fn errors_report_the_line() {
        let err = parse_lenient("{\n\"a\": 1\n\"b\": 2\n}").unwrap_err();
        assert_eq!(err.line, 3);
    }
}
