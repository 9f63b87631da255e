//! The product area of a page: the Cargo feature its operations and types
//! belong to. Pages of 2021 name it in `ms.prod` (`outlook`,
//! `microsoft-teams`); pages of 2023 on name it in `ms.subservice`
//! (`entra-users`, `teams`, `calendar`), often without `ms.prod`. Both are
//! read here, and only here, onto one set of feature names: the `ms.prod`
//! names the crate always had, so that a workload stays one feature whichever
//! field its pages use.

/// `ms.subservice` values and the `ms.prod` feature they belong to. A
/// subservice not listed keeps its own (normalized) name.
const SUBSERVICE_AREAS: &[(&str, &str)] = &[
    ("entra-users", "users"),
    ("entra-groups", "groups"),
    ("entra-applications", "applications"),
    ("entra-directory-management", "directory-management"),
    ("entra-id-governance", "governance"),
    ("entra-sign-in", "identity-and-sign-in"),
    ("entra-id-protection", "identity-and-sign-in"),
    ("entra-monitoring-health", "identity-and-access-reports"),
    ("teams", "microsoft-teams"),
    ("teamwork", "microsoft-teams"),
    ("calendar", "outlook"),
    ("mail", "outlook"),
    ("outlook-mail", "outlook"),
    ("outlook-calendar", "outlook"),
    ("personal-contacts", "outlook"),
    ("to-do", "outlook"),
    ("onedrive", "sharepoint"),
    ("universal-print", "cloud-printing"),
];

/// The feature of a page with these front matter fields: a listed
/// subservice's feature, else `ms.prod`'s, else the subservice's own name,
/// else `other`.
pub fn area(product: Option<&str>, subservice: Option<&str>) -> String {
    let subservice = subservice.map(feature_name).filter(|s| !s.is_empty());
    let mapped = subservice.as_deref().and_then(|s| SUBSERVICE_AREAS.iter().find(|(from, _)| *from == s)).map(|(_, to)| to.to_string());
    let product = product.map(feature_name).filter(|p| !p.is_empty());
    mapped.or(product).or(subservice).filter(|name| is_usable(name)).unwrap_or_else(|| "other".to_owned())
}

/// Lower-case ASCII letters, digits and single `-`s (`Microsoft Teams` -> `microsoft-teams`).
fn feature_name(value: &str) -> String {
    let name: String = value.trim().to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    name.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-")
}

/// A feature name that Cargo accepts and that is not one of the crate's own
/// features (the runtime's, which `emit/scaffold.rs` holds this list to, and `full`).
fn is_usable(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && !matches!(name, "full" | "default" | "client" | "scalars" | "azure-identity" | "test-server")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_field_gives_the_same_feature() {
        let cases: &[(Option<&str>, Option<&str>, &str)] = &[
            (Some("outlook"), None, "outlook"),
            (Some("Outlook"), None, "outlook"),
            (None, Some("calendar"), "outlook"),
            (Some("outlook"), Some("calendar"), "outlook"),
            (None, Some("entra-users"), "users"),
            (Some("users"), Some("entra-users"), "users"),
            (None, Some("entra-id-governance"), "governance"),
            (None, Some("teams"), "microsoft-teams"),
            (Some("microsoft-teams"), None, "microsoft-teams"),
            // An unlisted subservice: `ms.prod` when there is one, else its own name.
            (Some("security"), Some("entra-global-secure-access"), "security"),
            (None, Some("entra-global-secure-access"), "entra-global-secure-access"),
            (Some("'applications'"), None, "applications"),
            (None, None, "other"),
            (Some("2021"), None, "other"),
            (Some("full"), None, "other"),
            (Some("scalars"), None, "other"),
        ];
        let wrong: Vec<String> = cases
            .iter()
            .filter(|(prod, sub, expected)| area(*prod, *sub) != *expected)
            .map(|(prod, sub, expected)| format!("{prod:?} + {sub:?} -> {}, not {expected}", area(*prod, *sub)))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
