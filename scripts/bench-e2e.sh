#!/usr/bin/env bash
# End-to-end benchmark: every figure of the README's Performance table, measured on the whole
# process (release build): wall time (median of several runs) and peak resident memory
# (/usr/bin/time -v) of `failsim run` on the bundled scenario at 2,000 (default), 100k, 1M and
# optionally 10M users, with 1 and 2 threads, the per-user cost ratio between sizes, the README's
# main command with charts and report.html, and a 1,000-run sweep with 1 and 2 jobs.
# Run it on an otherwise idle machine; the figures are only as good as the machine is quiet.
#   scripts/bench-e2e.sh              # everything but 10M users
#   BENCH_10M=1 scripts/bench-e2e.sh  # also 10,000,000 users (about a minute, ~2 GiB)
#   RUNS=5 scripts/bench-e2e.sh       # runs per figure (median), default 5 (3 above 1M users)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
scenario=scenarios/workspaces-failover.toml
runs=${RUNS:-5}
tmp=$(mktemp -d)
shm=
trap 'rm -rf "$tmp"; [ -z "$shm" ] || rm -rf "$shm"' EXIT
# A copy of the binary is measured, as `cargo install` would place it. The file the linker
# has just written starts about 0.3 ms slower on this VM for as long as the kernel keeps it
# cached as written (the 2,000-user run: 4.07-4.10 ms straight from target/, 3.75 ms from a
# fresh copy, 3.8 ms from either once read back from disk after the page cache was dropped):
# a property of how the linker writes the file, not of failsim.
cp target/release/failsim "$tmp/failsim"
bin=$tmp/failsim
[ -x /usr/bin/time ] || { echo "bench-e2e: needs /usr/bin/time (Debian package: time)" >&2; exit 1; }

has_flag() { # subcommand flag -> 0 when this build of failsim accepts the flag
  "$bin" "$1" --help 2>/dev/null | grep -q -- "$2"
}

# median_of N CMD...: runs CMD N times; prints "median_wall_s max_peak_mib"
median_of() {
  local n=$1 i walls=() peak=0 log="$tmp/time.log"
  shift
  for ((i = 0; i < n; i++)); do
    local t0 t1 p
    t0=$(date +%s%N)
    /usr/bin/time -v "$@" > /dev/null 2> "$log" || { cat "$log" >&2; exit 1; }
    t1=$(date +%s%N)
    walls+=("$((t1 - t0))")
    p=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    ((p > peak)) && peak=$p
  done
  printf '%s\n' "${walls[@]}" | sort -n | awk -v peak="$peak" '
    { w[NR] = $1 }
    END { m = (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2
          printf "%.4f %.1f\n", m / 1e9, peak / 1024 }'
}

row() { # label target wall peak
  printf '%-58s %-22s %10s s %9s MiB\n' "$1" "$2" "$3" "$4"
}

threads_flag=()
has_flag run --threads && threads_flag=(--threads)
run_users() { # users threads -> "wall peak"
  local users=$1 threads=$2 n=$runs extra=()
  ((users > 1000000)) && n=3
  [ ${#threads_flag[@]} -gt 0 ] && extra=(--threads "$threads")
  median_of "$n" "$bin" run "$scenario" --set "users.staff.count=$users" --no-charts \
    --out "$tmp/out-$users" --quiet "${extra[@]}"
}

echo "failsim $("$bin" --version | awk '{print $2}') on $(nproc) cores; $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); median of $runs runs"
printf '%-58s %-22s %12s %13s\n' workload target wall peak
# small_run LABEL TARGET ARGS...: a run of a few milliseconds. /usr/bin/time and the shell's
# fork add about as much as the run itself, so with hyperfine installed its median of 40 runs
# (no shell, 5 warm-ups) is the wall figure; the peak memory still comes from /usr/bin/time.
# @OUT@ in ARGS is the output directory. A run this short spends a tenth of its time creating,
# writing and removing its nine files, and how long that takes depends on the file system
# more than on failsim: on an ext4 file system without a journal (such as this reference
# VM's), creating a file skips every inode deleted in the last few minutes, so hundreds of
# runs in a row slow each other down. So the row is measured twice: with the output in memory
# (tmpfs, /dev/shm) when the machine has one, and on the disk of the temporary directory.
small_run() {
  local label=$1 target=$2 w p where dir
  shift 2
  local places=("disk:$tmp")
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    shm=$(mktemp -d /dev/shm/failsim-bench.XXXXXX)
    places=("tmpfs:$shm" "disk:$tmp")
  fi
  for place in "${places[@]}"; do
    where=${place%%:*} dir=${place#*:}
    local args=()
    for a in "$@"; do args+=("${a//@OUT@/$dir/small}"); done
    if command -v hyperfine > /dev/null; then
      # /usr/bin/time only for the peak memory then: a few runs are enough.
      read -r w p < <(median_of 3 "$bin" "${args[@]}")
      hyperfine -N -w 5 -r 40 --export-json "$tmp/hf.json" "$bin ${args[*]}" > /dev/null 2>&1
      w=$(python3 -c 'import json,sys; print("%.5f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$tmp/hf.json")
    else
      read -r w p < <(median_of "$((runs * 4))" "$bin" "${args[@]}")
    fi
    row "$label, output on $where" "$target" "$w" "$p"
  done
  [ -z "$shm" ] || rm -rf "$shm"
  shm=
}
command -v hyperfine > /dev/null && echo "(the two rows below: hyperfine median of 40 runs)"
small_run "2,000 users, --no-charts" "<= 0.004 s" \
  run "$scenario" --no-charts --out @OUT@ --quiet
small_run "README main command (charts + report.html)" "<= 0.025 s" \
  run "$scenario" --out @OUT@ --quiet

sizes=(100000 1000000)
[ "${BENCH_10M:-0}" = 1 ] && sizes+=(10000000)
declare -A wall1
for users in "${sizes[@]}"; do
  case $users in
    100000) target="<= 0.2 s" ;;
    1000000) target="<= 1.5 s, 300 MiB" ;;
    *) target="<= 20 s, 2.5 GiB" ;;
  esac
  for threads in 1 2; do
    [ ${#threads_flag[@]} -eq 0 ] && [ "$threads" = 2 ] && continue
    read -r w p < <(run_users "$users" "$threads")
    [ "$threads" = 1 ] && wall1[$users]=$w
    label="$users users, --no-charts"
    [ ${#threads_flag[@]} -gt 0 ] && label+=", --threads $threads"
    row "$label" "$target" "$w" "$p"
  done
done
largest=${sizes[-1]}
awk -v a="${wall1[$largest]}" -v b="${wall1[100000]}" -v n="$largest" \
  'BEGIN { printf "per-user cost, %d users vs 100,000 (1 thread): %.2fx (target <= 1.3x)\n", n, (a / n) / (b / 100000) }'

if has_flag run --users-format; then
  read -r w p < <(median_of 3 "$bin" run "$scenario" --set users.staff.count=1000000 --no-charts \
    --out "$tmp/parquet" --quiet --users-format parquet)
  row "1000000 users, --users-format parquet" "" "$w" "$p"
  ls -l "$tmp/out-1000000/users.csv" "$tmp/parquet/users.parquet" 2>/dev/null |
    awk '{ printf "  %-40s %8.1f MiB\n", $NF, $5 / 1048576 }' | sed "s|$tmp/||"
fi

for jobs in 1 2; do
  read -r w p < <(median_of 3 "$bin" sweep "$scenario" --vary dns.ttl=30s,60s,120s,300s,600s \
    --replications 200 --jobs "$jobs" --out "$tmp/sweep" --quiet)
  row "sweep, 1,000 runs of the default scenario, --jobs $jobs" "<= 1.2 s on 2 cores" "$w" "$p"
done
