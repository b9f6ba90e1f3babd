//! `--set PATH=VALUE`: edits a scenario's TOML before it is parsed.
//!
//! PATH is dotted (`dns.ttl`, `dns.routing.primary.region`); an array of tables is addressed
//! by the `name` of its entry (`users.staff.count`, `event.outage.duration`) or by a 0-based
//! index. VALUE is read as a TOML value when it is one (`5000`, `true`, `0.5`,
//! `["logins"]`) and as a string otherwise (`30s`, `private`). The edit is made in place with
//! `toml_edit`, so every other line keeps its number and diagnostics still point into the
//! user's file.

use super::LoadError;
use toml_edit::{DocumentMut, Item, TableLike, Value};

/// Applies each `PATH=VALUE` in order and returns the edited text.
pub fn apply_all(text: &str, assignments: &[String]) -> Result<String, LoadError> {
    // toml_edit can panic on malformed text (`==\n.=`): treat that as a syntax error too.
    let parsed = crate::guard::catch(|| text.parse::<DocumentMut>()).and_then(Result::ok);
    let mut doc: DocumentMut = match parsed {
        Some(d) => d,
        // Leave syntax errors to the real parse, which reports them with a location.
        None => return Ok(text.to_string()),
    };
    for a in assignments {
        apply(&mut doc, a).map_err(|message| LoadError::Override {
            assignment: a.clone(),
            message,
        })?;
    }
    Ok(doc.to_string())
}

/// The most segments a `--set` or `--vary` PATH may have: 16.
///
/// Why: the deepest key of the scenario format has five (`users.NAME.behaviour.retry_backoff.
/// initial`); sixteen leaves room for nesting the format may grow, while a path of thousands
/// of segments would build as many nested tables and overflow the stack when the edited
/// text is parsed again.
pub const MAX_PATH_SEGMENTS: usize = 16;

/// Splits `PATH=VALUE`, checking that PATH is a dotted path (see [`path_segments`]).
pub fn split_assignment(a: &str) -> Result<(&str, &str), String> {
    let (path, value) =
        split_at_equals(a).ok_or_else(|| "expected PATH=VALUE, e.g. dns.ttl=30s".to_string())?;
    let path = path.trim();
    path_segments(path)?;
    Ok((path, value.trim()))
}

/// Splits at the first `=` outside quotes, so a quoted key may contain one.
fn split_at_equals(a: &str) -> Option<(&str, &str)> {
    let mut quote = None;
    for (i, c) in a.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '=') => return Some((&a[..i], &a[i + 1..])),
            _ => {}
        }
    }
    None
}

/// The segments of a dotted PATH. A segment in double or single quotes may contain dots,
/// as in TOML: `users.staff.client_versions."3.0.8"`.
pub fn path_segments(path: &str) -> Result<Vec<String>, String> {
    let bad = || format!("`{path}` is not a dotted path such as users.staff.count");
    let mut segs = Vec::new();
    let mut rest = path.trim();
    loop {
        let (seg, after) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let end = rest[1..].find(q).ok_or_else(bad)? + 1;
                (rest[1..end].to_string(), rest[end + 1..].trim_start())
            }
            _ => {
                let end = rest.find('.').unwrap_or(rest.len());
                let seg = rest[..end].trim();
                if seg.is_empty() || seg.contains(['"', '\'']) {
                    return Err(bad());
                }
                (seg.to_string(), &rest[end..])
            }
        };
        segs.push(seg);
        if segs.len() > MAX_PATH_SEGMENTS {
            return Err(format!(
                "the path has more than {MAX_PATH_SEGMENTS} segments; allowed: at most {MAX_PATH_SEGMENTS}, e.g. users.staff.count"
            ));
        }
        match after.strip_prefix('.') {
            Some(next) => rest = next.trim_start(),
            None if after.is_empty() => return Ok(segs),
            None => return Err(bad()),
        }
    }
}

/// Parses VALUE: a TOML value if it is one, else a string.
pub fn parse_value(value: &str) -> Value {
    value
        .parse::<Value>()
        .unwrap_or_else(|_| Value::from(value.to_string()))
}

fn apply(doc: &mut DocumentMut, assignment: &str) -> Result<(), String> {
    let (path, value) = split_assignment(assignment)?;
    let segs = path_segments(path)?;
    set_in(doc.as_table_mut(), &segs, "", path, parse_value(value))
}

/// Sets `segs` (relative to `table`, reached by `walked`) to `value`.
fn set_in(
    table: &mut dyn TableLike,
    segs: &[String],
    walked: &str,
    path: &str,
    value: Value,
) -> Result<(), String> {
    let seg = segs[0].as_str();
    let here = if walked.is_empty() {
        seg.to_string()
    } else {
        format!("{walked}.{seg}")
    };
    if segs.len() == 1 {
        match table.get_mut(seg) {
            Some(existing) if existing.is_table() || existing.is_array_of_tables() => Err(format!(
                "`{path}` is a table; set one of its fields instead"
            )),
            // A distribution written as a table may become a plain duration.
            Some(Item::Value(old)) if old.is_inline_table() && !value.is_str() => Err(format!(
                "`{path}` is a table; set one of its fields instead"
            )),
            Some(existing) => {
                let mut value = value;
                if let Some(old) = existing.as_value() {
                    *value.decor_mut() = old.decor().clone();
                }
                *existing = Item::Value(value);
                Ok(())
            }
            None => {
                table.insert(seg, Item::Value(value));
                Ok(())
            }
        }
    } else {
        if table.get(seg).is_none() {
            table.insert(seg, Item::Value(Value::InlineTable(Default::default())));
        }
        let item = table.get_mut(seg).expect("present or inserted above");
        if let Item::ArrayOfTables(arr) = item {
            let name = segs[1].as_str();
            let pos = arr
                .iter()
                .position(|t| t.get("name").and_then(|n| n.as_str()) == Some(name))
                .or_else(|| name.parse::<usize>().ok().filter(|&k| k < arr.len()));
            let Some(pos) = pos else {
                let names: Vec<&str> = arr
                    .iter()
                    .filter_map(|t| t.get("name").and_then(|n| n.as_str()))
                    .collect();
                return Err(format!(
                    "no `{here}` entry named `{name}`; names are: {}",
                    if names.is_empty() {
                        "(none)".to_string()
                    } else {
                        names.join(", ")
                    }
                ));
            };
            if segs.len() == 2 {
                return Err(format!(
                    "`{path}` names a whole `[[{here}]]` entry; add a field, e.g. `{path}.name`"
                ));
            }
            let entry = arr.get_mut(pos).expect("position found above");
            return set_in(entry, &segs[2..], &format!("{here}.{name}"), path, value);
        }
        match item.as_table_like_mut() {
            Some(t) => set_in(t, &segs[1..], &here, path, value),
            None => Err(format!(
                "`{here}` is a value, not a table, so `{path}` cannot be set"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"[scenario]
name = "x"

[dns]
ttl = "60s"   # keep me
routing = { policy = "failover", primary = { region = "a" }, secondary = { region = "b" } }

[[users]]
name = "staff"
count = 10

[[users]]
name = "contractors"
count = 5
"#;

    fn set(a: &str) -> Result<String, LoadError> {
        apply_all(DOC, &[a.to_string()])
    }

    #[test]
    fn sets_scalars_in_place_keeping_lines() {
        let out = set("dns.ttl=30s").unwrap();
        assert!(out.contains("ttl = \"30s\"   # keep me"), "{out}");
        assert_eq!(out.lines().count(), DOC.lines().count());
    }

    #[test]
    fn addresses_arrays_of_tables_by_name_and_index() {
        let out = set("users.contractors.count=5000").unwrap();
        assert!(out.contains("count = 5000"));
        assert!(out.contains("count = 10"));
        let out = set("users.0.count=7").unwrap();
        assert!(out.contains("count = 7") && out.contains("count = 5"));
    }

    #[test]
    fn reaches_into_inline_tables() {
        let out = set("dns.routing.primary.region=c").unwrap();
        assert!(out.contains(r#"primary = { region = "c" }"#), "{out}");
    }

    #[test]
    fn explains_bad_paths() {
        let e = set("users.nobody.count=1").unwrap_err().to_string();
        assert!(
            e.contains("no `users` entry named `nobody`") && e.contains("staff, contractors"),
            "{e}"
        );
        let e = set("dns.ttl.x=1").unwrap_err().to_string();
        assert!(e.contains("is a value"), "{e}");
        let e = set("dns").unwrap_err().to_string();
        assert!(e.contains("PATH=VALUE"), "{e}");
        let e = set("dns.routing=1").unwrap_err().to_string();
        assert!(e.contains("is a table"), "{e}");
    }

    #[test]
    fn dotted_keys_in_set_could_not_be_addressed() {
        let doc = "[[users]]\nname = \"staff\"\nclient_versions = { \"5.22.0\" = 0.9, \"3.0.8\" = 0.1 }\n";
        let out = apply_all(doc, &["users.staff.client_versions.\"3.0.8\"=0.2".into()]).unwrap();
        assert!(out.contains("\"3.0.8\" = 0.2"), "{out}");
        let out = apply_all(doc, &["users.staff.client_versions.'5.22.0'=0.8".into()]).unwrap();
        assert!(out.contains("\"5.22.0\" = 0.8"), "{out}");
        assert_eq!(path_segments("a.\"b.c\".d").unwrap(), ["a", "b.c", "d"]);
        for bad in ["a..b", "a.\"b", "a.b\"c\"", ".a", "a."] {
            assert!(path_segments(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_distribution_table_can_become_a_plain_duration() {
        let doc = "[b]\ndetect = { min = \"5s\", max = \"30s\" }\n";
        let out = apply_all(doc, &["b.detect=10s".into()]).unwrap();
        assert!(out.contains("detect = \"10s\""), "{out}");
    }

    #[test]
    fn set_path_depth_overflowed_the_stack() {
        let deep = format!("{}=1", vec!["a"; 9_000].join("."));
        let e = apply_all(DOC, &[deep]).unwrap_err().to_string();
        assert!(
            e.contains("more than 16 segments"),
            "{}",
            &e[e.len() - 120..]
        );
        assert!(path_segments(&vec!["a"; 16].join(".")).is_ok());
    }

    #[test]
    fn values_are_typed_when_they_parse() {
        assert_eq!(parse_value("5000").as_integer(), Some(5000));
        assert_eq!(parse_value("true").as_bool(), Some(true));
        assert_eq!(parse_value("30s").as_str(), Some("30s"));
        assert_eq!(parse_value("private").as_str(), Some("private"));
    }
}
