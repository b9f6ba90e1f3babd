#!/usr/bin/env bash
# A large failsim sweep as a Slurm array job: one array task per shard, then one merge job.
#
#   bash examples/slurm-sweep.sh                    # the array job + the merge that waits for it
#   bash examples/slurm-sweep.sh --array=0-31 -p big   # sbatch options override #SBATCH lines
#
# Run without Slurm's environment (as above), the script submits itself as an array job
# (--array below: N tasks, ids 0..N-1) plus a merge job that starts only when every task
# succeeded (--dependency=afterok). Options given to the script go to that sbatch and override
# the #SBATCH lines below (e.g. more shards, another partition, fewer CPUs). Inside the array,
# each task runs shard K of N, where K = SLURM_ARRAY_TASK_ID + 1 (failsim's K is 1-based; the
# array ids are 0..N-1) and N = SLURM_ARRAY_TASK_COUNT, or SHARDS when set. Each shard writes
# its own directory on a filesystem every node sees; `failsim merge` joins them into exactly
# the files one machine would have written. A failed task can be resubmitted alone, from the
# same directory, with the number of shards (`SHARDS=16 sbatch --array=<id>
# examples/slurm-sweep.sh`), then merged by hand: a shard is deterministic and replaces its
# own directory.
#
# Every shard must run the same sweep (same scenario file contents, --set, --vary,
# --replications, --seed, --metric, chart format); merge checks this and says what differs.
# `failsim` must be on the PATH of the submitting shell (the jobs inherit it). Sourced
# (`. examples/slurm-sweep.sh`), the script only defines the sweep, so the same sweep can run
# on one machine: `failsim sweep "$SCENARIO" "${SWEEP_ARGS[@]}"`.
# scripts/slurm-e2e.sh runs this script on a one-node Slurm cluster and checks the result.
#
#SBATCH --job-name=failsim-sweep
#SBATCH --array=0-15
#SBATCH --cpus-per-task=8
#SBATCH --mem=2G
#SBATCH --time=02:00:00
#SBATCH --output=failsim-sweep-%A_%a.log

set -euo pipefail

# The sweep: 7 x 5 points x 200 replications = 7,000 runs of 3,000 users (16 shards above).
SCENARIO=${SCENARIO:-scenarios/capacity-planning.toml}
SWEEP_ARGS=(
  --vary region.us-east-1.launch_concurrency=100,150,200,250,300,350,400
  --vary users.staff.failover_workspaces=0.95,0.97,0.98,0.99,1.0
  --replications "${REPLICATIONS:-200}"
)
# On a shared filesystem; one directory per shard, the merged result beside them.
RESULTS=${RESULTS:-$PWD/output/capacity-planning-shards}
MERGED=${MERGED:-$PWD/output/capacity-planning-sweep}

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  return 0 # sourced: the sweep is defined, submit nothing
fi

if [[ -z "${SLURM_ARRAY_TASK_ID:-}" ]]; then
  # Submitter: the array job, then the merge once every shard succeeded.
  mkdir -p "$RESULTS"
  export SCENARIO RESULTS MERGED REPLICATIONS="${REPLICATIONS:-200}"
  job=$(sbatch --parsable --export=ALL "$@" "$0")
  job=${job%%;*}
  merge=$(sbatch --parsable --job-name=failsim-merge --dependency="afterok:$job" \
    --output="failsim-merge-%j.log" \
    --wrap "failsim merge '$RESULTS'/shard-* --out '$MERGED'")
  merge=${merge%%;*}
  echo "submitted sweep array job $job and merge job $merge; results in $MERGED"
  exit 0
fi

K=$((SLURM_ARRAY_TASK_ID + 1))
N=${SHARDS:-$SLURM_ARRAY_TASK_COUNT}
exec failsim sweep "$SCENARIO" "${SWEEP_ARGS[@]}" \
  --shard "$K/$N" \
  --jobs "${SLURM_CPUS_PER_TASK:-1}" \
  --out "$RESULTS/shard-$K" \
  --quiet
