#!/usr/bin/env bash
# End-to-end test of the Slurm path: examples/slurm-sweep.sh on a real, one-node Slurm cluster.
#
#   bash scripts/slurm-e2e.sh        # as root, on Debian/Ubuntu (installs the packages if missing)
#
# It sets up munge, slurmctld and slurmd on localhost from the distribution's packages (all
# state, sockets, logs and slurm.conf under a temporary directory, found through SLURM_CONF; no
# system file is written), builds the release binary, submits the example's sharded sweep as an
# array job (4 shards, a few replications) plus its merge job, waits for both, then reruns one
# shard alone as the example says a failed task can be, merges by hand, and checks that both
# merged directories are byte-identical, file for file, to the same sweep run on one machine
# without shards. It stops the daemons it started and removes its directory on every exit.
#
# Exit codes: 0 passed; 1 failed (logs of the daemons and jobs on stderr); 77 skipped because
# Slurm is not installed and cannot be (no apt-get, or not root) or the script is not run as
# root. FAILSIM_REQUIRE_SLURM=1 (as .ci/run sets) turns a skip into a failure.
# SLURM_E2E_TIMEOUT (seconds, default 300) bounds the cluster's start and the jobs;
# SLURM_E2E_KEEP=1 keeps the temporary directory; SLURM_E2E_CTLD_PORT and SLURM_E2E_SLURMD_PORT
# (16817, 16818: not Slurm's defaults, so a system Slurm on the machine is left alone) move the
# daemons' ports.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SHARDS=4
export REPLICATIONS=4 # 7 x 5 points x 4 = 140 runs: seconds, not minutes
TIMEOUT=${SLURM_E2E_TIMEOUT:-300}
PACKAGES=(munge slurmctld slurmd slurm-client)
COMMANDS=(munged mungekey munge slurmctld slurmd sbatch squeue sinfo scontrol scancel)

say() { echo "slurm e2e: $*"; }

fail() {
  echo "slurm e2e: FAILED: $*" >&2
  dump_logs
  exit 1
}

skip() {
  if [[ "${FAILSIM_REQUIRE_SLURM:-0}" == 1 ]]; then
    fail "$* (FAILSIM_REQUIRE_SLURM=1: Slurm is required)"
  fi
  echo "slurm e2e: SKIPPED: $*" >&2
  exit 77
}

missing_commands() {
  local c
  for c in "${COMMANDS[@]}"; do
    command -v "$c" >/dev/null 2>&1 || echo "$c"
  done
}

# The distribution's packages, installed if missing and possible.
ensure_slurm() {
  [[ -z "$(missing_commands)" ]] && return 0
  if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    skip "Slurm/munge missing ($(missing_commands | xargs)) and cannot install them here" \
      "(needs root and apt-get: apt-get install ${PACKAGES[*]})"
  fi
  say "installing ${PACKAGES[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >/dev/null || fail "apt-get update failed"
  apt-get install -y --no-install-recommends "${PACKAGES[@]}" >/dev/null ||
    fail "apt-get install ${PACKAGES[*]} failed"
  [[ -z "$(missing_commands)" ]] || fail "still missing after install: $(missing_commands | xargs)"
}

# --- the cluster ------------------------------------------------------------------------------

WORK=""
DAEMONS=() # PIDs of the daemons this script started, in start order

cleanup() {
  local code=$?
  if [[ -n "$WORK" && -f "$WORK/slurm.conf" ]] && ((${#DAEMONS[@]} > 1)); then
    # Jobs still queued or running (after a failure): cancel them and give their processes
    # a few seconds to end before slurmd goes.
    scancel --quiet --user="$(id -un)" 2>/dev/null || true
    local tries=0
    while [[ -n "$(squeue -h 2>/dev/null)" ]] && ((tries++ < 20)); do sleep 0.5; done
  fi
  local i
  for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
    kill "${DAEMONS[i]}" 2>/dev/null || true
  done
  for i in "${DAEMONS[@]}"; do
    wait "$i" 2>/dev/null || true
  done
  if [[ -n "$WORK" ]]; then
    if [[ "${SLURM_E2E_KEEP:-0}" == 1 ]]; then
      echo "slurm e2e: kept $WORK" >&2
    else
      rm -rf "$WORK"
    fi
  fi
  exit "$code"
}

dump_logs() {
  [[ -n "$WORK" && -d "$WORK" ]] || return 0
  local f
  for f in "$WORK"/log/* "$WORK"/submit/*.log; do
    [[ -f "$f" ]] || continue
    echo "---- ${f#"$WORK"/} (last 40 lines)" >&2
    tail -n 40 "$f" >&2
  done
}

# Fails once the overall deadline has passed, saying what it was waiting for.
before_deadline() {
  (($(date +%s) < DEADLINE)) || fail "timed out after ${TIMEOUT}s (SLURM_E2E_TIMEOUT) while $1"
}

alive() {
  local pid
  for pid in "${DAEMONS[@]}"; do
    kill -0 "$pid" 2>/dev/null || fail "a daemon (pid $pid) exited while $1"
  done
}

start_munge() {
  mkdir -m 700 "$WORK/munge"
  mkdir -m 755 "$WORK/run" # munged wants its socket's directory searchable by all
  dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
  chmod 600 "$WORK/munge/munge.key"
  munged --foreground --socket="$WORK/run/munge.socket" --key-file="$WORK/munge/munge.key" \
    --pid-file="$WORK/munge/munged.pid" --seed-file="$WORK/munge/munged.seed" \
    --log-file="$WORK/log/munged.log" >>"$WORK/log/munged.log" 2>&1 &
  DAEMONS+=($!)
  until munge -S "$WORK/run/munge.socket" -n 2>/dev/null | unmunge -S "$WORK/run/munge.socket" \
    >/dev/null 2>&1; do
    alive "starting munged"
    before_deadline "starting munged"
    sleep 0.2
  done
}

# slurm.conf for one node, localhost, with the CPUs and memory `slurmd -C` finds. No cgroups
# (proctrack/linuxproc, task/none) and no accounting database, so it runs in a container. No
# log files: the daemons run in the foreground and log to stderr, which goes to $WORK/log.
# Completed jobs stay in slurmctld's memory for MinJobAge seconds, where scontrol reads them.
write_slurm_conf() {
  local node
  node=$(slurmd -C | head -n 1 | sed 's/^NodeName=[^ ]*/NodeName=localhost NodeAddr=127.0.0.1/')
  cat >"$WORK/slurm.conf" <<EOF
ClusterName=failsim-e2e
SlurmctldHost=localhost
SlurmctldPort=${SLURM_E2E_CTLD_PORT:-16817}
SlurmdPort=${SLURM_E2E_SLURMD_PORT:-16818}
AuthType=auth/munge
AuthInfo=socket=$WORK/run/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=3600
$node State=UNKNOWN
PartitionName=e2e Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
}

start_slurm() {
  mkdir -p "$WORK/state" "$WORK/spool"
  write_slurm_conf
  export SLURM_CONF="$WORK/slurm.conf"
  slurmctld -D -i >"$WORK/log/slurmctld.log" 2>&1 &
  DAEMONS+=($!)
  until scontrol ping 2>/dev/null | grep -q UP; do
    alive "starting slurmctld"
    before_deadline "starting slurmctld"
    sleep 0.5
  done
  slurmd -D -N localhost >"$WORK/log/slurmd.log" 2>&1 &
  DAEMONS+=($!)
  until [[ "$(sinfo -h -n localhost -o %t 2>/dev/null)" == idle ]]; do
    alive "waiting for the node to be idle"
    before_deadline "waiting for the node to be idle (sinfo: $(sinfo -h -n localhost -o %t 2>&1))"
    sleep 0.5
  done
}

# --- the jobs ---------------------------------------------------------------------------------

# Waits until none of the given jobs is queued or running; fails if one can never start.
wait_jobs() {
  local jobs=$1 queued
  while queued=$(squeue -h -j "$jobs" -o '%i %T %r' 2>/dev/null) && [[ -n "$queued" ]]; do
    if grep -q DependencyNeverSatisfied <<<"$queued"; then
      report_jobs "${jobs%%,*}" || true
      fail "a job's dependency can never be satisfied (an array task failed): $queued"
    fi
    before_deadline "waiting for jobs $jobs ($(tr '\n' ';' <<<"$queued"))"
    alive "waiting for jobs $jobs"
    sleep 1
  done
}

# `scontrol -o show job` lines in array task order (Slurm lists the last task first).
by_task() {
  awk '{ t = 0; for (i = 1; i <= NF; i++) if ($i ~ /^ArrayTaskId=/) t = substr($i, 13);
         print t "\t" $0 }' | sort -n -k1,1 | cut -f2-
}

# Prints one line per job (each array task is one); false unless all COMPLETED with 0:0.
report_jobs() {
  local jobs=$1 line id task state code bad=0
  while read -r line; do
    id=$(grep -o '^JobId=[0-9]*' <<<"$line" | cut -d= -f2)
    task=$(grep -o ' ArrayTaskId=[0-9]*' <<<"$line" | cut -d= -f2 || true)
    state=$(grep -o 'JobState=[A-Z_]*' <<<"$line" | cut -d= -f2)
    code=$(grep -o ' ExitCode=[0-9:]*' <<<"$line" | cut -d= -f2)
    if [[ -n "$task" ]]; then
      say "  job $id = ${jobs}_$task (--shard $((task + 1))/$SHARDS): $state, exit $code"
    else
      say "  job $id: $state, exit $code"
    fi
    [[ "$state" == COMPLETED && "$code" == 0:0 ]] || bad=1
  done < <(scontrol -o show job "$jobs" | by_task)
  ((bad == 0))
}

check_jobs() {
  report_jobs "$1" || fail "a job did not complete with exit code 0"
}

# Every file of the one-machine sweep in $1 is in $2 with the same bytes, and nothing else is.
compare_dirs() {
  local one=$1 other=$2 f n=0
  diff <(cd "$one" && find . -type f | sort) <(cd "$other" && find . -type f | sort) >&2 ||
    fail "$other does not hold the same files as $one"
  while read -r f; do
    cmp "$one/$f" "$other/$f" >&2 || fail "${other#"$WORK"/}/${f#./} differs from one machine's"
    n=$((n + 1))
  done < <(cd "$one" && find . -type f | sort)
  ((n > 0)) || fail "the one-machine sweep wrote no files"
  say "  ${other#"$WORK"/}: $n files byte-identical to one machine's ($(cd "$one" &&
    find . -type f | sort | sed 's|^\./||' | xargs))"
}

main() {
  [[ $EUID -eq 0 ]] || skip "needs root (slurmd runs the jobs as any user)"
  ensure_slurm
  say "$(slurmctld -V), $(munged -V 2>&1 | head -n 1)"
  say "building the release binary"
  cargo build --locked --release --quiet
  export PATH="$ROOT/target/release:$PATH"

  WORK=$(mktemp -d "${TMPDIR:-/tmp}/failsim-slurm-e2e.XXXXXX")
  chmod 755 "$WORK"
  mkdir "$WORK/log" "$WORK/submit"
  DEADLINE=$(($(date +%s) + TIMEOUT))
  local up=$SECONDS
  start_munge
  start_slurm
  say "cluster up in $((SECONDS - up)) s ($WORK): $(sinfo -h -o 'partition %P, %D node %t, %c CPUs, %m MB' | head -n 1)"

  export SCENARIO="$ROOT/scenarios/capacity-planning.toml"
  export RESULTS="$WORK/shards" MERGED="$WORK/merged"
  local submitted job merge
  submitted=$(cd "$WORK/submit" && bash "$ROOT/examples/slurm-sweep.sh" \
    --array=0-$((SHARDS - 1)) --cpus-per-task=1 --mem=256M --time=00:10:00) ||
    fail "examples/slurm-sweep.sh could not submit the jobs"
  say "examples/slurm-sweep.sh: $submitted"
  read -r job merge < <(sed -n 's/^submitted sweep array job \([0-9]*\) and merge job \([0-9]*\);.*/\1 \2/p' \
    <<<"$submitted")
  [[ -n "$job" && -n "$merge" ]] || fail "could not read the job ids from: $submitted"
  local started=$SECONDS
  wait_jobs "$job,$merge"
  say "array job $job ($SHARDS tasks) and merge job $merge finished in $((SECONDS - started)) s:"
  check_jobs "$job"
  check_jobs "$merge"
  local k
  for ((k = 1; k <= SHARDS; k++)); do
    [[ -f "$RESULTS/shard-$k/sweep.csv" ]] || fail "shard $k wrote no sweep.csv"
    say "  shard-$k/sweep.csv: $(($(wc -l <"$RESULTS/shard-$k/sweep.csv") - 1)) runs"
  done
  [[ -f "$MERGED/sweep.csv" ]] || fail "the merge job wrote no $MERGED/sweep.csv"

  # The example's recovery path: one shard rerun alone (its directory gone, as after a failed
  # task), then merged by hand.
  rm -rf "$RESULTS/shard-3"
  local rerun
  rerun=$(cd "$WORK/submit" && SHARDS=$SHARDS sbatch --parsable --array=2 --cpus-per-task=1 \
    --mem=256M --time=00:10:00 "$ROOT/examples/slurm-sweep.sh") || fail "sbatch failed"
  rerun=${rerun%%;*}
  wait_jobs "$rerun"
  say "shard 3 rerun alone as array job $rerun (--array=2, SHARDS=$SHARDS):"
  check_jobs "$rerun"
  failsim merge "$RESULTS"/shard-* --out "$WORK/merged-again" --quiet

  say "the same sweep on one machine, without shards"
  (
    # shellcheck source=../examples/slurm-sweep.sh
    . "$ROOT/examples/slurm-sweep.sh"
    failsim sweep "$SCENARIO" "${SWEEP_ARGS[@]}" --out "$WORK/one" --quiet
  )
  compare_dirs "$WORK/one" "$MERGED"
  compare_dirs "$WORK/one" "$WORK/merged-again"
  say "PASSED"
}

trap cleanup EXIT
main "$@"
