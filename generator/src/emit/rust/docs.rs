//! Doc comments of the generated items: page text made into rustdoc that
//! reads as plain prose, whatever the page holds. Shared by both emitters.

use proc_macro2::TokenStream;
use quote::quote;

/// Description text as doc lines, escaped so rustdoc reads it as plain prose:
/// no intra-doc links, HTML tags or code blocks can appear by accident.
pub fn doc_lines(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' | ']' | '<' | '>' | '*' | '_' | '`' | '#' | '\\' | '|' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\r' => {}
            c => escaped.push(c),
        }
    }
    escaped.lines().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect()
}

/// `#[doc = "..."]` attributes, with a blank line between paragraphs. Every
/// doc attribute goes through here: prettyplease prints them as `///` comments,
/// where a line break or a bare carriage return (a request path in the docs
/// can hold one) would end the comment or not lex, so control characters
/// become spaces.
///
/// A fenced code block (from a line `` ```... `` to the next `` ``` ``) is kept
/// line for line, and consecutive `- ` items form one list.
pub fn docs(lines: &[String]) -> TokenStream {
    let mut out = TokenStream::new();
    let mut in_code = false;
    for (i, line) in lines.iter().enumerate() {
        let item = line.starts_with("- ") && i > 0 && lines[i - 1].starts_with("- ");
        if i > 0 && !in_code && !item {
            out.extend(quote! { #[doc = ""] });
        }
        if line.starts_with("```") {
            in_code = !in_code;
        }
        let line: String = format!(" {line}").chars().map(|c| if c.is_control() && c != '\t' { ' ' } else { c }).collect();
        out.extend(quote! { #[doc = #line] });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_text_cannot_make_links_html_or_code_and_cannot_end_the_comment() {
        assert_eq!(
            doc_lines("  A [link](x) <b>bold</b> `code`\r\n\n  second  "),
            ["A \\[link\\](x) \\<b\\>bold\\</b\\> \\`code\\`", "second"]
        );
        assert!(doc_lines("   ").is_empty());
        let tokens = docs(&["one".into(), "two\rthree".into()]).to_string();
        assert_eq!(tokens, quote! { #[doc = " one"] #[doc = ""] #[doc = " two three"] }.to_string());
        let shown = |lines: &[&str]| docs(&lines.iter().map(|l| l.to_string()).collect::<Vec<_>>()).to_string();
        let code = shown(&["a", "```no_run", "let x = 1;", "", "x", "```", "b"]);
        let expected = quote! { #[doc = " a"] #[doc = ""] #[doc = " ```no_run"] #[doc = " let x = 1;"] #[doc = " "] #[doc = " x"] #[doc = " ```"] #[doc = ""] #[doc = " b"] };
        assert_eq!(code, expected.to_string(), "code blocks are kept line for line");
        assert_eq!(shown(&["- a", "- b"]), quote! { #[doc = " - a"] #[doc = " - b"] }.to_string());
    }
}
