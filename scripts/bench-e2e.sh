#!/usr/bin/env bash
# End-to-end benchmark: whole-process wall time and peak memory of `failsim run` (release,
# --no-charts; best of 3 runs) at 10k, 100k and 1M users, the 100k -> 1M cost ratio, and the default
# 2,000-user scenario averaged over 20 runs, with and without charts, and users.csv against
# users.parquet at 1M users. Run on an otherwise idle machine.
#   scripts/bench-e2e.sh            # all figures
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/failsim
scenario=scenarios/workspaces-failover.toml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

measure() { # users -> "wall_s peak_kb events sim_s", best wall time of 3 runs
  local users=$1 log="$tmp/time-$1.txt" best="" line
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -v "$bin" run "$scenario" --set "users.staff.count=$users" --no-charts \
      --out "$tmp/out-$users" --quiet 2> "$log" >/dev/null
    t1=$(date +%s%N)
    local peak events sim
    peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    events=$(sed -n 's/^simulated \([0-9]*\) events in \([0-9.]*\) s.*/\1/p' "$log")
    sim=$(sed -n 's/^simulated \([0-9]*\) events in \([0-9.]*\) s.*/\2/p' "$log")
    line=$(awk -v ns=$((t1 - t0)) -v p="$peak" -v e="$events" -v s="$sim" 'BEGIN { printf "%.4f %s %s %s", ns / 1e9, p, e, s }')
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
      best=$line
    fi
  done
  echo "$best"
}

printf '%-10s %10s %12s %12s %14s\n' users wall_s peak_MiB events sim_Mevents/s
declare -A walls
for users in 10000 100000 1000000; do
  read -r wall peak events sim < <(measure "$users")
  walls[$users]=$wall
  awk -v u="$users" -v w="$wall" -v p="$peak" -v e="$events" -v s="$sim" \
    'BEGIN { printf "%-10s %10.3f %12.1f %12s %14.2f\n", u, w, p / 1024, e, e / s / 1e6 }'
done
awk -v a="${walls[1000000]}" -v b="${walls[100000]}" 'BEGIN { printf "100k -> 1M wall-time ratio: %.1f (target <= 12)\n", a / b }'

start=$(date +%s%N)
for _ in $(seq 20); do
  "$bin" run "$scenario" --no-charts --out "$tmp/default" --quiet 2>/dev/null
done
end=$(date +%s%N)
awk -v ns=$((end - start)) 'BEGIN { printf "default 2,000-user scenario: %.1f ms per run (whole process, --no-charts, mean of 20)\n", ns / 20 / 1e6 }'

# The README's main command: charts in both formats and report.html.
start=$(date +%s%N)
for _ in $(seq 20); do
  "$bin" run "$scenario" --out "$tmp/default-charts" --quiet 2>/dev/null
done
end=$(date +%s%N)
awk -v ns=$((end - start)) 'BEGIN { printf "default 2,000-user scenario with charts and report.html: %.1f ms per run (mean of 20)\n", ns / 20 / 1e6 }'

# users.csv against users.parquet at 1M users (whole process, --no-charts; file sizes).
for format in csv parquet; do
  start=$(date +%s%N)
  "$bin" run "$scenario" --set users.staff.count=1000000 --no-charts --users-format "$format" \
    --out "$tmp/users-$format" --quiet 2>/dev/null
  end=$(date +%s%N)
  size=$(stat -c %s "$tmp/users-$format/users.$format")
  awk -v ns=$((end - start)) -v f="$format" -v b="$size" \
    'BEGIN { printf "1M users, users.%s: %.2f s whole run, %.1f MB\n", f, ns / 1e9, b / 1e6 }'
done
