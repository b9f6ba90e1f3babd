//! `aws cloudwatch describe-alarms` output (CloudWatch API reference: `MetricAlarm`,
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricAlarm.html>).
//! Composite alarms and metric-math alarms cannot be simulated: they are reported and dropped.

//! Field docs are omitted on purpose: each field is the AWS field of the same name.
#![allow(missing_docs)]

use serde::Deserialize;

/// `describe-alarms`: metric, composite and log alarms (absent keys are empty).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Alarms {
    #[serde(default)]
    pub metric_alarms: Vec<MetricAlarm>,
    #[serde(default)]
    pub composite_alarms: Vec<NamedAlarm>,
    #[serde(default)]
    pub log_alarms: Vec<NamedAlarm>,
}

/// A composite or log alarm: only its name is read (to say what was dropped).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct NamedAlarm {
    pub alarm_name: String,
}

/// One `MetricAlarm`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct MetricAlarm {
    pub alarm_name: String,
    pub alarm_arn: Option<String>,
    pub namespace: Option<String>,
    pub metric_name: Option<String>,
    pub statistic: Option<String>,
    pub extended_statistic: Option<String>,
    pub period: Option<u32>,
    pub evaluation_periods: Option<u32>,
    pub datapoints_to_alarm: Option<u32>,
    pub threshold: Option<f64>,
    pub comparison_operator: Option<String>,
    pub treat_missing_data: Option<String>,
    pub metrics: Option<Vec<serde_json::Value>>,
}

impl MetricAlarm {
    /// The Region in the alarm's ARN (`arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`).
    pub fn arn_region(&self) -> Option<&str> {
        self.alarm_arn
            .as_deref()?
            .split(':')
            .nth(3)
            .filter(|r| !r.is_empty())
    }
}
