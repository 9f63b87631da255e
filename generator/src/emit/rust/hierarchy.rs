//! Analysis: who inherits from whom, seen from the base. A base with derived
//! types gets a `…Kind` enum over them (`into_kind`, chosen by `@odata.type`).
//! The chain itself is [`ApiModel::ancestors`], the one definition of inheritance.

use crate::model::ApiModel;
use std::collections::BTreeMap;

pub struct Hierarchy {
    /// Base type -> every type that inherits from it, directly or not, in model order.
    descendants: BTreeMap<String, Vec<String>>,
}

impl Hierarchy {
    pub fn new(model: &ApiModel) -> Hierarchy {
        let mut descendants: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for def in &model.types {
            let qualified = def.qualified_name();
            for ancestor in model.ancestors(&qualified) {
                descendants.entry(ancestor.to_owned()).or_default().push(qualified.clone());
            }
        }
        Hierarchy { descendants }
    }

    /// Every type that inherits from `qualified`, directly or not, in model order.
    pub fn descendants(&self, qualified: &str) -> &[String] {
        self.descendants.get(qualified).map(Vec::as_slice).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::rust::test_model::{model, object};

    #[test]
    fn descendants_are_direct_and_indirect_in_model_order() {
        let model = model(vec![object("a", None, &[]), object("b", Some("ns.a"), &[]), object("c", Some("ns.b"), &[])]);
        let hierarchy = Hierarchy::new(&model);
        assert_eq!(hierarchy.descendants("ns.a"), ["ns.b", "ns.c"]);
        assert_eq!(hierarchy.descendants("ns.b"), ["ns.c"]);
        assert!(hierarchy.descendants("ns.c").is_empty());
    }
}
