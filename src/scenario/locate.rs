//! Maps problems to file positions.
//!
//! Validation speaks in field paths (`users[0].count`); this module finds the value in a
//! span-preserving `toml_edit` parse of the same text, turns the byte offset into a line and
//! column, and renders the path the way `--set` addresses it (`users.staff.count`), using an
//! array entry's `name` where it has one. The text is the user's file before any `--set`,
//! so every line and column is one the user can find.

use super::{Diagnostic, PathSeg, Problem};
use toml_edit::{Document, Item};

pub(crate) struct Locator<'a> {
    file: &'a str,
    text: &'a str,
    doc: Option<Document<String>>,
    /// Why `toml_edit` could not read the text, when it could not.
    doc_error: Option<Diagnostic>,
}

impl<'a> Locator<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        let mut locator = Locator {
            file,
            text,
            doc: None,
            doc_error: None,
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
                    origin: None,
                });
            }
            None => {}
        }
        locator
    }

    /// What the strict TOML 1.0 parser refused in text the serde parser accepted (an
    /// integer beyond TOML's 64-bit signed range such as `18446744073709551615`): the text
    /// is not valid TOML, and without the strict parse no other problem could be located.
    pub fn strict_error(&self) -> Option<Diagnostic> {
        self.doc_error.clone()
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

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    /// A TOML syntax or type error: its span, the field there, and the message in the
    /// user's words (what the value is, what is allowed, a did-you-mean).
    pub fn toml_error(&self, e: &toml::de::Error) -> Diagnostic {
        let (line, column) = match e.span() {
            Some(s) => self.line_col(s.start),
            None => self
                .first_line_failing(e.message())
                .map_or((0, 0), |l| (l, 1)),
        };
        let field = match (&self.doc, e.span()) {
            (Some(doc), Some(span)) => {
                let mut path = Vec::new();
                if field_at(doc.as_table(), span.start, &mut path) {
                    path.join(".")
                } else {
                    String::new()
                }
            }
            _ => String::new(),
        };
        Diagnostic {
            file: self.file.to_string(),
            line,
            column,
            message: match e.message().trim() {
                "recursion limit" => "keys or tables nested too deeply (the TOML parser's recursion limit); allowed: the few levels of the scenario format".to_string(),
                m => explain(m, &field),
            },
            field,
            origin: None,
        }
    }

    /// Locates a validation problem.
    pub fn locate(&self, p: &Problem) -> Diagnostic {
        let mut field = String::new();
        let mut span = None;
        let mut current: Option<Node> = self.doc.as_ref().map(|d| Node::Item(d.as_item()));
        for seg in &p.path {
            let next = current.and_then(|node| step(node, seg));
            match seg {
                PathSeg::Key(k) => push_key(&mut field, k),
                PathSeg::Name(n) => push_key(&mut field, n),
                PathSeg::Index(i) => {
                    let name = next
                        .and_then(|n| n.get("name"))
                        .and_then(|n| n.as_str())
                        .filter(|n| !n.is_empty() && !n.contains('.'));
                    match name {
                        Some(n) => push_key(&mut field, n),
                        None => field.push_str(&format!("[{i}]")),
                    }
                }
            }
            if let Some(s) = next.and_then(node_span) {
                span = Some(s);
            }
            current = next;
        }
        let (line, column) = span.map_or((0, 0), |s| self.line_col(s));
        Diagnostic {
            file: self.file.to_string(),
            line,
            column,
            field,
            message: p.message.clone(),
            origin: None,
        }
    }
}

/// Finds the key or value at byte `offset`, pushing its dotted path (entries of arrays of
/// tables by `name`, else by index) onto `path`. Returns whether it was found.
fn field_at(table: &dyn toml_edit::TableLike, offset: usize, path: &mut Vec<String>) -> bool {
    let inside = |span: Option<std::ops::Range<usize>>| span.is_some_and(|s| s.contains(&offset));
    for (key, item) in table.iter() {
        path.push(key.to_string());
        let key_span = table.key(key).and_then(|k| k.span());
        if inside(key_span) {
            return true;
        }
        let found = match item {
            Item::Value(toml_edit::Value::InlineTable(t)) => {
                field_at(t, offset, path) || inside(t.span())
            }
            Item::Value(v) => inside(v.span()),
            Item::Table(t) => field_at(t, offset, path) || inside(t.span()),
            Item::ArrayOfTables(arr) => arr.iter().enumerate().any(|(i, t)| {
                let name = t
                    .get("name")
                    .and_then(|n| n.as_str())
                    .map_or_else(|| i.to_string(), str::to_string);
                path.push(name);
                let hit = field_at(t, offset, path) || inside(t.span());
                if !hit {
                    path.pop();
                }
                hit
            }),
            Item::None => false,
        };
        if found {
            return true;
        }
        path.pop();
    }
    false
}

/// Keys whose values are durations (strings with a unit).
const DURATION_KEYS: [&str; 29] = [
    "duration",
    "series_step",
    "at",
    "until",
    "ttl",
    "min_ttl",
    "max_ttl",
    "serve_stale",
    "resolution",
    "delay",
    "period",
    "interval",
    "health_propagation",
    "edit_propagation",
    "control_retry",
    "control_give_up",
    "resume_window",
    "reauth_every",
    "session",
    "ramp",
    "start",
    "median",
    "p95",
    "initial",
    "launch_time",
    "resume_time",
    "detect_disconnect",
    "relogin_delay",
    "restart_time",
];

/// serde's words turned into the user's: `invalid type: integer `60`, expected a string` on
/// `dns.ttl` becomes `60 is a number; write a duration such as "60s"`; unknown keys and
/// values get a did-you-mean and the allowed list.
pub(crate) fn explain(message: &str, field: &str) -> String {
    let allowed = |rest: &str| -> Vec<String> {
        rest.split(", ")
            .flat_map(|s| s.split(" or "))
            .map(|s| {
                s.trim()
                    .trim_start_matches("expected one of ")
                    .trim_start_matches("expected ")
            })
            .map(|s| s.trim_matches('`').to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    for (prefix, what) in [("unknown field `", "key"), ("unknown variant `", "value")] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let Some((word, rest)) = rest.split_once('`') else {
                break;
            };
            let options = allowed(rest.trim_start_matches(','));
            let hint = super::overrides::did_you_mean(word, options.iter().map(String::as_str))
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            let list = if options.is_empty() {
                "none here".to_string()
            } else {
                options.join(", ")
            };
            return format!("unknown {what} `{word}`; {hint}allowed: {list}");
        }
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            let (kind, value) = match found.split_once(' ') {
                Some((k, v)) => (k, v.trim_matches('`')),
                None => (found, ""),
            };
            let is = match kind {
                "integer" | "float" => "a number",
                "boolean" => "true or false",
                "string" => "a string",
                "sequence" => "a list",
                "map" => "a table",
                _ => kind,
            };
            let subject = if value.is_empty() {
                "the value".to_string()
            } else {
                value.to_string()
            };
            let last = field.rsplit('.').next().unwrap_or(field);
            let advice = if expected == "a string" && DURATION_KEYS.contains(&last) {
                let example = if matches!(kind, "integer" | "float") && !value.is_empty() {
                    format!("{value}s")
                } else {
                    "60s".to_string()
                };
                format!("write a duration such as \"{example}\" (units: ms, s, m, h)")
            } else if expected == "a string" {
                format!("write it in quotes: \"{value}\"")
            } else {
                format!(
                    "expected {}",
                    plain_types(&format!("expected {expected}")).trim_start_matches("expected ")
                )
            };
            return format!("{subject} is {is}; {advice}");
        }
    }
    plain_types(message)
}

/// Adds what TOML allows to the strict parser's terse messages.
fn explain_strict(message: &str) -> String {
    if message.contains("overflow") {
        format!("{message}; allowed: integers from -9223372036854775808 to 9223372036854775807 (TOML 1.0)")
    } else {
        message.to_string()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> Diagnostic {
        let e = toml::from_str::<super::super::raw::RawScenario>(text).unwrap_err();
        Locator::new("s.toml", text).toml_error(&e)
    }

    #[test]
    fn type_errors_name_the_field_and_what_to_write() {
        let d = error_of("[dns]\nttl = 60\n");
        assert_eq!(d.field, "dns.ttl");
        assert_eq!(
            d.message,
            "60 is a number; write a duration such as \"60s\" (units: ms, s, m, h)"
        );
    }

    #[test]
    fn unknown_keys_and_values_get_a_did_you_mean() {
        let d = error_of("[dns]\ntll = \"60s\"\n");
        assert_eq!(d.field, "dns.tll");
        assert!(
            d.message
                .starts_with("unknown key `tll`; did you mean `ttl`? allowed: fqdn, ttl"),
            "{}",
            d.message
        );
        let d = error_of("[[event]]\nname = \"outage\"\nkind = \"region-outage\"\n");
        assert_eq!(d.field, "event.outage.kind");
        assert!(
            d.message
                .starts_with("unknown value `region-outage`; did you mean `region_outage`?"),
            "{}",
            d.message
        );
    }
}
