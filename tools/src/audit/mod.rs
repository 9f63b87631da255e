//! `cargo xtask audit`: measures how faithfully the model reads the pages by
//! comparing it with the API's official OData CSDL metadata.
//!
//! The metadata is an answer key only. Nothing outside this module reads it,
//! and this module is never called by generation. Endpoints are not in the
//! CSDL, so they are measured against an independent, deliberately simple
//! reading of the pages ([`docs`]); "has a page" is decided the same way.
//!
//! Figures (each defined precisely in [`metrics`], and printed with the report):
//! documented endpoints, types found, property names, property types, enum
//! members, enum types, action/function parameters, parameter types, return
//! types. Every disagreement is judged `doc defect` or `generator miss` by the
//! heuristic stated in its metric's definition; in short, what the page itself
//! says decides: if the page has the CSDL's name or type, the generator missed
//! it, otherwise the docs are at fault.

pub mod csdl;
pub mod docs;
pub mod examples;
pub mod metrics;

use metrics::{Disagreement, Figure, Outcome, Verdict};
use serde_json::json;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Everything one audit measured.
pub struct Audit {
    pub docs: String,
    pub metadata: String,
    /// `N operations, M types`.
    pub model_summary: String,
    /// The model's diagnostics summary line.
    pub diagnostics_summary: String,
    pub outcomes: Vec<Outcome>,
    pub timings: Timings,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub build_model: Duration,
    pub read_metadata: Duration,
    pub compare: Duration,
}

/// Why an audit could not run.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("{}: {source}", path.display())]
    Docs { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", path.display())]
    UnreadableMetadata { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", path.display())]
    Metadata { path: PathBuf, source: csdl::CsdlError },
}

/// Builds the model from `docs`, reads the CSDL at `metadata` and compares them.
pub fn run(docs_dir: &Path, metadata: &Path) -> Result<Audit, AuditError> {
    let docs_error = |source| AuditError::Docs { path: docs_dir.to_owned(), source };
    let started = Instant::now();
    let corpus = docgen::Corpus::read(docs_dir).map_err(docs_error)?;
    let build_model = started.elapsed();

    let started = Instant::now();
    let text = std::fs::read_to_string(metadata).map_err(|source| AuditError::UnreadableMetadata { path: metadata.to_owned(), source })?;
    let csdl = csdl::parse(&text).map_err(|source| AuditError::Metadata { path: metadata.to_owned(), source })?;
    let read_metadata = started.elapsed();

    let started = Instant::now();
    // The independent reader reads the same text, not the same parse.
    let tree = docs::DocsTree::from_pages(corpus.sources.iter().map(|s| (s.path.as_str(), s.text.as_str())));
    let (model, diags) = (corpus.model, corpus.diagnostics);
    let outcomes = compare(&model, &csdl, &tree);
    let compare = started.elapsed();

    Ok(Audit {
        docs: docs_dir.display().to_string(),
        metadata: metadata.display().to_string(),
        model_summary: format!("{} operations, {} types", model.operations.len(), model.types.len()),
        diagnostics_summary: diags.summary(),
        outcomes,
        timings: Timings { build_model, read_metadata, compare },
    })
}

/// All metrics, in report order.
pub fn compare(model: &docgen::model::ApiModel, csdl: &csdl::Csdl, tree: &docs::DocsTree) -> Vec<Outcome> {
    let (valid_examples, declared_examples) = examples::response_examples(model, csdl, tree);
    let pages = metrics::PageIndex::build(tree);
    let (names, types) = metrics::properties(model, csdl, tree, &pages);
    let (members, enum_types) = metrics::enums(model, csdl, tree, &pages);
    let ops = metrics::operations(model, csdl, tree);
    vec![
        metrics::endpoints(model, tree),
        metrics::types_found(model, csdl, tree, &pages),
        names,
        types,
        members,
        enum_types,
        ops.parameters,
        ops.parameter_types,
        ops.returns,
        valid_examples,
        declared_examples,
    ]
}

fn cell(r: Option<metrics::Ratio>, word: &str) -> String {
    match r {
        Some(r) => match r.percent() {
            Some(p) => format!("{word} {p:5.1}% ({}/{})", r.hits, r.total),
            None => format!("{word}    n/a (0/0)"),
        },
        None => String::new(),
    }
}

fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

impl Audit {
    pub fn figure(&self, key: &str) -> Option<&Figure> {
        self.outcomes.iter().map(|o| &o.figure).find(|f| f.key == key)
    }

    /// The figures table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        for f in self.outcomes.iter().map(|o| &o.figure) {
            let cells = [cell(f.recall, "recall"), cell(f.precision, "precision"), cell(f.agreement, "agreement")];
            let cells: Vec<String> = cells.into_iter().filter(|c| !c.is_empty()).map(|c| format!("{c:<30}")).collect();
            let _ = writeln!(out, "{:<34}{}", f.label, cells.join("  ").trim_end());
        }
        out
    }

    /// The whole report: the table, definitions and notes, then the `top` largest disagreements of each metric.
    pub fn render(&self, top: usize) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "audit of {} against {}", self.docs, self.metadata);
        let _ = writeln!(out, "model: {}; diagnostics: {}", self.model_summary, self.diagnostics_summary);
        let _ = writeln!(out);
        out.push_str(&self.table());
        let _ = writeln!(out, "\ndefinitions (names compared case-insensitively, types in the model's spelling):");
        for f in self.outcomes.iter().map(|o| &o.figure) {
            let _ = writeln!(out, "  {}:", f.label);
            out.push_str(&wrap(f.definition, 110, "      "));
            for note in &f.notes {
                out.push_str(&wrap(&format!("- {note}"), 110, "      "));
            }
        }
        for o in &self.outcomes {
            let total: usize = o.disagreements.iter().map(|d| d.count).sum();
            let by = |v: Verdict| o.disagreements.iter().filter(|d| d.verdict == v).map(|d| d.count).sum::<usize>();
            let _ = writeln!(
                out,
                "\n== {}: {total} disagreements ({} generator miss, {} doc defect) in {} groups; largest {}:",
                o.figure.label,
                by(Verdict::GeneratorMiss),
                by(Verdict::DocDefect),
                o.disagreements.len(),
                top.min(o.disagreements.len())
            );
            for d in o.disagreements.iter().take(top) {
                let _ = writeln!(out, "  [{}] {:>4}  {}  {}  ({})", d.verdict, d.weight, d.subject, d.detail, d.evidence);
            }
        }
        let t = &self.timings;
        let _ = writeln!(
            out,
            "\ntime: model {:.2}s, metadata {:.2}s, comparison {:.2}s",
            t.build_model.as_secs_f64(),
            t.read_metadata.as_secs_f64(),
            t.compare.as_secs_f64()
        );
        out
    }

    /// Figures, definitions, verdict counts and the `top` largest disagreements per metric, as JSON.
    pub fn to_json(&self, top: usize) -> serde_json::Value {
        let percent = |r: &Option<metrics::Ratio>| r.and_then(|r| r.percent()).map(|p| (p * 10.0).round() / 10.0);
        let metrics: Vec<serde_json::Value> = self
            .outcomes
            .iter()
            .map(|o| {
                let f = &o.figure;
                let count = |v: Verdict| o.disagreements.iter().filter(|d| d.verdict == v).map(|d| d.count).sum::<usize>();
                let largest: Vec<&Disagreement> = o.disagreements.iter().take(top).collect();
                json!({
                    "key": f.key,
                    "label": f.label,
                    "definition": f.definition,
                    "recall": f.recall, "recall_percent": percent(&f.recall),
                    "precision": f.precision, "precision_percent": percent(&f.precision),
                    "agreement": f.agreement, "agreement_percent": percent(&f.agreement),
                    "notes": f.notes,
                    "disagreements": { "generator_miss": count(Verdict::GeneratorMiss), "doc_defect": count(Verdict::DocDefect) },
                    "largest_disagreements": largest,
                })
            })
            .collect();
        json!({
            "docs": self.docs,
            "metadata": self.metadata,
            "model": self.model_summary,
            "metrics": metrics,
            "seconds": {
                "build_model": self.timings.build_model.as_secs_f64(),
                "read_metadata": self.timings.read_metadata.as_secs_f64(),
                "compare": self.timings.compare.as_secs_f64(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use metrics::Ratio;

    fn outcome(key: &'static str, label: &'static str, recall: Option<Ratio>, agreement: Option<Ratio>) -> Outcome {
        Outcome {
            figure: Figure {
                key,
                label,
                definition: "what is counted",
                recall,
                precision: recall,
                agreement,
                notes: vec!["a note".into()],
            },
            disagreements: vec![Disagreement {
                metric: label,
                verdict: Verdict::GeneratorMiss,
                count: 2,
                weight: 2,
                subject: "ns.t".into(),
                detail: "in the CSDL, not in the model: a, b".into(),
                evidence: "resources/t.md:3".into(),
            }],
        }
    }

    #[test]
    fn report_lists_figures_definitions_and_disagreements() {
        let audit = Audit {
            docs: "docs".into(),
            metadata: "meta.xml".into(),
            model_summary: "1 operations, 2 types".into(),
            diagnostics_summary: "0 errors, 0 warnings".into(),
            outcomes: vec![
                outcome("property_names", "property names", Some(Ratio::new(973, 1000)), None),
                outcome("property_types", "property types", None, Some(Ratio::new(0, 0))),
            ],
            timings: Timings::default(),
        };
        let text = audit.render(20);
        assert!(text.contains("property names                    recall  97.3% (973/1000)        precision  97.3% (973/1000)\n"), "{text}");
        assert!(text.contains("property types                    agreement    n/a (0/0)\n"), "{text}");
        assert!(text.contains("  property names:\n      what is counted\n      - a note\n"), "{text}");
        assert!(text.contains("== property names: 2 disagreements (2 generator miss, 0 doc defect) in 1 groups; largest 1:\n"), "{text}");
        assert!(text.contains("  [generator miss]    2  ns.t  in the CSDL, not in the model: a, b  (resources/t.md:3)\n"), "{text}");
        let json = audit.to_json(20);
        assert_eq!(json["metrics"][0]["recall_percent"], 97.3);
        assert_eq!(json["metrics"][0]["recall"]["hits"], 973);
        assert_eq!(json["metrics"][1]["agreement_percent"], serde_json::Value::Null);
        assert_eq!(json["metrics"][0]["disagreements"]["generator_miss"], 2);
    }
}
