//! Rule: two pages that list the same request.
//!
//! Pages list requests that other pages document (a page on extended
//! properties lists `POST .../reply`, which `post: reply` documents). When
//! several pages list one (method, path), the page about that request is
//! kept, by `PREFERENCE`: its title names the path's last segment as its
//! call; else its title's verb is the method's usual meaning (`Update x` for
//! PATCH; `List x` does not fit a path that ends in a key); else its title
//! names the resource the path addresses (`Get message` for
//! `/me/messages/{id}`, not `Get eventMessage`); else it lists fewer
//! requests; else it comes first in page order. A form only a request
//! example shows (`example_only_request`) ranks below every documented line.
//! The others are reported.
//! One page listing a path twice (with different query strings) documents one
//! endpoint: that is not a duplicate.

use super::super::operations::{title_action, Title};
use super::super::paths::{is_key, last_name, singular};
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{HttpMethod, Operation, OperationKind};
use std::cmp::Ordering;

/// How well a page fits an operation it lists: the evidence `PREFERENCE` weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::resolve) struct Fit {
    /// The title names the path's last segment as its call.
    names_call: bool,
    /// The title's verb is the method's usual meaning.
    states_kind: bool,
    /// The title's subject is the resource the path addresses (its last collection or name).
    names_resource: bool,
    /// How many requests the page lists.
    requests: usize,
}

type Criterion = fn(&Fit, &Fit) -> Ordering;

/// What decides between two pages, most decisive first: the first that
/// tells them apart picks the page (`Greater`: the first page fits better).
const PREFERENCE: &[(&str, Criterion)] = &[
    ("the title names the call", |a, b| a.names_call.cmp(&b.names_call)),
    ("the title's verb is the method's", |a, b| a.states_kind.cmp(&b.states_kind)),
    ("the title names the path's resource", |a, b| a.names_resource.cmp(&b.names_resource)),
    ("fewer requests listed", |a, b| b.requests.cmp(&a.requests)),
];

impl Fit {
    pub(in crate::resolve) fn of(title: &str, parsed: &Title, method: HttpMethod, path: &str, requests: usize) -> Fit {
        let last = last_name(path);
        let names_call = title_action(title).is_some_and(|name| name.eq_ignore_ascii_case(last));
        // A key addresses one item: `List x` pages do not fit `GET .../x/{id}`.
        let keyed = is_key(last);
        let states_kind = matches!(
            (parsed.kind, method),
            (Some(OperationKind::Get), HttpMethod::Get)
                | (Some(OperationKind::Create), HttpMethod::Post | HttpMethod::Put)
                | (Some(OperationKind::Update), HttpMethod::Patch | HttpMethod::Put)
                | (Some(OperationKind::Delete), HttpMethod::Delete)
        ) || (parsed.kind == Some(OperationKind::List) && method == HttpMethod::Get && !keyed);
        let names_resource = addressed_resource(path).is_some_and(|resource| subject_word(&parsed.subject) == Some(resource));
        Fit { names_call, states_kind, names_resource, requests }
    }

    fn compare(&self, other: &Fit) -> Ordering {
        PREFERENCE.iter().map(|(_, criterion)| criterion(self, other)).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
    }
}

/// `message` for `/me/messages/{id}` and `/me/messages/{id}/$value`: the
/// singular of the last segment that is neither a key nor an OData segment.
fn addressed_resource(path: &str) -> Option<String> {
    let mut segments = path.split('/').map(|s| s.split('(').next().unwrap_or(s));
    let name = segments.rfind(|s| !s.is_empty() && !is_key(s) && !s.starts_with('$'))?;
    Some(singular(&name.to_ascii_lowercase()))
}

/// `message` for the subjects `message`, `a message` and `messages`.
fn subject_word(subject: &str) -> Option<String> {
    let word = subject.split_whitespace().find(|w| !matches!(w.to_ascii_lowercase().as_str(), "a" | "an" | "the"))?;
    Some(singular(&word.to_ascii_lowercase()))
}

/// One operation per (method, path) of `sorted` (sorted by path, method, source):
/// the best fit, the first in page order among equals; the others reported.
pub(in crate::resolve) fn keep_best(sorted: &[(Operation, Fit)], diags: &mut Diagnostics) -> Vec<Operation> {
    let mut kept: Vec<Operation> = Vec::with_capacity(sorted.len());
    for group in sorted.chunk_by(|(a, _), (b, _)| a.path == b.path && a.method == b.method) {
        // A form only an example shows never wins over a documented line.
        let better = |a: &(Operation, Fit), b: &(Operation, Fit)| (!a.0.example_only).cmp(&!b.0.example_only).then(a.1.compare(&b.1));
        let best = (1..group.len()).fold(0, |best, i| if better(&group[i], &group[best]).is_gt() { i } else { best });
        let winner = &group[best].0;
        for (i, (op, _)) in group.iter().enumerate() {
            // One page listing the same path with different query strings documents
            // one endpoint; only a second page documenting it is a defect.
            if i == best || op.source.file == winner.source.file {
                continue;
            }
            diags.report(
                Code::DuplicateOperation,
                &op.source,
                format!("`{} {}` is also documented at {}; this one is dropped", op.method, op.documented_path, winner.source),
            );
        }
        kept.push(winner.clone());
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::super::super::operations::parse_title;
    use super::*;

    fn fit(title: &str, method: &str, path: &str, requests: usize) -> Fit {
        Fit::of(title, &parse_title(title), HttpMethod::from_name(method).unwrap(), path, requests)
    }

    #[test]
    fn the_page_about_the_request_fits_best() {
        let reply = "/me/posts/{id}/reply";
        assert!(fit("post: reply", "POST", reply, 1).compare(&fit("Create extended property", "POST", reply, 3)).is_gt());
        let patch = "/me/widgets/{id}";
        assert!(fit("Update widget", "PATCH", patch, 1).compare(&fit("Move a widget", "PATCH", patch, 1)).is_gt());
        assert!(fit("Get widget", "GET", patch, 4).compare(&fit("List widgets", "GET", patch, 3)).is_gt(), "a list does not fit a key");
        assert!(fit("List gadgets", "GET", "/me/gadgets", 1).compare(&fit("List widgets", "GET", "/me/gadgets", 3)).is_gt());
        assert!(fit("List things", "GET", "/me/gadgets", 1).compare(&fit("List others", "GET", "/me/gadgets", 1)).is_eq());
        let message = "/me/messages/{id}";
        assert!(fit("Get message", "GET", message, 2).compare(&fit("Get eventMessage", "GET", message, 1)).is_gt(), "the resource named");
        assert!(fit("Get a message", "GET", "/me/messages/{id}/$value", 2).compare(&fit("Get eventMessage", "GET", message, 1)).is_gt());
    }
}
