//! Stage 2: parsing single pages into page models.

pub mod annotation;
pub mod area;
pub mod example;
pub mod front_matter;
pub mod http;
pub mod json;
pub mod markdown;
pub mod page;
mod page_kind;
pub mod permissions;
pub mod wording;

pub use page::{parse_page, Page, PageKind};

/// A value read from a page, with the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub line: u32,
}
