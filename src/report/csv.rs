//! CSV views of a [`Report`] (INTERFACE §3): `summary.csv`, `users.csv`, `timeline.csv`,
//! `series.csv`. Header row first, integer milliseconds, empty field = did not happen, rows
//! in a deterministic order. Files are written through buffered writers; `users.csv` uses
//! integer formatting without allocation per field, since it can have a million rows.

use super::{Report, Summary};
use std::io::{self, Write};

/// `summary.csv`: `metric,value`.
pub fn write_summary<W: Write>(report: &Report, w: W) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["metric", "value"])?;
    for (name, v) in &report.summary.values {
        out.write_record([*name, &Summary::format_value(*v)])?;
    }
    out.flush()
}

/// `users.csv`: one row per user, ordered by user number.
pub fn write_users<W: Write>(report: &Report, w: W) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "user",
        "group",
        "home_region",
        "registration",
        "client_version",
        "resolver",
        "first_disconnect_ms",
        "reconnect_ms",
        "reconnect_region",
        "downtime_ms",
        "interruptions",
        "login_failures",
        "restarts",
        "redirected",
        "failback_ms",
        "non_home_ms",
        "misdirected",
        "launch_wait_ms",
    ])?;
    let mut buf = [
        itoa::Buffer::new(),
        itoa::Buffer::new(),
        itoa::Buffer::new(),
    ];
    let mut resolver_names: Vec<String> = Vec::new();
    for (i, u) in report.users.iter().enumerate() {
        let opt = |b: &mut itoa::Buffer, v: Option<u64>| -> String {
            v.map(|x| b.format(x).to_string()).unwrap_or_default()
        };
        let resolver: &str = if report.resolver_is_population[u.resolver as usize] {
            resolver_names.clear();
            resolver_names.push(format!(
                "{}#{}",
                report.resolvers[u.resolver as usize], u.resolver_instance
            ));
            &resolver_names[0]
        } else {
            &report.resolvers[u.resolver as usize]
        };
        let first = opt(&mut buf[1], u.first_disconnect_ms);
        let reconnect = opt(&mut buf[2], u.reconnect_ms);
        let failback = u.failback_ms.map(|x| x.to_string()).unwrap_or_default();
        out.write_field(buf[0].format(i))?;
        out.write_field(&report.groups[u.group as usize])?;
        out.write_field(&report.regions[u.home as usize])?;
        out.write_field(if u.fqdn { "fqdn" } else { "region_code" })?;
        out.write_field(&report.client_versions[u.group as usize][u.client_version as usize])?;
        out.write_field(resolver)?;
        out.write_field(&first)?;
        out.write_field(&reconnect)?;
        out.write_field(
            u.reconnect_region
                .map(|r| report.regions[r as usize].as_str())
                .unwrap_or(""),
        )?;
        out.write_field(buf[0].format(u.downtime_ms))?;
        out.write_field(buf[0].format(u.interruptions))?;
        out.write_field(buf[0].format(u.login_failures))?;
        out.write_field(buf[0].format(u.restarts))?;
        out.write_field(if u.redirected { "true" } else { "false" })?;
        out.write_field(&failback)?;
        out.write_field(buf[0].format(u.non_home_ms))?;
        out.write_field(if u.misdirected { "true" } else { "false" })?;
        out.write_field(buf[0].format(u.launch_wait_ms))?;
        out.write_record(None::<&[u8]>)?;
    }
    out.flush()
}

/// `timeline.csv`: `time_ms,kind,subject,value`.
pub fn write_timeline<W: Write>(report: &Report, w: W) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["time_ms", "kind", "subject", "value"])?;
    for e in &report.timeline {
        out.write_record([
            e.time_ms.to_string().as_str(),
            e.kind.as_str(),
            &e.subject,
            &e.value,
        ])?;
    }
    out.flush()
}

/// `series.csv`: `time_ms`, `connected_<region>`..., `disconnected`, `logging_in`,
/// `offline`, `primary_check`, `answer`.
pub fn write_series<W: Write>(report: &Report, w: W) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec!["time_ms".to_string()];
    header.extend(report.regions.iter().map(|r| format!("connected_{r}")));
    header.extend(
        [
            "disconnected",
            "logging_in",
            "offline",
            "primary_check",
            "answer",
        ]
        .map(String::from),
    );
    out.write_record(&header)?;
    for row in &report.series {
        let mut rec = vec![row.time_ms.to_string()];
        rec.extend(row.connected.iter().map(u32::to_string));
        rec.push(row.disconnected.to_string());
        rec.push(row.logging_in.to_string());
        rec.push(row.offline.to_string());
        rec.push(match row.primary_check_healthy {
            Some(true) => "healthy".into(),
            Some(false) => "unhealthy".into(),
            None => String::new(),
        });
        rec.push(row.answer.clone());
        out.write_record(&rec)?;
    }
    out.flush()
}
