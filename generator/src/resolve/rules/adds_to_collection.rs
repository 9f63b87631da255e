//! Rule: a POST that sends a resource to a collection and gets that resource
//! back adds to the collection: a create, whatever verb its title uses.
//!
//! A POST's kind comes from its title: "Create x" and "Add x" create, any
//! other verb ("Send mail", "Archive team") calls an action. Some pages that
//! add to a collection title it with the verb of the domain instead: "Send
//! message in a chat" (`POST /chats/{id}/messages`), "Grant an
//! appRoleAssignment to a user" (`POST /users/{id}/appRoleAssignments`). An
//! action sends its parameters, not a resource, and is named by its last
//! segment, so read as one such a page made a method `messages` beside the
//! navigation `messages()`. The rule trusts the bodies: the request sends a
//! whole resource (not parameters), the success answer is that same type,
//! and the last segment is a plain name (not a call, a cast or `$ref`).
//! A page whose title names a call (`x: y`, `y action`) is never changed.

use crate::model::{HttpMethod, Operation, OperationKind, RequestBody};

/// The kind of `op` once its bodies are known; `calls` when its page's title names a call.
pub(in crate::resolve) fn kind(op: &Operation, calls: bool) -> OperationKind {
    let adds =
        !calls && op.kind == OperationKind::Action && op.method == HttpMethod::Post && sends_back(op) && ends_in_plain_name(&op.path);
    if adds {
        OperationKind::Create
    } else {
        op.kind
    }
}

/// The request sends a resource and the success answer is of that type.
fn sends_back(op: &Operation) -> bool {
    match (&op.request_body, op.success_body()) {
        (Some(RequestBody::Resource { ty }), Some(answer)) => ty == answer,
        _ => false,
    }
}

fn ends_in_plain_name(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    !last.is_empty() && last.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::rust::test_model::operation;
    use crate::model::{ResponseSpec, TypeRef};

    fn post(path: &str, sent: Option<RequestBody>, answer: Option<&str>) -> Operation {
        let body = answer.map(|t| TypeRef::Named(t.into()));
        Operation {
            kind: OperationKind::Action,
            request_body: sent,
            responses: vec![ResponseSpec { status: 201, body, when: None, monitored: false }],
            ..operation(HttpMethod::Post, path)
        }
    }

    fn resource(ty: &str) -> Option<RequestBody> {
        Some(RequestBody::Resource { ty: TypeRef::Named(ty.into()) })
    }

    #[test]
    fn a_post_of_a_resource_answered_with_it_creates() {
        let send = post("/chats/{chat_id}/messages", resource("ns.chatMessage"), Some("ns.chatMessage"));
        assert_eq!(kind(&send, false), OperationKind::Create);
    }

    #[test]
    fn actions_stay_actions() {
        let parameters = Some(RequestBody::Parameters { type_name: "SendMailRequest".into(), parameters: Vec::new() });
        let cases = [
            ("parameters, not a resource", post("/me/sendMail", parameters, None), false),
            ("answered with another type", post("/me/events", resource("ns.event"), Some("ns.calendar")), false),
            ("no answer body", post("/me/events", resource("ns.event"), None), false),
            ("a call", post("/items/{id}/range(address='A1')", resource("ns.range"), Some("ns.range")), false),
            ("a reference", post("/groups/{id}/owners/$ref", resource("ns.user"), Some("ns.user")), false),
            ("a cast", post("/items/microsoft.graph.note", resource("ns.note"), Some("ns.note")), false),
            ("a title that names a call", post("/me/notes", resource("ns.note"), Some("ns.note")), true),
        ];
        for (why, op, calls) in cases {
            assert_eq!(kind(&op, calls), OperationKind::Action, "{why}");
        }
    }
}
