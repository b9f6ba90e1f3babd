//! `--vary PATH=V1,V2,...`: which scenario value a sweep varies and over what, and the grid
//! of points their Cartesian product makes.

use super::SweepError;
use crate::scenario::overrides::split_assignment;
use std::fmt;

/// One `--vary PATH=V1,V2,...`: a scenario value and the values it takes, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vary {
    /// Dotted path, as for `--set`.
    pub path: String,
    /// Values as written (each applied like `--set PATH=VALUE`).
    pub values: Vec<String>,
}

impl Vary {
    /// Parses `PATH=V1,V2,...`. Values are separated by commas outside brackets, braces and
    /// quotes, so TOML arrays and inline tables work as values:
    /// `event.outage.planes=["sessions"],["sessions","logins"]`.
    pub fn parse(spec: &str) -> Result<Vary, SweepError> {
        let usage = |m: String| SweepError::Usage(format!("--vary {spec}: {m}"));
        if !spec.contains('=') {
            return Err(usage(
                "expected PATH=V1,V2,..., e.g. dns.ttl=30s,60s,300s".to_string(),
            ));
        }
        let (path, values) = split_assignment(spec).map_err(usage)?;
        let values = split_values(values);
        if values.is_empty() || values.iter().any(String::is_empty) {
            return Err(usage(
                "every value must be non-empty, e.g. dns.ttl=30s,60s,300s".to_string(),
            ));
        }
        for (i, v) in values.iter().enumerate() {
            if values[..i].contains(v) {
                return Err(usage(format!("the value `{v}` is given twice")));
            }
        }
        Ok(Vary {
            path: path.to_string(),
            values,
        })
    }

    /// `PATH=VALUE` for one of the values, as `--set` takes it.
    pub fn assignment(&self, value: &str) -> String {
        format!("{}={value}", self.path)
    }
}

impl fmt::Display for Vary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.path, self.values.join(","))
    }
}

/// Splits on commas at nesting depth 0 and outside quotes; trims each value.
fn split_values(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth <= 0 => {
                out.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current.trim().to_string());
    out
}

/// The Cartesian product of the varied values, first `--vary` outermost; one entry per
/// point, holding one value per `--vary`. No `--vary` gives one point with no values.
pub fn grid(vary: &[Vary]) -> Vec<Vec<String>> {
    let mut points: Vec<Vec<String>> = vec![Vec::new()];
    for v in vary {
        points = points
            .into_iter()
            .flat_map(|p| {
                v.values.iter().map(move |value| {
                    let mut q = p.clone();
                    q.push(value.clone());
                    q
                })
            })
            .collect();
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary(spec: &str) -> Vary {
        Vary::parse(spec).unwrap()
    }

    #[test]
    fn vary_values_split_on_top_level_commas_only() {
        let v = vary(r#"event.outage.planes=["sessions","logins"], ["endpoint"]"#);
        assert_eq!(v.path, "event.outage.planes");
        assert_eq!(
            v.values,
            vec![r#"["sessions","logins"]"#, r#"["endpoint"]"#]
        );
        let v = vary(r#"scenario.name="a,b",c"#);
        assert_eq!(v.values, vec![r#""a,b""#, "c"]);
        assert_eq!(vary("dns.ttl = 30s, 60s").values, vec!["30s", "60s"]);
        for (bad, needle) in [
            ("dns.ttl", "expected PATH=V1,V2"),
            ("dns.ttl=30s,,60s", "non-empty"),
            ("dns.ttl=", "non-empty"),
            ("dns.ttl=30s,30s", "`30s` is given twice"),
            ("=30s", "not a dotted path"),
        ] {
            let e = Vary::parse(bad).unwrap_err().to_string();
            assert!(
                e.contains(&format!("--vary {bad}")) && e.contains(needle),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn grid_is_the_cartesian_product_first_vary_outermost() {
        let g = grid(&[vary("a.x=1,2,3"), vary("b.y=p,q")]);
        let expected: Vec<Vec<&str>> = vec![
            vec!["1", "p"],
            vec!["1", "q"],
            vec!["2", "p"],
            vec!["2", "q"],
            vec!["3", "p"],
            vec!["3", "q"],
        ];
        assert_eq!(g, expected);
        assert_eq!(grid(&[]), vec![Vec::<String>::new()]);
        assert_eq!(
            grid(&[vary("a.x=1,2"), vary("b.y=p"), vary("c.z=u,v")]).len(),
            4
        );
    }
}
