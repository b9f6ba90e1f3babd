//! `aws route53 list-resource-record-sets` and `list-health-checks` / `get-health-check`
//! output, as the AWS CLI prints it (Route 53 API reference: `ResourceRecordSet`,
//! `HealthCheck`, `HealthCheckConfig`,
//! <https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html>).
//! Unknown fields are ignored: AWS adds fields over time.

//! Field docs are omitted on purpose: each field is the AWS field of the same name.
#![allow(missing_docs)]

use serde::Deserialize;

/// `list-resource-record-sets`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecordSets {
    pub resource_record_sets: Vec<RecordSet>,
}

/// One `ResourceRecordSet`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct RecordSet {
    pub name: String,
    #[serde(rename = "Type")]
    pub kind: String,
    pub set_identifier: Option<String>,
    pub weight: Option<u32>,
    pub region: Option<String>,
    pub geo_location: Option<serde_json::Value>,
    pub geo_proximity_location: Option<serde_json::Value>,
    pub cidr_routing_config: Option<serde_json::Value>,
    pub failover: Option<String>,
    pub multi_value_answer: Option<bool>,
    #[serde(rename = "TTL")]
    pub ttl: Option<u64>,
    pub resource_records: Option<Vec<ResourceRecord>>,
    pub alias_target: Option<AliasTarget>,
    pub health_check_id: Option<String>,
}

/// `{ "Value": ... }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceRecord {
    pub value: String,
}

/// An alias record's target (chained failover points at another record name).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct AliasTarget {
    #[serde(rename = "DNSName")]
    pub dns_name: String,
    pub evaluate_target_health: Option<bool>,
}

/// `list-health-checks`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthChecks {
    pub health_checks: Vec<HealthCheck>,
}

/// `get-health-check`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OneHealthCheck {
    pub health_check: HealthCheck,
}

/// One `HealthCheck`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct HealthCheck {
    pub id: String,
    pub health_check_config: HealthCheckConfig,
}

/// `HealthCheckConfig`: every field but `Type` optional, AWS defaults applied by the writer.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct HealthCheckConfig {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(rename = "IPAddress")]
    pub ip_address: Option<String>,
    pub fully_qualified_domain_name: Option<String>,
    pub request_interval: Option<u32>,
    pub failure_threshold: Option<u32>,
    pub inverted: Option<bool>,
    pub disabled: Option<bool>,
    pub health_threshold: Option<u32>,
    pub child_health_checks: Option<Vec<String>>,
    pub regions: Option<Vec<String>>,
    pub alarm_identifier: Option<AlarmIdentifier>,
    pub insufficient_data_health_status: Option<String>,
}

/// `{ Region, Name }` of a CloudWatch-metric health check.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct AlarmIdentifier {
    pub region: String,
    pub name: String,
}

/// A TXT `Value` as Route 53 returns it: one or more quoted strings (each at most 255
/// characters) joined into one; a bare token is taken as written.
pub fn txt_value(value: &str) -> String {
    let v = value.trim();
    if !v.starts_with('"') {
        return v.to_string();
    }
    v.split('"')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s)
        .collect()
}

/// A record name as a plain lower-case FQDN without the trailing dot.
pub fn plain_name(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_values_lose_their_quotes_and_join_their_strings() {
        assert_eq!(txt_value("\"a1b2c3d4\""), "a1b2c3d4");
        assert_eq!(txt_value("\"a1b2\" \"c3d4\""), "a1b2c3d4");
        assert_eq!(txt_value("a1b2"), "a1b2");
        assert_eq!(plain_name("Desktop.Example.com."), "desktop.example.com");
    }
}
