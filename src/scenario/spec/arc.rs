//! `[arc]`: the Route 53 Application Recovery Controller (ARC) cluster that serves the
//! scenario's routing controls, and its safety rule.
//!
//! A routing control is changed through the cluster's five Regional endpoints; a change
//! commits once a quorum of the cluster's Regions has it
//! (<https://docs.aws.amazon.com/r53recovery/latest/dg/introduction-regions-routing.html>).
//! The cluster is ARC's data plane: it does not depend on the Route 53 control plane in
//! us-east-1 (<https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.update.html>).

/// `[arc]`.
#[derive(Clone, Debug)]
pub struct ArcSpec {
    /// Regions of the cluster's endpoints (five, distinct).
    pub cluster_regions: Vec<String>,
    /// Assertion safety rule over all routing controls: at least this many stay On
    /// (ARC's `ATLEAST` rule); 0 = no rule.
    pub min_on: u32,
}

impl ArcSpec {
    /// `cluster_regions` when not given: the five Regions in which ARC places a cluster's
    /// endpoints (US East (N. Virginia), US West (Oregon), Europe (Ireland), Asia Pacific
    /// (Tokyo), Asia Pacific (Sydney)).
    pub const DEFAULT_CLUSTER_REGIONS: [&'static str; 5] = [
        "us-east-1",
        "us-west-2",
        "eu-west-1",
        "ap-northeast-1",
        "ap-southeast-2",
    ];
    /// Endpoints in a cluster: ARC clusters always have five.
    pub const CLUSTER_SIZE: usize = 5;
    /// `min_on` when not given: the assertion rule AWS's guides use as the example ("at
    /// least one routing control On"), so that no change can turn every Region off.
    pub const DEFAULT_MIN_ON: u32 = 1;

    /// Cluster Regions that must be reachable for a change to commit: a majority.
    pub fn quorum(&self) -> usize {
        self.cluster_regions.len() / 2 + 1
    }
}

impl Default for ArcSpec {
    fn default() -> Self {
        ArcSpec {
            cluster_regions: Self::DEFAULT_CLUSTER_REGIONS
                .iter()
                .map(|r| r.to_string())
                .collect(),
            min_on: Self::DEFAULT_MIN_ON,
        }
    }
}
