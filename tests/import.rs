//! `failsim import`: AWS CLI JSON -> a scenario that `check` accepts and `run` runs. Inputs
//! follow the documented CLI output shapes (examples/aws-export/ holds a two-Region export).

use crate::util::{failsim, output, repo};
use std::fs;
use std::path::Path;

/// The arguments that import examples/aws-export/, relative to that directory.
const EXAMPLE: [&str; 9] = [
    "records.json",
    "health-checks.json",
    "alarms-us-east-1.json",
    "us-west-2=aliases-us-west-2.json",
    "us-east-1=aliases-us-east-1.json",
    "us-west-2=directories-us-west-2.json",
    "us-east-1=directories-us-east-1.json",
    "us-west-2=workspaces-us-west-2.json",
    "us-east-1=workspaces-us-east-1.json",
];

fn import_in(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    output(failsim().current_dir(dir).arg("import").args(args))
}

/// The example's imported scenario is regenerated here: set FAILSIM_UPDATE_EXAMPLES=1 to
/// rewrite it after an intended change.
#[test]
fn the_example_export_imports_to_the_committed_scenario() {
    let dir = repo("examples/aws-export");
    let (code, stdout, stderr) = import_in(&dir, &EXAMPLE);
    assert_eq!(code, Some(0), "{stderr}");
    let committed = dir.join("imported.toml");
    if std::env::var_os("FAILSIM_UPDATE_EXAMPLES").is_some() {
        fs::write(&committed, &stdout).unwrap();
    }
    assert_eq!(
        stdout,
        fs::read_to_string(&committed).unwrap(),
        "examples/aws-export/imported.toml is stale: rerun with FAILSIM_UPDATE_EXAMPLES=1"
    );
    assert!(stdout.contains("# route53 health check 02ec8401-9879-4259-91fa-04e66d094674"));
    assert!(stdout.contains("#   records.json  "));
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = output(
        failsim()
            .arg("run")
            .arg(&committed)
            .arg("--no-charts")
            .arg("--out")
            .arg(out.path().join("o")),
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("seed"), "{stdout}");
}

/// Writes `files` (name, JSON) into a temporary directory and imports them.
fn import_files(
    files: &[(&str, &str)],
    args: &[&str],
) -> (Option<i32>, String, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    let (code, stdout, stderr) = import_in(dir.path(), args);
    (code, stdout, stderr, dir)
}

fn example(name: &str) -> String {
    fs::read_to_string(repo("examples/aws-export").join(name)).unwrap()
}

#[test]
fn malformed_inputs_exit_2_with_file_line_column_and_field_and_write_nothing() {
    let cases: [(&str, &[&str]); 6] = [
        ("{ \"ResourceRecordSets\": [ { \"Name\": \"a.\", ", &["r.json:1:", "EOF"]),
        ("{ \"ResourceRecordSets\": [ { \"Name\": \"a.\",\n \"Type\": \"TXT\", \"TTL\": \"60\" } ] }", &["r.json:2:", "ResourceRecordSets[0].TTL", "invalid type"]),
        ("{ \"ResourceRecordSets\": [ { \"Type\": \"TXT\" } ] }", &["r.json:1:", "missing field `Name`"]),
        ("{ \"Stacks\": [] }", &["r.json", "not a recognised AWS CLI output", "Stacks"]),
        ("[1, 2]", &["r.json", "top level is not an object"]),
        ("{ \"Workspaces\": [] }", &["r.json", "REGION=r.json"]),
    ];
    for (text, needles) in cases {
        let (code, stdout, stderr, dir) =
            import_files(&[("r.json", text)], &["r.json", "--out", "s.toml"]);
        assert_eq!(code, Some(2), "{text}: {stderr}");
        assert!(stdout.is_empty());
        assert!(!dir.path().join("s.toml").exists(), "nothing is written");
        for n in needles {
            assert!(stderr.contains(n), "expected `{n}` for {text}: {stderr}");
        }
    }
    // An alarm ARN naming another Region than the one given is a contradiction.
    let (code, _, stderr, _) = import_files(
        &[("a.json", &example("alarms-us-east-1.json"))],
        &["us-west-2=a.json"],
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("its ARN names Region us-east-1 but the file was passed as us-west-2="),
        "{stderr}"
    );
    // Two pages that disagree on one object.
    let other = example("health-checks.json").replace("\"Unhealthy\"", "\"Healthy\"");
    let (code, _, stderr, _) = import_files(
        &[
            ("h1.json", &example("health-checks.json")),
            ("h2.json", &other),
        ],
        &["h1.json", "h2.json"],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("contradict"), "{stderr}");
}

/// The example's files with some replaced; returns the imported scenario (or stderr).
fn import_example_with(
    replace: &[(&str, String)],
    extra: &[&str],
) -> (Option<i32>, String, String) {
    let mut files: Vec<(String, String)> = EXAMPLE
        .iter()
        .map(|a| {
            let name = a.split_once('=').map_or(*a, |x| x.1).to_string();
            let text = example(&name);
            (name, text)
        })
        .collect();
    for (name, text) in replace {
        match files.iter_mut().find(|f| f.0 == *name) {
            Some(f) => f.1 = text.clone(),
            None => files.push((name.to_string(), text.clone())),
        }
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut args: Vec<&str> = EXAMPLE.to_vec();
    args.extend_from_slice(extra);
    let (code, stdout, stderr, _) = import_files(&borrowed, &args);
    (code, stdout, stderr)
}

#[test]
fn paginated_outputs_are_merged_and_incomplete_ones_warned_about() {
    let west = example("workspaces-us-west-2.json");
    let v: serde_json::Value = serde_json::from_str(&west).unwrap();
    let all = v["Workspaces"].as_array().unwrap();
    let page = |items: &[serde_json::Value], token: bool| {
        let mut o = serde_json::json!({ "Workspaces": items });
        if token {
            o["NextToken"] = "eyJNYXJrZXIiOiBudWxsfQ==".into();
        }
        serde_json::to_string_pretty(&o).unwrap()
    };
    let (code, stdout, stderr) = import_example_with(
        &[
            ("workspaces-us-west-2.json", page(&all[..5], true)),
            ("page2.json", page(&all[4..], false)),
        ],
        &["us-west-2=page2.json"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("count = 8\n"), "{stdout}");
    assert!(stderr.contains("one page of several"), "{stderr}");
}

#[test]
fn the_copy_paste_identifier_mistake_imports_and_redirects_nobody() {
    let records =
        example("records.json").replace("\\\"z9y8x7w6v5u4t3s2\\\"", "\\\"a1b2c3d4e5f6g7h8\\\"");
    let (code, stdout, stderr) = import_example_with(&[("records.json", records)], &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    fs::write(&scenario, &stdout).unwrap();
    let (code, out, err) = output(
        failsim()
            .arg("run")
            .arg(&scenario)
            .arg("--no-charts")
            .arg("--out")
            .arg(dir.path().join("o")),
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("secondary-holds-primary-identifier"), "{err}");
    let summary = fs::read_to_string(dir.path().join("o/summary.csv")).unwrap();
    assert!(
        summary.contains("\nusers_redirected,0\n"),
        "{summary}\n{out}"
    );
}

#[test]
fn a_shared_alias_an_alarm_check_and_autostop_versus_alwayson() {
    let east = example("aliases-us-east-1.json")
        .replace(
            "ASSOCIATED_WITH_OWNER_ACCOUNT",
            "ASSOCIATED_WITH_SHARED_ACCOUNT",
        )
        .replace(
            "\"AssociatedAccountId\": \"123456789012\"",
            "\"AssociatedAccountId\": \"210987654321\"",
        );
    let (code, stdout, stderr) = import_example_with(&[("aliases-us-east-1.json", east)], &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("shared_account = \"210987654321\""),
        "{stdout}"
    );
    assert!(stdout.contains("account = \"210987654321\""));
    assert!(stdout.contains(
        "type = \"alarm\"\nalarm = \"wsp-usw2-canary\"\ninsufficient_data = \"unhealthy\""
    ));
    assert!(stdout.contains("treat_missing_data = \"breaching\""));
    // The failover fleet is AutoStop in the example; AlwaysOn makes it a running standby.
    assert!(stdout.contains("standby = \"autostop\""));
    let always = example("workspaces-us-east-1.json").replace("AUTO_STOP", "ALWAYS_ON");
    let (_, stdout, _) = import_example_with(&[("workspaces-us-east-1.json", always)], &[]);
    assert!(stdout.contains("standby = \"running\""), "{stdout}");
}

#[test]
fn a_three_region_chain_follows_alias_records_and_drops_latency_records_with_a_warning() {
    let records = r#"{ "ResourceRecordSets": [
    { "Name": "desktop.example.com.", "Type": "TXT", "SetIdentifier": "primary", "Failover": "PRIMARY", "TTL": 60,
      "ResourceRecords": [ { "Value": "\"a1b2c3d4e5f6g7h8\"" } ], "HealthCheckId": "02ec8401-9879-4259-91fa-04e66d094674" },
    { "Name": "desktop.example.com.", "Type": "TXT", "SetIdentifier": "secondary", "Failover": "SECONDARY",
      "AliasTarget": { "HostedZoneId": "Z123", "DNSName": "next.desktop.example.com.", "EvaluateTargetHealth": true } },
    { "Name": "next.desktop.example.com.", "Type": "TXT", "SetIdentifier": "east", "Failover": "PRIMARY", "TTL": 60,
      "ResourceRecords": [ { "Value": "\"z9y8x7w6v5u4t3s2\"" } ], "HealthCheckId": "7f3a2b10-1111-2222-3333-444455556666" },
    { "Name": "next.desktop.example.com.", "Type": "TXT", "SetIdentifier": "europe", "Failover": "SECONDARY", "TTL": 60,
      "ResourceRecords": [ { "Value": "\"e1u2r3o4p5e6\"" } ] },
    { "Name": "desktop.example.com.", "Type": "TXT", "SetIdentifier": "latency-eu", "Region": "eu-west-1", "TTL": 60,
      "ResourceRecords": [ { "Value": "\"e1u2r3o4p5e6\"" } ] } ] }"#;
    let checks = example("health-checks.json").replacen("{\n    \"HealthChecks\": [", r#"{ "HealthChecks": [ { "Id": "7f3a2b10-1111-2222-3333-444455556666", "HealthCheckConfig": { "Type": "HTTPS", "FullyQualifiedDomainName": "login.east.example.com", "RequestInterval": 10, "FailureThreshold": 2 } },"#, 1);
    let eu = r#"{ "ConnectionAliases": [ { "ConnectionString": "desktop.example.com", "AliasId": "wsca-eu1abcdef", "OwnerAccountId": "123456789012",
      "Associations": [ { "AssociationStatus": "ASSOCIATED_WITH_OWNER_ACCOUNT", "AssociatedAccountId": "123456789012", "ResourceId": "d-9367abcd12", "ConnectionIdentifier": "e1u2r3o4p5e6" } ] } ] }"#;
    let (code, stdout, stderr) = import_example_with(
        &[
            ("records.json", records.to_string()),
            ("health-checks.json", checks),
            ("aliases-eu.json", eu.to_string()),
            (
                "workspaces-eu.json",
                example("workspaces-us-east-1.json").replace("d-906734f1ce", "d-9367abcd12"),
            ),
        ],
        &["eu-west-1=aliases-eu.json", "eu-west-1=workspaces-eu.json"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("secondary = [{ identifier = \"z9y8x7w6v5u4t3s2\", health_check = \"hc-7f3a2b10\" }, { identifier = \"e1u2r3o4p5e6\" }]"), "{stdout}");
    assert!(stdout.contains("interval = \"10s\"\nfailure_threshold = 2"));
    assert!(stdout.contains("target = \"us-east-1\""));
    assert!(
        stderr.contains("latency routing, which failsim does not simulate: dropped"),
        "{stderr}"
    );
    assert!(stdout
        .contains("# WARNING: record desktop.example.com. TXT `latency-eu` uses latency routing"));
    assert!(
        stdout.contains("failover_workspaces = 0.75"),
        "six of eight users have WorkSpaces in both other Regions"
    );
}

/// `--client-versions FILE` turns a client-management inventory into every group's
/// `client_versions`; a malformed inventory is located and nothing is written.
#[test]
fn a_client_inventory_sets_the_client_versions() {
    let dir = repo("examples/aws-export");
    let mut args: Vec<&str> = EXAMPLE.to_vec();
    args.extend(["--client-versions", "client-versions.csv"]);
    let (code, stdout, stderr) = import_in(&dir, &args);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains(
            "client_versions = { \"5.22.0\" = 0.75, \"3.0.8\" = 0.25 }  # from client-versions.csv"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("# Client versions from client-versions.csv (8 users)."));
    // The old clients ignore redirection: the run says so.
    let out = tempfile::tempdir().unwrap();
    let scenario = out.path().join("s.toml");
    fs::write(&scenario, &stdout).unwrap();
    let (code, _, stderr) = output(failsim().arg("check").arg(&scenario));
    assert_eq!(code, Some(0), "{stderr}");

    let target = out.path().join("bad.toml");
    fs::write(out.path().join("c.csv"), "version,users\n5.22.0,lots\n").unwrap();
    let mut args: Vec<String> = EXAMPLE.iter().map(|a| a.to_string()).collect();
    args.extend([
        "--client-versions".into(),
        out.path().join("c.csv").display().to_string(),
    ]);
    args.extend(["--out".into(), target.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, stderr) = import_in(&dir, &args);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("c.csv:2:8: `users`: `lots` is not a count"),
        "{stderr}"
    );
    assert!(!target.exists(), "nothing written on error");
}
