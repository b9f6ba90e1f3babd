//! Route 53 record selection (facts/aws-semantics.md §3).
//!
//! - Failover: the first record of the chain (primary, then secondaries in order) whose
//!   health check is healthy or absent; when none is, the primary (fail-open, §3.1). A
//!   secondary without a health check is always eligible — Route 53 answers with it even
//!   when its endpoint is down.
//! - Weighted: records with a non-zero weight whose check is healthy (or absent); zero-weight
//!   records only when every non-zero one is unhealthy; when all are unhealthy, all are
//!   considered (§3.2-3.3). All-zero weights: equal shares.
//! - Simple: one Region, no health check.

use crate::scenario::RecordSpec;

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
        // "If no record is healthy, all records are healthy" (§3.2).
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
}
