//! `run --users-format parquet`: `users.parquet` holds exactly `users.csv`'s table, typed,
//! read back with the `parquet` crate's own reader; and it is the same bytes on every run.

use crate::util::*;
use parquet::basic::{LogicalType, Repetition, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use std::fs;
use std::path::Path;

/// The table in a CSV file: header, then rows, each cell as written (quotes removed).
fn csv_table(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// A Parquet cell as its `users.csv` cell reads: null is empty.
fn as_csv_cell(field: &Field) -> String {
    match field {
        Field::Null => String::new(),
        Field::Bool(b) => b.to_string(),
        Field::Long(v) => v.to_string(),
        Field::Str(s) => s.clone(),
        other => panic!("users.parquet has an unexpected cell type: {other:?}"),
    }
}

/// The schema of `users.parquet`: name, physical type, optional, a string column.
fn schema_of(reader: &SerializedFileReader<fs::File>) -> Vec<(String, PhysicalType, bool, bool)> {
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    schema
        .columns()
        .iter()
        .map(|c| {
            (
                c.name().to_string(),
                c.physical_type(),
                c.self_type().get_basic_info().repetition() == Repetition::OPTIONAL,
                c.logical_type_ref() == Some(&LogicalType::String),
            )
        })
        .collect()
}

/// Runs `scenario` twice, once per users format, and checks every cell of the Parquet
/// file against the CSV's.
fn parquet_matches_csv(scenario: &str, extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let (csv_out, parquet_out) = (dir.path().join("csv"), dir.path().join("parquet"));
    let scenario = repo(scenario);
    run_ok(&scenario, &csv_out, &[&["--no-charts"], extra].concat());
    let args = [&["--no-charts", "--users-format", "parquet"], extra].concat();
    run_ok(&scenario, &parquet_out, &args);
    assert!(!parquet_out.join("users.csv").exists());
    let (header, rows) = csv_table(&csv_out.join("users.csv"));
    let file = fs::File::open(parquet_out.join("users.parquet")).unwrap();
    let reader = SerializedFileReader::new(file).unwrap();
    let schema = schema_of(&reader);
    let names: Vec<&str> = schema.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, header.iter().map(String::as_str).collect::<Vec<_>>());
    for (name, physical, optional, string) in &schema {
        let expected = match name.as_str() {
            "redirected" | "misdirected" => PhysicalType::BOOLEAN,
            "group" | "home_region" | "registration" | "client_version" | "resolver"
            | "reconnect_region" => PhysicalType::BYTE_ARRAY,
            _ => PhysicalType::INT64,
        };
        assert_eq!(*physical, expected, "{name}");
        assert_eq!(*string, expected == PhysicalType::BYTE_ARRAY, "{name}");
        // Exactly the columns whose CSV cell can be empty are optional.
        let may_be_empty = name.ends_with("_ms")
            && !["downtime_ms", "non_home_ms", "launch_wait_ms"].contains(&name.as_str())
            || name == "reconnect_region";
        assert_eq!(*optional, may_be_empty, "{name}");
    }
    assert_eq!(
        reader.metadata().file_metadata().num_rows() as usize,
        rows.len()
    );
    let mut checked = 0;
    for (row, expected) in reader.get_row_iter(None).unwrap().zip(&rows) {
        let cells: Vec<String> = row
            .unwrap()
            .get_column_iter()
            .map(|(_, f)| as_csv_cell(f))
            .collect();
        assert_eq!(&cells, expected, "row {checked}");
        checked += 1;
    }
    assert_eq!(checked, rows.len());
    // Nulls where the CSV is empty, values where it is not: both occur in these runs.
    assert!(rows.iter().any(|r| r.iter().any(String::is_empty)));
    run_ok(&scenario, &dir.path().join("again"), &args);
    assert_eq!(
        fs::read(parquet_out.join("users.parquet")).unwrap(),
        fs::read(dir.path().join("again").join("users.parquet")).unwrap(),
        "users.parquet differs between two runs"
    );
}

#[test]
fn users_parquet_holds_the_csv_table_typed_for_population_resolvers() {
    parquet_matches_csv(
        "scenarios/internet-resolvers.toml",
        &["--set", "users.staff.count=400"],
    );
}

#[test]
fn users_parquet_holds_the_csv_table_typed_with_data_age() {
    parquet_matches_csv("scenarios/multi-region-resilience.toml", &[]);
}

#[test]
fn users_format_is_in_the_reproduce_command_and_the_file_list() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let story = run_ok(
        &repo("scenarios/workspaces-failover.toml"),
        &out,
        &[
            "--set",
            "users.staff.count=50",
            "--no-charts",
            "--users-format",
            "parquet",
        ],
    );
    assert!(story.contains("users.parquet"), "{story}");
    let manifest = fs::read_to_string(out.join("run-manifest.toml")).unwrap();
    assert!(manifest.contains("--users-format parquet"), "{manifest}");
}
