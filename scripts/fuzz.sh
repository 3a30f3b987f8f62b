#!/usr/bin/env bash
# Fuzzes the API from its own OpenAPI document: starts the embedded stack (the binary given, or
# target/debug/genese-local) on a free port over a throw-away state folder, signs in as each demo
# role, and runs schemathesis (pinned in scripts/requirements-dev.txt) against the document the
# stack serves at /local/openapi.json, a bounded number of examples per operation.
#
# Checked on every response: no 5xx; every status documented; the body and content type as
# documented (every error application/problem+json); data the schema refuses is refused (4xx)
# and data it accepts is not refused as malformed (400). Exits non-zero on any failure.
#
#   scripts/fuzz.sh [path/to/genese-local]
#   FUZZ_MAX_EXAMPLES=20 FUZZ_SEED=1 scripts/fuzz.sh      # more cases, or another seed
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/target/debug/genese-local}
SCHEMATHESIS=${SCHEMATHESIS:-$ROOT/.venv/bin/schemathesis}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-25}
SEED=${FUZZ_SEED:-20261130}
PASSWORD=Demo-Password-1

[[ -x $BIN ]] || { echo "fuzz: no stack binary at $BIN (cargo build -p local)" >&2; exit 2; }
[[ -x $SCHEMATHESIS ]] || { echo "fuzz: no schemathesis at $SCHEMATHESIS (make setup)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/genese-fuzz.XXXXXX")
STACK_PID=
cleanup() {
  if [[ -n $STACK_PID ]]; then
    kill "$STACK_PID" 2>/dev/null || true
    wait "$STACK_PID" 2>/dev/null || true
  fi
  if [[ -n ${FUZZ_KEEP:-} ]]; then echo "fuzz: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

# PORT=0: the stack binds a free port and prints its URL.
PORT=0 STATE_DIR="$WORK/state" RUST_LOG=${RUST_LOG:-warn} "$BIN" >"$WORK/stack.out" 2>"$WORK/stack.log" &
STACK_PID=$!
BASE=
for _ in $(seq 1 600); do
  BASE=$(sed -n 's/^Genese embedded stack listening on \(http:[^ ]*\).*/\1/p' "$WORK/stack.out")
  [[ -n $BASE ]] && break
  kill -0 "$STACK_PID" 2>/dev/null || { cat "$WORK/stack.log" >&2; echo "fuzz: the stack did not start" >&2; exit 1; }
  sleep 0.2
done
[[ -n $BASE ]] || { echo "fuzz: the stack did not print its URL" >&2; exit 1; }
echo "fuzz: stack at $BASE (state $WORK/state)"

curl -sf "$BASE/local/openapi.json" -o "$WORK/openapi.json"
ROUTES=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for p in d["paths"].values() for m in p if m in ("get","put","post","delete","patch")))' "$WORK/openapi.json")
echo "fuzz: $ROUTES operations documented"

token() {
  curl -sf "$BASE/local/auth/token" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["idToken"])'
}

# Each role fuzzes the operations it is meant for (the others answer it 403, which the role
# that owns them covers); Slack and /health need no token: their own pass sends none.
# role | user | tags
# Order matters, as each pass changes the state the next one meets (schemathesis reads real ids
# back from listings): the applicant goes before the recruiter, whose pass edits and deletes bank
# questions (a bank emptied below the exam policy answers `POST /exams` with 503 by design); the
# admin goes last of the staff, as its pass may offboard them; the applicant's erasure (its
# own tag) runs last of all, as everything the applicant's token asks after it is 410.
PASSES=(
  "applicant|applicant@example.test|exam,applicants"
  "recruiter|recruiter@genese.test|questions,results,applicants"
  "manager|manager@acme.test|employees,events,attendance,leave"
  "employee|employee@acme.test|company,events,attendance,leave"
  "admin|admin@acme.test|company,employees,events,attendance,leave"
  "anonymous||slack,health"
  "applicant|applicant@example.test|erasure"
)
# Every token first, while every demo user can still sign in.
declare -A TOKENS
for pass in "${PASSES[@]}"; do
  IFS='|' read -r role user _ <<<"$pass"
  [[ -z $user ]] || TOKENS[$role]=$(token "$user")
done

# What a response is held to. positive_data_acceptance takes 422 too: the schema states the
# shape, and rules beyond it (a real time zone, an end after the start) are refused with 422.
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection,positive_data_acceptance
cat >"$WORK/schemathesis.toml" <<'EOF'
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]

# A photo is a base64 JPEG, PNG or WebP of a face: a schema-valid string that is not one is
# refused as unreadable (400) or of the wrong type (415), as documented.
[[operations]]
include-path-regex = "(/face|/check-in|/check-out)$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "413", "415", "422", "429"]
EOF

FAILED=0
TOTAL_CASES=0
for pass in "${PASSES[@]}"; do
  IFS='|' read -r role user tags <<<"$pass"
  auth=()
  if [[ -n $user ]]; then
    auth=(-H "Authorization: Bearer ${TOKENS[$role]}")
  fi
  echo
  echo "fuzz: === $role: tags $tags, at most $MAX_EXAMPLES examples per operation"
  set +e
  (cd "$WORK" && PYTHONPATH="$ROOT/scripts" SCHEMATHESIS_HOOKS=fuzz_hooks "$SCHEMATHESIS" --config-file "$WORK/schemathesis.toml" run "$WORK/openapi.json" \
    --url "$BASE" "${auth[@]}" \
    --include-tag-regex "^(${tags//,/|})\$" \
    --checks "$CHECKS" \
    --max-examples "$MAX_EXAMPLES" --seed "$SEED" --no-shrink \
    --phases examples,coverage,fuzzing \
    --workers 1 --request-timeout 30 \
    --report ndjson --report-ndjson-path "$WORK/$role.ndjson" \
    --output-truncate true) | tee "$WORK/$role.out"
  status=${PIPESTATUS[0]}
  set -e
  cases=$(python3 - "$WORK/$role.ndjson" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    event = json.loads(line)
    for kind, body in event.items():
        if kind == "ScenarioFinished":
            n += len((body.get("recorder") or {}).get("cases") or {})
print(n)
PY
)
  TOTAL_CASES=$((TOTAL_CASES + cases))
  echo "fuzz: $role: $cases cases, schemathesis exit $status"
  [[ $status -eq 0 ]] || FAILED=1
done

echo
echo "fuzz: $ROUTES operations, $TOTAL_CASES cases in ${#PASSES[@]} passes (roles admin, manager, employee, recruiter, applicant, and no token)"
if grep -q ' 5[0-9][0-9] ' "$WORK/stack.log" 2>/dev/null || grep -q '"status":5[0-9][0-9]' "$WORK/stack.log" 2>/dev/null; then
  echo "fuzz: the stack logged server errors:" >&2
  grep -E 'request failed|status=5[0-9]{2}' "$WORK/stack.log" | head -20 >&2 || true
fi
if [[ $FAILED -ne 0 ]]; then
  echo "fuzz: FAILED" >&2
  exit 1
fi
echo "fuzz: passed"
