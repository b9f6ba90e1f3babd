//! The parameters of a staleness experiment: their defaults, their allowed ranges and the
//! quantities derived from them (mean gap between lookups at one instance, warm-up length).

use crate::model::population::POPULATIONS;
use crate::scenario::ClientCache;

/// Default number of resolver instances.
pub const DEFAULT_INSTANCES: u32 = 1000;
/// Default total lookup rate (lookups per second, all instances together).
pub const DEFAULT_RATE_PER_SECOND: f64 = 50.0;
/// Default master seed.
pub const DEFAULT_SEED: u64 = 1;

/// Largest accepted `instances`.
pub const MAX_INSTANCES: u32 = 1_000_000;
/// Smallest accepted `rate_per_second`: 0.01 lookups per second.
///
/// Why: below it the hour after the change sees fewer than 36 lookups, too few for a curve;
/// and far below it (`1e-20`) the time between lookups exceeds what milliseconds in a `u64`
/// can hold, so the run could not reach its end.
pub const MIN_RATE_PER_SECOND: f64 = 0.01;
/// Largest accepted `rate_per_second` (bounds a run to 10,000 × (2 h warm-up + 1 h) ≈ 1.1e8
/// lookups).
pub const MAX_RATE_PER_SECOND: f64 = 10_000.0;
/// Largest accepted TTL: 7 days, the cap RFC 8767 puts on TTLs.
pub const MAX_TTL_MS: u64 = 604_800_000;

/// Warm-up bounds: `10 × (TTL + mean gap)` clamped to 10 min–2 h (see [`super::resolvers`]).
const MIN_WARMUP_MS: u64 = 600_000;
pub(super) const MAX_WARMUP_MS: u64 = 7_200_000;

/// Parameters of one staleness experiment. Defaults: [`DEFAULT_INSTANCES`],
/// [`DEFAULT_RATE_PER_SECOND`], [`DEFAULT_SEED`] ([`StalenessParams::new`]).
#[derive(Clone, Debug, PartialEq)]
pub struct StalenessParams {
    /// Resolver population name (one of [`POPULATIONS`]: `internet`).
    pub population: String,
    /// Record TTL (ms).
    pub ttl_ms: u64,
    /// Resolver instances drawn from the population (1 to [`MAX_INSTANCES`]).
    pub instances: u32,
    /// Lookups per second over all instances (> 0, at most [`MAX_RATE_PER_SECOND`]).
    pub rate_per_second: f64,
    /// Master seed.
    pub seed: u64,
    /// Client-side cache in front of the resolvers (default none: resolver caches only). A
    /// fixed lifetime stands for an application cache such as Java's 30 s or the WorkSpaces
    /// client's own (`users.client_resolves`); `honor` for an OS stub cache.
    pub client_cache: ClientCache,
    /// Clients behind each resolver instance, each with its own cache (used only with a
    /// client cache; default [`DEFAULT_CLIENTS_PER_INSTANCE`]).
    pub clients_per_instance: u32,
}

/// Default clients per resolver instance when client caches are on: beyond 10-20 clients a
/// shared cache gains little (Jung et al., "DNS performance and the effectiveness of
/// caching", IEEE/ACM ToN 2002).
pub const DEFAULT_CLIENTS_PER_INSTANCE: u32 = 10;

impl StalenessParams {
    /// Parameters with the defaults for everything but the population and the TTL.
    pub fn new(population: impl Into<String>, ttl_ms: u64) -> Self {
        StalenessParams {
            population: population.into(),
            ttl_ms,
            instances: DEFAULT_INSTANCES,
            rate_per_second: DEFAULT_RATE_PER_SECOND,
            seed: DEFAULT_SEED,
            client_cache: ClientCache::None,
            clients_per_instance: DEFAULT_CLIENTS_PER_INSTANCE,
        }
    }

    /// Checks every parameter against its allowed range.
    pub fn validate(&self) -> Result<(), StalenessError> {
        if !POPULATIONS.contains(&self.population.as_str()) {
            return Err(StalenessError::UnknownPopulation(self.population.clone()));
        }
        if !(1..=MAX_INSTANCES).contains(&self.instances) {
            return Err(StalenessError::Instances(self.instances));
        }
        if !(MIN_RATE_PER_SECOND..=MAX_RATE_PER_SECOND).contains(&self.rate_per_second) {
            return Err(StalenessError::Rate(self.rate_per_second));
        }
        if self.ttl_ms > MAX_TTL_MS {
            return Err(StalenessError::Ttl(self.ttl_ms));
        }
        if !(1..=1000).contains(&self.clients_per_instance)
            || u64::from(self.clients_per_instance) * u64::from(self.instances)
                > u64::from(MAX_INSTANCES) * 10
        {
            return Err(StalenessError::Clients(self.clients_per_instance));
        }
        Ok(())
    }

    /// Mean time between two lookups at one instance (ms).
    pub(super) fn mean_gap_ms(&self) -> f64 {
        f64::from(self.instances) * 1000.0 / self.rate_per_second
    }

    /// Simulated warm-up before the change (ms).
    pub(super) fn warmup_ms(&self) -> u64 {
        let cycle_ms = self.ttl_ms as f64 + self.mean_gap_ms();
        ((10.0 * cycle_ms) as u64).clamp(MIN_WARMUP_MS, MAX_WARMUP_MS)
    }
}

/// A parameter out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StalenessError {
    /// No such population.
    #[error("unknown population `{0}`; allowed: \"internet\"")]
    UnknownPopulation(String),
    /// Instances out of range.
    #[error("instances = {0}: allowed 1 to 1,000,000")]
    Instances(u32),
    /// Rate out of range.
    #[error("rate = {0} lookups per second: allowed 0.01 to 10,000")]
    Rate(f64),
    /// TTL out of range.
    #[error("ttl = {0} ms: allowed 0 to 7 days")]
    Ttl(u64),
    /// Clients per instance out of range.
    #[error("clients = {0}: allowed 1 to 1,000 per instance, at most 10,000,000 in all")]
    Clients(u32),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_parameters_are_refused() {
        let ok = StalenessParams::new("internet", 20_000);
        assert_eq!(ok.validate(), Ok(()));
        let bad = |f: &dyn Fn(&mut StalenessParams)| {
            let mut p = ok.clone();
            f(&mut p);
            p.validate().unwrap_err()
        };
        assert_eq!(
            bad(&|p| p.population = "corp".into()),
            StalenessError::UnknownPopulation("corp".into())
        );
        assert_eq!(bad(&|p| p.instances = 0), StalenessError::Instances(0));
        assert!(matches!(
            bad(&|p| p.rate_per_second = 0.0),
            StalenessError::Rate(_)
        ));
        assert!(matches!(
            bad(&|p| p.rate_per_second = f64::NAN),
            StalenessError::Rate(_)
        ));
        assert!(matches!(
            bad(&|p| p.rate_per_second = 1e9),
            StalenessError::Rate(_)
        ));
        // A rate this low never ended: the arrival time saturated and the end wrapped.
        assert!(matches!(
            bad(&|p| p.rate_per_second = 1e-20),
            StalenessError::Rate(_)
        ));
        assert_eq!(
            bad(&|p| p.ttl_ms = MAX_TTL_MS + 1),
            StalenessError::Ttl(MAX_TTL_MS + 1)
        );
        assert_eq!(
            bad(&|p| p.clients_per_instance = 0),
            StalenessError::Clients(0)
        );
        assert_eq!(
            bad(&|p| {
                p.instances = MAX_INSTANCES;
                p.clients_per_instance = 11;
            }),
            StalenessError::Clients(11)
        );
    }
}
