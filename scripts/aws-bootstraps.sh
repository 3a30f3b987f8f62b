#!/usr/bin/env bash
# AWS mode's bootstraps: every function of template.yaml built with the feature resolution
# `sam build` uses (in its CodeUri, `--bin <Binary>`, no -p, so the workspace's default members
# only), natively and in the dev profile, then copied to target/aws-mode/bootstraps/<Binary>.
# The profile and the architecture differ from SAM's arm64 release; the code and its features do
# not. The dependencies are the ones `cargo build --workspace` already compiled, so this mostly
# links.
set -euo pipefail
cd "$(dirname "$0")/.."
# AWS_MODE_BOOTSTRAPS, as AWS mode reads it, puts another build's bootstraps elsewhere (make bench-aws-e2e).
out=${AWS_MODE_BOOTSTRAPS:-target/aws-mode/bootstraps}
mkdir -p "$out"
.venv/bin/python scripts/sam-builds.py template.yaml | while read -r dir binary; do
  exe=$(cd "$dir" && cargo build --quiet --bin "$binary" --message-format=json | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable"):
        print(m["executable"])
')
  [ -n "$exe" ] || { echo "cargo built no executable for $binary in $dir" >&2; exit 1; }
  cp "$exe" "$out/$binary.tmp" && mv "$out/$binary.tmp" "$out/$binary"
done
echo "aws-mode bootstraps: $(ls "$out" | wc -l) in $out"
