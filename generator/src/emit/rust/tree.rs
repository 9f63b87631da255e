//! Analysis: the resource tree, where every operation is found by the shape
//! of its path. A path is read as steps from a root (`/me`, `/users`,
//! `/drives`): a literal segment is a navigation (`messages()`), a key a
//! `by_id(id)` (a `path(p)` for the `root:/{path}:` form), a segment with
//! values in it a call (`range(address)`). Each distinct position is a node
//! (a builder type of the generated `operations` module); an operation is a
//! method of the node it acts on, named by what it does: `list`, `get`,
//! `create`, `update`, `delete` for the resource itself, the action or
//! function name for what follows it (`create_upload_session`, `delta`),
//! `get_value`/`delete_ref` for `$value`/`$ref`.
//!
//! `/me` is the signed-in user, `/users/{id}` any user: one node serves both
//! (`Node`'s root index tells them apart at run time), so what follows them
//! is defined once, and an operation documented under both is one method.
//!
//! Names are claimed per node (methods), per module (builder types, child
//! modules) and among the roots (with `Client`'s own methods reserved). An
//! overload of a call whose plain name is taken is named by its arguments
//! (`image_width_height`) before it would get a number.

use super::names::{self, snake_name, type_name, Claim, Scope, RESERVED_FUNCTION_NAMES};
use crate::model::{ApiModel, Operation, OperationKind};
use std::collections::{BTreeMap, BTreeSet};

/// The roots that are another spelling of a position below a canonical root:
/// (alias, canonical literal, the key's parameter name).
const ALIASES: &[(&str, &str, &str)] = &[("me", "users", "user_id")];

pub struct Tree {
    pub nodes: Vec<Node>,
    /// The entry points: `operations::me()`, `Client::users()`, ...
    pub roots: Vec<Root>,
    /// Per model operation, where it is found.
    pub places: Vec<Place>,
    /// Every name claimed, with the word of the page it was made from: the
    /// surface reports those that are not a plain case conversion of it (a
    /// keyword, a reserved name, a collision).
    pub renames: Vec<Rename>,
}

/// A name claimed for operation `operation`'s place, and its word.
pub struct Rename {
    pub operation: usize,
    pub what: &'static str,
    pub claim: Claim,
    /// Where the scope is, as the diagnostic says it (`on the same builder`).
    pub within: &'static str,
    /// What had the name when the scope had it (an operation's method, a navigation, a root).
    pub holder: Option<String>,
}

pub struct Root {
    pub name: String,
    pub node: usize,
    /// 0 for a canonical root, else the alias's index in its node's templates.
    pub alias: usize,
    /// The path text it starts with (`/me`, `/users`).
    pub text: String,
}

/// One builder type.
pub struct Node {
    /// Module path below `operations` (`["users", "messages"]`).
    pub module: Vec<String>,
    pub name: String,
    /// The path template in its canonical spelling (`/users/{user_id}/messages`).
    pub template: String,
    /// Reached from an alias root too: its operations' templates depend on the root index.
    pub aliased: bool,
    pub edges: Vec<Edge>,
    pub methods: Vec<Method>,
    /// The areas of every operation found at or below it.
    pub areas: std::collections::BTreeSet<String>,
}

/// A navigation method: `messages()`, `by_id(message_id)`, `range(address)`.
pub struct Edge {
    pub name: String,
    pub target: usize,
    pub step: Step,
    /// (placeholder in `step.text`, argument name, holds a path), in path order.
    pub params: Vec<(String, String, bool)>,
}

/// An operation method: the first of `operations` gives its code and docs;
/// the others are the same operation documented under another root.
pub struct Method {
    pub name: String,
    pub operations: Vec<usize>,
    /// The names of its alternative answers' methods (`get_as_json`).
    pub alternatives: Vec<String>,
    /// What the request path adds after the node's path (`/createUploadSession`, `` for the node itself).
    pub step: Step,
}

/// Path text with placeholders (`/range(address='{address}')`), and the
/// operation's path parameters it holds (indices into `path_params`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub text: String,
    pub params: Vec<usize>,
    kind: StepKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepKind {
    Literal,
    Key,
    Call,
}

/// Where one operation is found: `root().step()...method(..)`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Place {
    pub root: String,
    /// Navigation method names and how many path parameters each takes.
    pub steps: Vec<(String, usize)>,
    pub method: String,
    /// Path parameters the method itself takes (those in its own segment).
    pub method_params: usize,
    /// The methods of the alternative answers, in `Operation::alternatives` order.
    pub alternatives: Vec<String>,
}

impl Place {
    /// `me().messages().by_id().attachments().create_upload_session`: how a changelog names it.
    pub fn spelled(&self) -> String {
        let mut text = format!("{}()", self.root);
        for (step, _) in &self.steps {
            text.push_str(&format!(".{step}()"));
        }
        format!("{text}.{}", self.method)
    }
}

impl Step {
    /// The text with every placeholder written `{}`: steps that differ only in placeholder names are one.
    fn shape(&self) -> String {
        let mut shape = String::new();
        let mut inside = false;
        for c in self.text.chars() {
            match c {
                '{' => {
                    inside = true;
                    shape.push_str("{}");
                }
                '}' => inside = false,
                c if !inside => shape.push(c),
                _ => {}
            }
        }
        shape
    }
}

/// The path of an operation as steps, `/me` spelled canonically, and which alias root (if any) it came by;
/// a trailing `:` (`root:/{path}:`) as the text the last step leaves.
fn steps_of(op: &Operation) -> (Vec<Step>, Option<usize>, String) {
    let mut steps = Vec::new();
    let mut colon = false;
    for segment in op.path.trim_start_matches('/').split('/').filter(|s| !s.is_empty()) {
        let separator = if std::mem::take(&mut colon) { ":/" } else { "/" };
        let segment = match segment.strip_suffix(':') {
            Some(stripped) if !stripped.is_empty() => {
                colon = true;
                stripped
            }
            _ => segment,
        };
        let params: Vec<usize> =
            op.path_params.iter().enumerate().filter(|(_, p)| segment.contains(&format!("{{{}}}", p.name))).map(|(i, _)| i).collect();
        let kind = if segment.starts_with('{') && segment.ends_with('}') && segment.matches('{').count() == 1 {
            StepKind::Key
        } else if segment.contains('{') || segment.contains('(') {
            StepKind::Call
        } else {
            StepKind::Literal
        };
        steps.push(Step { text: format!("{separator}{segment}"), params, kind });
    }
    let mut alias = None;
    if let Some(first) = steps.first() {
        if let Some(index) = ALIASES.iter().position(|(name, _, _)| first.kind == StepKind::Literal && first.text == format!("/{name}")) {
            let (_, canonical, key) = ALIASES[index];
            let literal = Step { text: format!("/{canonical}"), params: Vec::new(), kind: StepKind::Literal };
            let key = Step { text: format!("/{{{key}}}"), params: Vec::new(), kind: StepKind::Key };
            steps.splice(0..1, [literal, key]);
            alias = Some(index);
        }
    }
    (steps, alias, if colon { ":".to_owned() } else { String::new() })
}

/// The words of a segment as a name: `microsoft.graph.delta()` -> `delta`, `range(address='{a}')` -> `range`.
fn segment_word(text: &str) -> String {
    let text = text.trim_start_matches([':', '/']).trim_start_matches('$');
    let text = text.split('(').next().unwrap_or(text);
    let text = text.strip_prefix("microsoft.graph.").unwrap_or(text);
    let text = text.rsplit('.').next().unwrap_or(text);
    snake_name(&text.replace(|c: char| !c.is_ascii_alphanumeric(), "_"))
}

fn verb(kind: OperationKind, op: &Operation) -> &'static str {
    match kind {
        OperationKind::List => "list",
        OperationKind::Get => "get",
        OperationKind::Create => "create",
        OperationKind::Update => "update",
        OperationKind::Delete => "delete",
        _ => match op.method {
            crate::model::HttpMethod::Get => "get",
            crate::model::HttpMethod::Post => "create",
            crate::model::HttpMethod::Patch | crate::model::HttpMethod::Put => "update",
            crate::model::HttpMethod::Delete => "delete",
        },
    }
}

/// `word` in `scope`; a call whose plain name another overload took is named by its
/// arguments (`image_width_height(width, height)` beside `image()`) before a number.
/// Also the word the name was meant to be: an overload's name is designed, not a rename.
fn claim_call(scope: &mut Scope, word: &str, step: &Step) -> Claim {
    let by_arguments = crate::model::overload_name(word, &step.text).map(|name| snake_name(&name));
    match by_arguments {
        Some(name) if scope.is_taken(word) && !scope.is_taken(&name) => scope.claim_for(&name, &name),
        _ => scope.claim_for(word, word),
    }
}

/// A type-cast segment (`/microsoft.graph.user`), reached as `as_user()`.
fn is_cast(step: &Step) -> bool {
    step.kind == StepKind::Literal && step.text.contains("microsoft.graph.") && !step.text.contains('(')
}

/// A navigation's name: `messages`, `by_id`, `path` (a value that holds a path, or `:/{p}`), `range`, `as_user` (a cast).
fn edge_name(step: &Step, op: &Operation) -> String {
    match step.kind {
        StepKind::Key => {
            let holds_path = step.params.iter().any(|&i| op.path_params[i].holds_path);
            if holds_path || step.text.starts_with(":/") {
                "path".to_owned()
            } else {
                "by_id".to_owned()
            }
        }
        _ if is_cast(step) => format!("as_{}", segment_word(&step.text)),
        _ => segment_word(&step.text),
    }
}

/// What the tree needs of an operation's surface.
pub struct OperationFacts {
    /// What it takes and gives, without names: two documented spellings of one operation are one method only if these agree.
    pub signature: String,
    /// The Rust names of its path parameters.
    pub path_params: Vec<String>,
    /// The suffixes of its alternative answers' methods (`as_json`).
    pub alternatives: Vec<String>,
}

struct NodeBuilder {
    node: Node,
    scope: Scope,
    /// Edge shape -> edge index.
    edges: BTreeMap<String, usize>,
    /// (method shape, signature) -> method index.
    methods: BTreeMap<(String, String, String), usize>,
}

impl NodeBuilder {
    fn new(template: String) -> NodeBuilder {
        NodeBuilder {
            node: Node {
                module: Vec::new(),
                name: String::new(),
                template,
                aliased: false,
                edges: Vec::new(),
                methods: Vec::new(),
                areas: Default::default(),
            },
            scope: Scope::with_reserved(&["unsent"]),
            edges: BTreeMap::new(),
            methods: BTreeMap::new(),
        }
    }

    fn target(&self, step: &Step) -> Option<usize> {
        self.edges.get(&step.shape()).map(|&edge| self.node.edges[edge].target)
    }
}

/// An operation's path cut where its method goes: the navigation to the
/// node it acts on, and the step (if any) its method adds.
struct Split {
    navigation: Vec<Step>,
    method_step: Step,
    method_name: String,
    alias: Option<usize>,
}

/// The positions other operations pass through on their way: every proper
/// prefix of every path, as step shapes.
fn passed_through(model: &ApiModel) -> BTreeSet<Vec<String>> {
    let mut passed = BTreeSet::new();
    for op in &model.operations {
        let shapes: Vec<String> = steps_of(op).0.iter().map(Step::shape).collect();
        for end in 1..shapes.len() {
            passed.insert(shapes[..end].to_vec());
        }
    }
    passed
}

/// `list`/`get`/... on the resource the path names itself; otherwise the
/// last segment (an action, a function, `$value`) is the method of its parent.
/// An action or function on a plain segment other operations pass through
/// (`GET .../names/{name}/range` beside `PATCH .../range`) names that position:
/// it is `range().get()`, not a method `range` beside the navigation `range()`.
fn split(op: &Operation, passed: &BTreeSet<Vec<String>>) -> Split {
    let (mut steps, alias, trailing) = steps_of(op);
    if steps.is_empty() {
        steps.push(Step { text: String::new(), params: Vec::new(), kind: StepKind::Literal });
    }
    let kind = op.kind;
    let last = steps.last().cloned().unwrap_or_else(|| Step { text: String::new(), params: Vec::new(), kind: StepKind::Literal });
    let crud =
        matches!(kind, OperationKind::List | OperationKind::Get | OperationKind::Create | OperationKind::Update | OperationKind::Delete);
    let names_a_position =
        last.kind == StepKind::Literal && !is_cast(&last) && passed.contains(&steps.iter().map(Step::shape).collect::<Vec<_>>());
    let on_itself = !last.text.starts_with("/$") && (crud || names_a_position);
    if on_itself || steps.len() == 1 || (alias.is_some() && steps.len() == 2) {
        let method_step = Step { text: trailing, params: Vec::new(), kind: StepKind::Literal };
        return Split { navigation: steps, method_step, method_name: verb(kind, op).to_owned(), alias };
    }
    let method_name =
        if last.text.starts_with("/$") { format!("{}_{}", verb(kind, op), segment_word(&last.text)) } else { segment_word(&last.text) };
    let mut method_step = last;
    method_step.text.push_str(&trailing);
    steps.pop();
    Split { navigation: steps, method_step, method_name, alias }
}

/// The tree while operations are placed in it, one at a time.
struct TreeBuilder<'a> {
    model: &'a ApiModel,
    facts: &'a [OperationFacts],
    nodes: Vec<NodeBuilder>,
    /// A root step's shape -> its node.
    root_nodes: BTreeMap<String, usize>,
    roots: Vec<RootFound>,
    places: Vec<Place>,
    renames: Vec<Rename>,
    /// As [`passed_through`].
    passed: BTreeSet<Vec<String>>,
}

impl Tree {
    /// `facts[i]` says what operation `i` takes and gives, without names.
    pub fn new(model: &ApiModel, facts: &[OperationFacts]) -> Tree {
        let mut builder = TreeBuilder {
            model,
            facts,
            nodes: Vec::new(),
            root_nodes: BTreeMap::new(),
            roots: Vec::new(),
            places: Vec::new(),
            renames: Vec::new(),
            passed: passed_through(model),
        };
        for index in 0..model.operations.len() {
            builder.place(index);
        }
        builder.finish()
    }
}

impl TreeBuilder<'_> {
    fn new_node(&mut self, template: String) -> usize {
        self.nodes.push(NodeBuilder::new(template));
        self.nodes.len() - 1
    }

    /// Places operation `index`: its root, the edges down to its node, its method there.
    fn place(&mut self, index: usize) {
        let op = &self.model.operations[index];
        let split = split(op, &self.passed);
        let root_node = self.root_node(&split.navigation[0], index);
        let (node, steps) = self.walk(index, &split, root_node);
        let root = self.root_name(index, &split, root_node);
        let (method, alternatives) = self.method(index, node, &split);
        self.places.push(Place { root, steps, method, method_params: split.method_step.params.len(), alternatives });
        self.mark_areas(root_node, &split.navigation, &op.area);
    }

    /// The node of a root step, made (and its root recorded) the first time an operation reaches it.
    fn root_node(&mut self, first: &Step, index: usize) -> usize {
        if let Some(&node) = self.root_nodes.get(&first.shape()) {
            return node;
        }
        let node = self.new_node(first.text.clone());
        self.root_nodes.insert(first.shape(), node);
        self.roots.push(RootFound { word: segment_word(&first.text), node, alias: 0, text: first.text.clone(), operation: index });
        node
    }

    /// Follows (and makes) the edges of the navigation from the root; the node reached, and the
    /// named steps a call site spells after its root (an alias's canonical prefix left out).
    fn walk(&mut self, index: usize, split: &Split, root_node: usize) -> (usize, Vec<(String, usize)>) {
        let mut node = root_node;
        let mut template = split.navigation[0].text.clone();
        let mut place_steps = Vec::new();
        let skipped = if split.alias.is_some() { 2 } else { 1 };
        for (depth, step) in split.navigation.iter().enumerate().skip(1) {
            template.push_str(&step.text);
            let target = match self.nodes[node].target(step) {
                Some(target) => target,
                None => self.new_edge(index, split.alias.filter(|_| depth == 1), node, step, &template),
            };
            if depth >= skipped {
                let edge = self.nodes[node].edges[&step.shape()];
                place_steps.push((self.nodes[node].node.edges[edge].name.clone(), step.params.len()));
            }
            node = target;
        }
        (node, place_steps)
    }

    /// A new edge from `node` along `step` to a new node, named in `node`'s scope; `alias` when the
    /// step is the key an alias root stands for (`/me` for `/users/{user_id}`).
    fn new_edge(&mut self, index: usize, alias: Option<usize>, node: usize, step: &Step, template: &str) -> usize {
        let op = &self.model.operations[index];
        let target = self.new_node(template.to_owned());
        let word = edge_name(step, op);
        let mut claim = claim_call(&mut self.nodes[node].scope, &word, step);
        let holder = self.holder(node, &claim);
        // A literal segment is reported under its documented spelling; a cast's `as_` name is the designed one.
        if step.kind == StepKind::Literal && !is_cast(step) {
            claim.word = step.text.trim_start_matches('/').to_owned();
        }
        let name = claim.name.clone();
        self.renames.push(Rename { operation: index, what: "path segment", claim, within: "on the same builder", holder });
        let params = match alias {
            Some(alias) => {
                let key = ALIASES[alias].2;
                vec![(key.to_owned(), key.to_owned(), false)]
            }
            None => step
                .params
                .iter()
                .map(|&i| (op.path_params[i].name.clone(), self.facts[index].path_params[i].clone(), op.path_params[i].holds_path))
                .collect(),
        };
        let builder = &mut self.nodes[node];
        builder.edges.insert(step.shape(), builder.node.edges.len());
        builder.node.edges.push(Edge { name, target, step: step.clone(), params });
        target
    }

    /// The root a call site starts from: the alias (`me`) when the path came by one, recorded the
    /// first time; otherwise the canonical root of `root_node`.
    fn root_name(&mut self, index: usize, split: &Split, root_node: usize) -> String {
        let Some(alias) = split.alias else {
            return self.roots.iter().find(|r| r.node == root_node && r.alias == 0).map(|r| r.word.clone()).unwrap_or_default();
        };
        let name = ALIASES[alias].0;
        if !self.roots.iter().any(|r| r.word == name) {
            let node = self.nodes[root_node].target(&split.navigation[1]).expect("walk made the alias's key edge");
            self.roots.push(RootFound { word: name.to_owned(), node, alias: 1, text: format!("/{name}"), operation: index });
        }
        name.to_owned()
    }

    /// The method of `node` that operation `index` is: an existing one when another spelling of the
    /// same operation made it (same step, HTTP method and signature), else a new one. Its name and
    /// the names of its alternative answers' methods.
    fn method(&mut self, index: usize, node: usize, split: &Split) -> (String, Vec<String>) {
        let op = &self.model.operations[index];
        let facts = &self.facts[index];
        let key = (split.method_step.shape(), op.method.to_string(), facts.signature.clone());
        let builder = &mut self.nodes[node];
        if let Some(&m) = builder.methods.get(&key) {
            let method = &mut builder.node.methods[m];
            method.operations.push(index);
            return (method.name.clone(), method.alternatives.clone());
        }
        let claim = claim_call(&mut builder.scope, &split.method_name, &split.method_step);
        let holder = self.holder(node, &claim);
        let name = claim.name.clone();
        self.renames.push(Rename { operation: index, what: "operation", claim, within: "on the same builder", holder });
        let builder = &mut self.nodes[node];
        let alternatives: Vec<String> = facts.alternatives.iter().map(|suffix| builder.scope.claim(&format!("{name}_{suffix}"))).collect();
        builder.methods.insert(key, builder.node.methods.len());
        builder.node.methods.push(Method {
            name: name.clone(),
            operations: vec![index],
            alternatives: alternatives.clone(),
            step: split.method_step.clone(),
        });
        (name, alternatives)
    }

    /// What already had the name `claim` asked for on `node`'s builder, as a
    /// `renamed` diagnostic names it: an operation's method (its HTTP request
    /// and page) or a navigation. Looked up before the claim's own method or
    /// navigation is added.
    fn holder(&self, node: usize, claim: &Claim) -> Option<String> {
        if claim.clash != Some(names::Clash::Taken) {
            return None;
        }
        let name = claim.candidate.as_str();
        let node = &self.nodes[node].node;
        if let Some(method) = node.methods.iter().find(|m| m.name == name) {
            let op = &self.model.operations[*method.operations.first()?];
            return Some(format!("`{} {}` ({})", op.method, op.documented_path, op.source));
        }
        let edge = node.edges.iter().find(|e| e.name == name)?;
        Some(format!("the navigation along `{}`", edge.step.text))
    }

    /// Every node on the way to an operation is in its area (the builders' `cfg`).
    fn mark_areas(&mut self, root_node: usize, navigation: &[Step], area: &str) {
        let mut at = root_node;
        self.nodes[at].node.areas.insert(area.to_owned());
        for step in navigation.iter().skip(1) {
            at = self.nodes[at].target(step).expect("walk made every edge");
            self.nodes[at].node.areas.insert(area.to_owned());
        }
    }

    fn finish(mut self) -> Tree {
        let mut nodes: Vec<Node> = self.nodes.into_iter().map(|b| b.node).collect();
        let roots = name_roots(self.roots, &mut self.places, &mut self.renames);
        // Everything below an alias's node is reached from two roots.
        let mut below: Vec<usize> = roots.iter().filter(|r| r.alias > 0).map(|r| r.node).collect();
        while let Some(index) = below.pop() {
            if !std::mem::replace(&mut nodes[index].aliased, true) {
                below.extend(nodes[index].edges.iter().map(|e| e.target));
            }
        }
        name_nodes(&mut nodes, &roots);
        Tree { nodes, roots, places: self.places, renames: self.renames }
    }
}

/// A root as the operations first reach it, before the roots are named together.
struct RootFound {
    /// The word its name is made from.
    word: String,
    node: usize,
    /// As [`Root::alias`].
    alias: usize,
    /// Its path text (`/users`).
    text: String,
    /// The operation that reached it first (its diagnostics point there).
    operation: usize,
}

/// Root names unique among themselves and `Client`'s methods; places renamed to match.
fn name_roots(roots: Vec<RootFound>, places: &mut [Place], renames: &mut Vec<Rename>) -> Vec<Root> {
    let mut scope = Scope::with_reserved(RESERVED_FUNCTION_NAMES);
    let mut renamed = BTreeMap::new();
    // Each root name handed out, and the path it is the root of.
    let mut claimed: BTreeMap<String, String> = BTreeMap::new();
    let roots: Vec<Root> = roots
        .into_iter()
        .map(|RootFound { word, node, alias, text, operation }| {
            let holder = claimed.get(&word).map(|text: &String| format!("the root `{text}`"));
            let mut claim = scope.claim_for(&word, &word);
            claim.word = text.trim_start_matches('/').to_owned();
            let name = claim.name.clone();
            claimed.insert(name.clone(), text.clone());
            renames.push(Rename { operation, what: "root", claim, within: "among `Client`'s methods", holder });
            renamed.insert(word.clone(), name.clone());
            Root { name, node, alias, text }
        })
        .collect();
    for place in places {
        if let Some(name) = renamed.get(&place.root) {
            place.root = name.clone();
        }
    }
    roots
}

/// Modules and type names: a literal step opens a module (named after it) holding its node's type
/// (`Messages`); a key's node is the singular (`Message`) in the same module; a call's node is named after the call.
fn name_nodes(nodes: &mut [Node], roots: &[Root]) {
    let reserved_modules: &[&str] = &["types", "runtime", "crate", "self", "super", "std", "core", "serde_json"];
    let reserved_types: &[&str] = &["Node", "Request", "Method", "Page", "Client", "Self"];
    let mut scopes: BTreeMap<Vec<String>, (Scope, Scope)> = BTreeMap::new();
    fn scope<'s>(
        scopes: &'s mut BTreeMap<Vec<String>, (Scope, Scope)>,
        module: &[String],
        reserved: (&[&str], &[&str]),
    ) -> &'s mut (Scope, Scope) {
        scopes.entry(module.to_vec()).or_insert_with(|| (Scope::with_reserved(reserved.0), Scope::with_reserved(reserved.1)))
    }
    let reserved = (reserved_modules, reserved_types);
    // (node, the step that reaches it, the module and type name of the node it is reached from)
    let mut queue: std::collections::VecDeque<(usize, Step, Vec<String>, String)> = std::collections::VecDeque::new();
    for root in roots.iter().filter(|r| r.alias == 0) {
        let step = Step { text: nodes[root.node].template.clone(), params: Vec::new(), kind: StepKind::Literal };
        queue.push_back((root.node, step, Vec::new(), String::new()));
    }
    let mut seen = vec![false; nodes.len()];
    while let Some((index, step, parent_module, parent_name)) = queue.pop_front() {
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        let module = if step.kind == StepKind::Literal {
            let mut module = parent_module.clone();
            module.push(scope(&mut scopes, &parent_module, reserved).0.claim(&segment_word(&step.text)));
            module
        } else {
            parent_module
        };
        let candidate = match step.kind {
            StepKind::Key => {
                let name = type_name(&crate::resolve::paths::singular(&snake_name(&parent_name)));
                if name == parent_name {
                    format!("{parent_name}Item")
                } else {
                    name
                }
            }
            StepKind::Literal | StepKind::Call => type_name(&segment_word(&step.text)),
        };
        let name = scope(&mut scopes, &module, reserved).1.claim(&candidate);
        for edge in &nodes[index].edges {
            queue.push_back((edge.target, edge.step.clone(), module.clone(), name.clone()));
        }
        nodes[index].module = module;
        nodes[index].name = name;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::rust::test_model::{model, operation};
    use crate::model::HttpMethod;

    fn tree_of(paths: &[&str]) -> Tree {
        let functions = paths.iter().map(|path| (OperationKind::Function, HttpMethod::Get, *path)).collect::<Vec<_>>();
        tree_of_operations(&functions)
    }

    fn tree_of_operations(operations: &[(OperationKind, HttpMethod, &str)]) -> Tree {
        let mut model = model(Vec::new());
        model.operations = operations.iter().map(|&(kind, method, path)| Operation { kind, ..operation(method, path) }).collect();
        // Each operation has a signature of its own (overloads differ in their arguments).
        let facts: Vec<OperationFacts> = operations
            .iter()
            .map(|(_, _, path)| OperationFacts { signature: path.to_string(), path_params: Vec::new(), alternatives: Vec::new() })
            .collect();
        Tree::new(&model, &facts)
    }

    #[test]
    fn a_call_on_a_position_other_operations_pass_through_is_that_position_s_method() {
        let tree = tree_of_operations(&[
            (OperationKind::Function, HttpMethod::Get, "/books/{book_id}/range"),
            (OperationKind::Update, HttpMethod::Patch, "/books/{book_id}/range"),
            (OperationKind::Get, HttpMethod::Get, "/books/{book_id}/range/format"),
            (OperationKind::Function, HttpMethod::Get, "/books/{book_id}/summary"),
        ]);
        let spelled: Vec<String> = tree.places.iter().map(Place::spelled).collect();
        assert_eq!(
            spelled,
            [
                "books().by_id().range().get",
                "books().by_id().range().update",
                "books().by_id().range().format().get",
                "books().by_id().summary"
            ]
        );
    }

    #[test]
    fn overloads_of_a_call_are_named_by_their_arguments() {
        let tree = tree_of(&[
            "/widgets/{widget_id}/image",
            "/widgets/{widget_id}/image(width={width})",
            "/widgets/{widget_id}/image(width={width},fittingMode='{fitting_mode}')",
            "/widgets/{widget_id}/image(width=640)",
        ]);
        let methods: Vec<&str> = tree.places.iter().map(|p| p.method.as_str()).collect();
        // The last spells the same argument as the second: named by a number.
        assert_eq!(methods, ["image", "image_width", "image_width_fitting_mode", "image_2"]);
        let renamed: Vec<&str> =
            tree.renames.iter().filter(|r| r.what == "operation" && r.claim.word != r.claim.name).map(|r| r.claim.name.as_str()).collect();
        assert_eq!(renamed, ["image_2"], "a name by arguments is designed, not a rename");
    }

    #[test]
    fn a_taken_name_says_what_has_it() {
        let mut model = model(Vec::new());
        let mut first = Operation { kind: OperationKind::Update, ..operation(HttpMethod::Patch, "/users/{id}") };
        first.source = crate::model::Source { file: "api/user-update.md".into(), line: 34 };
        let second = Operation { kind: OperationKind::Update, ..operation(HttpMethod::Put, "/users/{id}") };
        model.operations = vec![first, second];
        let facts: Vec<OperationFacts> = ["patch", "put"]
            .iter()
            .map(|signature| OperationFacts { signature: signature.to_string(), path_params: Vec::new(), alternatives: Vec::new() })
            .collect();
        let tree = Tree::new(&model, &facts);
        let taken: Vec<(&str, Option<&str>)> = tree
            .renames
            .iter()
            .filter(|r| r.claim.clash == Some(names::Clash::Taken))
            .map(|r| (r.claim.name.as_str(), r.holder.as_deref()))
            .collect();
        assert_eq!(taken, [("update_2", Some("`PATCH /users/{id}` (api/user-update.md:34)"))]);
    }
}
