#!/usr/bin/env bash
# A large failsim sweep as a Slurm array job: one array task per shard, then one merge job.
#
#   bash examples/slurm-sweep.sh      # submits the array job and the merge that waits for it
#
# Run without Slurm's environment (as above), the script submits itself as an array job
# (--array below: N tasks, ids 0..N-1) plus a merge job that starts only when every task
# succeeded (--dependency=afterok). Inside the array, each task runs shard K of N, where
# K = SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1 (failsim's K is 1-based; Slurm ids are
# whatever --array says, here 0-based) and N = SLURM_ARRAY_TASK_COUNT. Each shard writes its
# own directory on a filesystem every node sees; `failsim merge` joins them into exactly the
# files one machine would have written. A failed task can be resubmitted alone
# (`sbatch --array=<id> examples/slurm-sweep.sh`): a shard is deterministic and replaces its
# own directory.
#
# Every shard must run the same sweep (same scenario file contents, --set, --vary,
# --replications, --seed, --metric, chart format); merge checks this and says what differs.
#
#SBATCH --job-name=failsim-sweep
#SBATCH --array=0-15
#SBATCH --cpus-per-task=8
#SBATCH --mem=2G
#SBATCH --time=02:00:00
#SBATCH --output=failsim-sweep-%A_%a.log

set -euo pipefail

# The sweep: 7 x 5 points x 200 replications = 7,000 runs of 3,000 users, 16 shards.
SCENARIO=${SCENARIO:-scenarios/capacity-planning.toml}
SWEEP_ARGS=(
  --vary region.us-east-1.launch_concurrency=100,150,200,250,300,350,400
  --vary users.staff.failover_workspaces=0.95,0.97,0.98,0.99,1.0
  --replications 200
)
# On a shared filesystem; one directory per shard, the merged result beside them.
RESULTS=${RESULTS:-$PWD/output/capacity-planning-shards}
MERGED=${MERGED:-$PWD/output/capacity-planning-sweep}

if [[ -z "${SLURM_ARRAY_TASK_ID:-}" ]]; then
  # Submitter: the array job, then the merge once every shard succeeded.
  mkdir -p "$RESULTS"
  job=$(sbatch --parsable --export=ALL,SCENARIO="$SCENARIO",RESULTS="$RESULTS" "$0")
  job=${job%%;*}
  sbatch --parsable --job-name=failsim-merge --dependency="afterok:$job" \
    --output="failsim-merge-%j.log" \
    --wrap "failsim merge '$RESULTS'/shard-* --out '$MERGED'"
  echo "submitted sweep array job $job and its merge; results in $MERGED"
  exit 0
fi

K=$((SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1))
N=$SLURM_ARRAY_TASK_COUNT
exec failsim sweep "$SCENARIO" "${SWEEP_ARGS[@]}" \
  --shard "$K/$N" \
  --jobs "${SLURM_CPUS_PER_TASK:-1}" \
  --out "$RESULTS/shard-$K" \
  --quiet
