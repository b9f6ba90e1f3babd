//! `users.parquet`: the rows and columns of `users.csv` as an Apache Parquet file, for
//! analysts who load millions of users into pandas, DuckDB or Polars (`run
//! --users-format parquet`). The only module that uses the `parquet` crate.
//!
//! Written with the crate's column writer API rather than through Arrow record batches:
//! the Arrow crates would more than double what this one output costs to compile, and a
//! fixed schema of 19 flat columns needs none of them. Types follow the CSV's meaning:
//! integers are `INT64`, the yes/no columns `BOOLEAN`, names `STRING` (UTF-8 byte arrays,
//! dictionary-encoded by the writer's defaults, so a Region's name is stored once per
//! column chunk), and every column whose CSV cell can be empty ("did not happen") is
//! optional and null there. Pages are Snappy-compressed, the codec pandas, DuckDB and
//! Polars all read and pyarrow writes by default.
//!
//! Rows are written in groups of [`ROW_GROUP_ROWS`], column by column, from the report's
//! user records in batches of `BATCH_ROWS`, so the writer holds at most one row group's
//! encoded columns, never a copy of the whole table. The bytes depend only on the report:
//! the file records no time, and its `created_by` names the `parquet` crate's version,
//! which `Cargo.lock` pins.

use super::Report;
use crate::model::UserRecord;
use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedColumnWriter, SerializedFileWriter};
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::ColumnPath;
use std::io::{self, Write};
use std::sync::Arc;

/// Rows per row group: large enough for column statistics and dictionaries to pay off,
/// small enough that a ten-million-user file has ten groups to read in parallel.
pub const ROW_GROUP_ROWS: usize = 1 << 20;

/// Rows handed to a column writer at once.
const BATCH_ROWS: usize = 8192;

/// The file's schema: `users.csv`'s columns, in its order.
const SCHEMA: &str = "message users {
  required int64 user;
  required binary group (STRING);
  required binary home_region (STRING);
  required binary registration (STRING);
  required binary client_version (STRING);
  required binary resolver (STRING);
  optional int64 first_disconnect_ms;
  optional int64 reconnect_ms;
  optional binary reconnect_region (STRING);
  required int64 downtime_ms;
  required int64 interruptions;
  required int64 login_failures;
  required int64 restarts;
  required boolean redirected;
  optional int64 failback_ms;
  required int64 non_home_ms;
  required boolean misdirected;
  required int64 launch_wait_ms;
  optional int64 data_age_ms;
}";

/// The columns worth a dictionary: the names, a handful of distinct values each. The
/// integer columns are stored plain, where Snappy finds their runs: building a dictionary
/// for them cost a third of the writing time and saved a few percent of the file.
const DICTIONARY_COLUMNS: [&str; 6] = [
    "group",
    "home_region",
    "registration",
    "client_version",
    "resolver",
    "reconnect_region",
];

/// The names a string column can hold, each built once and shared by reference count.
struct Names {
    groups: Vec<ByteArray>,
    regions: Vec<ByteArray>,
    versions: Vec<Vec<ByteArray>>,
    resolvers: Vec<ByteArray>,
    fqdn: ByteArray,
    region_code: ByteArray,
}

impl Names {
    fn new(report: &Report) -> Self {
        let all = |names: &[String]| names.iter().map(|n| ByteArray::from(n.as_str())).collect();
        Names {
            groups: all(&report.groups),
            regions: all(&report.regions),
            versions: report.client_versions.iter().map(|vs| all(vs)).collect(),
            resolvers: all(&report.resolvers),
            fqdn: ByteArray::from("fqdn"),
            region_code: ByteArray::from("region_code"),
        }
    }
}

/// How one column's cells are read from a user record (`usize` is the row number).
enum Column {
    Int(fn(usize, &UserRecord) -> i64),
    OptionalInt(fn(&UserRecord) -> Option<i64>),
    Bool(fn(&UserRecord) -> bool),
    Text(fn(&Report, &Names, &UserRecord) -> Option<ByteArray>),
}

/// The columns in schema order. Integers are converted with `as`: every figure is a
/// count or a duration in milliseconds, far below `i64::MAX`.
fn columns() -> [Column; 19] {
    use Column::*;
    [
        Int(|i, _| i as i64),
        Text(|_, n, u| Some(n.groups[u.group as usize].clone())),
        Text(|_, n, u| Some(n.regions[u.home as usize].clone())),
        Text(|_, n, u| Some(if u.fqdn { &n.fqdn } else { &n.region_code }.clone())),
        Text(|_, n, u| Some(n.versions[u.group as usize][u.client_version as usize].clone())),
        Text(resolver),
        OptionalInt(|u| u.first_disconnect_ms.map(|v| v as i64)),
        OptionalInt(|u| u.reconnect_ms.map(|v| v as i64)),
        Text(|_, n, u| u.reconnect_region.map(|r| n.regions[r as usize].clone())),
        Int(|_, u| u.downtime_ms as i64),
        Int(|_, u| u.interruptions as i64),
        Int(|_, u| u.login_failures as i64),
        Int(|_, u| u.restarts as i64),
        Bool(|u| u.redirected),
        OptionalInt(|u| u.failback_ms.map(|v| v as i64)),
        Int(|_, u| u.non_home_ms as i64),
        Bool(|u| u.misdirected),
        Int(|_, u| u.launch_wait_ms as i64),
        OptionalInt(|u| u.data_age_ms.map(|v| v as i64)),
    ]
}

/// The resolver cell: the resolver's name, or `name#instance` for a population's instance,
/// as in `users.csv`.
fn resolver(report: &Report, names: &Names, u: &UserRecord) -> Option<ByteArray> {
    let r = u.resolver as usize;
    if !report.resolver_is_population[r] {
        return Some(names.resolvers[r].clone());
    }
    let name = report.resolvers[r].as_bytes();
    let mut digits = itoa::Buffer::new();
    let instance = digits.format(u.resolver_instance).as_bytes();
    let mut cell = Vec::with_capacity(name.len() + 1 + instance.len());
    cell.extend_from_slice(name);
    cell.push(b'#');
    cell.extend_from_slice(instance);
    Some(ByteArray::from(cell))
}

fn parquet_error(e: ParquetError) -> io::Error {
    io::Error::other(e)
}

/// Writes `users.parquet` for `report` to `w`.
pub fn write_users<W: Write + Send>(report: &Report, w: W) -> io::Result<()> {
    let schema = Arc::new(parse_message_type(SCHEMA).map_err(parquet_error)?);
    let mut properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_dictionary_enabled(false);
    for name in DICTIONARY_COLUMNS {
        properties = properties.set_column_dictionary_enabled(ColumnPath::from(name), true);
    }
    let properties = properties.build();
    let mut file =
        SerializedFileWriter::new(w, schema, Arc::new(properties)).map_err(parquet_error)?;
    let names = Names::new(report);
    let columns = columns();
    for (g, group) in report.users.chunks(ROW_GROUP_ROWS).enumerate() {
        let first_row = g * ROW_GROUP_ROWS;
        let mut row_group = file.next_row_group().map_err(parquet_error)?;
        for column in &columns {
            let mut writer = row_group
                .next_column()
                .map_err(parquet_error)?
                .ok_or_else(|| io::Error::other("users.parquet: schema has fewer columns"))?;
            write_column(&mut writer, column, report, &names, group, first_row)
                .map_err(parquet_error)?;
            writer.close().map_err(parquet_error)?;
        }
        row_group.close().map_err(parquet_error)?;
    }
    file.into_inner().map_err(parquet_error)?.flush()
}

/// Writes one column of one row group, `BATCH_ROWS` cells at a time. Optional columns
/// pass definition levels (1 = a value, 0 = null) and only the values that are there.
fn write_column(
    writer: &mut SerializedColumnWriter<'_>,
    column: &Column,
    report: &Report,
    names: &Names,
    rows: &[UserRecord],
    first_row: usize,
) -> Result<(), ParquetError> {
    let mut levels: Vec<i16> = Vec::with_capacity(BATCH_ROWS);
    for (b, batch) in rows.chunks(BATCH_ROWS).enumerate() {
        let first = first_row + b * BATCH_ROWS;
        levels.clear();
        match column {
            Column::Int(cell) => {
                let values: Vec<i64> = (first..).zip(batch).map(|(i, u)| cell(i, u)).collect();
                writer
                    .typed::<Int64Type>()
                    .write_batch(&values, None, None)?;
            }
            Column::OptionalInt(cell) => {
                let values = present(batch.iter().map(cell), &mut levels);
                writer
                    .typed::<Int64Type>()
                    .write_batch(&values, Some(&levels), None)?;
            }
            Column::Bool(cell) => {
                let values: Vec<bool> = batch.iter().map(cell).collect();
                writer
                    .typed::<BoolType>()
                    .write_batch(&values, None, None)?;
            }
            Column::Text(cell) => {
                let values = present(batch.iter().map(|u| cell(report, names, u)), &mut levels);
                let writer = writer.typed::<ByteArrayType>();
                // A required column takes no levels; its cells are never null.
                let optional = writer.get_descriptor().max_def_level() > 0;
                writer.write_batch(&values, optional.then_some(levels.as_slice()), None)?;
            }
        }
    }
    Ok(())
}

/// The values that are there, and a definition level per cell in `levels`.
fn present<T>(cells: impl Iterator<Item = Option<T>>, levels: &mut Vec<i16>) -> Vec<T> {
    let mut values = Vec::with_capacity(BATCH_ROWS);
    for cell in cells {
        levels.push(i16::from(cell.is_some()));
        values.extend(cell);
    }
    values
}
