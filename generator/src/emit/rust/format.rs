//! Formatting the emitted modules: items cut out of the token streams
//! without parsing, formatted on every core, and kept in a cache of
//! formatted items so that a regeneration formats only the items whose
//! tokens changed.
//!
//! How "generated code always parses" holds: every chunk of tokens is
//! formatted by parsing it with `syn` (a chunk that does not parse is an
//! [`EmitError`], nothing is written) unless the cache holds a text for
//! exactly the same tokens, which was parsed and formatted when it was
//! cached. The cache is keyed by the chunk's whole token text, compared
//! byte for byte (the hash only finds the entry), and tagged with the
//! versions of `syn` and prettyplease that wrote it.

use crate::emit::EmitError;
use proc_macro2::{Delimiter, Group, Spacing, TokenStream, TokenTree};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// What the cached texts were formatted by; a cache written by another
/// version is ignored. A unit test checks these against `Cargo.lock`.
const FORMATTER: &str = "syn 2.0.119, prettyplease 0.2.37";
const CACHE_MAGIC: &str = "docgen format cache 1";
/// Cache files kept in a cache directory (one per output directory), the
/// least recently written deleted first.
const CACHE_FILES_KEPT: usize = 8;

/// One module's source before formatting: its parts in file order.
#[derive(Default)]
pub struct ModuleSource {
    parts: Vec<Part>,
}

/// What a container's head is formatted with, in place of its members (then cut off again).
const PLACEHOLDER: &str = "fn __docgen_placeholder() {}";

/// A piece of a module, formatted as a file of its own. A piece inside
/// containers (`mod` and `impl` bodies cut into their members) is formatted
/// inside the bare heads of those containers, so that it is indented and
/// broken as in the whole file; their lines are then cut off again.
enum Part {
    /// Tokens of whole top-level items (or a file's inner attributes).
    Items(String),
    /// A container's attributes and head (`pub mod users {`), `depth`
    /// containers deep, formatted around the [`PLACEHOLDER`] member.
    Head { tokens: String, depth: usize },
    /// A member of the container `depth - 1` containers deep.
    Member { tokens: String, depth: usize },
    /// The `}` closing a container `depth` containers deep.
    End { depth: usize },
}

impl Part {
    fn tokens(&self) -> Option<&str> {
        match self {
            Part::Items(tokens) | Part::Head { tokens, .. } | Part::Member { tokens, .. } => Some(tokens),
            Part::End { .. } => None,
        }
    }

    /// Frees the token text, keeping where the part goes.
    fn forget_tokens(&mut self) {
        if let Part::Items(tokens) | Part::Head { tokens, .. } | Part::Member { tokens, .. } = self {
            *tokens = String::new();
        }
    }
}

impl ModuleSource {
    /// A module starting with `head` (its inner doc comment and attributes).
    pub fn new(head: TokenStream) -> ModuleSource {
        ModuleSource { parts: vec![Part::Items(head.to_string())] }
    }

    /// Appends `other`'s parts.
    pub fn append(&mut self, other: ModuleSource) {
        self.parts.extend(other.parts);
    }

    /// Appends `items`, formatted as one chunk.
    pub fn push(&mut self, items: TokenStream) {
        self.parts.push(Part::Items(items.to_string()));
    }

    /// A whole module cut into chunks: its inner attributes, each item, each
    /// member of a top-level `impl` (operations' `Client` methods share one)
    /// and each item of a `mod` at any depth (the module tree's `users` is a
    /// fifth of `operations.rs`: whole, it was formatted last, alone on one core).
    pub fn from_file(tokens: TokenStream) -> ModuleSource {
        let (inner, items) = split_items(tokens);
        let mut module = ModuleSource::new(inner);
        let mut around = Vec::new();
        for item in items {
            module.push_item(item, &mut around);
        }
        module
    }

    /// Pushes `item`, which sits inside the containers whose bare heads are `around`.
    fn push_item(&mut self, item: Vec<TokenTree>, around: &mut Vec<Vec<TokenTree>>) {
        let depth = around.len();
        let Some((head, members)) = container_members(&item, depth) else {
            let tokens = wrapped(around, TokenStream::from_iter(item));
            self.parts.push(if depth == 0 { Part::Items(tokens) } else { Part::Member { tokens, depth } });
            return;
        };
        let placeholder: TokenStream = PLACEHOLDER.parse().unwrap_or_default();
        let head_tokens = TokenStream::from_iter(head.iter().cloned().chain([braced(placeholder)]));
        self.parts.push(Part::Head { tokens: wrapped(around, head_tokens), depth });
        around.push(without_outer_attributes(head).to_vec());
        for member in members {
            self.push_item(member, around);
        }
        around.pop();
        self.parts.push(Part::End { depth });
    }
}

fn braced(body: TokenStream) -> TokenTree {
    TokenTree::Group(Group::new(Delimiter::Brace, body))
}

/// The token text of `inner` inside the containers whose bare heads are `around`.
fn wrapped(around: &[Vec<TokenTree>], inner: TokenStream) -> String {
    around.iter().rev().fold(inner, |body, head| TokenStream::from_iter(head.iter().cloned().chain([braced(body)]))).to_string()
}

/// Where formatted items are kept between generations, and which of them
/// this generation used.
pub struct FormatCache {
    path: Option<PathBuf>,
    /// The cache file's text; entries point into it.
    text: String,
}

impl FormatCache {
    /// No cache: every item is formatted.
    pub fn none() -> FormatCache {
        FormatCache { path: None, text: String::new() }
    }

    /// The cache file for output `key` (e.g. the output directory) in `dir`;
    /// a missing, unreadable or foreign file is an empty cache.
    pub fn open(dir: &Path, key: &str) -> FormatCache {
        let name: String = key.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        let name = name.trim_matches('-');
        let name = &name[name.len().saturating_sub(120)..];
        let path = dir.join(format!("{name}.cache"));
        let text = std::fs::read(&path).ok().and_then(|bytes| String::from_utf8(bytes).ok()).unwrap_or_default();
        FormatCache { path: Some(path), text }
    }

    /// Token text -> formatted text, for a cache written by this formatter.
    fn entries(&self) -> HashMap<&str, &str> {
        let mut entries = HashMap::new();
        let Some(mut rest) = self.text.strip_prefix(&format!("{CACHE_MAGIC}; {FORMATTER}\n")) else { return entries };
        while !rest.is_empty() {
            let Some((key, value, after)) = read_entry(rest) else { return HashMap::new() };
            entries.insert(key, value);
            rest = after;
        }
        entries
    }

    /// Writes the entries this generation used (and only those: stale ones
    /// are dropped), unless they are exactly the ones already there. A cache
    /// that cannot be written only costs time next run.
    fn save(&self, used: &[(&str, &str)], unchanged: bool) {
        let Some(path) = &self.path else { return };
        if unchanged {
            return;
        }
        let Some(dir) = path.parent() else { return };
        let staged = path.with_extension("cache.tmp");
        let written =
            std::fs::create_dir_all(dir).and_then(|()| write_entries(&staged, used)).and_then(|()| std::fs::rename(&staged, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&staged);
        }
        prune(dir);
    }
}

/// Streamed to the file: the cache of v1.0 is 42 MB, which as one string
/// (and its growth) was the peak of a fresh `gen`'s memory.
fn write_entries(path: &Path, used: &[(&str, &str)]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(file, "{CACHE_MAGIC}; {FORMATTER}")?;
    for (key, value) in used {
        writeln!(file, "{} {}", key.len(), value.len())?;
        file.write_all(key.as_bytes())?;
        file.write_all(value.as_bytes())?;
    }
    file.flush()
}

fn read_entry(text: &str) -> Option<(&str, &str, &str)> {
    let (lengths, rest) = text.split_once('\n')?;
    let (key_len, value_len) = lengths.split_once(' ')?;
    let (key_len, value_len): (usize, usize) = (key_len.parse().ok()?, value_len.parse().ok()?);
    let key = rest.get(..key_len)?;
    let value = rest.get(key_len..key_len + value_len)?;
    Some((key, value, &rest[key_len + value_len..]))
}

/// Keeps the [`CACHE_FILES_KEPT`] most recently written cache files of `dir`.
fn prune(dir: &Path) {
    let Ok(listing) = std::fs::read_dir(dir) else { return };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = listing
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "cache"))
        .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
        .collect();
    files.sort_by(|a, b| b.cmp(a));
    for (_, stale) in files.into_iter().skip(CACHE_FILES_KEPT) {
        let _ = std::fs::remove_file(stale);
    }
}

/// The cache's formatted texts by token text, for the modules' chunks and
/// for the small files formatted while the modules are built (the rustdoc
/// examples: formatted one by one on the thread building the operations,
/// they were a sixth of a regeneration's time before they were cached).
pub struct Formatter<'c> {
    cache: &'c FormatCache,
    entries: HashMap<&'c str, &'c str>,
    /// The token texts of the files [`Formatter::format_file`] gave, to be
    /// cached with the chunks, and each one's text when it was not cached.
    files: Mutex<Vec<(String, Option<String>)>>,
}

impl<'c> Formatter<'c> {
    pub fn new(cache: &'c FormatCache) -> Formatter<'c> {
        Formatter { cache, entries: cache.entries(), files: Mutex::default() }
    }

    /// `tokens` as a formatted file: the cached text when the cache holds
    /// the same token text, else parsed and formatted now (`None` when it
    /// does not parse).
    pub fn format_file(&self, tokens: TokenStream) -> Option<String> {
        let key = tokens.to_string();
        let (text, formatted) = match self.entries.get(key.as_str()) {
            Some(cached) => ((*cached).to_owned(), None),
            None => {
                let text = prettyplease::unparse(&syn::parse_file(&key).ok()?);
                (text.clone(), Some(text))
            }
        };
        self.files.lock().unwrap_or_else(PoisonError::into_inner).push((key, formatted));
        Some(text)
    }
}

/// Formats `modules` on every core, each item from the cache when its
/// tokens are there, and updates the cache (with the files `formatter`
/// gave too). Each module's text starts with `header`.
pub fn format_modules(mut modules: Vec<ModuleSource>, header: &str, formatter: &Formatter<'_>) -> Result<Vec<String>, EmitError> {
    let entries = &formatter.entries;
    let formatted = {
        let chunks: Vec<&str> = modules.iter().flat_map(|m| &m.parts).filter_map(Part::tokens).collect();
        let formatted = format_chunks(&chunks, entries)?;
        let files = formatter.files.lock().unwrap_or_else(PoisonError::into_inner);
        let mut used: Vec<(&str, &str)> = chunks.iter().copied().zip(formatted.iter().map(|f| f.as_ref())).collect();
        // A file served from the cache keeps the cache's text.
        used.extend(files.iter().filter_map(|(key, text)| Some((key.as_str(), text.as_deref().or(entries.get(key.as_str()).copied())?))));
        let distinct: HashSet<&str> = used.iter().map(|(key, _)| *key).collect();
        let all_cached = formatted.iter().all(|f| matches!(f, Cow::Borrowed(_))) && files.iter().all(|(_, text)| text.is_none());
        formatter.cache.save(&used, all_cached && distinct.len() == entries.len());
        formatted
    };
    // The token texts (a fifth of the formatted size) are not needed to
    // assemble, and the assembled files are the largest strings of a
    // generation: freed first (peak memory).
    modules.iter_mut().flat_map(|m| &mut m.parts).for_each(Part::forget_tokens);
    let mut formatted = formatted.iter().map(|f| f.as_ref());
    modules.iter().map(|module| assemble(module, header, &mut formatted)).collect()
}

/// Each chunk's formatted text, in order: the cached one, or parsed and formatted now.
fn format_chunks<'c>(chunks: &[&str], cache: &HashMap<&str, &'c str>) -> Result<Vec<Cow<'c, str>>, EmitError> {
    let texts = crate::parallel::largest_first(
        chunks.len(),
        |index| chunks[index].len(),
        |index| match cache.get(chunks[index]) {
            Some(cached) => Ok(Cow::Borrowed(*cached)),
            None => syn::parse_file(chunks[index]).map(|file| Cow::Owned(prettyplease::unparse(&file))),
        },
    );
    texts.into_iter().map(|text| text.map_err(EmitError::from)).collect()
}

fn assemble<'t>(module: &ModuleSource, header: &str, formatted: &mut impl Iterator<Item = &'t str>) -> Result<String, EmitError> {
    let mut pieces = Vec::with_capacity(module.parts.len());
    for part in &module.parts {
        pieces.push(match part {
            Part::Items(_) => Cow::Borrowed(formatted.next().unwrap_or_default()),
            Part::Head { depth, .. } => Cow::Borrowed(cut(formatted.next().unwrap_or_default(), *depth, *depth + 1, true)?),
            Part::Member { depth, .. } => Cow::Borrowed(cut(formatted.next().unwrap_or_default(), *depth, *depth, false)?),
            Part::End { depth } => Cow::Owned(format!("{}}}\n", "    ".repeat(*depth))),
        });
    }
    // Sized once: the modules are the largest strings of a generation (peak memory).
    let mut text = String::with_capacity(header.len() + pieces.iter().map(|p| p.len()).sum::<usize>());
    text.push_str(header);
    pieces.iter().for_each(|piece| text.push_str(piece));
    Ok(text)
}

/// `formatted` without its first `open` lines (the heads of the containers
/// it was formatted in, each ending with `{`) and its last `close` lines
/// (their `}`), and before those the placeholder line when `placeholder`.
fn cut(formatted: &str, open: usize, close: usize, placeholder: bool) -> Result<&str, EmitError> {
    let mut rest = formatted;
    for _ in 0..open {
        let (line, after) = rest.split_once('\n').ok_or_else(|| malformed("container head"))?;
        if !line.ends_with('{') {
            return Err(malformed("container head"));
        }
        rest = after;
    }
    let mut cut_last = |expected: &str| -> Result<(), EmitError> {
        let body = rest.strip_suffix('\n').ok_or_else(|| malformed("container end"))?;
        let start = body.rfind('\n').map_or(0, |at| at + 1);
        if body[start..].trim_start() != expected {
            return Err(malformed("container end"));
        }
        rest = &rest[..start];
        Ok(())
    };
    for _ in 0..close {
        cut_last("}")?;
    }
    if placeholder {
        cut_last(PLACEHOLDER)?;
    }
    Ok(rest)
}

fn malformed(what: &str) -> EmitError {
    EmitError::Unparsable(syn::Error::new(proc_macro2::Span::call_site(), format!("formatted {what} is not laid out as expected")))
}

/// Keywords of items that end with a `{ ... }` body (the others end with `;`).
const BODY_KEYWORDS: &[&str] = &["fn", "struct", "enum", "union", "impl", "trait", "mod"];

/// A module's inner attributes and its items, cut at the token level (no
/// parse): an item ends at a `;` outside any group, or at the `{ ... }`
/// body of an item with a body keyword seen before any `=` (so
/// `const X: T = T { .. };` ends at its `;`). A wrong cut makes a chunk
/// that does not parse, which is an error, never other text.
fn split_items(tokens: TokenStream) -> (TokenStream, Vec<Vec<TokenTree>>) {
    let mut inner = TokenStream::new();
    let mut items = Vec::new();
    let mut item: Vec<TokenTree> = Vec::new();
    let (mut has_body, mut seen_eq) = (false, false);
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        if item.is_empty() && items.is_empty() && is_punct(&token, '#') && tokens.peek().is_some_and(|t| is_punct(t, '!')) {
            inner.extend([token].into_iter().chain(tokens.next()).chain(tokens.next()));
            continue;
        }
        let ends = match &token {
            TokenTree::Punct(p) if p.as_char() == ';' => true,
            TokenTree::Punct(p) if p.as_char() == '=' && p.spacing() == Spacing::Alone => {
                seen_eq = true;
                false
            }
            TokenTree::Ident(ident) if !seen_eq && BODY_KEYWORDS.iter().any(|k| ident == k) => {
                has_body = true;
                false
            }
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace && has_body && !tokens.peek().is_some_and(|t| is_punct(t, ';')),
            _ => false,
        };
        item.push(token);
        if ends {
            items.push(std::mem::take(&mut item));
            (has_body, seen_eq) = (false, false);
        }
    }
    if !item.is_empty() {
        items.push(item);
    }
    (inner, items)
}

fn is_punct(token: &TokenTree, c: char) -> bool {
    matches!(token, TokenTree::Punct(p) if p.as_char() == c)
}

/// Longest bare head (token text) of a container that is cut: longer, its
/// formatted head could take more than one line, which [`cut`] refuses.
const CUT_HEAD_MAX: usize = 48;

/// For a container cut into its members (`attrs mod name { items }` at any
/// depth, `attrs impl X { members }` at the top): the tokens before the
/// body, and the members cut like items. `None` for any other item, or a
/// container with no member, inner attributes or a long head (formatted whole).
fn container_members(item: &[TokenTree], depth: usize) -> Option<(&[TokenTree], Vec<Vec<TokenTree>>)> {
    let (TokenTree::Group(body), head) = item.split_last()? else { return None };
    let bare = without_outer_attributes(head);
    let is_word = |t: &TokenTree, word: &str| matches!(t, TokenTree::Ident(ident) if ident == word);
    let is_impl = depth == 0 && bare.iter().find(|t| matches!(t, TokenTree::Ident(i) if i != "unsafe")).is_some_and(|t| is_word(t, "impl"));
    let is_mod = bare.iter().any(|t| is_word(t, "mod"));
    if body.delimiter() != Delimiter::Brace
        || !(is_impl || is_mod)
        || TokenStream::from_iter(bare.iter().cloned()).to_string().len() > CUT_HEAD_MAX
    {
        return None;
    }
    let (inner, members) = split_items(body.stream());
    (inner.is_empty() && !members.is_empty()).then_some((head, members))
}

/// `tokens` without the `#[...]` attributes it starts with.
fn without_outer_attributes(tokens: &[TokenTree]) -> &[TokenTree] {
    let mut rest = tokens;
    while let [pound, TokenTree::Group(group), after @ ..] = rest {
        if !is_punct(pound, '#') || group.delimiter() != Delimiter::Bracket {
            break;
        }
        rest = after;
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn whole_file(tokens: TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(tokens).unwrap())
    }

    fn format(module: ModuleSource, cache: &FormatCache) -> Result<String, EmitError> {
        Ok(format_modules(vec![module], "", &Formatter::new(cache))?.remove(0))
    }

    fn sample() -> TokenStream {
        quote! {
            //! A module.
            #[allow(unused_imports)]
            use crate::runtime::{Method, Request};
            /// A type.
            #[cfg(feature = "outlook")]
            #[derive(Debug)]
            pub struct A { pub x: Option<String> }
            pub struct T(u8);
            impl From<A> for B { fn from(a: A) -> B { B } }
            pub const C: A = A { x: None };
            pub const D: u8 = if true { 1 } else { 2 };
            pub fn f(x: &str) -> Request<()> { let _ = x; Request::new(Method::Get, "/a") }
            pub enum E { X, Y(String) }
            #[cfg(feature = "client")]
            impl crate::Client {
                /// One.
                pub async fn f(&self) -> Result<(), ()> { Ok(()) }
                pub const N: u8 = 1;
                /// Two, with a signature long enough to be broken over several lines by the printer.
                #[cfg(feature = "outlook")]
                pub async fn g(&self, first_argument: &str, second_argument: &str, third_argument: &str) -> Result<(), ()> { Ok(()) }
            }
            impl Empty {}
            /// A tree of modules, cut at every depth.
            #[cfg(feature = "outlook")]
            pub mod users {
                use crate::runtime::Request;
                pub struct Users<S = ()>(S);
                impl<S> Users<S> { pub fn get(&self) -> Request<()> { Request::new(Method::Get, "/users") } }
                pub mod messages {
                    /// Deep enough for the printer to break this signature over several lines at this indentation.
                    pub fn list_every_message(first_argument: &str, second_argument: &str, third: &str) -> Request<()> { todo!() }
                    pub mod attachments { pub struct A; }
                    pub mod empty {}
                }
                mod private_one;
            }
        }
    }

    #[test]
    fn formatting_chunk_by_chunk_gives_the_whole_file_text() {
        let module = ModuleSource::from_file(sample());
        let count = |depth: usize| module.parts.iter().filter(|p| matches!(p, Part::Member { depth: d, .. } if *d == depth)).count();
        // `from`, `Client`'s three members and four items of `users`; two of `messages` (`empty` whole); `attachments`' one.
        assert_eq!((count(1), count(2), count(3)), (1 + 3 + 4, 2, 1));
        let heads = module.parts.iter().filter(|p| matches!(p, Part::Head { .. })).count();
        assert_eq!(heads, 5, "the impls of From and Client, users, messages, attachments (`Empty` and `empty` have no member)");
        assert_eq!(format(module, &FormatCache::none()).unwrap(), whole_file(sample()));
    }

    #[test]
    fn items_pushed_one_at_a_time_give_the_whole_file_text() {
        let items = [quote! { pub struct A; impl A { pub const X: u8 = 1; } }, quote! { pub enum C { X, Y(String) } }];
        let mut module = ModuleSource::new(quote! { //! A module.
        });
        for item in items.clone() {
            module.push(item);
        }
        let whole = whole_file(quote! { //! A module.
        #(#items)* });
        assert_eq!(format(module, &FormatCache::none()).unwrap(), whole);
    }

    #[test]
    fn an_item_that_does_not_parse_is_an_error() {
        let mut module = ModuleSource::new(TokenStream::new());
        module.push(quote! { pub struct });
        assert!(matches!(format(module, &FormatCache::none()), Err(EmitError::Unparsable(_))));
    }

    #[test]
    fn the_cache_serves_exactly_the_same_tokens_and_keeps_only_what_was_used() {
        let dir = tempfile::tempdir().unwrap();
        let mut module = ModuleSource::new(TokenStream::new());
        module.push(quote! { pub struct One; });
        module.push(quote! { pub struct Two; });
        assert_eq!(format(module, &FormatCache::open(dir.path(), "/out")).unwrap(), "pub struct One;\npub struct Two;\n");
        let keys = |cache: &FormatCache| cache.entries().into_keys().map(str::to_owned).collect::<HashSet<String>>();
        let cached = FormatCache::open(dir.path(), "/out");
        assert_eq!(keys(&cached), HashSet::from(["".into(), "pub struct One ;".into(), "pub struct Two ;".into()]));

        // An entry is served for its exact tokens: prove it by planting another text for `One`.
        cached.save(&[("pub struct One ;", "pub struct Planted;\n")], false);
        let mut changed = ModuleSource::new(TokenStream::new());
        changed.push(quote! { pub struct One; });
        changed.push(quote! { pub struct One {} });
        assert_eq!(format(changed, &FormatCache::open(dir.path(), "/out")).unwrap(), "pub struct Planted;\npub struct One {}\n");

        // Rewritten with what that run used: `Two` is gone.
        let cached = FormatCache::open(dir.path(), "/out");
        assert_eq!(keys(&cached), HashSet::from(["".into(), "pub struct One ;".into(), "pub struct One { }".into()]));
    }

    #[test]
    fn files_formatted_while_building_are_cached_with_the_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let keys = |cache: &FormatCache| cache.entries().into_keys().map(str::to_owned).collect::<HashSet<String>>();
        let run = |example: TokenStream| {
            let cache = FormatCache::open(dir.path(), "/out");
            let formatter = Formatter::new(&cache);
            let text = formatter.format_file(example);
            let mut module = ModuleSource::new(TokenStream::new());
            module.push(quote! { pub struct One; });
            format_modules(vec![module], "", &formatter).unwrap();
            text
        };
        assert_eq!(run(quote! { fn main() { let x = 1; } }).unwrap(), "fn main() {\n    let x = 1;\n}\n");
        let example = "fn main () { let x = 1 ; }";
        assert_eq!(keys(&FormatCache::open(dir.path(), "/out")), HashSet::from(["".into(), "pub struct One ;".into(), example.into()]));

        // Served for its exact tokens: a planted text proves it.
        FormatCache::open(dir.path(), "/out").save(&[(example, "planted\n"), ("pub struct One ;", "pub struct One;\n")], false);
        assert_eq!(run(quote! { fn main() { let x = 1; } }).unwrap(), "planted\n");
        assert_eq!(run(quote! { fn main() { let }; }), None, "tokens that do not parse are no file");
    }

    #[test]
    fn a_damaged_or_foreign_cache_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let mut module = ModuleSource::new(TokenStream::new());
        module.push(quote! { pub struct One; });
        format(module, &FormatCache::open(dir.path(), "out")).unwrap();
        let path = dir.path().join("out.cache");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, &text[..text.len() - 3]).unwrap();
        assert!(FormatCache::open(dir.path(), "out").entries().is_empty());
        std::fs::write(&path, text.replace(FORMATTER, "syn 0, prettyplease 0")).unwrap();
        assert!(FormatCache::open(dir.path(), "out").entries().is_empty());
    }

    #[test]
    fn old_cache_files_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        for n in 0..CACHE_FILES_KEPT + 3 {
            let mut module = ModuleSource::new(TokenStream::new());
            module.push(quote! { pub struct One; });
            format(module, &FormatCache::open(dir.path(), &format!("out{n}"))).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), CACHE_FILES_KEPT);
    }

    #[test]
    fn the_formatter_tag_names_the_locked_versions() {
        let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock")).unwrap();
        let locked = |name: &str| {
            let at = lock.find(&format!("name = \"{name}\"\nversion = \"2.")).or_else(|| lock.find(&format!("name = \"{name}\"\n")))?;
            lock[at..].lines().nth(1)?.strip_prefix("version = \"")?.strip_suffix('"').map(str::to_owned)
        };
        let expected = format!("syn {}, prettyplease {}", locked("syn").unwrap(), locked("prettyplease").unwrap());
        assert_eq!(FORMATTER, expected, "update FORMATTER when syn or prettyplease change: their output is cached");
    }
}
