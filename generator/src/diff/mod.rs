//! API changes between two models: what a doc update did to the API, and
//! whether code using the generated crate still compiles and works.
//!
//! [`diff`] is a pure function of two [`ApiModel`]s; [`markdown`] and [`json`]
//! render its result; `docgen-tools` turns command-line arguments (a docs
//! tree, a git revision, a model snapshot) into models. Descriptions, titles and
//! source locations are never compared: only what the generated crate exposes.
//!
//! Changes are found between the models (what the docs changed) and judged
//! on the [`Surface`] of each (what users of the crate write): a change is
//! breaking when a name or Rust type users write is gone or different, so a
//! function renamed because a new operation or runtime method took its name
//! is reported, a property retyped from `Edm.String` to `Edm.Guid` (`String`
//! to `Uuid`, the typed scalars of `runtime::scalars`) is breaking, and one
//! retyped from `Edm.Double` to `Edm.Decimal` (`f64` both) is not. The surface is a pure function of the
//! model, so a snapshot's is computed like a docs tree's. The table below is
//! documentation; `the_breaking_table_holds_against_the_surface` checks each
//! row against the surfaces.
//!
//! # Identity
//!
//! - operation: the method plus the documented path with every `{...}`
//!   placeholder replaced by `{}` and literals lower-cased, so renaming a
//!   placeholder (`{id}` -> `{user-id}`) or a case fix (`/contactfolders` ->
//!   `/contactFolders`) is not a change. Named `METHOD path` as documented (in
//!   NEW when it exists). When several operations of one model share a key,
//!   they are paired by identical documented path, then by page, then in order.
//! - type: `<namespace>.<name>`; property: `<type>/<jsonName>` (properties and
//!   relationships together: both are fields of the generated struct); enum
//!   member: `<enum>/<member>`.
//! - parameter: `METHOD path/<name>` for action parameters (request body
//!   members), function parameters, OData query options (`$top`) and request headers.
//! - response: `METHOD path`, the operation it belongs to.
//!
//! # Breaking
//!
//! Breaking means: code written against the crate generated from OLD no
//! longer compiles, or a call it makes is now refused, with the crate
//! generated from NEW.
//!
//! | change | breaking | why |
//! | --- | --- | --- |
//! | operation removed | yes | its function is gone |
//! | operation added | no | |
//! | operation changed: moved (its place in the surface, `me().messages().list` -> `me().messages().list_2`, also by a new colliding or reserved name), request body added, removed or retyped (its Rust type) | yes | what callers write changed; `gen`'s summary counts the moves |
//! | operation changed: moved to another product area | no | reported; with the default `full` feature every area is compiled, so callers are unaffected |
//! | new path parameter | yes | the path has a new `{}`, so it is another operation: the old one is reported removed |
//! | type removed | yes | |
//! | type changed: object <-> enum, or a base type dropped from the ancestry | yes | inherited fields are flattened into the struct |
//! | type changed: emitted under another name (a new colliding name) | yes | the struct or enum is renamed |
//! | type added, or a base type added | no | |
//! | type now documented by a page, or now inferred from an example | no | reported for information |
//! | property removed, property type changed | yes when the struct's field is gone or its Rust type changed | a property moved to a base type keeps its field; `Edm.Double` and `Edm.Decimal` are both `f64`, but `Edm.String` is `String` and `Edm.DateTimeOffset` `Timestamp` |
//! | property unchanged, field renamed or boxed (a new colliding property, a new recursion) | yes | the field users write changed, and so did its member constant (`User::DISPLAY_NAME`, named after the field) |
//! | property added | no | every field is an `Option`, structs are `Default` |
//! | enum member removed | yes | the variant is gone |
//! | enum member added | no | unknown values are kept by `Unknown(String)` |
//! | enum member emitted under another variant name | yes | the variant is renamed |
//! | action parameter added | no | parameters are `Option` fields of a `Default` struct |
//! | action parameter removed or retyped | yes when the parameter struct's field is gone or its Rust type changed | |
//! | function parameter the path spells: added, removed or retyped | no | passed as `&str` path arguments; one more in the path is another operation |
//! | function parameter the path does not spell: added, removed, retyped, made optional or required | yes when the generated function's argument changed | a typed argument (an `Option` when optional); a parameter without an OData literal form (an object) is no argument |
//! | query option added or removed | no | query options are generic `Request` methods |
//! | header added or made required | yes only if required | the call compiles but the service refuses it without the header |
//! | header removed or made optional | no | headers are set with the generic `Request::header` |
//! | response changed | yes when the `T` of `Request<T>` changed, or whether the action is monitored (`202` + `Location`) | the function's, or the `Client` method's (`LongRunning`), return type changed |

pub mod json;
pub mod markdown;
mod operations;
mod types;

use crate::diagnostics::Diagnostics;
use crate::emit::rust::Surface;
use crate::model::{ApiModel, Source};
use std::fmt;

/// What kind of API element changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Element {
    Operation,
    Type,
    Property,
    EnumMember,
    Parameter,
    Response,
}

impl Element {
    pub const ALL: [Element; 6] =
        [Element::Operation, Element::Type, Element::Property, Element::EnumMember, Element::Parameter, Element::Response];

    /// The spelling in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Element::Operation => "operation",
            Element::Type => "type",
            Element::Property => "property",
            Element::EnumMember => "enum_member",
            Element::Parameter => "parameter",
            Element::Response => "response",
        }
    }

    /// Human words, singular and plural.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Element::Operation => ("operation", "operations"),
            Element::Type => ("type", "types"),
            Element::Property => ("property", "properties"),
            Element::EnumMember => ("enum member", "enum members"),
            Element::Parameter => ("parameter", "parameters"),
            Element::Response => ("response", "responses"),
        }
    }
}

/// What happened to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Delta {
    Added,
    Removed,
    Changed,
}

impl Delta {
    pub const ALL: [Delta; 3] = [Delta::Added, Delta::Removed, Delta::Changed];

    pub fn as_str(self) -> &'static str {
        match self {
            Delta::Added => "added",
            Delta::Removed => "removed",
            Delta::Changed => "changed",
        }
    }
}

/// One API change. Sorted by element, name, delta (see [`diff`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub element: Element,
    pub name: String,
    pub delta: Delta,
    pub breaking: bool,
    /// What changed, in Markdown (types in backticks), e.g. ``type `Edm.String` -> `Edm.Int32` ``.
    pub detail: String,
    /// Where OLD documented the element; `None` when it was added.
    pub old: Option<Source>,
    /// Where NEW documents the element; `None` when it was removed.
    pub new: Option<Source>,
    /// The resource the change belongs to, for grouping: a qualified type name,
    /// or the page name when an operation's resource is not a known type.
    pub resource: String,
}

/// Every API change from `old` to `new`, stably ordered: by element kind
/// (operations, types, properties, enum members, parameters, responses), then
/// name, then added/removed/changed.
pub fn diff(old: &ApiModel, new: &ApiModel) -> Vec<Change> {
    // Renames were reported when each crate was generated; here only the
    // names matter. The two surfaces are independent: side by side they take
    // half the time (most of a `gen`'s summary after a doc update).
    let (old_surface, new_surface) =
        crate::parallel::join(|| Surface::new(old, &mut Diagnostics::default()), || Surface::new(new, &mut Diagnostics::default()));
    let old = Side { model: old, surface: old_surface };
    let new = Side { model: new, surface: new_surface };
    let mut changes = Vec::new();
    types::diff_types(&old, &new, &mut changes);
    operations::diff_operations(&old, &new, &mut changes);
    changes.sort();
    changes
}

/// One model and the surface of the crate generated from it.
struct Side<'m> {
    model: &'m ApiModel,
    surface: Surface<'m>,
}

/// Counts of changes by element and delta.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Indexed by `Element as usize`, then `Delta as usize`.
    pub by_kind: [[usize; 3]; 6],
    pub breaking: usize,
    /// Operations whose place in the surface changed (`moved old -> new`), all breaking.
    pub moved: usize,
    pub total: usize,
}

impl Counts {
    pub fn of(changes: &[Change]) -> Counts {
        let mut counts = Counts::default();
        for change in changes {
            counts.by_kind[change.element as usize][change.delta as usize] += 1;
            counts.breaking += usize::from(change.breaking);
            counts.moved += usize::from(change.element == Element::Operation && change.detail.contains("moved `"));
            counts.total += 1;
        }
        counts
    }

    pub fn get(&self, element: Element, delta: Delta) -> usize {
        self.by_kind[element as usize][delta as usize]
    }
}

impl fmt::Display for Counts {
    /// `2 operations added, 1 property changed (1 breaking)`, or `none`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.total == 0 {
            return f.write_str("none");
        }
        let mut parts = Vec::new();
        for element in Element::ALL {
            for delta in Delta::ALL {
                let n = self.get(element, delta);
                if n > 0 {
                    let (one, many) = element.words();
                    parts.push(format!("{n} {} {}", if n == 1 { one } else { many }, delta.as_str()));
                }
            }
        }
        write!(f, "{}", parts.join(", "))?;
        if self.moved > 0 {
            write!(f, ", {} moved", self.moved)?;
        }
        if self.breaking > 0 {
            write!(f, " ({} breaking)", self.breaking)?;
        }
        Ok(())
    }
}

/// The one-line summary `cargo xtask gen` prints: `api changes: ...` against the
/// snapshot the previous run left (`None` when there is none).
pub fn snapshot_summary(previous_snapshot: Option<&str>, new: &ApiModel) -> String {
    match previous_snapshot {
        None => "api changes: no previous api-model.json to compare with".to_owned(),
        Some(text) => match model_from_snapshot(text) {
            Ok(old) => format!("api changes: {}", Counts::of(&diff(&old, new))),
            Err(err) => format!("api changes: unknown, the previous api-model.json cannot be read ({err})"),
        },
    }
}

/// Reads a model snapshot written by `gen` (sources without lines) or a full model.
pub fn model_from_snapshot(text: &str) -> Result<ApiModel, serde_json::Error> {
    serde_json::from_str(text)
}

/// Wraps text in backticks, using a longer fence when the text has some.
pub(crate) fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

#[cfg(test)]
mod tests;
