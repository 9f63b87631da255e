//! YAML front matter (`---` ... `---` at the top of a page).

use yaml_rust2::{Yaml, YamlLoader};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub doc_type: Option<String>,
    pub description: Option<String>,
    /// `ms.prod`: the product area (workload) the page belongs to (pages of 2021).
    pub product: Option<String>,
    /// `ms.subservice`: the same, on pages of 2023 on (see `parse::area`).
    pub subservice: Option<String>,
}

/// Outcome of reading the front matter: the fields and, if the YAML was broken,
/// the line (1-based, in the page) and message of the error.
pub fn parse(text: &str) -> (FrontMatter, Option<(u32, String)>) {
    let Some(yaml) = front_matter_text(text) else {
        return (FrontMatter::default(), None);
    };
    match YamlLoader::load_from_str(yaml) {
        Ok(docs) => match docs.first() {
            Some(doc) => (from_yaml(doc), None),
            None => (FrontMatter::default(), None),
        },
        Err(err) => {
            // Broken YAML is common (unquoted colons); fall back to `key: value` lines.
            let line = err.marker().line() as u32 + 1;
            (from_lines(yaml), Some((line, err.info().to_owned())))
        }
    }
}

fn front_matter_text(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---")?;
    let rest = rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n'))?;
    let end = rest.match_indices("\n---").find(|(i, _)| rest[i + 4..].starts_with(['\n', '\r']) || rest.len() == i + 4).map(|(i, _)| i)?;
    Some(&rest[..end + 1])
}

fn from_yaml(doc: &Yaml) -> FrontMatter {
    let field = |key: &str| match &doc[key] {
        Yaml::String(s) => Some(s.trim().to_owned()),
        Yaml::Integer(i) => Some(i.to_string()),
        _ => None,
    };
    FrontMatter {
        title: field("title"),
        doc_type: field("doc_type"),
        description: field("description"),
        product: field("ms.prod"),
        subservice: field("ms.subservice"),
    }
}

fn from_lines(yaml: &str) -> FrontMatter {
    let field = |key: &str| {
        yaml.lines().find_map(|line| {
            let (k, v) = line.split_once(':')?;
            (k.trim() == key).then(|| v.trim().trim_matches(['"', '\'']).to_owned())
        })
    };
    FrontMatter {
        title: field("title"),
        doc_type: field("doc_type"),
        description: field("description"),
        product: field("ms.prod"),
        subservice: field("ms.subservice"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields() {
        let (fm, err) = parse("---\ntitle: \"user: get\"\ndoc_type: apiPageType\n---\n# x\n");
        assert_eq!(err, None);
        assert_eq!(fm.title.as_deref(), Some("user: get"));
        assert_eq!(fm.doc_type.as_deref(), Some("apiPageType"));
    }

    #[test]
    fn reads_the_subservice_beside_the_product() {
        let (fm, _) = parse("---\ntitle: x\nms.subservice: \"entra-users\"\ndoc_type: apiPageType\n---\n");
        assert_eq!((fm.product, fm.subservice.as_deref()), (None, Some("entra-users")));
        let (fm, _) = parse("---\ntitle: a: b: [\nms.prod: outlook\nms.subservice: calendar\n---\n");
        assert_eq!((fm.product.as_deref(), fm.subservice.as_deref()), (Some("outlook"), Some("calendar")));
    }

    #[test]
    fn broken_yaml_falls_back_to_lines() {
        let (fm, err) = parse("---\ntitle: a: b: [\ndoc_type: resourcePageType\n---\n");
        assert!(err.is_some());
        assert_eq!(fm.doc_type.as_deref(), Some("resourcePageType"));
    }

    #[test]
    fn no_front_matter() {
        assert_eq!(parse("# Title\n"), (FrontMatter::default(), None));
    }
}
