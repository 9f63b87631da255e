//! Rule: an operation's permissions are the `## Permissions` table of the
//! page it comes from (the page that won it, see `operations::Fit`), or the
//! name of the include that holds that table on newer pages.

use crate::model::{Operation, Permissions};
use crate::parse::page::Page;
use crate::parse::permissions::PermissionsTable;
use std::collections::BTreeMap;

pub fn attach(pages: &[Page], operations: &mut [Operation]) {
    let tables: BTreeMap<&str, Permissions> =
        pages.iter().filter_map(|page| Some((page.file.as_str(), permissions(page.permissions.as_ref()?)))).collect();
    for operation in operations {
        operation.permissions = tables.get(operation.source.file.as_str()).cloned();
    }
}

fn permissions(table: &PermissionsTable) -> Permissions {
    Permissions {
        delegated_work: table.delegated_work.clone(),
        delegated_personal: table.delegated_personal.clone(),
        application: table.application.clone(),
        by_resource: table.by_resource.iter().map(|(resource, table)| (resource.clone(), permissions(table))).collect(),
        include: table.include.clone(),
    }
}
