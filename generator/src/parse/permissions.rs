//! The `## Permissions` table of an API page: which permissions each kind of
//! caller needs, least privileged first.
//!
//! ```text
//! |Permission type                        | Permissions (from least to most privileged) |
//! |Delegated (work or school account)     | User.ReadWrite, User.ReadWrite.All          |
//! |Delegated (personal Microsoft account) | Not supported.                              |
//! |Application                            | User.ReadWrite.All                          |
//! ```
//!
//! Pages whose permissions depend on the resource (attachments of events,
//! messages and posts; extensions) turn the table around: one row per
//! resource, one column per kind of caller; those rows are kept by resource.
//!
//! Newer pages (2023-2026) hold no table: an annotation names the table and
//! an include brings it in when the page is rendered,
//!
//! ```text
//! <!-- { "blockType": "permissions", "name": "user_update" } -->
//! [!INCLUDE [permissions-table](../includes/permissions/user-update-permissions.md)]
//! ```
//!
//! The include is no page of the reference, so it is not expanded: the page
//! keeps a reference to it by name (`user-update-permissions`), with no
//! diagnostic. A row of another kind, or a table without a known row, is
//! reported (`bad-permissions`) and left out.

use super::markdown::{Inline, TableRow};
use crate::diagnostics::{Code, Diagnostics};

/// The permissions a page states; `None` in a field when the table has no row
/// for that kind of caller, an empty list when the row says "Not supported".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionsTable {
    pub line: u32,
    pub delegated_work: Option<Vec<String>>,
    pub delegated_personal: Option<Vec<String>>,
    pub application: Option<Vec<String>>,
    /// A table by resource: (resource as the row names it, its permissions).
    pub by_resource: Vec<(String, PermissionsTable)>,
    /// The docs' include that holds the page's table instead (2023-2026
    /// pages), by name: `user-update-permissions`.
    pub include: Option<String>,
}

impl PermissionsTable {
    /// Only the include was read: no row of a table.
    pub fn is_include_only(&self) -> bool {
        self.include.is_some()
            && self.delegated_work.is_none()
            && self.delegated_personal.is_none()
            && self.application.is_none()
            && self.by_resource.is_empty()
    }

    fn slot(&mut self, caller: &Caller) -> &mut Option<Vec<String>> {
        match caller {
            Caller::DelegatedWork => &mut self.delegated_work,
            Caller::DelegatedPersonal => &mut self.delegated_personal,
            Caller::Application => &mut self.application,
        }
    }
}

/// Reads a table of the `Permissions` section; `None` when it is not a
/// permissions table (no row names a kind of caller).
pub fn read_table(file: &str, header: &[Inline], rows: &[TableRow], line: u32, diags: &mut Diagnostics) -> Option<PermissionsTable> {
    let mut table = PermissionsTable { line, ..PermissionsTable::default() };
    let mut any = false;
    // Most pages list least privileged first; some say the opposite in the header.
    let most_first = header.iter().any(|cell| cell.text.to_ascii_lowercase().contains("most to least"));
    let columns: Vec<Option<Caller>> = header.iter().map(|cell| caller_kind(&cell.text)).collect();
    if columns.iter().skip(1).any(Option::is_some) {
        for row in rows {
            let Some(resource) = row.cells.first().map(|c| c.text.trim().to_owned()).filter(|r| !r.is_empty()) else { continue };
            let mut permissions = PermissionsTable { line: row.line, ..PermissionsTable::default() };
            for (caller, cell) in columns.iter().zip(&row.cells).skip(1) {
                if let (Some(caller), false) = (caller, cell.text.trim().is_empty()) {
                    *permissions.slot(caller) = Some(ordered(permission_names(&cell.text), most_first));
                }
            }
            table.by_resource.push((resource, permissions));
        }
        return Some(table);
    }
    // Some tables have the kinds as their header row.
    let header_row = TableRow { line, cells: header.to_vec() };
    for row in std::iter::once(&header_row).chain(rows) {
        let [kind, permissions, ..] = row.cells.as_slice() else { continue };
        let slot = match caller_kind(&kind.text) {
            Some(caller) => table.slot(&caller),
            None if row.line == line || kind.text.to_ascii_lowercase().contains("permission") => continue,
            None => {
                let message = format!("permissions row `{}` names no kind of caller this reader knows; it is left out", kind.text.trim());
                diags.report(Code::BadPermissions, (file, row.line), message);
                continue;
            }
        };
        any = true;
        // An empty cell states nothing (not "not supported").
        if slot.is_none() && !permissions.text.trim().is_empty() {
            *slot = Some(ordered(permission_names(&permissions.text), most_first));
        }
    }
    if !any {
        diags.report(Code::BadPermissions, (file, line), "the permissions table has no delegated or application row; it is left out");
    }
    any.then_some(table)
}

/// The permissions include a paragraph brings in, by name
/// (`[!INCLUDE [permissions-table](../includes/permissions/user-update-permissions.md)]`
/// -> `user-update-permissions`); `None` for any other paragraph.
pub fn include_name(paragraph: &Inline) -> Option<String> {
    if !paragraph.text.trim_start().to_ascii_lowercase().starts_with("[!include") {
        return None;
    }
    // The link the markdown reader found, else the `(...)` the text still spells.
    let dest = match paragraph.links.first() {
        Some(link) => link.dest.clone(),
        None => paragraph.text.split_once("](")?.1.split(')').next()?.to_owned(),
    };
    let (folder, file) = dest.trim().rsplit_once('/')?;
    let name = file.strip_suffix(".md").unwrap_or(file);
    (folder.ends_with("includes/permissions") && !name.is_empty()).then(|| name.to_owned())
}

fn ordered(mut names: Vec<String>, most_first: bool) -> Vec<String> {
    if most_first {
        names.reverse();
    }
    names
}

enum Caller {
    DelegatedWork,
    DelegatedPersonal,
    Application,
}

fn caller_kind(text: &str) -> Option<Caller> {
    let t = text.trim().to_ascii_lowercase();
    if t.starts_with("delegated") && (t.contains("work") || t.contains("school")) {
        Some(Caller::DelegatedWork)
    } else if t.starts_with("delegated") && (t.contains("personal") || t.contains("microsoft account")) {
        Some(Caller::DelegatedPersonal)
    } else if t.starts_with("application") {
        Some(Caller::Application)
    } else {
        None
    }
}

/// `User.Read, User.ReadWrite` -> the names; "Not supported." and "Not applicable" -> none.
fn permission_names(text: &str) -> Vec<String> {
    let t = text.trim().trim_end_matches('.').to_ascii_lowercase();
    if t.is_empty() || t.starts_with("not ") || t == "none" || t == "n/a" {
        return Vec::new();
    }
    text.split([',', ';'])
        .map(|p| p.trim().trim_matches(|c: char| c == '`' || c == '*' || c == '.').trim())
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(text: &str) -> Inline {
        Inline { text: text.into(), links: Vec::new(), marked: Vec::new() }
    }

    fn row(line: u32, kind: &str, permissions: &str) -> TableRow {
        TableRow { line, cells: vec![inline(kind), inline(permissions)] }
    }

    #[test]
    fn an_include_of_the_permissions_folder_is_kept_by_name() {
        let link = |dest: &str| Inline {
            text: "[!INCLUDE permissions-table]".into(),
            links: vec![super::super::markdown::Link { text: "permissions-table".into(), dest: dest.into() }],
            marked: Vec::new(),
        };
        assert_eq!(include_name(&link("../includes/permissions/user-update-permissions.md")).as_deref(), Some("user-update-permissions"));
        assert_eq!(include_name(&link("../includes/snippets/user-update.md")), None, "another folder's include");
        assert_eq!(
            include_name(&inline("[!INCLUDE [permissions-table](../includes/permissions/team-get-permissions.md)]")).as_deref(),
            Some("team-get-permissions"),
            "also when the reader left the link in the text"
        );
        assert_eq!(include_name(&inline("See [permissions](../includes/permissions/x.md).")), None, "a link, not an include");
    }

    #[test]
    fn reads_the_three_kinds_of_caller() {
        let header = [inline("Permission type"), inline("Permissions (from least to most privileged)")];
        let rows = [
            row(11, "Delegated (work or school account)", "User.ReadWrite, User.ReadWrite.All "),
            row(12, "Delegated (personal Microsoft account)", "Not supported."),
            row(13, "Application", "User.ReadWrite.All"),
        ];
        let mut diags = Diagnostics::default();
        let table = read_table("api/a.md", &header, &rows, 9, &mut diags).unwrap();
        assert_eq!(table.delegated_work.as_deref(), Some(&["User.ReadWrite".to_owned(), "User.ReadWrite.All".to_owned()][..]));
        assert_eq!(table.delegated_personal.as_deref(), Some(&[][..]));
        assert_eq!(table.application.as_deref(), Some(&["User.ReadWrite.All".to_owned()][..]));
        assert_eq!(diags.iter().count(), 0);
    }

    #[test]
    fn empty_cells_state_nothing_and_most_privileged_first_is_turned_around() {
        let header = [inline("Permission type"), inline("Permissions (from most to least privileged)")];
        let rows = [row(11, "Delegated (work or school account)", "Notes.ReadWrite.All, Notes.Read"), row(12, "Application", " ")];
        let table = read_table("api/a.md", &header, &rows, 9, &mut Diagnostics::default()).unwrap();
        assert_eq!(table.delegated_work.as_deref(), Some(&["Notes.Read".to_owned(), "Notes.ReadWrite.All".to_owned()][..]));
        assert_eq!(table.application, None);
    }

    #[test]
    fn a_table_by_resource_keeps_each_resource() {
        let header = [
            inline("Supported resource"),
            inline("Delegated (work or school account)"),
            inline("Delegated (personal Microsoft account)"),
            inline("Application"),
        ];
        let rows =
            [TableRow { line: 21, cells: vec![inline("message"), inline("Mail.Read"), inline("Not supported"), inline("Mail.Read")] }];
        let mut diags = Diagnostics::default();
        let table = read_table("api/a.md", &header, &rows, 19, &mut diags).unwrap();
        assert_eq!(diags.iter().count(), 0);
        let [(resource, message)] = table.by_resource.as_slice() else { panic!("{table:?}") };
        assert_eq!(resource, "message");
        assert_eq!(
            (message.delegated_personal.as_deref(), message.application.as_deref()),
            (Some(&[][..]), Some(&["Mail.Read".to_owned()][..]))
        );
        assert_eq!(table.delegated_work, None);
    }

    #[test]
    fn a_table_of_something_else_is_reported_and_left_out() {
        let header = [inline("Role"), inline("Meaning")];
        let mut diags = Diagnostics::default();
        assert_eq!(read_table("api/a.md", &header, &[row(5, "Owner", "everything")], 4, &mut diags), None);
        let codes: Vec<(&str, u32)> = diags.iter().map(|d| (d.code.as_str(), d.line)).collect();
        assert_eq!(codes, [("bad-permissions", 5), ("bad-permissions", 4)]);
    }
}
