#!/usr/bin/env bash
# The date-robustness run: every test binary `cargo test` built (unit, handler, conformance on
# moto, end to end), run again under libfaketime at instants where a test that assumes something
# about "today" breaks. Nothing is rebuilt: only the runs repeat.
#
# Usage: scripts/date-run.sh [RFC 3339 instant ...]   (default: the instants below)
#
# How the clock is faked, and why:
# - an offset from the real clock (FAKETIME="+<seconds>"), not a fixed or start-at time: every
#   process (a test, the stack it starts, moto) then reads the same instant and time runs on, as
#   it does for a real user;
# - CLOCK_MONOTONIC stays real (FAKETIME_DONT_FAKE_MONOTONIC): Rust's timed waits hand the kernel
#   an absolute monotonic deadline, which a faked monotonic clock moves weeks away, so
#   `recv_timeout` and friends hang. That is an artefact of the tool, not a date dependency;
# - doc tests are left out (rustdoc compiles them at run time, and hangs under the library);
#   for the same reason a test that runs cargo (and so rustc) drops LD_PRELOAD for that child;
# - each binary has 300 s (the slowest, e2e, needs about a minute): a hang fails this run in
#   minutes, on every instant, instead of spending CI's whole budget.
set -euo pipefail
cd "$(dirname "$0")/.."

LIBFAKETIME=${LIBFAKETIME:-/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1}
[ -f "$LIBFAKETIME" ] || { echo "libfaketime is missing ($LIBFAKETIME): run make native-deps" >&2; exit 1; }

instants=("$@")
if [ ${#instants[@]} -eq 0 ]; then
  instants=(
    # The last minutes of a 31-day month in UTC; Asia/Kathmandu (+05:45) is already on the 1st.
    2027-01-31T23:50:00Z
    # A leap day, minutes before it ends in Asia/Kathmandu.
    2028-02-29T18:05:00Z
    # New Year's Eve, five minutes before midnight UTC.
    2027-12-31T23:55:00Z
    # Europe's spring-forward: 01:00 UTC on 28 March 2027 skips an hour in London and Berlin.
    2027-03-28T00:58:00Z
  )
fi

# The test executables, each with the package folder cargo would run it from.
mapfile -t binaries < <(cargo test --workspace --no-run --message-format=json 2>/dev/null | python3 -c '
import json, os, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("profile", {}).get("test") and m.get("executable"):
        print(os.path.dirname(m["manifest_path"]) + "\t" + m["executable"])
')
[ ${#binaries[@]} -gt 0 ] || { echo "cargo test --no-run listed no test binaries" >&2; exit 1; }

logs=target/date-run
mkdir -p "$logs"
failed=()
for instant in "${instants[@]}"; do
  target=$(date -u -d "$instant" +%s)
  offset=$(printf '%+d' $(( target - $(date -u +%s) )))
  started=$SECONDS
  for entry in "${binaries[@]}"; do
    dir=${entry%%$'\t'*}
    exe=${entry#*$'\t'}
    name=$(basename "$exe")
    log="$logs/${instant//:/}-$name.log"
    if ( cd "$dir" && CARGO_MANIFEST_DIR="$dir" \
           LD_PRELOAD="$LIBFAKETIME" FAKETIME="$offset" FAKETIME_DONT_FAKE_MONOTONIC=1 \
           timeout 300 "$exe" --quiet ) >"$log" 2>&1; then
      :
    else
      failed+=("$instant $name")
      echo "FAILED at $instant: $name (log: $log)"
      grep -E '^(---- |thread .* panicked|failures:|    [a-z_:]+$)' "$log" | head -40 || true
    fi
  done
  echo "date run at $instant: ${#binaries[@]} test binaries in $(( SECONDS - started )) s"
done

if [ ${#failed[@]} -gt 0 ]; then
  printf 'date run failed:\n'; printf '  %s\n' "${failed[@]}"
  exit 1
fi
echo "date run green at ${#instants[@]} instants"
