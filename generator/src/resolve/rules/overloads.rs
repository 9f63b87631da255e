//! Rule: which function parameters a path takes.
//!
//! A function page's parameter table covers all its overloads. A path that
//! spells its arguments (`image(width={w},height={h})`) takes only those; a
//! path with empty parentheses takes none; a bare path takes the whole table,
//! unless the page also lists the function with spelled arguments
//! (`.../image` beside `.../image(width=640)`): then the page lists
//! overloads, and the bare path is the one without arguments.

use super::super::paths::path_without_call;
use crate::model::{call_arguments, Property};
use crate::parse::http::RequestLine;
use std::collections::BTreeSet;

/// The bare paths of the functions the page also lists with spelled arguments.
pub(in crate::resolve) fn overloaded(lines: &[(u32, RequestLine)]) -> BTreeSet<&str> {
    lines
        .iter()
        .filter(|(_, r)| call_arguments(&r.path).is_some_and(|(_, names)| !names.is_empty()))
        .map(|(_, r)| path_without_call(&r.path))
        .collect()
}

/// The parameters of the table that `path` takes.
pub(in crate::resolve) fn parameters_in_call(parameters: &[Property], path: &str, overloaded: &BTreeSet<&str>) -> Vec<Property> {
    if overloaded.contains(path) {
        return Vec::new();
    }
    let Some((arguments, names)) = call_arguments(path) else { return parameters.to_vec() };
    if names.is_empty() {
        return if arguments.trim().is_empty() { Vec::new() } else { parameters.to_vec() };
    }
    parameters.iter().filter(|p| names.iter().any(|n| n.eq_ignore_ascii_case(&p.json_name))).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Source, TypeRef};
    use crate::parse::http::parse_request_line;

    #[test]
    fn a_path_takes_the_arguments_it_spells_and_a_bare_overload_none() {
        let table: Vec<Property> = ["width", "mode"]
            .iter()
            .map(|n| Property { json_name: n.to_string(), ty: TypeRef::Json, description: String::new(), source: Source::default() })
            .collect();
        let lines: Vec<(u32, RequestLine)> =
            ["GET /w/{id}/image", "GET /w/{id}/image(width=640)"].iter().map(|l| (1, parse_request_line(l).unwrap())).collect();
        let overloaded = overloaded(&lines);
        let taken = |path: &str, overloaded: &BTreeSet<&str>| {
            parameters_in_call(&table, path, overloaded).iter().map(|p| p.json_name.clone()).collect::<Vec<_>>()
        };
        assert!(taken("/w/{id}/image", &overloaded).is_empty(), "beside a spelled overload");
        assert_eq!(taken("/w/{id}/image", &BTreeSet::new()), ["width", "mode"], "alone, the whole table");
        assert_eq!(taken("/w/{id}/image(width={w})", &overloaded), ["width"]);
        assert!(taken("/w/{id}/image()", &overloaded).is_empty());
    }
}
