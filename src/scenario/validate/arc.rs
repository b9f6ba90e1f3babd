//! `[arc]`: the ARC cluster's Regions and the assertion safety rule.

use super::fields::{at, key, FieldPath, Validator};
use crate::scenario::raw::RawArc;
use crate::scenario::{ArcSpec, PathSeg};

pub(super) fn arc(validator: &mut Validator, raw: Option<&RawArc>) -> ArcSpec {
    let mut spec = ArcSpec::default();
    let Some(raw) = raw else {
        return spec;
    };
    let base: FieldPath = vec![key("arc")];
    if let Some(names) = &raw.cluster_regions {
        if names.len() != ArcSpec::CLUSTER_SIZE {
            validator.report(
                at(&base, &[key("cluster_regions")]),
                format!(
                    "{} Region(s); an ARC cluster has {} Regional endpoints: list five distinct Regions, or omit `cluster_regions` for {}",
                    names.len(),
                    ArcSpec::CLUSTER_SIZE,
                    ArcSpec::DEFAULT_CLUSTER_REGIONS.join(", ")
                ),
            );
        }
        for (j, name) in names.iter().enumerate() {
            let path = at(&base, &[key("cluster_regions"), PathSeg::Index(j)]);
            if !is_region_code(name) {
                validator.report(
                    path,
                    format!("`{name}` is not a Region code; allowed: a code such as \"us-west-2\""),
                );
            } else if names[..j].contains(name) {
                validator.report(path, format!("`{name}` is listed twice"));
            }
        }
        spec.cluster_regions = names.clone();
    }
    if let Some(min_on) = raw.min_on {
        spec.min_on = min_on;
    }
    spec
}

/// `us-east-1`, `ap-southeast-2`, `us-gov-west-1`: lowercase words joined by hyphens, ending
/// in a number.
fn is_region_code(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

#[cfg(test)]
mod tests {
    use crate::scenario::load_str;

    const BASE: &str = r#"[scenario]
name = "t"
duration = "1h"
[[region]]
name = "us-east-1"
[dns]
fqdn = "d.example.com"
routing = { policy = "simple", region = "us-east-1" }
[[users]]
name = "u"
count = 1
home = "us-east-1"
"#;

    fn load(extra: &str) -> Result<crate::scenario::Scenario, String> {
        load_str(&format!("{BASE}{extra}"), "t.toml", &[]).map_err(|e| e.to_string())
    }

    #[test]
    fn the_default_cluster_is_five_regions_with_a_quorum_of_three() {
        let s = load("").unwrap();
        assert_eq!(s.arc.cluster_regions.len(), 5);
        assert_eq!(s.arc.quorum(), 3);
        assert_eq!(s.arc.min_on, 1);
    }

    #[test]
    fn a_cluster_of_other_than_five_distinct_regions_is_refused() {
        let e = load("[arc]\ncluster_regions = [\"us-east-1\", \"us-west-2\"]\n").unwrap_err();
        assert!(e.contains("t.toml:14:19:"), "{e}");
        assert!(e.contains("has 5 Regional endpoints"), "{e}");
        let e = load("[arc]\ncluster_regions = [\"us-east-1\", \"us-west-2\", \"eu-west-1\", \"eu-west-1\", \"Tokyo\"]\n").unwrap_err();
        assert!(e.contains("`eu-west-1` is listed twice"), "{e}");
        assert!(e.contains("`Tokyo` is not a Region code"), "{e}");
    }
}
