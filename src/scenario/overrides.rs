//! `--set PATH=VALUE`: edits a scenario's TOML before it is parsed.
//!
//! PATH is dotted (`dns.ttl`, `dns.routing.primary.region`); an array of tables is addressed
//! by the `name` of its entry (`users.staff.count`, `event.outage.duration`) or by a 0-based
//! index. VALUE is read as a TOML value when it is one (`5000`, `true`, `0.5`,
//! `["logins"]`) and as a string otherwise (`30s`, `private`). The edit is made in place with
//! `toml_edit`, so every other line keeps its number and diagnostics still point into the
//! user's file. A key that holds a table, such as `users.staff.client_versions`, takes a
//! whole inline table (`{"5.22.0" = 1.0}`) or one of its entries, quoted when the key has
//! dots: `users.staff.client_versions."5.22.0"=1.0`.
//!
//! A problem that an override causes is reported against the override, not the file
//! (`attribute`): `--set dns.tll=30s: `dns.tll`: unknown key `tll`; did you mean `ttl`?`.

use super::{Diagnostic, LoadError};
use toml_edit::{DocumentMut, Item, TableLike, Value};

/// The candidate closest to `word`, when one is close enough to be a likely typo (edit
/// distance at most a third of the word, at least 1; `-` for `_` counts as one edit).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Marks each diagnostic caused by one of `assignments` (the last that applies) with that
/// override: its field is the override's path, lies inside it, or holds it (an unknown key
/// the override introduced).
pub(crate) fn attribute(diagnostics: &mut [Diagnostic], assignments: &[String]) {
    for d in diagnostics.iter_mut() {
        if d.field.is_empty() {
            continue;
        }
        let cause = assignments.iter().rev().find(|a| {
            let Ok((path, _)) = split_assignment(a) else {
                return false;
            };
            let path = split_path(path).join(".");
            d.field == path
                || d.field.starts_with(&format!("{path}."))
                || path.starts_with(&format!("{}.", d.field))
        });
        if let Some(a) = cause {
            d.origin = Some(format!("--set {a}"));
        }
    }
}

/// The segments of a dotted path; a segment in double quotes may hold dots
/// (`users.staff.client_versions."5.22.0"`).
pub fn split_path(path: &str) -> Vec<String> {
    let mut segs = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in path.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => segs.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    segs.push(current);
    segs
}

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
/// Why: the deepest key of the scenario format has five
/// (`users.NAME.behaviour.retry_backoff.initial`); sixteen leaves room for nesting the format
/// may grow, while a path of thousands of segments would build as many nested tables and
/// overflow the stack when the edited text is parsed again.
pub const MAX_PATH_SEGMENTS: usize = 16;

/// Splits `PATH=VALUE`.
pub fn split_assignment(a: &str) -> Result<(&str, &str), String> {
    let (path, value) = a
        .split_once('=')
        .ok_or_else(|| "expected PATH=VALUE, e.g. dns.ttl=30s".to_string())?;
    let path = path.trim();
    let segs = split_path(path);
    if path.is_empty() || segs.iter().any(String::is_empty) {
        return Err(format!(
            "`{path}` is not a dotted path such as users.staff.count"
        ));
    }
    if segs.len() > MAX_PATH_SEGMENTS {
        return Err(format!(
            "the path has {} segments; allowed: at most {MAX_PATH_SEGMENTS}, e.g. users.staff.count",
            segs.len()
        ));
    }
    Ok((path, value.trim()))
}

/// Parses VALUE: a TOML value if it is one, else a string. A TOML date-time
/// (`2026-03-02T09:00:00-08:00`) is taken as the string it reads as: the scenario format
/// writes instants as strings, and no key takes a TOML date-time.
pub fn parse_value(value: &str) -> Value {
    match value.parse::<Value>() {
        Ok(Value::Datetime(_)) | Err(_) => Value::from(value.to_string()),
        Ok(parsed) => parsed,
    }
}

fn apply(doc: &mut DocumentMut, assignment: &str) -> Result<(), String> {
    let (path, value) = split_assignment(assignment)?;
    let segs = split_path(path);
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    set_in(doc.as_table_mut(), &segs, "", path, parse_value(value))
}

/// Sets `segs` (relative to `table`, reached by `walked`) to `value`.
fn set_in(
    table: &mut dyn TableLike,
    segs: &[&str],
    walked: &str,
    path: &str,
    value: Value,
) -> Result<(), String> {
    let seg = segs[0];
    let here = if walked.is_empty() {
        seg.to_string()
    } else {
        format!("{walked}.{seg}")
    };
    if segs.len() == 1 {
        let new_is_table = value.is_inline_table();
        match table.get_mut(seg) {
            // A table takes a whole new table (`client_versions={"5.22.0"=1.0}`).
            // A distribution written as an inline table (`{ min = "5s", max = "30s" }`) may
            // also become a plain duration (`detect_disconnect=10s`).
            Some(existing)
                if (new_is_table && (existing.is_table() || existing.is_inline_table()))
                    || (value.is_str() && existing.is_inline_table()) =>
            {
                *existing = Item::Value(value);
                Ok(())
            }
            Some(existing) if existing.is_array_of_tables() => Err(format!(
                "`{path}` is a list of `[[{here}]]` entries; set a field of one, e.g. \
                 `{path}.<name>.<field>`"
            )),
            Some(existing) if existing.is_table() || existing.is_inline_table() => Err(format!(
                "`{path}` is a table; set one of its keys (`{path}.<key>=...`) or the whole \
                 table as an inline table (`{path}={{ key = ... }}`)"
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
            let name = segs[1];
            let pos = arr
                .iter()
                .position(|t| t.get("name").and_then(|n| n.as_str()) == Some(name))
                .or_else(|| name.parse::<usize>().ok().filter(|&k| k < arr.len()));
            let Some(pos) = pos else {
                let names: Vec<&str> = arr
                    .iter()
                    .filter_map(|t| t.get("name").and_then(|n| n.as_str()))
                    .collect();
                let hint = did_you_mean(name, names.iter().copied())
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                return Err(format!(
                    "no `{here}` entry named `{name}`; {hint}names are: {}",
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
    fn a_date_time_value_is_the_string_it_reads_as() {
        let v = parse_value("2026-03-02T09:00:00-08:00");
        assert_eq!(v.as_str(), Some("2026-03-02T09:00:00-08:00"));
        assert_eq!(parse_value("30").as_integer(), Some(30));
        assert_eq!(parse_value("300s").as_str(), Some("300s"));
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
        let e = set("users.staf.count=1").unwrap_err().to_string();
        assert!(e.contains("did you mean `staff`?"), "{e}");
    }

    #[test]
    fn map_valued_keys_take_a_whole_table_or_one_quoted_entry() {
        let doc = "[[users]]\nname = \"staff\"\nclient_versions = { \"5.22.0\" = 0.9, \"3.0.8\" = 0.1 }\n";
        let out = apply_all(
            doc,
            &[r#"users.staff.client_versions={"5.22.0"=1.0}"#.to_string()],
        )
        .unwrap();
        assert!(out.contains(r#"client_versions = {"5.22.0"=1.0}"#), "{out}");
        let out = apply_all(
            doc,
            &[r#"users.staff.client_versions."3.0.8"=0.2"#.to_string()],
        )
        .unwrap();
        assert!(out.contains(r#""3.0.8" = 0.2"#), "{out}");
        assert_eq!(split_path(r#"a."5.22.0".b"#), ["a", "5.22.0", "b"]);
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
            e.contains("9000 segments; allowed: at most 16"),
            "{}",
            &e[e.len() - 120..]
        );
        assert!(split_assignment(&format!("{}=1", vec!["a"; 16].join("."))).is_ok());
    }

    #[test]
    fn suggestions_catch_typos_and_dashes() {
        assert_eq!(did_you_mean("tll", ["fqdn", "ttl", "zone"]), Some("ttl"));
        assert_eq!(
            did_you_mean("region-outage", ["region_outage", "dns_outage"]),
            Some("region_outage")
        );
        assert_eq!(did_you_mean("xyz", ["ttl", "zone"]), None);
    }

    #[test]
    fn values_are_typed_when_they_parse() {
        assert_eq!(parse_value("5000").as_integer(), Some(5000));
        assert_eq!(parse_value("true").as_bool(), Some(true));
        assert_eq!(parse_value("30s").as_str(), Some("30s"));
        assert_eq!(parse_value("private").as_str(), Some("private"));
    }
}
