//! Route 53 record selection
//! (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html>).
//!
//! - Failover: the first record of the chain (primary, then secondaries in order) whose
//!   health check is healthy or absent; when none is, the primary (fail-open). A
//!   secondary without a health check is always eligible — Route 53 answers with it even
//!   when its endpoint is down.
//! - Weighted: records with a non-zero weight whose check is healthy (or absent); zero-weight
//!   records only when every non-zero one is unhealthy; when all are unhealthy, all are
//!   considered. All-zero weights: equal shares.
//! - Simple: one Region, no health check.
//!
//! [`authoritative_answer`] combines these with lapsed domains and manual record edits into
//! the [`DnsAnswer`] the name servers give.

use super::resolver::{Answer, ANSWER_HIJACKED, ANSWER_NONE};
use crate::rng;
use crate::rng::EntityRng;
use crate::scenario::{RecordSpec, Routing};

/// Healthy per the DNS view of the checks; records without a check are healthy.
fn record_healthy(r: &RecordSpec, check_healthy: &[bool]) -> bool {
    r.health_check.is_none_or(|c| check_healthy[c])
}

/// Failover answer: the index into `chain`.
pub fn failover_answer(chain: &[RecordSpec], check_healthy: &[bool]) -> usize {
    chain
        .iter()
        .position(|r| record_healthy(r, check_healthy))
        .unwrap_or(0)
}

/// Weighted routing: `(record index, weight)` of the records that may be answered, in
/// record order. Weights are all 1 when every candidate has weight 0.
pub fn weighted_candidates(records: &[RecordSpec], check_healthy: &[bool]) -> Vec<(usize, u32)> {
    let healthy: Vec<usize> = (0..records.len())
        .filter(|&i| record_healthy(&records[i], check_healthy))
        .collect();
    let nonzero_healthy: Vec<usize> = healthy
        .iter()
        .copied()
        .filter(|&i| records[i].weight > 0)
        .collect();
    let pool: Vec<usize> = if !nonzero_healthy.is_empty() {
        nonzero_healthy
    } else if !healthy.is_empty() {
        healthy
    } else {
        // "If no record is healthy, all records are healthy" (the same page).
        let nonzero: Vec<usize> = (0..records.len())
            .filter(|&i| records[i].weight > 0)
            .collect();
        if nonzero.is_empty() {
            (0..records.len()).collect()
        } else {
            nonzero
        }
    };
    let all_zero = pool.iter().all(|&i| records[i].weight == 0);
    pool.into_iter()
        .map(|i| (i, if all_zero { 1 } else { records[i].weight }))
        .collect()
}

/// What the authoritative name servers answer for the FQDN's TXT record.
///
/// Kept typed (Region indices, not names) so the simulation never formats it; the report
/// renders it (`dns_answer` timeline rows and the `answer` column of `series.csv`).
#[derive(Clone, Debug, PartialEq)]
pub enum DnsAnswer {
    /// One Region's connection identifier.
    Region(u8),
    /// No TXT record: the domain lapsed and nobody answers for it (NXDOMAIN).
    NxDomain,
    /// A stranger controls the lapsed domain and answers with their own identifier.
    Hijacked,
    /// Weighted routing over several records: `(Region, weight)` in record order; each query
    /// draws one in proportion to the weights.
    Weighted(Vec<(u8, u32)>),
}

impl DnsAnswer {
    /// Whether a query can be answered with `region`.
    pub fn includes(&self, region: u8) -> bool {
        match self {
            DnsAnswer::Region(r) => *r == region,
            DnsAnswer::Weighted(c) => c.iter().any(|(r, _)| *r == region),
            DnsAnswer::NxDomain | DnsAnswer::Hijacked => false,
        }
    }

    /// Whether answering a query draws randomness (weighted answers do).
    pub fn draws_randomness(&self) -> bool {
        matches!(self, DnsAnswer::Weighted(_))
    }

    /// The answer to one query, in the resolvers' compact form; weighted answers draw the
    /// record from `rng` (one draw), the others draw nothing.
    pub fn draw(&self, rng: &mut EntityRng) -> Answer {
        match self {
            DnsAnswer::Region(r) => *r,
            DnsAnswer::NxDomain => ANSWER_NONE,
            DnsAnswer::Hijacked => ANSWER_HIJACKED,
            DnsAnswer::Weighted(c) => {
                let mut acc = 0.0;
                let cum: Vec<f64> = c
                    .iter()
                    .map(|(_, w)| {
                        acc += f64::from(*w);
                        acc
                    })
                    .collect();
                c[rng::pick_cumulative(rng, &cum)].0
            }
        }
    }
}

/// The authoritative answer, from the strongest cause down: a lapsed domain (nobody or a
/// stranger answers), a manual record edit that has propagated
/// (`set_record`), then the routing policy over the health-check status DNS currently sees
/// (`check_healthy`, after `health_propagation`).
pub fn authoritative_answer(
    routing: &Routing,
    lapsed: Option<bool>,
    manual_record: Option<u8>,
    check_healthy: &[bool],
) -> DnsAnswer {
    if let Some(hijacked) = lapsed {
        return if hijacked {
            DnsAnswer::Hijacked
        } else {
            DnsAnswer::NxDomain
        };
    }
    if let Some(r) = manual_record {
        return DnsAnswer::Region(r);
    }
    match routing {
        Routing::Simple(r) => DnsAnswer::Region(*r as u8),
        Routing::Failover(chain) => {
            DnsAnswer::Region(chain[failover_answer(chain, check_healthy)].region as u8)
        }
        Routing::Weighted(records) => {
            let c = weighted_candidates(records, check_healthy);
            if c.len() == 1 {
                DnsAnswer::Region(records[c[0].0].region as u8)
            } else {
                DnsAnswer::Weighted(
                    c.iter()
                        .map(|&(i, w)| (records[i].region as u8, w))
                        .collect(),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(region: usize, hc: Option<usize>, weight: u32) -> RecordSpec {
        RecordSpec {
            region,
            health_check: hc,
            weight,
        }
    }

    #[test]
    fn failover_table() {
        let chain = [rec(0, Some(0), 0), rec(1, Some(1), 0)];
        // primary healthy -> primary, whatever the secondary
        assert_eq!(failover_answer(&chain, &[true, true]), 0);
        assert_eq!(failover_answer(&chain, &[true, false]), 0);
        // primary unhealthy, secondary healthy -> secondary
        assert_eq!(failover_answer(&chain, &[false, true]), 1);
        // both unhealthy -> primary (fail open)
        assert_eq!(failover_answer(&chain, &[false, false]), 0);
    }

    #[test]
    fn secondary_without_check_is_always_taken() {
        let chain = [rec(0, Some(0), 0), rec(1, None, 0)];
        assert_eq!(failover_answer(&chain, &[false]), 1);
        assert_eq!(failover_answer(&chain, &[true]), 0);
    }

    #[test]
    fn chained_secondaries() {
        let chain = [rec(0, Some(0), 0), rec(1, Some(1), 0), rec(2, Some(2), 0)];
        assert_eq!(failover_answer(&chain, &[false, false, true]), 2);
        assert_eq!(failover_answer(&chain, &[false, true, true]), 1);
        assert_eq!(failover_answer(&chain, &[false, false, false]), 0);
    }

    #[test]
    fn weighted_rules() {
        let recs = [rec(0, Some(0), 10), rec(1, Some(1), 20), rec(2, Some(2), 0)];
        assert_eq!(
            weighted_candidates(&recs, &[true, true, true]),
            vec![(0, 10), (1, 20)]
        );
        assert_eq!(
            weighted_candidates(&recs, &[false, true, true]),
            vec![(1, 20)]
        );
        // zero weight only when every non-zero record is unhealthy
        assert_eq!(
            weighted_candidates(&recs, &[false, false, true]),
            vec![(2, 1)]
        );
        // all unhealthy -> all considered (non-zero weights keep their shares)
        assert_eq!(
            weighted_candidates(&recs, &[false, false, false]),
            vec![(0, 10), (1, 20)]
        );
        let zeros = [rec(0, None, 0), rec(1, None, 0)];
        assert_eq!(weighted_candidates(&zeros, &[]), vec![(0, 1), (1, 1)]);
    }

    #[test]
    fn a_lapsed_domain_beats_a_manual_record_which_beats_routing() {
        let routing = Routing::Failover(vec![rec(0, Some(0), 0), rec(1, None, 0)]);
        let answer = |lapsed, manual| authoritative_answer(&routing, lapsed, manual, &[false]);
        assert_eq!(answer(None, None), DnsAnswer::Region(1));
        assert_eq!(answer(None, Some(2)), DnsAnswer::Region(2));
        assert_eq!(answer(Some(false), Some(2)), DnsAnswer::NxDomain);
        assert_eq!(answer(Some(true), None), DnsAnswer::Hijacked);
    }

    #[test]
    fn one_weighted_candidate_is_a_plain_region_answer() {
        let routing = Routing::Weighted(vec![rec(0, Some(0), 1), rec(1, Some(1), 3)]);
        assert_eq!(
            authoritative_answer(&routing, None, None, &[false, true]),
            DnsAnswer::Region(1)
        );
        let both = authoritative_answer(&routing, None, None, &[true, true]);
        assert_eq!(both, DnsAnswer::Weighted(vec![(0, 1), (1, 3)]));
        assert!(both.includes(1) && !both.includes(2) && both.draws_randomness());
    }
}
