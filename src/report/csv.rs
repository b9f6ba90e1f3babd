//! CSV views of a [`Report`] (README, Output files): `summary.csv`, `users.csv`, `timeline.csv`,
//! `series.csv`. Header row first, integer milliseconds, empty field = did not happen, rows
//! in a deterministic order. Files are written through buffered writers; `users.csv` and
//! `series.csv`, the large ones, are built by `rows::Rows` (numbers formatted straight into one
//! buffer, handed to the writer in large pieces).

mod rows;

use super::timeline::status_label;
use super::{Report, Summary};
use rows::Rows;
use std::io::{self, Write};

/// `summary.csv`: `metric,value`.
pub fn write_summary<W: Write>(report: &Report, w: W) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["metric", "value"])?;
    for (name, v) in &report.summary.values {
        out.write_record([name.name(), &Summary::format_value(*v)])?;
    }
    out.flush()
}

/// `cohorts.csv`: one row per non-empty cohort: `dimension,value,label`, then the
/// cohort's [`super::cohort::CSV_METRICS`].
pub fn write_cohorts<W: Write>(report: &Report, w: W) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec!["dimension", "value", "label"];
    header.extend(super::cohort::CSV_METRICS.iter().map(|m| m.name()));
    out.write_record(&header)?;
    for row in &report.cohorts {
        let mut record = vec![
            row.cohort.dimension.name().to_string(),
            row.cohort.value.clone(),
            row.label.clone(),
        ];
        record.extend(
            super::cohort::CSV_METRICS
                .iter()
                .map(|&m| Summary::format_value(row.get(m))),
        );
        out.write_record(&record)?;
    }
    out.flush()
}

/// A field escaped once, CSV style (quoted when it holds a comma, quote or line break).
fn escaped(field: &str) -> Vec<u8> {
    // The csv crate quotes a field only for these bytes (or when it is empty); most names
    // need nothing, and a writer made for one field costs more than a row of numbers.
    if !field.is_empty()
        && !field
            .bytes()
            .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        return field.as_bytes().to_vec();
    }
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record([field]).expect("writing to memory");
    let mut v = w.into_inner().expect("writing to memory");
    v.pop(); // the record's line break
    v
}

/// The `name#instance` cell of a resolver population's instance, escaped as the CSV crate
/// escapes the whole cell: `#` and digits never need quoting, so the name decides whether
/// the cell is quoted, and the cell is this prefix, the instance number, then a closing
/// quote if `quoted`. Built once per resolver instead of once per user (a population can
/// serve millions of users).
struct InstanceCell {
    prefix: Vec<u8>,
    quoted: bool,
}

impl InstanceCell {
    fn new(name: &str) -> Self {
        let whole = escaped(&format!("{name}#0"));
        let quoted = whole.first() == Some(&b'"');
        let mut prefix = whole;
        // Drop `0` and, when quoted, the closing quote: the instance number goes there.
        prefix.truncate(prefix.len() - 1 - usize::from(quoted));
        InstanceCell { prefix, quoted }
    }
}

/// `users.csv`: one row per user, ordered by user number. It can have a million rows, so
/// names are escaped once and numbers are formatted straight into the buffer.
pub fn write_users<W: Write>(report: &Report, w: W) -> io::Result<()> {
    let mut row = Rows::new(w);
    row.bytes(b"user,group,home_region,registration,client_version,resolver,first_disconnect_ms,reconnect_ms,reconnect_region,downtime_ms,interruptions,login_failures,restarts,redirected,failback_ms,non_home_ms,misdirected,launch_wait_ms,data_age_ms");
    row.end_row()?;
    let groups: Vec<Vec<u8>> = report.groups.iter().map(|g| escaped(g)).collect();
    let regions: Vec<Vec<u8>> = report.regions.iter().map(|r| escaped(r)).collect();
    let versions: Vec<Vec<Vec<u8>>> = report
        .client_versions
        .iter()
        .map(|vs| vs.iter().map(|v| escaped(v)).collect())
        .collect();
    let resolvers: Vec<Vec<u8>> = report.resolvers.iter().map(|r| escaped(r)).collect();
    let instances: Vec<InstanceCell> = report
        .resolvers
        .iter()
        .map(|r| InstanceCell::new(r))
        .collect();
    for (i, u) in report.users.iter().enumerate() {
        row.num(i as u64);
        row.byte(b',');
        row.bytes(&groups[u.group as usize]);
        row.byte(b',');
        row.bytes(&regions[u.home as usize]);
        row.bytes(if u.fqdn { b",fqdn," } else { b",region_code," });
        row.bytes(&versions[u.group as usize][u.client_version as usize]);
        row.byte(b',');
        if report.resolver_is_population[u.resolver as usize] {
            let cell = &instances[u.resolver as usize];
            row.bytes(&cell.prefix);
            row.num(u64::from(u.resolver_instance));
            if cell.quoted {
                row.byte(b'"');
            }
        } else {
            row.bytes(&resolvers[u.resolver as usize]);
        }
        for v in [u.first_disconnect_ms, u.reconnect_ms] {
            row.byte(b',');
            if let Some(v) = v {
                row.num(v);
            }
        }
        row.byte(b',');
        if let Some(r) = u.reconnect_region {
            row.bytes(&regions[r as usize]);
        }
        for v in [
            u.downtime_ms,
            u64::from(u.interruptions),
            u64::from(u.login_failures),
            u64::from(u.restarts),
        ] {
            row.byte(b',');
            row.num(v);
        }
        row.bytes(if u.redirected { b",true," } else { b",false," });
        if let Some(v) = u.failback_ms {
            row.num(v);
        }
        row.byte(b',');
        row.num(u.non_home_ms);
        row.bytes(if u.misdirected { b",true," } else { b",false," });
        row.num(u.launch_wait_ms);
        row.byte(b',');
        if let Some(v) = u.data_age_ms {
            row.num(v);
        }
        row.end_row()?;
    }
    row.finish()
}

/// `timeline.csv`: `time_ms,kind,subject,value`.
pub fn write_timeline<W: Write>(report: &Report, w: W) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["time_ms", "kind", "subject", "value"])?;
    for row in report.timeline_rows() {
        out.write_record([
            row.time_ms.to_string().as_str(),
            row.kind.as_str(),
            &row.subject,
            &row.value,
        ])?;
    }
    out.flush()
}

/// `series.csv`: `time_ms`, `connected_<region>`..., `disconnected`, `logging_in`,
/// `offline`, `queued`, `misdirected`, `primary_check`, `answer`. Every user is in exactly
/// one count column at every row (queued launches are not in `logging_in`, misdirected
/// users not in `disconnected`). A row per `series_step` (2,161 in a 6-hour run at 10 s):
/// numbers go straight into a reused row buffer, and the answer's cell is escaped again only
/// when the answer changes.
pub fn write_series<W: Write>(report: &Report, w: W) -> io::Result<()> {
    let mut header = vec!["time_ms".to_string()];
    header.extend(report.regions.iter().map(|r| format!("connected_{r}")));
    header.extend(
        [
            "disconnected",
            "logging_in",
            "offline",
            "queued",
            "misdirected",
            "primary_check",
            "answer",
        ]
        .map(String::from),
    );
    let header: Vec<Vec<u8>> = header.iter().map(|h| escaped(h)).collect();
    let mut row = Rows::new(w);
    row.bytes(&header.join(&b',')[..]);
    row.end_row()?;
    let mut answer_cell: Option<(&crate::model::dns::DnsAnswer, Vec<u8>)> = None;
    for r in &report.series {
        row.num(r.time_ms);
        let counts = r.connected.iter().copied().chain([
            r.disconnected,
            r.logging_in,
            r.offline,
            r.queued,
            r.misdirected,
        ]);
        for n in counts {
            row.byte(b',');
            row.num(u64::from(n));
        }
        row.byte(b',');
        row.bytes(r.primary_check_healthy.map_or("", status_label).as_bytes());
        row.byte(b',');
        match &answer_cell {
            Some((answer, _)) if **answer == r.answer => {}
            _ => answer_cell = Some((&r.answer, escaped(&report.answer_label(&r.answer)))),
        }
        row.bytes(answer_cell.as_ref().map_or(&[][..], |(_, cell)| cell));
        row.end_row()?;
    }
    row.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_cells_are_escaped_like_the_csv_crate_does() {
        for name in ["home-isps", "a,b", "say \"hi\"", "line\nbreak", "x#"] {
            let cell = InstanceCell::new(name);
            for instance in [0u32, 7, 12345] {
                let mut built = cell.prefix.clone();
                built.extend_from_slice(instance.to_string().as_bytes());
                if cell.quoted {
                    built.push(b'"');
                }
                assert_eq!(
                    built,
                    escaped(&format!("{name}#{instance}")),
                    "{name}#{instance}"
                );
            }
        }
    }

    #[test]
    fn names_are_escaped_like_the_csv_crate_does() {
        assert_eq!(escaped("staff"), b"staff");
        assert_eq!(escaped("a,b"), b"\"a,b\"");
        assert_eq!(escaped("say \"hi\""), b"\"say \"\"hi\"\"\"");
        // Every short string over the bytes the crate treats specially, and some it does not.
        let alphabet = [",", "\"", "\r", "\n", " ", "#", "a", "\t", "é"];
        let mut fields = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = fields
                .iter()
                .flat_map(|f| alphabet.iter().map(move |c| format!("{f}{c}")))
                .collect();
            fields.extend(longer);
        }
        for field in &fields {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
            w.write_record([field]).unwrap();
            let mut by_crate = w.into_inner().unwrap();
            by_crate.pop();
            assert_eq!(escaped(field), by_crate, "{field:?}");
        }
    }
}
