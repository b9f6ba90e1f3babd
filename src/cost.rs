//! What a failover configuration costs: per month, and for the incident a run simulates.
//!
//! Every price is an input (`[cost]` in the scenario) with a default taken from AWS's public
//! list prices for US East (N. Virginia), in US dollars, as published on
//! <https://aws.amazon.com/workspaces/pricing/>, <https://aws.amazon.com/route53/pricing/>
//! and <https://aws.amazon.com/cloudwatch/pricing/> in 2025 ([`PRICES_AS_OF`]). Prices
//! change and differ by Region, bundle and operating system: set your own.
//!
//! # What is counted
//! *Monthly* (`cost_monthly_usd`) is what the failover configuration adds to the bill, not
//! the primary desktops:
//! - one WorkSpace per user who has one in a failover Region (`failover_workspaces`), per
//!   non-home Region, billed as `cost.workspaces` says: AlwaysOn (a monthly fee), AutoStop
//!   (a monthly fee, plus an hourly fee while running) or a Multi-Region Resilience standby
//!   (a fixed monthly fee, plus an hourly fee while used). Without `cost.workspaces` the
//!   Region's `standby` decides: `running` is AlwaysOn, `autostop` AutoStop;
//! - every Route 53 health check: the basic monthly price (calculated and CloudWatch-alarm
//!   checks are priced as basic checks of AWS endpoints), plus one optional-feature price
//!   for each of HTTPS, string matching and the fast (10 s) interval an endpoint check uses;
//! - every CloudWatch alarm: standard resolution, or high resolution when its period is
//!   under 60 s.
//!
//! *Incident* (`cost_incident_usd`) is what the simulated incident costs: the hourly fees of
//! AutoStop and standby WorkSpaces while users work in a non-home Region (`non_home_ms`,
//! pro-rated to the millisecond: how AWS rounds partial hours is not modelled), plus
//! `cost.downtime_hourly` for every hour of user downtime (what an hour of lost work costs
//! you; 0 by default, so the figure is the AWS bill alone until you set it).
//!
//! Free tiers (e.g. CloudWatch's free alarms) are not applied: the figures are list prices.
//! AWS publishes no default price for standby WorkSpaces in the sources above, so
//! `workspaces = "standby"` requires `standby_monthly` and `standby_hourly`.

use crate::model::UserRecord;
use crate::scenario::raw::{Billing, Protocol, Standby};
use crate::scenario::{HealthCheckType, Scenario};

/// When the default prices were published (the pages named in the module docs).
pub const PRICES_AS_OF: &str = "2025";

/// `[cost]`, validated: prices in US dollars.
#[derive(Clone, Debug, PartialEq)]
pub struct CostSpec {
    /// Billing of failover WorkSpaces; `None` = from each Region's `standby`.
    pub workspaces: Option<Billing>,
    /// AlwaysOn WorkSpace, per month.
    pub always_on_monthly: f64,
    /// AutoStop WorkSpace, per month.
    pub auto_stop_monthly: f64,
    /// AutoStop WorkSpace, per running hour.
    pub auto_stop_hourly: f64,
    /// Standby WorkSpace (Multi-Region Resilience), per month; required for `standby`.
    pub standby_monthly: Option<f64>,
    /// Standby WorkSpace, per hour in use; required for `standby`.
    pub standby_hourly: Option<f64>,
    /// Route 53 health check (basic, AWS endpoint), per month.
    pub health_check_monthly: f64,
    /// Each optional health-check feature (HTTPS, string matching, fast interval), per month.
    pub health_check_option_monthly: f64,
    /// CloudWatch alarm, standard resolution, per month.
    pub alarm_monthly: f64,
    /// CloudWatch alarm, high resolution (period under 60 s), per month.
    pub alarm_high_resolution_monthly: f64,
    /// What one hour of one user's downtime costs you.
    pub downtime_hourly: f64,
}

impl CostSpec {
    /// `always_on_monthly`: Standard bundle (2 vCPU, 4 GiB), Windows, 80 GB root + 50 GB user.
    pub const DEFAULT_ALWAYS_ON_MONTHLY: f64 = 35.0;
    /// `auto_stop_monthly`: the same bundle's AutoStop monthly fee.
    pub const DEFAULT_AUTO_STOP_MONTHLY: f64 = 9.75;
    /// `auto_stop_hourly`: the same bundle's AutoStop hourly fee.
    pub const DEFAULT_AUTO_STOP_HOURLY: f64 = 0.30;
    /// `health_check_monthly`: basic health check of an AWS endpoint.
    pub const DEFAULT_HEALTH_CHECK_MONTHLY: f64 = 0.50;
    /// `health_check_option_monthly`: one optional feature of a check of an AWS endpoint.
    pub const DEFAULT_HEALTH_CHECK_OPTION_MONTHLY: f64 = 1.00;
    /// `alarm_monthly`: standard-resolution alarm metric.
    pub const DEFAULT_ALARM_MONTHLY: f64 = 0.10;
    /// `alarm_high_resolution_monthly`: high-resolution alarm metric.
    pub const DEFAULT_ALARM_HIGH_RESOLUTION_MONTHLY: f64 = 0.30;
    /// `downtime_hourly`: yours to set; 0 keeps the incident figure to the AWS bill.
    pub const DEFAULT_DOWNTIME_HOURLY: f64 = 0.0;
}

impl Default for CostSpec {
    fn default() -> Self {
        CostSpec {
            workspaces: None,
            always_on_monthly: Self::DEFAULT_ALWAYS_ON_MONTHLY,
            auto_stop_monthly: Self::DEFAULT_AUTO_STOP_MONTHLY,
            auto_stop_hourly: Self::DEFAULT_AUTO_STOP_HOURLY,
            standby_monthly: None,
            standby_hourly: None,
            health_check_monthly: Self::DEFAULT_HEALTH_CHECK_MONTHLY,
            health_check_option_monthly: Self::DEFAULT_HEALTH_CHECK_OPTION_MONTHLY,
            alarm_monthly: Self::DEFAULT_ALARM_MONTHLY,
            alarm_high_resolution_monthly: Self::DEFAULT_ALARM_HIGH_RESOLUTION_MONTHLY,
            downtime_hourly: Self::DEFAULT_DOWNTIME_HOURLY,
        }
    }
}

impl CostSpec {
    /// `(monthly, hourly)` fee of one WorkSpace billed as `billing`.
    fn fees(&self, billing: Billing) -> (f64, f64) {
        match billing {
            Billing::AlwaysOn => (self.always_on_monthly, 0.0),
            Billing::AutoStop => (self.auto_stop_monthly, self.auto_stop_hourly),
            // Validation requires both for `standby`; a Region-derived billing is never it.
            Billing::Standby => (
                self.standby_monthly.unwrap_or(0.0),
                self.standby_hourly.unwrap_or(0.0),
            ),
        }
    }
}

/// One line of the bill, for people: what, how many, and what it comes to.
#[derive(Clone, Debug, PartialEq)]
pub struct CostLine {
    /// What is billed (`failover WorkSpaces (AlwaysOn)`, `health checks`, ...).
    pub item: String,
    /// How many (WorkSpaces, checks, alarms, user-hours).
    pub quantity: f64,
    /// Dollars.
    pub usd: f64,
}

/// The cost of one run's configuration and incident.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CostFigures {
    /// Per month, rounded to cents.
    pub monthly_usd: f64,
    /// For the simulated incident, rounded to cents.
    pub incident_usd: f64,
    /// The monthly bill by item (only items with a quantity).
    pub monthly: Vec<CostLine>,
    /// The incident's cost by item (only items with a quantity).
    pub incident: Vec<CostLine>,
}

/// The billing of WorkSpaces held in Region `region`.
fn billing(scenario: &Scenario, region: usize) -> Billing {
    scenario.cost.workspaces.unwrap_or_else(|| {
        match scenario.regions.get(region).map(|r| r.standby) {
            Some(Standby::Autostop) => Billing::AutoStop,
            _ => Billing::AlwaysOn,
        }
    })
}

fn billing_name(b: Billing) -> &'static str {
    match b {
        Billing::AlwaysOn => "AlwaysOn",
        Billing::AutoStop => "AutoStop",
        Billing::Standby => "standby",
    }
}

/// Optional features a health check is billed for: HTTPS, string matching, fast interval.
fn health_check_options(kind: &HealthCheckType) -> u32 {
    match kind {
        HealthCheckType::Endpoint(e) => {
            let (https, string_match) = match e.protocol {
                Protocol::Http | Protocol::Tcp => (0, 0),
                Protocol::Https => (1, 0),
                Protocol::HttpStrMatch => (0, 1),
                Protocol::HttpsStrMatch => (1, 1),
            };
            https + string_match + u32::from(e.interval_ms < 30_000)
        }
        _ => 0,
    }
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The monthly and incident cost of a run of `scenario` whose users ended as `users`.
pub fn figures(scenario: &Scenario, users: &[UserRecord]) -> CostFigures {
    let prices = &scenario.cost;
    let regions = scenario.regions.len();
    // WorkSpaces per (Region, billing), in Region order so the lines are deterministic.
    let mut held = vec![0u64; regions];
    for u in users.iter().filter(|u| u.failover_workspace) {
        for (r, count) in held.iter_mut().enumerate() {
            if r != usize::from(u.home) {
                *count += 1;
            }
        }
    }
    let mut monthly = Vec::new();
    for billing_mode in [Billing::AlwaysOn, Billing::AutoStop, Billing::Standby] {
        let count: u64 = (0..regions)
            .filter(|&r| billing(scenario, r) == billing_mode)
            .map(|r| held[r])
            .sum();
        if count > 0 {
            let (fee, _) = prices.fees(billing_mode);
            monthly.push(CostLine {
                item: format!("failover WorkSpaces ({})", billing_name(billing_mode)),
                quantity: count as f64,
                usd: count as f64 * fee,
            });
        }
    }
    let checks = scenario.health_checks.len();
    if checks > 0 {
        let options: u32 = scenario
            .health_checks
            .iter()
            .map(|h| health_check_options(&h.kind))
            .sum();
        monthly.push(CostLine {
            item: noun(checks, "Route 53 health check", "Route 53 health checks"),
            quantity: checks as f64,
            usd: checks as f64 * prices.health_check_monthly
                + f64::from(options) * prices.health_check_option_monthly,
        });
    }
    if !scenario.alarms.is_empty() {
        let usd = scenario
            .alarms
            .iter()
            .map(|a| {
                if a.rule.period_ms < 60_000 {
                    prices.alarm_high_resolution_monthly
                } else {
                    prices.alarm_monthly
                }
            })
            .sum();
        monthly.push(CostLine {
            item: noun(
                scenario.alarms.len(),
                "CloudWatch alarm",
                "CloudWatch alarms",
            ),
            quantity: scenario.alarms.len() as f64,
            usd,
        });
    }
    let incident = incident_lines(scenario, users);
    CostFigures {
        monthly_usd: cents(monthly.iter().map(|l| l.usd).sum()),
        incident_usd: cents(incident.iter().map(|l| l.usd).sum()),
        monthly,
        incident,
    }
}

/// The bill's noun for `n` items: "1 CloudWatch alarm", "2 CloudWatch alarms".
fn noun(n: usize, one: &str, many: &str) -> String {
    if n == 1 { one } else { many }.to_string()
}

/// Hourly WorkSpaces fees while users work away from home, and the price of their downtime.
fn incident_lines(scenario: &Scenario, users: &[UserRecord]) -> Vec<CostLine> {
    let prices = &scenario.cost;
    let mut away_hours = 0.0;
    let mut away_usd = 0.0;
    let mut down_ms: u64 = 0;
    for u in users {
        down_ms += u.downtime_ms;
        if u.non_home_ms == 0 {
            continue;
        }
        // The Region the user reconnected in, else the first non-home Region.
        let region = u
            .reconnect_region
            .filter(|&r| r != u.home)
            .map(usize::from)
            .unwrap_or_else(|| usize::from(u.home == 0));
        let (_, hourly) = prices.fees(billing(scenario, region));
        let hours = u.non_home_ms as f64 / 3_600_000.0;
        away_hours += hours;
        away_usd += hours * hourly;
    }
    let mut lines = Vec::new();
    if away_usd > 0.0 {
        lines.push(CostLine {
            item: "hourly WorkSpaces fees away from home (user-hours)".into(),
            quantity: away_hours,
            usd: away_usd,
        });
    }
    if down_ms > 0 && prices.downtime_hourly > 0.0 {
        let hours = down_ms as f64 / 3_600_000.0;
        lines.push(CostLine {
            item: "user downtime (user-hours)".into(),
            quantity: hours,
            usd: hours * prices.downtime_hourly,
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    const BASE: &str = r#"
[scenario]
name = "t"
duration = "1h"
[[region]]
name = "west"
[[region]]
name = "east"
[[metric]]
name = "canary"
source = "canary"
region = "east"
target = "west"
[[alarm]]
name = "a"
metric = "canary"
period = "60s"
evaluation_periods = 3
comparison = "less_than_threshold"
threshold = 0.9
[[alarm]]
name = "fast"
metric = "canary"
period = "10s"
evaluation_periods = 3
comparison = "less_than_threshold"
threshold = 0.9
[[health_check]]
name = "p"
type = "endpoint"
target = "west"
protocol = "https_str_match"
interval = "10s"
[[health_check]]
name = "c"
type = "calculated"
children = ["p"]
healthy_threshold = 1
[dns]
fqdn = "desktop.example.com"
routing = { policy = "failover", primary = { region = "west", health_check = "p" }, secondary = { region = "east" } }
[[users]]
name = "staff"
count = 10
home = "west"
"#;

    fn user(home: u8, failover: bool, non_home_ms: u64, downtime_ms: u64) -> UserRecord {
        UserRecord {
            group: 0,
            home,
            fqdn: true,
            client_version: 0,
            resolver: 0,
            resolver_instance: 0,
            first_disconnect_ms: None,
            reconnect_ms: None,
            reconnect_region: Some(1),
            downtime_ms,
            interruptions: 0,
            login_failures: 0,
            restarts: 0,
            redirected: false,
            failback_ms: None,
            non_home_ms,
            misdirected: false,
            redirectable: true,
            failover_workspace: failover,
            on_vpn: true,
            launch_wait_ms: 0,
            data_age_ms: None,
        }
    }

    #[test]
    fn monthly_bill_of_workspaces_checks_and_alarms() {
        let s = load_str(BASE, "t.toml", &[]).unwrap();
        let users = vec![
            user(0, true, 0, 0),
            user(0, true, 0, 0),
            user(0, false, 0, 0),
        ];
        let f = figures(&s, &users);
        // 2 AlwaysOn x 35; checks 2 x 0.50 + 3 options (HTTPS, string match, fast) x 1.00;
        // alarms 0.10 + 0.30 (10 s period).
        assert_eq!(f.monthly_usd, 70.0 + 4.0 + 0.4);
        assert_eq!(f.monthly[0].item, "failover WorkSpaces (AlwaysOn)");
        assert_eq!(f.monthly[1].item, "Route 53 health checks");
        assert_eq!(f.incident_usd, 0.0, "AlwaysOn has no hourly fee");
    }

    #[test]
    fn one_of_a_kind_is_named_in_the_singular() {
        assert_eq!(
            noun(1, "CloudWatch alarm", "CloudWatch alarms"),
            "CloudWatch alarm"
        );
        assert_eq!(
            noun(2, "CloudWatch alarm", "CloudWatch alarms"),
            "CloudWatch alarms"
        );
        assert_eq!(
            noun(0, "CloudWatch alarm", "CloudWatch alarms"),
            "CloudWatch alarms"
        );
    }

    #[test]
    fn autostop_pays_by_the_hour_away_from_home_and_downtime_has_a_price() {
        let s = load_str(
            BASE,
            "t.toml",
            &[
                "region.east.standby=\"autostop\"".into(),
                "cost.downtime_hourly=50".into(),
            ],
        )
        .unwrap();
        let users = vec![user(0, true, 2 * 3_600_000, 1_800_000)];
        let f = figures(&s, &users);
        assert_eq!(f.monthly[0].usd, 9.75);
        // 2 h x 0.30 + 0.5 h x 50.
        assert_eq!(f.incident_usd, 0.6 + 25.0);
    }

    #[test]
    fn standby_billing_needs_its_prices() {
        let e = load_str(BASE, "t.toml", &["cost.workspaces=\"standby\"".into()]).unwrap_err();
        assert!(e.to_string().contains("standby_monthly"), "{e}");
        let s = load_str(
            BASE,
            "t.toml",
            &[
                "cost.workspaces=\"standby\"".into(),
                "cost.standby_monthly=5".into(),
                "cost.standby_hourly=0.2".into(),
            ],
        )
        .unwrap();
        let f = figures(&s, &[user(0, true, 3_600_000, 0)]);
        assert_eq!(f.monthly[0].usd, 5.0);
        assert_eq!(f.incident_usd, 0.2);
    }
}
