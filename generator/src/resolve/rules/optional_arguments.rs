//! Rule: optional function arguments.
//!
//! A function parameter the path does not spell is an argument of the
//! generated function. Its row says whether a call may leave it out:
//! "Optional." as a sentence of its own ("Optional. If unspecified, ...",
//! "The desired height. Optional.", "(Optional) ..."), read by
//! `wording::requirement` exactly as header rows are. Such an argument is an
//! `Option`, left out of the call's argument list when not given.

use crate::model::Operation;
use crate::parse::wording::{requirement, Requirement};

/// The unspelled function parameters of `operation` that its rows call optional.
pub(in crate::resolve) fn of(operation: &Operation) -> Vec<String> {
    operation
        .unspelled_function_parameters()
        .filter(|p| requirement(&p.description) == Some(Requirement::Optional))
        .map(|p| p.json_name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{OperationKind, Property, Source, TypeRef};

    #[test]
    fn an_unspelled_parameter_whose_row_says_optional() {
        let parameter = |name: &str, description: &str| Property {
            json_name: name.into(),
            ty: TypeRef::Json,
            description: description.into(),
            source: Source::default(),
            deprecated: false,
            non_null: false,
        };
        let operation = Operation {
            kind: OperationKind::Function,
            function_parameters: vec![
                parameter("valuesOnly", "Optional. Whether to read values only."),
                parameter("top", "How many. Required."),
                parameter("skip", "Optionally skips some."),
            ],
            ..crate::emit::rust::test_model::operation(crate::model::HttpMethod::Get, "/range(address={address})/usedRange")
        };
        assert_eq!(of(&operation), ["valuesOnly"]);
    }
}
