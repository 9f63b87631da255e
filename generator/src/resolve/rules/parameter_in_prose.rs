//! Rule: a parameter that only a sentence names.
//!
//! Some action pages name a parameter in a sentence of the introduction or
//! of `Request body` ("specify either the `message` parameter or ...") and in
//! no table (parse reads those names: a code or bold name right after
//! "the"/"a"/"an" and before the singular word "parameter", not "parameter
//! of"). Tables are trusted first: a name a table lists (any case) is not
//! added again. Otherwise the parameter is added, typed as the bound type's
//! member of that name (`toRecipients` on `message`), else as the type of
//! that name, else as any JSON, with the sentence as its description; each is
//! reported. Ranks last for an action's body, after the tables and
//! [`super::resource_body_parameters`].

use super::super::operations::{OperationResolver, Title};
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{Property, RequestBody, Source, TypeRef};
use crate::parse::page::Page;

impl OperationResolver<'_> {
    /// Adds the parameters the page's sentences name ("the `message` parameter")
    /// that no table lists.
    pub(super) fn with_named_parameters(
        &self,
        page: &Page,
        title: &Title,
        body: Option<RequestBody>,
        diags: &mut Diagnostics,
    ) -> Option<RequestBody> {
        let (type_name, mut parameters) = match body {
            None => (self.parameter_struct_name(page, title), Vec::new()),
            Some(RequestBody::Parameters { type_name, parameters }) => (type_name, parameters),
            resource @ Some(RequestBody::Resource { .. }) => return resource,
        };
        for named in &page.named_parameters {
            if listed(&parameters, &named.name) {
                continue;
            }
            let ty = self.named_parameter_type(title, &named.name);
            let message =
                format!("the sentence names the `{}` parameter, which no parameter table lists; it is added as `{ty}`", named.name);
            diags.report(Code::ParameterInProse, (&page.file, named.line), message);
            let source = Source { file: page.file.clone(), line: named.line };
            parameters.push(Property { json_name: named.name.clone(), ty, description: named.sentence.clone(), source });
        }
        (!parameters.is_empty()).then_some(RequestBody::Parameters { type_name, parameters })
    }

    /// A parameter known only by name: typed like the bound type's member of
    /// that name (`toRecipients` on `message`), else as the type of that name
    /// (`message`), else as any JSON.
    fn named_parameter_type(&self, title: &Title, name: &str) -> TypeRef {
        let bound = self.known(&title.subject);
        if let Some(member) = bound.as_deref().and_then(|b| self.member_of(b, name)) {
            return member.ty.clone();
        }
        self.known(name).map(TypeRef::Named).unwrap_or(TypeRef::Json)
    }
}

/// A table lists the name, in any case.
fn listed(parameters: &[Property], name: &str) -> bool {
    parameters.iter().any(|p| p.json_name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_name_in_any_case_is_not_added_again() {
        let rows = [Property { json_name: "Comment".into(), ty: TypeRef::Json, description: String::new(), source: Source::default() }];
        assert!(listed(&rows, "comment") && !listed(&rows, "message"));
    }
}
