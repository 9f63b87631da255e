//! Rule: an action whose body is documented as a resource.
//!
//! An OData action's body is always its parameters, yet some action pages
//! say "supply a JSON representation of [x]" (`workbook: createSession`
//! sends `persistChanges`). When the request example sends only members of x
//! (its bases' included), those members are the parameters, typed as x types
//! them; that reading is reported. When the example sends anything x lacks,
//! or nothing, the resource body stands. Ranks in
//! [`super::request_body`]'s `action_body`, for actions only.

use super::super::operations::{OperationResolver, Title};
use super::super::types::split_qualified;
use super::super::Exchange;
use crate::diagnostics::{Code, Diagnostics};
use crate::model::{Property, RequestBody, Source};
use crate::parse::page::Page;
use serde_json::Value;

impl OperationResolver<'_> {
    /// An action's body is its parameters: a page that gives it as "a JSON
    /// representation of [x]" and whose request example sends members of x
    /// documents those members as the parameters, typed as x types them.
    pub(super) fn resource_members_sent(
        &self,
        page: &Page,
        title: &Title,
        resource: &str,
        example: Option<Exchange<'_>>,
        diags: &mut Diagnostics,
    ) -> Option<RequestBody> {
        let (Value::Object(body), line) = example?.json? else { return None };
        let parameters = sent_members(body.keys(), |name| self.member_of(resource, name))?
            .into_iter()
            .map(|member| Property {
                json_name: member.json_name.clone(),
                ty: member.ty.clone(),
                description: member.description.clone(),
                source: Source { file: page.file.clone(), line },
            })
            .collect::<Vec<Property>>();
        let names = parameters.iter().map(|p| format!("`{}`", p.json_name)).collect::<Vec<_>>().join(", ");
        let message = format!("the action's body is documented as a `{}` but its request example sends {names}, members of that type; they are read as the action's parameters", split_qualified(resource).1);
        diags.report(Code::ResourceBodyParameters, (&page.file, line), message);
        Some(RequestBody::Parameters { type_name: self.parameter_struct_name(page, title), parameters })
    }
}

/// The members the example sends (annotations aside), when every one of them is a member and there is one at least.
fn sent_members<'k, 'm>(
    keys: impl Iterator<Item = &'k String>,
    member: impl Fn(&str) -> Option<&'m Property>,
) -> Option<Vec<&'m Property>> {
    keys.filter(|k| !k.starts_with('@')).map(|name| member(name)).collect::<Option<Vec<_>>>().filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TypeRef;

    #[test]
    fn only_an_example_of_members_alone_is_read_as_parameters() {
        let known =
            [Property { json_name: "displayName".into(), ty: TypeRef::Json, description: String::new(), source: Source::default() }];
        let member = |name: &str| known.iter().find(|p| p.json_name.eq_ignore_ascii_case(name));
        let sent = |keys: &[&str]| {
            let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            sent_members(keys.iter(), member).map(|m| m.len())
        };
        assert_eq!(sent(&["displayName", "@odata.type"]), Some(1));
        assert_eq!(sent(&["displayName", "reason"]), None, "a member the type lacks");
        assert_eq!(sent(&["@odata.type"]), None, "nothing sent");
    }
}
