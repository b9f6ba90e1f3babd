//! Maps problems to file positions.
//!
//! Validation speaks in field paths (`users[0].count`); this module finds the value in a
//! span-preserving `toml_edit` parse of the same text, turns the byte offset into a line and
//! column, and renders the path the way `--set` addresses it (`users.staff.count`), using an
//! array entry's `name` where it has one.

use super::{Diagnostic, PathSeg, Problem};
use toml_edit::{Document, Item};

pub(crate) struct Locator<'a> {
    file: &'a str,
    text: &'a str,
    doc: Option<Document<String>>,
    /// Why `toml_edit` could not read the text, when it could not.
    doc_error: Option<Diagnostic>,
    /// The `--set` (or `--vary`) assignments applied on top of the text: the flag, the
    /// assignment and its path segments.
    overrides: Vec<(&'a str, String, Vec<String>)>,
}

impl<'a> Locator<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        let mut locator = Locator {
            file,
            text,
            doc: None,
            doc_error: None,
            overrides: Vec::new(),
        };
        // toml_edit can panic on malformed text (`==\n.=`); without a document, problems
        // are reported unlocated rather than crashing.
        match crate::guard::catch(|| Document::parse(text.to_string())) {
            Some(Ok(doc)) => locator.doc = Some(doc),
            Some(Err(e)) => {
                let (line, column) = e.span().map_or((0, 0), |s| locator.line_col(s.start));
                locator.doc_error = Some(Diagnostic {
                    file: file.to_string(),
                    line,
                    column,
                    field: String::new(),
                    message: explain_strict(e.message().trim()),
                });
            }
            None => {}
        }
        locator
    }

    /// Problems in a field that a `--set` wrote (or in a field inside it) are blamed on that
    /// `--set`, not located in the file: `text` is the user's file before the overrides, so
    /// every other location is a line and column of the file as the user sees it.
    pub fn with_overrides(mut self, assignments: &[String], flags: &[&'a str]) -> Self {
        self.overrides = assignments
            .iter()
            .zip(flags)
            .filter_map(|(a, flag)| {
                let (path, _) = super::overrides::split_assignment(a).ok()?;
                Some((
                    *flag,
                    a.clone(),
                    super::overrides::path_segments(path).ok()?,
                ))
            })
            .collect();
        self
    }

    /// The diagnostic for a problem caused by `flag` (`--set`, `--vary`) `assignment`.
    pub fn in_override(flag: &str, assignment: &str, field: String, message: String) -> Diagnostic {
        Diagnostic {
            file: format!("{flag} {assignment}"),
            line: 0,
            column: 0,
            field,
            message,
        }
    }

    /// What the strict TOML 1.0 parser refused in text the serde parser accepted (an
    /// integer beyond TOML's 64-bit signed range such as `18446744073709551615`): the text
    /// is not valid TOML, and without the strict parse no other problem could be located.
    pub fn strict_error(&self) -> Option<Diagnostic> {
        self.doc_error.clone()
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    /// A TOML syntax or type error: its own message and span.
    pub fn toml_error(&self, e: &toml::de::Error) -> Diagnostic {
        let (line, column) = match e.span() {
            Some(s) => self.line_col(s.start),
            None => self
                .first_line_failing(e.message())
                .map_or((0, 0), |l| (l, 1)),
        };
        Diagnostic {
            file: self.file.to_string(),
            line,
            column,
            field: String::new(),
            message: match e.message().trim() {
                "recursion limit" => "keys or tables nested too deeply (the TOML parser's recursion limit); allowed: the few levels of the scenario format".to_string(),
                m => plain_types(m),
            },
        }
    }

    /// For an error the parser gives no span for (its nesting "recursion limit"): the first
    /// line such that the text up to it fails with the same message, by bisection.
    fn first_line_failing(&self, message: &str) -> Option<usize> {
        let ends: Vec<usize> = self
            .text
            .match_indices('\n')
            .map(|(i, _)| i + 1)
            .chain([self.text.len()])
            .collect();
        let fails = |k: usize| {
            toml::from_str::<toml::Table>(&self.text[..ends[k]])
                .is_err_and(|e| e.message() == message)
        };
        let last = ends.len() - 1;
        if !fails(last) {
            return None;
        }
        let (mut lo, mut hi) = (0, last);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if fails(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Some(lo + 1)
    }

    /// Locates a validation problem.
    pub fn locate(&self, p: &Problem) -> Diagnostic {
        let mut field = String::new();
        let mut span = None;
        // Each segment as a `--set` may name it: a key, or an entry's name or index.
        let mut names: Vec<[String; 2]> = Vec::new();
        let mut current: Option<Node> = self.doc.as_ref().map(|d| Node::Item(d.as_item()));
        for seg in &p.path {
            let next = current.and_then(|node| step(node, seg));
            match seg {
                PathSeg::Key(k) => {
                    push_key(&mut field, k);
                    names.push([k.to_string(), k.to_string()]);
                }
                PathSeg::Name(n) => {
                    push_key(&mut field, n);
                    names.push([n.clone(), n.clone()]);
                }
                PathSeg::Index(i) => {
                    let name = next
                        .and_then(|n| n.get("name"))
                        .and_then(|n| n.as_str())
                        .filter(|n| !n.is_empty() && !n.contains('.'));
                    match name {
                        Some(n) => push_key(&mut field, n),
                        None => field.push_str(&format!("[{i}]")),
                    }
                    names.push([name.unwrap_or_default().to_string(), i.to_string()]);
                }
            }
            if let Some(s) = next.and_then(node_span) {
                span = Some(s);
            }
            current = next;
        }
        let blamed = self.overrides.iter().rev().find(|(_, _, segs)| {
            segs.len() <= names.len() && segs.iter().zip(&names).all(|(s, forms)| forms.contains(s))
        });
        if let Some((flag, assignment, _)) = blamed {
            return Self::in_override(flag, assignment, field, p.message.clone());
        }
        let (line, column) = span.map_or((0, 0), |s| self.line_col(s));
        Diagnostic {
            file: self.file.to_string(),
            line,
            column,
            field,
            message: p.message.clone(),
        }
    }
}

/// Adds what TOML allows to the strict parser's terse messages.
fn explain_strict(message: &str) -> String {
    if message.contains("overflow") {
        format!("{message}; allowed: integers from -9223372036854775808 to 9223372036854775807 (TOML 1.0)")
    } else {
        message.to_string()
    }
}

/// A TOML error's message in TOML's words (see [`plain_types`]).
pub(crate) fn toml_message(e: &toml::de::Error) -> String {
    plain_types(e.message().trim())
}

/// Serde names Rust types (`i64`, `f64`); users wrote TOML, so say it in TOML's words.
fn plain_types(message: &str) -> String {
    let mut m = message.to_string();
    for (rust, plain) in [
        ("expected i64", "expected an integer"),
        ("expected u64", "expected a non-negative integer"),
        ("expected u32", "expected a non-negative integer"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
    ] {
        m = m.replace(rust, plain);
    }
    m
}

fn push_key(field: &mut String, k: &str) {
    if !field.is_empty() {
        field.push('.');
    }
    field.push_str(k);
}

#[derive(Clone, Copy)]
enum Node<'d> {
    Item(&'d Item),
    Table(&'d toml_edit::Table),
}

impl<'d> Node<'d> {
    fn get(self, key: &str) -> Option<&'d Item> {
        match self {
            Node::Item(i) => i.as_table_like()?.get(key),
            Node::Table(t) => t.get(key),
        }
    }
}

fn step<'d>(node: Node<'d>, seg: &PathSeg) -> Option<Node<'d>> {
    match seg {
        PathSeg::Key(k) => node.get(k).map(Node::Item),
        PathSeg::Name(n) => node.get(n).map(Node::Item),
        PathSeg::Index(i) => match node {
            Node::Item(Item::ArrayOfTables(a)) => a.get(*i).map(Node::Table),
            // Array elements are values, not items; the array's own span is close enough.
            _ => None,
        },
    }
}

fn node_span(node: Node) -> Option<usize> {
    match node {
        Node::Item(Item::Value(v)) => v.span().map(|s| s.start),
        Node::Item(Item::Table(t)) | Node::Table(t) => t.span().map(|s| s.start),
        Node::Item(Item::ArrayOfTables(a)) => a.span().map(|s| s.start),
        Node::Item(Item::None) => None,
    }
}
