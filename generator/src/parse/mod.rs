//! Stage 2: parsing single pages into page models.

pub mod annotation;
pub mod front_matter;
pub mod http;
pub mod json;
pub mod markdown;
pub mod page;
pub mod permissions;

pub use page::{parse_page, Page, PageKind};
