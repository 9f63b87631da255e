//! Located diagnostics. Every defect found in a page becomes one `Diagnostic`;
//! no stage aborts on bad input, it reports and carries on. Every code is
//! declared in [`codes`], with its severity, meaning and fallback.

pub mod codes;

pub use codes::Code;

use crate::model::Source;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One finding, located at `file:line` (file relative to the docs root, `/`-separated).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    pub file: String,
    pub line: u32,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
}

/// Where a diagnostic points: a page (relative to the docs root) and a 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At<'a> {
    pub file: &'a str,
    pub line: u32,
}

impl<'a> From<&'a Source> for At<'a> {
    fn from(source: &'a Source) -> Self {
        At { file: &source.file, line: source.line }
    }
}

impl<'a> From<(&'a str, u32)> for At<'a> {
    fn from((file, line): (&'a str, u32)) -> Self {
        At { file, line }
    }
}

impl<'a> From<(&'a String, u32)> for At<'a> {
    fn from((file, line): (&'a String, u32)) -> Self {
        At { file, line }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}[{}]: {}", self.file, self.line, self.severity, self.code, self.message)
    }
}

/// Collects diagnostics for a whole run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Reports `code` at a page line (a model [`Source`], or `(file, line)`),
    /// with the severity the code declares.
    pub fn report<'a>(&mut self, code: Code, at: impl Into<At<'a>>, message: impl Into<String>) {
        let At { file, line } = at.into();
        self.items.push(Diagnostic { file: file.to_owned(), line, severity: code.severity(), code, message: message.into() });
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Diagnostics in a stable order (file, line, code, message) so runs are reproducible.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        items.sort();
        items.dedup();
        items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn counts_by_code(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for d in &self.items {
            *counts.entry(d.code.as_str()).or_insert(0) += 1;
        }
        counts
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// The closing line of a run, e.g. `3 errors, 12 warnings (unresolved-link: 4, ...)`.
    pub fn summary(&self) -> String {
        let by_code = self.counts_by_code().into_iter().map(|(code, n)| format!("{code}: {n}")).collect::<Vec<_>>().join(", ");
        let mut line = format!("{} errors, {} warnings", self.count(Severity::Error), self.count(Severity::Warning));
        if !by_code.is_empty() {
            line.push_str(&format!(" ({by_code})"));
        }
        line
    }
}
