//! Rule: the request body.
//!
//! The `Request body` section says what a method sends: nothing ("Don't
//! supply a request body"), a parameter table, "a JSON representation of
//! [x]", or "the values ... that should be updated". The section is trusted
//! first. A method that sends no body (GET, DELETE, HEAD) has none whatever
//! the section says. An action without a table takes its parameters from
//! elsewhere ([`super::inferred_parameters`]); so does one whose section says
//! "no request body" but which shows a `Parameters` table. A create or update
//! whose section names no type sends the first of `RESOURCE_BODY`. A
//! parameter table is checked against the request example
//! ([`super::wrapped_parameters`], [`super::request_example_mismatch`]). An
//! action's body then gains what its page states elsewhere
//! ([`super::resource_body_parameters`], [`super::parameter_in_prose`]).

use super::super::operations::{OperationResolver, Title};
use super::super::paths::singular;
use super::super::Exchange;
use super::{request_example_mismatch, wrapped_parameters};
use crate::diagnostics::Diagnostics;
use crate::model::HttpMethod;
use crate::model::{OperationKind, RequestBody, ResponseSpec, TypeRef};
use crate::parse::page::{BodySection, Page};
use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

/// What a create or update whose page names no body type sends, first that answers wins.
const RESOURCE_BODY: &[(&str, Source)] = &[
    ("the type the title names (`Create widget`)", title_subject),
    ("the type a create or update answers with", answered_type),
    ("any JSON, when the request example sends a body", shown_json),
];

type Source = fn(&BodyEvidence<'_, '_>) -> Option<TypeRef>;

/// What the body rules read besides the page.
pub(super) struct BodyEvidence<'r, 'p> {
    resolver: &'r OperationResolver<'r>,
    title: &'p Title,
    kind: OperationKind,
    example: Option<Exchange<'p>>,
    response: &'p ResponseSpec,
}

fn title_subject(evidence: &BodyEvidence<'_, '_>) -> Option<TypeRef> {
    let (resolver, subject) = (evidence.resolver, &evidence.title.subject);
    resolver.known(&singular(&subject.to_snake_case()).to_upper_camel_case()).or_else(|| resolver.known(subject)).map(TypeRef::Named)
}

fn answered_type(evidence: &BodyEvidence<'_, '_>) -> Option<TypeRef> {
    let creates = matches!(evidence.kind, OperationKind::Create | OperationKind::Update);
    evidence.response.body.as_ref().filter(|t| !t.is_collection() && creates).cloned()
}

fn shown_json(evidence: &BodyEvidence<'_, '_>) -> Option<TypeRef> {
    evidence.example.is_some_and(|e| e.json.is_some()).then_some(TypeRef::Json)
}

/// Methods that send no body.
pub(in crate::resolve) fn sends_no_body(method: HttpMethod) -> bool {
    matches!(method, HttpMethod::Get | HttpMethod::Delete)
}

impl OperationResolver<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(in crate::resolve) fn request_body(
        &mut self,
        page: &Page,
        title: &Title,
        kind: OperationKind,
        method: HttpMethod,
        example: Option<Exchange<'_>>,
        response: &ResponseSpec,
        diags: &mut Diagnostics,
    ) -> Option<RequestBody> {
        match &page.request_body {
            // "No request body is required. However, ..." followed by a `Parameters` table.
            BodySection::Empty if kind == OperationKind::Action && !page.function_parameters.is_empty() => {
                self.action_parameters_without_table(page, title, None, diags)
            }
            BodySection::Empty => None,
            BodySection::Parameters { rows, .. } => {
                let mut parameters = self.parameters(page, rows, diags);
                if let Some((Value::Object(body), line)) = example.and_then(|e| e.json) {
                    match wrapped_parameters::wrapper(self, page, title, &parameters, body, line, diags) {
                        Some(wrapper) => parameters = vec![wrapper],
                        None => request_example_mismatch::check(page, &parameters, body, line, diags),
                    }
                }
                let type_name = self.parameter_struct_name(page, title);
                Some(RequestBody::Parameters { type_name, parameters })
            }
            BodySection::Resource { line, ty } => Some(RequestBody::Resource { ty: self.index.resolve_cell(ty, &page.file, *line, diags) }),
            BodySection::Update { .. } | BodySection::Unspecified => {
                if sends_no_body(method) {
                    return None;
                }
                if kind == OperationKind::Action {
                    return self.action_parameters_without_table(page, title, example, diags);
                }
                let evidence = BodyEvidence { resolver: self, title, kind, example, response };
                RESOURCE_BODY.iter().find_map(|(_, source)| source(&evidence)).map(|ty| RequestBody::Resource { ty })
            }
        }
    }

    /// An action's body as its page states it all: the parameters its
    /// sentences name join the documented ones, and a resource body whose
    /// example sends that resource's members becomes those members.
    pub(in crate::resolve) fn action_body(
        &self,
        page: &Page,
        title: &Title,
        example: Option<Exchange<'_>>,
        documented: Option<RequestBody>,
        diags: &mut Diagnostics,
    ) -> Option<RequestBody> {
        match documented {
            Some(RequestBody::Resource { ty: TypeRef::Named(resource) }) => {
                let parameters = self.resource_members_sent(page, title, &resource, example, diags);
                parameters.or(Some(RequestBody::Resource { ty: TypeRef::Named(resource) }))
            }
            other => self.with_named_parameters(page, title, other, diags),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::operations::parse_title as title;
    use super::super::test_support::resolving;
    use super::*;

    #[test]
    fn a_create_without_a_body_type_sends_the_titled_type_then_the_answer_then_json() {
        resolving(&["microsoft.graph.widget"], |resolver| {
            let none = ResponseSpec { status: 201, body: None, monitored: false };
            let gadget = ResponseSpec { status: 201, body: Some(TypeRef::Named("microsoft.graph.gadget".into())), monitored: false };
            let source = |title_text: &str, response: &ResponseSpec| {
                let title = title(title_text);
                let evidence = BodyEvidence { resolver, title: &title, kind: OperationKind::Create, example: None, response };
                RESOURCE_BODY.iter().find_map(|(_, source)| source(&evidence)).map(|t| t.to_string())
            };
            assert_eq!(source("Create widgets", &gadget).as_deref(), Some("microsoft.graph.widget"), "the title's subject, singular");
            assert_eq!(source("Create gizmo", &gadget).as_deref(), Some("microsoft.graph.gadget"), "what the create answers");
            assert_eq!(source("Create gizmo", &none), None);
        });
    }

    #[test]
    fn get_delete_and_head_send_no_body() {
        assert!([HttpMethod::Get, HttpMethod::Delete].into_iter().all(sends_no_body));
        assert!(![HttpMethod::Post, HttpMethod::Patch, HttpMethod::Put].into_iter().any(sends_no_body));
    }
}
