//! Flattens a Markdown page into a list of located blocks. The page parser
//! works on these blocks only, never on pulldown-cmark events.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// 1-based line where the block starts.
    pub line: u32,
    pub kind: BlockKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(Inline),
    Table {
        header: Vec<Inline>,
        rows: Vec<TableRow>,
    },
    /// A fenced or indented code block. `body_line` is the line of its first content line.
    Code {
        lang: String,
        text: String,
        body_line: u32,
    },
    /// An HTML comment (or other raw HTML block).
    Html(String),
}

/// Text of a paragraph or cell with the destinations of the links inside it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inline {
    pub text: String,
    pub links: Vec<Link>,
    /// The text of its code spans and bold spans, in order: the words the
    /// writer marks as names (`` `message` ``, `**body**`).
    pub marked: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub text: String,
    pub dest: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub line: u32,
    pub cells: Vec<Inline>,
}

/// Maps byte offsets to 1-based line numbers.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { starts }
    }

    pub fn line(&self, offset: usize) -> u32 {
        match self.starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }
}

pub fn blocks(text: &str) -> Vec<Block> {
    let lines = LineIndex::new(text);
    let options = Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut builder = BlockBuilder::default();
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        builder.event(event, lines.line(range.start));
    }
    builder.blocks
}

#[derive(Default)]
struct BlockBuilder {
    blocks: Vec<Block>,
    inline: Inline,
    inline_line: Option<u32>,
    open_link: Option<(String, usize)>,
    open_strong: Option<usize>,
    code: Option<(String, u32)>,
    in_metadata: bool,
    table: Option<(Vec<Inline>, Vec<TableRow>, u32)>,
    row_line: u32,
    row: Vec<Inline>,
    html: Option<(String, u32)>,
}

impl BlockBuilder {
    fn event(&mut self, event: Event<'_>, line: u32) {
        if self.in_metadata {
            self.in_metadata = !matches!(event, Event::End(TagEnd::MetadataBlock(_)));
            return;
        }
        if !matches!(event, Event::Html(_)) {
            self.flush_html();
        }
        match event {
            Event::Start(tag) => self.start(tag, line),
            Event::End(tag) => self.end(tag, line),
            Event::Text(t) => self.text(&t, line),
            Event::Code(t) => {
                if self.code.is_none() {
                    self.inline.marked.push(t.trim().to_owned());
                }
                self.text(&t, line);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t, line),
            Event::SoftBreak | Event::HardBreak => self.text(" ", line),
            Event::Html(html) => match &mut self.html {
                Some((buf, _)) => buf.push_str(&html),
                None => self.html = Some((html.into_string(), line)),
            },
            Event::InlineHtml(html) => {
                // `<br>` inside table cells separates values; other inline HTML is noise.
                if html.to_ascii_lowercase().starts_with("<br") {
                    self.text(" ", line);
                }
            }
            Event::FootnoteReference(_) | Event::Rule | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, line: u32) {
        match tag {
            Tag::MetadataBlock(_) => self.in_metadata = true,
            Tag::CodeBlock(kind) => {
                self.flush_paragraph();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((String::new(), line));
                self.blocks.push(Block { line, kind: BlockKind::Code { lang, text: String::new(), body_line: line + 1 } });
            }
            Tag::Table(_) => {
                self.flush_paragraph();
                self.table = Some((Vec::new(), Vec::new(), line));
            }
            Tag::TableHead | Tag::TableRow => {
                self.row.clear();
                self.row_line = line;
            }
            Tag::TableCell => self.inline = Inline::default(),
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.open_link = Some((dest_url.into_string(), self.inline.text.len()));
                self.inline_line.get_or_insert(line);
            }
            Tag::Strong => self.open_strong = Some(self.inline.text.len()),
            Tag::Heading { .. } | Tag::Paragraph | Tag::Item => {
                self.flush_paragraph();
                self.inline_line = Some(line);
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, line: u32) {
        match tag {
            TagEnd::CodeBlock => {
                if let (Some((text, start)), Some(Block { kind: BlockKind::Code { text: slot, body_line, .. }, .. })) =
                    (self.code.take(), self.blocks.last_mut())
                {
                    *slot = text;
                    // Indented blocks start on their first content line.
                    if *body_line != start + 1 && start == line {
                        *body_line = start;
                    }
                }
            }
            TagEnd::Link | TagEnd::Image => {
                if let Some((dest, start)) = self.open_link.take() {
                    let text = self.inline.text.get(start..).unwrap_or("").trim().to_owned();
                    self.inline.links.push(Link { text, dest });
                }
            }
            TagEnd::Strong => {
                if let Some(start) = self.open_strong.take() {
                    let text = self.inline.text.get(start..).unwrap_or("").trim().to_owned();
                    self.inline.marked.push(text);
                }
            }
            TagEnd::TableCell => self.row.push(std::mem::take(&mut self.inline)),
            TagEnd::TableHead => {
                if let Some((header, _, _)) = &mut self.table {
                    *header = std::mem::take(&mut self.row);
                }
            }
            TagEnd::TableRow => {
                if let Some((_, rows, _)) = &mut self.table {
                    rows.push(TableRow { line: self.row_line, cells: std::mem::take(&mut self.row) });
                }
            }
            TagEnd::Table => {
                if let Some((header, rows, line)) = self.table.take() {
                    self.blocks.push(Block { line, kind: BlockKind::Table { header, rows } });
                }
            }
            TagEnd::Heading(level) => {
                let inline = std::mem::take(&mut self.inline);
                let line = self.inline_line.take().unwrap_or(line);
                // `# [HTTP](#tab/http)` marks a tab of a tabbed code sample, not a heading.
                if inline.links.iter().any(|l| l.dest.starts_with("#tab/")) {
                    return;
                }
                let level = heading_level(level);
                self.blocks.push(Block { line, kind: BlockKind::Heading { level, text: normalize_space(&inline.text) } });
            }
            TagEnd::Paragraph | TagEnd::Item => self.flush_paragraph(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str, line: u32) {
        if let Some((code, _)) = &mut self.code {
            code.push_str(text);
        } else {
            self.inline_line.get_or_insert(line);
            self.inline.text.push_str(text);
        }
    }

    fn flush_paragraph(&mut self) {
        if self.table.is_some() {
            return;
        }
        let inline = std::mem::take(&mut self.inline);
        let line = self.inline_line.take();
        if let Some(line) = line {
            if !inline.text.trim().is_empty() || !inline.links.is_empty() {
                let text = normalize_space(&inline.text);
                self.blocks.push(Block { line, kind: BlockKind::Paragraph(Inline { text, ..inline }) });
            }
        }
    }

    fn flush_html(&mut self) {
        if let Some((html, line)) = self.html.take() {
            self.blocks.push(Block { line, kind: BlockKind::Html(html) });
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

pub fn normalize_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_carry_lines_links_and_code() {
        let text = "---\ntitle: x\n---\n\n# Title\n\nSee [user](../resources/user.md) here.\n\n<!-- { \"blockType\": \"request\" } -->\n```http\nGET /me\n```\n\n| Name | Type |\n|---|---|\n| a | [b](b.md) |\n";
        let blocks = blocks(text);
        assert_eq!(blocks[0], Block { line: 5, kind: BlockKind::Heading { level: 1, text: "Title".into() } });
        let BlockKind::Paragraph(p) = &blocks[1].kind else { panic!("{blocks:?}") };
        assert_eq!(blocks[1].line, 7);
        assert_eq!(p.links, vec![Link { text: "user".into(), dest: "../resources/user.md".into() }]);
        assert!(matches!(&blocks[2].kind, BlockKind::Html(h) if h.contains("request")));
        assert_eq!(blocks[2].line, 9);
        assert_eq!(blocks[3], Block { line: 10, kind: BlockKind::Code { lang: "http".into(), text: "GET /me\n".into(), body_line: 11 } });
        let BlockKind::Table { header, rows } = &blocks[4].kind else { panic!() };
        assert_eq!(header[1].text, "Type");
        assert_eq!(rows[0].line, 16);
        assert_eq!(rows[0].cells[1].links[0].dest, "b.md");
    }

    #[test]
    fn code_and_bold_spans_are_marked_names() {
        let blocks = blocks("Use the `message` parameter or **body** of [x](x.md), not *this*.\n\n```\n`code`\n```\n");
        let BlockKind::Paragraph(p) = &blocks[0].kind else { panic!("{blocks:?}") };
        assert_eq!(p.marked, ["message", "body"]);
        assert_eq!(p.text, "Use the message parameter or body of x, not this.");
    }

    #[test]
    fn line_index_maps_offsets() {
        let index = LineIndex::new("a\nbc\n\nd");
        assert_eq!(index.line(0), 1);
        assert_eq!(index.line(2), 2);
        assert_eq!(index.line(3), 2);
        assert_eq!(index.line(5), 3);
        assert_eq!(index.line(6), 4);
    }
}
