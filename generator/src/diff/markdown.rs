//! The changes as a Markdown changelog for a pull request: a summary table,
//! then breaking changes, then the others, each grouped by resource.

use super::{code, Change, Counts, Delta, Element};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// `old_label` and `new_label` name the two sides (a directory or a git revision).
pub fn render(changes: &[Change], old_label: &str, new_label: &str) -> String {
    let counts = Counts::of(changes);
    let mut out = String::new();
    let _ = writeln!(out, "# API changes\n");
    let _ = writeln!(out, "{} -> {}\n", code(old_label), code(new_label));
    if changes.is_empty() {
        out.push_str("No API changes.\n");
        return out;
    }
    let total = counts.total;
    let _ = writeln!(
        out,
        "**{total} {}, {} breaking** (breaking: code using the generated crate stops compiling or a call is refused).\n",
        if total == 1 { "change" } else { "changes" },
        counts.breaking
    );
    summary_table(&counts, changes, &mut out);
    let (breaking, other): (Vec<&Change>, Vec<&Change>) = changes.iter().partition(|c| c.breaking);
    section("Breaking changes", &breaking, &mut out);
    section("Other changes", &other, &mut out);
    out
}

fn summary_table(counts: &Counts, changes: &[Change], out: &mut String) {
    out.push_str("| kind | added | removed | changed | breaking |\n| --- | ---: | ---: | ---: | ---: |\n");
    let mut breaking_by_kind = [0usize; 6];
    for change in changes.iter().filter(|c| c.breaking) {
        breaking_by_kind[change.element as usize] += 1;
    }
    let mut totals = [0usize; 3];
    for element in Element::ALL {
        let row: Vec<usize> = Delta::ALL.iter().map(|d| counts.get(element, *d)).collect();
        if row.iter().all(|n| *n == 0) {
            continue;
        }
        for (total, n) in totals.iter_mut().zip(&row) {
            *total += n;
        }
        let _ = writeln!(out, "| {} | {} | {} | {} | {} |", element.words().1, row[0], row[1], row[2], breaking_by_kind[element as usize]);
    }
    let _ = writeln!(out, "| **total** | **{}** | **{}** | **{}** | **{}** |\n", totals[0], totals[1], totals[2], counts.breaking);
}

fn section(title: &str, changes: &[&Change], out: &mut String) {
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(out, "## {title} ({})\n", changes.len());
    // Resources in case-insensitive order (`driveItem` next to `drive`).
    let mut groups: BTreeMap<(String, &str), Vec<&Change>> = BTreeMap::new();
    for change in changes {
        groups.entry((change.resource.to_lowercase(), change.resource.as_str())).or_default().push(change);
    }
    for ((_, resource), changes) in groups {
        let _ = writeln!(out, "### {}\n", code(resource));
        for change in changes {
            let location = match (&change.old, &change.new) {
                (_, Some(new)) => code(&new.to_string()),
                (Some(old), None) => format!("was {}", code(&old.to_string())),
                (None, None) => String::new(),
            };
            let _ = writeln!(
                out,
                "- **{}** {} {}: {} ({location})",
                change.delta.as_str(),
                change.element.words().0,
                code(&change.name),
                change.detail
            );
        }
        out.push('\n');
    }
}
