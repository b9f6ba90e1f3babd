//! `[cost]`: prices are amounts of money (finite, not negative); standby billing needs the
//! standby prices, which have no published default.

use super::fields::{at, key, FieldPath, Validator};
use crate::cost::CostSpec;
use crate::scenario::raw::{Billing, RawCost};

pub(super) fn cost(validator: &mut Validator, raw: Option<&RawCost>) -> CostSpec {
    let Some(raw) = raw else {
        return CostSpec::default();
    };
    let base: FieldPath = vec![key("cost")];
    let mut price = |name: &'static str, value: Option<f64>, default: f64| -> f64 {
        match value {
            Some(x) if !x.is_finite() || x < 0.0 => {
                validator.report(
                    at(&base, &[key(name)]),
                    format!("{x} is not a price; allowed: a number of US dollars, 0 or more"),
                );
                default
            }
            Some(x) => x,
            None => default,
        }
    };
    let d = CostSpec::default();
    let spec = CostSpec {
        workspaces: raw.workspaces,
        always_on_monthly: price(
            "always_on_monthly",
            raw.always_on_monthly,
            d.always_on_monthly,
        ),
        auto_stop_monthly: price(
            "auto_stop_monthly",
            raw.auto_stop_monthly,
            d.auto_stop_monthly,
        ),
        auto_stop_hourly: price("auto_stop_hourly", raw.auto_stop_hourly, d.auto_stop_hourly),
        standby_monthly: raw
            .standby_monthly
            .map(|x| price("standby_monthly", Some(x), 0.0)),
        standby_hourly: raw
            .standby_hourly
            .map(|x| price("standby_hourly", Some(x), 0.0)),
        health_check_monthly: price(
            "health_check_monthly",
            raw.health_check_monthly,
            d.health_check_monthly,
        ),
        health_check_option_monthly: price(
            "health_check_option_monthly",
            raw.health_check_option_monthly,
            d.health_check_option_monthly,
        ),
        alarm_monthly: price("alarm_monthly", raw.alarm_monthly, d.alarm_monthly),
        alarm_high_resolution_monthly: price(
            "alarm_high_resolution_monthly",
            raw.alarm_high_resolution_monthly,
            d.alarm_high_resolution_monthly,
        ),
        downtime_hourly: price("downtime_hourly", raw.downtime_hourly, d.downtime_hourly),
    };
    if raw.workspaces == Some(Billing::Standby) {
        for (name, value) in [
            ("standby_monthly", raw.standby_monthly),
            ("standby_hourly", raw.standby_hourly),
        ] {
            if value.is_none() {
                validator.report(
                    at(&base, &[key(name)]),
                    "required with workspaces = \"standby\": AWS publishes standby prices per \
                     bundle and Region (https://aws.amazon.com/workspaces/pricing/) and failsim \
                     has no default for them",
                );
            }
        }
    }
    spec
}

#[cfg(test)]
mod tests {
    use super::super::{problems_of, BASE};

    #[test]
    fn a_negative_price_is_located() {
        let problems = problems_of(&format!("{BASE}\n[cost]\nalarm_monthly = -1\n"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "cost.alarm_monthly");
    }

    #[test]
    fn standby_billing_requires_both_standby_prices() {
        let problems = problems_of(&format!(
            "{BASE}\n[cost]\nworkspaces = \"standby\"\nstandby_hourly = 0.2\n"
        ));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "cost.standby_monthly");
    }
}
