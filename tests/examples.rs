//! The batch-engine examples stay in step with the command line. Each example's own shell
//! code runs (bash for examples/slurm-sweep.sh, sh for the container scripts of
//! examples/k8s-sweep-job.yaml) with stand-in `failsim` and `sbatch` commands on the PATH
//! that record their arguments; those arguments must parse with failsim's own clap
//! definition, so a renamed or removed flag fails here. The scheduler's variables get sample
//! values. scripts/slurm-e2e.sh runs the Slurm example on a real one-node cluster.
#![cfg(unix)]

use crate::util::*;
use clap::Parser;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// failsim's command-line definition, compiled into this test binary so that the examples'
/// arguments are parsed exactly as the `failsim` binary parses them.
#[allow(dead_code)]
#[path = "../src/cli/args.rs"]
mod args;

use args::{Cli, Command as Sub, MergeArgs, SweepArgs};

/// A directory of stand-in commands that record their arguments (NUL-separated, one file
/// per call: `<name>-<n>`) in `calls/`; `sbatch` also prints a job id, as `--parsable` does.
struct Stubs {
    dir: tempfile::TempDir,
}

impl Stubs {
    fn new() -> Stubs {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("bin")).unwrap();
        fs::create_dir(dir.path().join("calls")).unwrap();
        for (name, output) in [("failsim", ""), ("sbatch", "42")] {
            let path = dir.path().join("bin").join(name);
            let script = format!(
                "#!/bin/sh\nn=$(ls \"$CALLS\" | wc -l)\n\
                 for a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$CALLS/{name}-$n\"\n\
                 echo {output}\n"
            );
            fs::write(&path, script).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        }
        Stubs { dir }
    }

    /// `program` with a clean environment: the stubs first on the PATH, then `vars`.
    fn command(&self, program: &str, vars: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(program);
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        cmd.env_clear()
            .env("PATH", path)
            .env("CALLS", self.dir.path().join("calls"))
            .current_dir(self.dir.path())
            .envs(vars.iter().copied());
        cmd
    }

    /// Runs `cmd`, which must succeed.
    fn run(&self, cmd: &mut Command) {
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The arguments of each call of `name`, in call order.
    fn calls(&self, name: &str) -> Vec<Vec<String>> {
        let mut files: Vec<(usize, PathBuf)> = fs::read_dir(self.dir.path().join("calls"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter_map(|p| {
                let file = p.file_name()?.to_str()?.to_string();
                let n = file.strip_prefix(&format!("{name}-"))?.parse().ok()?;
                Some((n, p))
            })
            .collect();
        files.sort();
        files
            .iter()
            .map(|(_, p)| {
                let text = fs::read_to_string(p).unwrap();
                text.split_terminator('\0').map(String::from).collect()
            })
            .collect()
    }
}

/// Parses `failsim ARGS` with failsim's own definition; panics saying which line broke.
fn parse(args: &[String], example: &str) -> Sub {
    let argv = std::iter::once("failsim".to_string()).chain(args.iter().cloned());
    match Cli::try_parse_from(argv) {
        Ok(cli) => cli.command,
        Err(e) => panic!(
            "{example}: `failsim {}` no longer parses:\n{e}",
            args.join(" ")
        ),
    }
}

fn sweep_of(args: &[String], example: &str) -> SweepArgs {
    match parse(args, example) {
        Sub::Sweep(a) => a,
        _ => panic!("{example}: not a sweep: {args:?}"),
    }
}

fn merge_of(args: &[String], example: &str) -> MergeArgs {
    match parse(args, example) {
        Sub::Merge(a) => a,
        _ => panic!("{example}: not a merge: {args:?}"),
    }
}

/// The one call of `failsim` that the stubs recorded.
fn only_failsim_call(stubs: &Stubs, example: &str) -> Vec<String> {
    let mut calls = stubs.calls("failsim");
    assert_eq!(calls.len(), 1, "{example}: failsim calls: {calls:?}");
    calls.remove(0)
}

/// Every value of every `--vary` is a value the scenario takes (`failsim check --set`), so a
/// renamed scenario key in an example fails too. (The examples' values hold no commas.)
fn assert_vary_applies(sweep: &SweepArgs, scenario: &Path) {
    assert!(!sweep.vary.is_empty());
    for vary in &sweep.vary {
        let (path, values) = vary.split_once('=').expect("PATH=V1,V2,...");
        for value in values.split(',') {
            let set = format!("{path}={value}");
            let (code, _, err) = output(
                failsim()
                    .arg("check")
                    .arg(scenario)
                    .args(["--quiet", "--set", &set]),
            );
            assert_eq!(code, Some(0), "--vary {vary}: {err}");
        }
    }
}

const SLURM: &str = "examples/slurm-sweep.sh";
const K8S: &str = "examples/k8s-sweep-job.yaml";

/// An array task of examples/slurm-sweep.sh: task id 6 of 16 (0-based) runs shard 7/16.
fn slurm_task(script: &Path) -> SweepArgs {
    let stubs = Stubs::new();
    stubs.run(stubs.command("bash", &[]).arg(script).envs([
        ("SLURM_ARRAY_TASK_ID", "6"),
        ("SLURM_ARRAY_TASK_MIN", "0"),
        ("SLURM_ARRAY_TASK_COUNT", "16"),
        ("SLURM_CPUS_PER_TASK", "8"),
    ]));
    sweep_of(&only_failsim_call(&stubs, SLURM), SLURM)
}

#[test]
fn the_slurm_example_task_runs_a_sweep_shard_that_parses() {
    let sweep = slurm_task(&repo(SLURM));
    let shard = sweep.shard.expect("--shard");
    assert_eq!((shard.index, shard.count), (7, 16));
    assert_eq!(sweep.runs.jobs, Some(8));
    assert_eq!(
        sweep.scenario,
        Path::new("scenarios/capacity-planning.toml")
    );
    assert_vary_applies(&sweep, &repo("scenarios/capacity-planning.toml"));
    let out = sweep.out.expect("--out");
    assert!(
        out.ends_with("output/capacity-planning-shards/shard-7"),
        "{out:?}"
    );
}

/// A rerun task (`SHARDS=16 sbatch --array=6`) keeps its shard: K from the id, N from SHARDS.
#[test]
fn a_rerun_slurm_task_keeps_its_shard() {
    let stubs = Stubs::new();
    stubs.run(stubs.command("bash", &[]).arg(repo(SLURM)).envs([
        ("SLURM_ARRAY_TASK_ID", "6"),
        ("SLURM_ARRAY_TASK_MIN", "6"),
        ("SLURM_ARRAY_TASK_COUNT", "1"),
        ("SHARDS", "16"),
    ]));
    let shard = sweep_of(&only_failsim_call(&stubs, SLURM), SLURM).shard;
    let shard = shard.expect("--shard");
    assert_eq!((shard.index, shard.count), (7, 16));
}

/// The submitter: the array job with the options given to the script, then a merge job that
/// waits for it and whose command parses.
#[test]
fn the_slurm_example_submits_an_array_and_a_merge_that_parses() {
    let stubs = Stubs::new();
    stubs.run(
        stubs
            .command("bash", &[])
            .arg(repo(SLURM))
            .args(["--array=0-3", "--partition=big"]),
    );
    let calls = stubs.calls("sbatch");
    assert_eq!(calls.len(), 2, "{calls:?}");
    let array = &calls[0];
    assert!(array.contains(&"--array=0-3".to_string()), "{array:?}");
    assert!(array.contains(&"--partition=big".to_string()), "{array:?}");
    assert_eq!(array.last().unwrap(), &repo(SLURM).display().to_string());
    let merge = &calls[1];
    assert!(
        merge.contains(&"--dependency=afterok:42".to_string()),
        "{merge:?}"
    );
    let wrap = merge.iter().position(|a| a == "--wrap").expect("--wrap");
    // The merge job's command, run by a shell as Slurm would (globs and quotes included).
    stubs.run(stubs.command("sh", &[]).arg("-c").arg(&merge[wrap + 1]));
    let merge = merge_of(&only_failsim_call(&stubs, SLURM), SLURM);
    assert!(merge.shards[0].ends_with("capacity-planning-shards/shard-*"));
    assert!(merge.out.ends_with("output/capacity-planning-sweep"));
}

/// The check above can fail: the example with `--shard` misspelt does not parse.
#[test]
#[should_panic(expected = "no longer parses")]
fn a_renamed_flag_in_the_slurm_example_fails_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(repo(SLURM)).unwrap();
    let broken = dir.path().join("slurm-sweep.sh");
    fs::write(
        &broken,
        edit(&text, "--shard \"$K/$N\"", "--shards \"$K/$N\""),
    )
    .unwrap();
    slurm_task(&broken);
}

/// The shell scripts the YAML's containers run (`command: ["/bin/sh", "-c"]`): each `args:`
/// list's item, a block scalar (`- |`) or a one-line plain scalar. Enough YAML for the
/// example; any other shape fails loudly.
fn container_scripts(yaml: &str) -> Vec<String> {
    let lines: Vec<&str> = yaml.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut scripts = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() != "args:" {
            continue;
        }
        assert_eq!(lines[i - 1].trim(), r#"command: ["/bin/sh", "-c"]"#);
        let item = lines[i + 1].trim().strip_prefix("- ").expect("a list item");
        if item != "|" {
            scripts.push(item.to_string());
            continue;
        }
        let body = indent(lines[i + 2]);
        let block: Vec<&str> = lines[i + 2..]
            .iter()
            .take_while(|l| l.trim().is_empty() || indent(l) >= body)
            .map(|l| l.get(body..).unwrap_or(""))
            .collect();
        scripts.push(block.join("\n"));
    }
    scripts
}

/// The number after `key:` on its first line (a trailing comment allowed).
fn yaml_number(yaml: &str, key: &str) -> u32 {
    let line = yaml.lines().find(|l| l.trim().starts_with(key)).expect(key);
    let value = line.split(':').nth(1).unwrap().split('#').next().unwrap();
    value.trim().trim_matches('"').parse().expect(key)
}

#[test]
fn the_kubernetes_example_runs_a_sweep_shard_and_a_merge_that_parse() {
    let yaml = fs::read_to_string(repo(K8S)).unwrap();
    let scripts = container_scripts(&yaml);
    assert_eq!(scripts.len(), 2, "{scripts:?}");
    let shards = yaml_number(&yaml, "completions:");
    let env_shards = yaml.split("- name: SHARDS").nth(1).expect("SHARDS in env");
    assert_eq!(
        yaml_number(env_shards, "value:"),
        shards,
        "SHARDS != completions"
    );

    // Pod index 4 (0-based) of the Indexed Job runs shard 5 of N.
    let stubs = Stubs::new();
    let n = shards.to_string();
    let vars = [("JOB_COMPLETION_INDEX", "4"), ("SHARDS", n.as_str())];
    stubs.run(stubs.command("sh", &vars).arg("-c").arg(&scripts[0]));
    let sweep = sweep_of(&only_failsim_call(&stubs, K8S), K8S);
    let shard = sweep.shard.expect("--shard");
    assert_eq!((shard.index, shard.count), (5, shards));
    // The scenario is the bundled file the comment's configmap is made from.
    let file = sweep.scenario.file_name().unwrap().to_str().unwrap();
    assert!(yaml.contains(&format!("--from-file=scenarios/{file}")));
    assert_vary_applies(&sweep, &repo("scenarios").join(file));
    assert_eq!(sweep.out, Some(PathBuf::from("/results/shard-5")));

    let stubs = Stubs::new();
    stubs.run(stubs.command("sh", &[]).arg("-c").arg(&scripts[1]));
    let merge = merge_of(&only_failsim_call(&stubs, K8S), K8S);
    assert_eq!(merge.shards, [PathBuf::from("/results/shard-*")]);
}
