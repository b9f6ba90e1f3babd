#!/usr/bin/env bash
# Fails when a crate the code uses is missing from the dependency graph of a platform
# failsim is built for (macOS on Apple silicon and Intel, Windows, Linux). A crate declared
# only for some platforms (a `[target.'cfg(...)'.dependencies]` entry) may be used in
# src/platform.rs alone, behind the matching cfg there.
# Needs no cross toolchain: `cargo tree --target` reads the manifest and the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(aarch64-apple-darwin x86_64-apple-darwin x86_64-pc-windows-msvc x86_64-unknown-linux-gnu)

# Every normal dependency, as its Rust name, and whether it is platform-limited.
deps=$(cargo metadata --locked --format-version 1 --no-deps | python3 -c '
import json, sys
for d in json.load(sys.stdin)["packages"][0]["dependencies"]:
    if d["kind"] is None:
        print((d.get("rename") or d["name"]).replace("-", "_"), "limited" if d.get("target") else "all")
')
status=0
while read -r crate scope; do
  # Files outside src/platform.rs that name the crate in a path (`crate::` or `use crate`).
  users=$(grep -rlE "(^|[^A-Za-z0-9_])${crate}::" src --include='*.rs' | grep -v '^src/platform.rs$' || true)
  if [ "$scope" = limited ] && [ -n "$users" ]; then
    echo "error: \`$crate\` is a platform-limited dependency but is used outside src/platform.rs:" $users
    status=1
  fi
  [ -n "$users" ] || continue
  for t in "${targets[@]}"; do
    if ! cargo tree --locked --target "$t" -e normal --depth 1 --prefix none 2>/dev/null \
        | awk '{print $1}' | tr - _ | grep -qx "$crate"; then
      echo "error: \`$crate\` is used in $(echo $users | tr ' ' ',') but is not a dependency on $t"
      status=1
    fi
  done
done <<< "$deps"
[ "$status" = 0 ] && echo "platform dependencies: every crate the code uses is in the graph of ${targets[*]}"
exit $status
