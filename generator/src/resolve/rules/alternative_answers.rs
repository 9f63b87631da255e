//! Rule: a page that documents more than one answer for the same request.
//!
//! Some requests answer differently when the request asks so: a usage report
//! is a CSV behind a `302` by default and JSON with `$format=application/json`;
//! a planner update is `204` by default and the updated object with `Prefer:
//! return=representation`. Pages show such an answer as an example whose
//! request sets the query option or the header. Each response example is read
//! with the request example before it: those whose request sets nothing
//! document the default answer (with the response sentence, which speaks of
//! the default), and each query option or preference that a request sets
//! documents another answer, read by the same response rules from its own
//! examples. The model keeps both: the default first, then each alternative
//! with what the request sets (`ResponseSpec::when`), unless it is the same
//! answer.

use crate::model::{Condition, ConditionKind};
use crate::parse::page::{ExampleRole, Page};

/// The query options whose value changes the answer's format.
const FORMAT_OPTIONS: &[&str] = &["$format"];
/// The header whose `return=` preference changes the answer's body.
const PREFER: &str = "Prefer";

/// What the request example sets that selects another answer, if anything.
fn condition(page: &Page, index: usize) -> Option<Condition> {
    let message = page.examples[index].message.as_ref()?;
    let query = message.request.as_ref().and_then(|r| r.query.as_deref()).unwrap_or("");
    let option = query.split('&').filter_map(|pair| pair.split_once('=')).find(|(name, _)| FORMAT_OPTIONS.contains(&name.trim()));
    if let Some((name, value)) = option {
        return Some(Condition { set: ConditionKind::Query, name: name.trim().to_owned(), value: value.trim().to_owned() });
    }
    let (name, value) =
        message.headers.iter().find(|(name, value)| name.eq_ignore_ascii_case(PREFER) && value.trim().starts_with("return="))?;
    Some(Condition { set: ConditionKind::Header, name: name.clone(), value: value.trim().to_owned() })
}

/// Each example's condition: a request's own, a response's that of the request before it.
fn conditions(page: &Page) -> Vec<Option<Condition>> {
    let mut current = None;
    let mut out = Vec::with_capacity(page.examples.len());
    for (i, example) in page.examples.iter().enumerate() {
        if example.role == ExampleRole::Request {
            current = condition(page, i);
        }
        out.push(current.clone());
    }
    out
}

/// The page's answers: the default one (a copy of the page holding only the
/// examples of the default request, or `None` when it has no alternative and
/// is read as it is), then each alternative with a copy holding its examples.
pub(in crate::resolve) fn split(page: &Page) -> (Option<Page>, Vec<(Condition, Page)>) {
    let conditions = conditions(page);
    let mut alternatives: Vec<Condition> = Vec::new();
    for (example, condition) in page.examples.iter().zip(&conditions) {
        if let (ExampleRole::Response, Some(condition)) = (example.role, condition) {
            if !alternatives.contains(condition) {
                alternatives.push(condition.clone());
            }
        }
    }
    if alternatives.is_empty() {
        return (None, Vec::new());
    }
    let only = |wanted: Option<&Condition>| {
        let examples = page.examples.iter().zip(&conditions).filter(|(_, c)| c.as_ref() == wanted).map(|(e, _)| e.clone()).collect();
        Page { examples, ..page.clone() }
    };
    let pages = alternatives.iter().map(|c| (c.clone(), only(Some(c)))).collect();
    (Some(only(None)), pages)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{request_example, response_example};
    use super::*;

    #[test]
    fn a_request_that_sets_the_format_or_a_return_preference_has_an_answer_of_its_own() {
        let page = Page {
            examples: vec![
                request_example("GET /reports/getUsage(period='D7')\n"),
                response_example("HTTP/1.1 302 Found\nLocation: https://x/r.csv\n"),
                request_example("GET /reports/getUsage(period='D7')?$format=application/json\n"),
                response_example("HTTP/1.1 200 OK\n\n{\"value\": []}\n"),
                request_example("PATCH /planner/tasks/1\nPrefer: return=representation\n\n{}\n"),
                response_example("HTTP/1.1 200 OK\n\n{\"id\": \"1\"}\n"),
            ],
            ..Page::default()
        };
        let (default, alternatives) = split(&page);
        assert_eq!(default.map(|p| p.examples.len()), Some(2));
        let spelled: Vec<(String, usize)> = alternatives.iter().map(|(c, p)| (c.spelled(), p.examples.len())).collect();
        assert_eq!(spelled, [("$format=application/json".to_owned(), 2), ("Prefer: return=representation".to_owned(), 2)]);
        let plain = Page { examples: page.examples[..2].to_vec(), ..Page::default() };
        assert_eq!(split(&plain), (None, Vec::new()), "one answer: the page is read as it is");
    }
}
