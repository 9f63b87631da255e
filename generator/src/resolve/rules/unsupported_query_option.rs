//! Rule: a query option the page says is not supported is not an option.
//!
//! The query-parameters section names options in lists of what works ("This
//! method supports the `$select` and `$top` OData query parameters") and in
//! statements of what does not ("`$skip` isn't supported", "doesn't support
//! `$select`", "Some operators are not supported: `$count`, `$search`"; the
//! phrases are `wording::NOT_SUPPORTED`). A statement narrowed to a case
//! ("not supported on **x**", "when using `$search`") or about properties
//! ("these properties do not support `$select`") says nothing of the method,
//! and parse leaves it with the supported ones. The statement of what does
//! not work is trusted over a list of what does: it is the later, specific
//! word, where lists are copied from page to page. An option the page names
//! both ways is reported and left out.

use crate::diagnostics::{Code, Diagnostics};
use crate::parse::page::Page;

/// The page's query options without those it says are not supported.
pub(in crate::resolve) fn options(page: &Page, diags: &mut Diagnostics) -> Vec<String> {
    let unsupported = |option: &String| page.unsupported_query_options.iter().find(|(name, _)| name == option);
    page.query_options
        .iter()
        .filter(|option| match unsupported(option) {
            Some((name, line)) => {
                let message = format!("the page names `{name}` as a query option and says it is not supported; it is left out");
                diags.report(Code::UnsupportedQueryOption, (&page.file, *line), message);
                false
            }
            None => true,
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_option_said_unsupported_is_left_out_and_a_contradiction_reported() {
        let page = Page {
            file: "api/x.md".into(),
            query_options: vec!["$select".into(), "$skip".into(), "$top".into()],
            unsupported_query_options: vec![("$skip".into(), 12), ("$count".into(), 13)],
            ..Page::default()
        };
        let mut diags = Diagnostics::default();
        assert_eq!(options(&page, &mut diags), ["$select", "$top"]);
        let reported: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert_eq!(reported.len(), 1, "`$count` was never listed: nothing contradicts: {reported:?}");
        assert!(reported[0].starts_with("api/x.md:12: warning[unsupported-query-option]"), "{reported:?}");
    }
}
