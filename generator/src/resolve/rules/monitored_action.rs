//! Rule: an action the service answers `202 Accepted` with a monitor.
//!
//! Long-running actions (copying a drive item, creating, cloning or archiving
//! a team, an external connection's schema) answer `202 Accepted` with a
//! `Location` header naming a monitor to poll, and no body: the work goes on
//! after the answer (the concept page `long-running-actions-overview`). The
//! pages show it in their response example, rarely in prose. Trusted: the
//! first response example answers 202, has a `Location` header, and nothing
//! else decided a body for it (an empty body or `{}`). A 202 whose example
//! carries a resource (`group: assignLicense` answers the group, its
//! `Location` the group's address) is not a monitor. Ranks after
//! `response_body`: it only marks a response that has no body. Raises no
//! diagnostic: it reads what the page shows.
//!
//! The generated `Client` method of a monitored action returns the runtime's
//! `LongRunning` to wait on, never a bare `()` that would read as done.

use super::super::Exchange;
use crate::model::TypeRef;

/// Whether a response of `status` with `body` (as decided) is a monitored action, by its example.
pub(in crate::resolve) fn monitored(example: Option<Exchange<'_>>, status: u16, body: Option<&TypeRef>) -> bool {
    let Some(example) = example else { return false };
    let has_location =
        example.message.headers.iter().any(|(name, value)| name.eq_ignore_ascii_case("location") && !value.trim().is_empty());
    let empty_body = example.json.is_none_or(|(json, _)| json.as_object().is_some_and(|o| o.is_empty()));
    status == 202 && body.is_none() && has_location && empty_body
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{exchange, response_example};
    use super::*;

    fn monitored_by(text: &str, body: Option<&TypeRef>) -> bool {
        let example = response_example(text);
        let status = example.message.as_ref().and_then(|m| m.status.as_ref()).map_or(200, |s| s.status);
        monitored(exchange(&example), status, body)
    }

    #[test]
    fn a_202_with_a_monitor_and_no_body() {
        assert!(monitored_by("HTTP/1.1 202 Accepted\nLocation: https://graph.example/v1.0/monitor/1\n", None));
        assert!(monitored_by("HTTP/1.1 202 Accepted\nLocation: /teams('t')/operations('o')\nContent-Length: 0\n", None));
        assert!(monitored_by("HTTP/1.1 202 Accepted\nlocation: https://graph.example/op\n\n{}\n", None), "an empty object is no body");
    }

    #[test]
    fn other_answers_are_not_monitored() {
        assert!(!monitored_by("HTTP/1.1 202 Accepted\n", None), "sendMail: accepted, nothing to poll");
        let group = TypeRef::Named("microsoft.graph.group".into());
        assert!(
            !monitored_by("HTTP/1.1 202 Accepted\nLocation: https://g/groups/1\n\n{\"id\": \"1\"}\n", Some(&group)),
            "assignLicense answers the group"
        );
        assert!(!monitored_by("HTTP/1.1 201 Created\nLocation: https://g/items/1\n", None));
        assert!(!monitored(None, 202, None));
    }
}
