//! Where a path builder of the generated `operations` module stands: the
//! path so far (ids already encoded), the root it was reached from, and what
//! sends its requests (`()` builds them only; `&Client` sends them).
//!
//! One builder type serves every path prefix that reaches the same resource
//! (`/me/messages` and `/users/{id}/messages` are one `Messages`): the prefix
//! is data carried here, not a second copy of the code.

/// A position in the resource tree. `S` is `()` for builders that only build
/// [`crate::runtime::Request`]s, or `&Client` for builders whose operations send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node<S = ()> {
    path: String,
    root: usize,
    sender: S,
}

impl<S: Copy> Node<S> {
    /// At a root of the tree: `path` is its text, `root` which of the roots that lead to the same resource it is.
    pub fn root(sender: S, root: usize, path: &str) -> Self {
        Node { path: path.to_owned(), root, sender }
    }

    /// One step further: `text` (its ids already encoded) appended to the path.
    pub fn then(&self, text: &str) -> Self {
        Node { path: format!("{}{text}", self.path), root: self.root, sender: self.sender }
    }

    /// The path so far, relative to the base URL.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path so far with `rest` appended.
    pub fn join(&self, rest: &str) -> String {
        format!("{}{rest}", self.path)
    }

    /// Which of the roots leading to this resource the path starts from (0 for the canonical one).
    pub fn root_index(&self) -> usize {
        self.root
    }

    /// What sends the operations.
    pub fn sender(&self) -> S {
        self.sender
    }

    /// The same position, building requests only.
    pub fn unsent(&self) -> Node<()> {
        Node { path: self.path.clone(), root: self.root, sender: () }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_append_to_the_path_and_keep_the_root() {
        let me = Node::root((), 1, "/me");
        let attachments = me.then("/messages").then("/m%2F1").then("/attachments");
        assert_eq!(attachments.path(), "/me/messages/m%2F1/attachments");
        assert_eq!(attachments.join("/createUploadSession"), "/me/messages/m%2F1/attachments/createUploadSession");
        assert_eq!((attachments.root_index(), me.path()), (1, "/me"));
        assert_eq!(attachments.unsent(), attachments);
    }
}
