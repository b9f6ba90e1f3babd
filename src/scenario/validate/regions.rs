//! `[[region]]`: launch capacity and standby WorkSpaces of each AWS Region.

use super::fields::{at, entry, key, FieldPath, Validator};
use crate::scenario::raw::RawRegion;
use crate::scenario::{RegionSpec, Replication, Standby};

pub(super) fn regions(validator: &mut Validator, raw: &[RawRegion]) -> Vec<RegionSpec> {
    let mut regions = Vec::new();
    for (i, region) in raw.iter().enumerate() {
        let base = entry("region", i);
        regions.push(RegionSpec {
            name: region.name.clone(),
            launch_concurrency: region
                .launch_concurrency
                .unwrap_or(RegionSpec::DEFAULT_LAUNCH_CONCURRENCY),
            launch_time: validator.dist_or(
                at(&base, &[key("launch_time")]),
                region.launch_time.as_ref(),
                RegionSpec::DEFAULT_LAUNCH_TIME,
            ),
            standby: region.standby.unwrap_or(RegionSpec::DEFAULT_STANDBY),
            resume_time: validator.dist_or(
                at(&base, &[key("resume_time")]),
                region.resume_time.as_ref(),
                RegionSpec::DEFAULT_RESUME_TIME,
            ),
            activation_time: validator.dist_or(
                at(&base, &[key("activation_time")]),
                region.activation_time.as_ref(),
                RegionSpec::DEFAULT_ACTIVATION_TIME,
            ),
            replication: replication(validator, &base, region),
            rpo_ms: validator.duration_or(
                at(&base, &[key("rpo")]),
                region.rpo.as_ref(),
                RegionSpec::DEFAULT_RPO_MS,
            ),
        });
    }
    regions
}

/// Data replication: only standby WorkSpaces (`standby = "mrr"`) replicate, and only when
/// `data_replication = true`; the snapshot keys need it.
fn replication(
    validator: &mut Validator,
    base: &FieldPath,
    region: &RawRegion,
) -> Option<Replication> {
    let mrr = region.standby == Some(Standby::Mrr);
    let on = region.data_replication.unwrap_or(false);
    if on && !mrr {
        validator.report(
            at(base, &[key("data_replication")]),
            "needs standby = \"mrr\" (data replication is a Multi-Region Resilience add-on for standby WorkSpaces)",
        );
    }
    for (name, given) in [
        ("snapshot_every", region.snapshot_every.is_some()),
        ("snapshot_copy", region.snapshot_copy.is_some()),
    ] {
        if given && !(on && mrr) {
            validator.report(
                at(base, &[key(name)]),
                "needs data_replication = true (and standby = \"mrr\")",
            );
        }
    }
    if !(on && mrr) {
        return None;
    }
    let every_ms = match &region.snapshot_every {
        Some(text) => validator
            .positive_duration(at(base, &[key("snapshot_every")]), text)
            .unwrap_or(Replication::DEFAULT_EVERY_MS),
        None => Replication::DEFAULT_EVERY_MS,
    };
    let copy = validator.dist_or(
        at(base, &[key("snapshot_copy")]),
        region.snapshot_copy.as_ref(),
        Replication::DEFAULT_COPY,
    );
    Some(Replication { every_ms, copy })
}

#[cfg(test)]
mod tests {
    use super::super::{problems_of, BASE};
    use crate::dist::Dist;

    #[test]
    fn regions_take_their_documented_defaults() {
        let scenario = crate::scenario::load_str(BASE, "t.toml", &[]).unwrap();
        let west = &scenario.regions[0];
        assert_eq!(west.launch_concurrency, 0);
        assert_eq!(
            west.launch_time,
            Dist::LogNormal {
                median_ms: 40_000,
                p95_ms: 120_000
            }
        );
        assert_eq!(
            west.resume_time,
            Dist::Uniform {
                min_ms: 30_000,
                max_ms: 90_000
            }
        );
    }

    #[test]
    fn an_inverted_uniform_range_names_both_bounds() {
        let text = BASE.replace(
            "name = \"east\"",
            "name = \"east\"\nresume_time = { min = \"90s\", max = \"30s\" }",
        );
        let problems = problems_of(&text);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "region.east.resume_time.max");
        assert_eq!(
            problems[0].message,
            "max (30s) is below min (90s); allowed: max >= min"
        );
    }

    #[test]
    fn a_distribution_needs_one_of_the_two_shapes() {
        let text = BASE.replace(
            "name = \"east\"",
            "name = \"east\"\nlaunch_time = { min = \"1s\", p95 = \"2s\" }",
        );
        let problems = problems_of(&text);
        assert_eq!(problems[0].field, "region.east.launch_time");
        assert!(problems[0].message.starts_with("give either { min, max }"));
    }

    #[test]
    fn a_scenario_needs_a_region() {
        let text = "[scenario]\nname = \"t\"\nduration = \"1h\"\n[dns]\nfqdn = \"a.example\"\nrouting = { policy = \"simple\", region = \"west\" }\n";
        let problems = problems_of(text);
        assert!(problems[0].message.starts_with("no [[region]] defined"));
        assert_eq!(problems[1].field, "dns.routing.region");
        assert_eq!(
            problems[1].message,
            "unknown region `west`; none are defined"
        );
    }
}
