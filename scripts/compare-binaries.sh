#!/usr/bin/env bash
# Byte-identity check between two failsim binaries: runs every bundled scenario (with charts,
# every chart format), a traced run, a small sweep, a sharded sweep and its merge, staleness,
# compare, sensitivity and a goal-seek with each binary and compares every file written. Used to prove that a refactor changes no output.
#   scripts/compare-binaries.sh OLD_BINARY NEW_BINARY
# Exits 0 when every file is identical, 1 (listing the differences) otherwise.
set -euo pipefail
old=$1 new=$2
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

run_both() { # name, then failsim arguments with @OUT@ for the output directory
  local name=$1; shift
  for side in old new; do
    local bin=$old; [ "$side" = new ] && bin=$new
    local args=()
    for a in "$@"; do args+=("${a//@OUT@/$tmp/$side/$name}"); done
    mkdir -p "$tmp/$side"
    "$bin" "${args[@]}" >"$tmp/$side/$name.stdout" 2>"$tmp/$side/$name.stderr" \
      && echo 0 >"$tmp/$side/$name.rc" || echo $? >"$tmp/$side/$name.rc"
    # Timing lines on stderr carry wall-clock figures; drop them before comparing.
    grep -v -E '(events/s|in [0-9.]+ ?m?s\b| ms wall|elapsed)' "$tmp/$side/$name.stderr" \
      >"$tmp/$side/$name.stderr.cmp" || true
    rm "$tmp/$side/$name.stderr"
  done
}

for s in scenarios/*.toml; do
  n=$(basename "$s" .toml)
  run_both "run-$n" run "$s" --out @OUT@ --format both
  run_both "check-$n" check "$s"
done
run_both run-traced run scenarios/workspaces-failover.toml --seed 7 --trace-users 5 --out @OUT@ --no-charts
run_both run-set run scenarios/alarm-failover.toml --set dns.ttl=300s --out @OUT@ --format svg
run_both sweep sweep scenarios/workspaces-failover.toml --vary dns.ttl=30s,300s \
  --vary health_check.primary.interval=10s,30s -r 3 --out @OUT@
for k in 1 2 3; do
  run_both "shard-$k" sweep scenarios/workspaces-failover.toml --vary dns.ttl=30s,60s,300s \
    -r 2 --shard "$k/3" --out "@OUT@"
done
for side in old new; do
  bin=$old; [ "$side" = new ] && bin=$new
  "$bin" merge "$tmp/$side/shard-1" "$tmp/$side/shard-2" "$tmp/$side/shard-3" \
    --out "$tmp/$side/merged" >"$tmp/$side/merge.stdout" 2>&1 || echo "merge failed ($side)" >>"$tmp/$side/merge.stdout"
done
run_both staleness staleness --population internet --ttl 20s --instances 2000 --rate 100
run_both staleness-clients staleness --population internet --ttl 60s --instances 500 \
  --client-cache 15m --clients 4
run_both compare compare scenarios/workspaces-failover.toml --set dns.ttl=300s -r 3 --out @OUT@
run_both compare-json compare scenarios/workspaces-failover.toml --base-set dns.ttl=30s \
  --seed 5 -r 2 -j 1 --json --format svg --out @OUT@
run_both sensitivity sensitivity scenarios/workspaces-failover.toml --vary dns.ttl=30s..300s \
  --vary health_check.primary.failure_threshold=1..5 -r 2 --out @OUT@
run_both find sweep scenarios/capacity-planning.toml \
  --find region.us-east-1.launch_concurrency=10..1000 -r 2 --verify 2 --json --out @OUT@

# Paths inside files differ between the two sides; normalise them.
grep -rlI --null "$tmp/old" "$tmp/old" 2>/dev/null | xargs -0 -r sed -i "s#$tmp/old#DIR#g"
grep -rlI --null "$tmp/new" "$tmp/new" 2>/dev/null | xargs -0 -r sed -i "s#$tmp/new#DIR#g"
# So do the binaries' own paths (report.html's reproduce command quotes argv[0]).
grep -rlI --null "$old" "$tmp/old" 2>/dev/null | xargs -0 -r sed -i "s#$old#failsim#g"
grep -rlI --null "$new" "$tmp/new" 2>/dev/null | xargs -0 -r sed -i "s#$new#failsim#g"
# And the commit each binary was built from, which build.rs stamps into the version string.
grep -rlI --null -E '\(commit [0-9a-f]+' "$tmp" 2>/dev/null |
  xargs -0 -r sed -i -E 's#\(commit [0-9a-f]+(-dirty)?\)#(commit C)#g'
files=$(cd "$tmp/old" && find . -type f | sort | wc -l)
if diff -r "$tmp/old" "$tmp/new" >"$tmp/diff.txt"; then
  echo "identical: $files files"
else
  echo "DIFFERENT:"; head -100 "$tmp/diff.txt"; exit 1
fi
