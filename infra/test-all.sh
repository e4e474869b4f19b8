#!/usr/bin/env bash
# The whole test suite, as README's second command runs it: setup, lint, format, typecheck,
# the trainer's pytest, then vitest's unit and integration projects (real Postgres and Temporal
# started by the suite itself). Ends with one line: "tests: N passed, N failed".
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
bash infra/setup.sh --for-tests || exit 1

results="$root/.data/test-results"
rm -rf "$results" && mkdir -p "$results"
venv="$(npx tsx -e "import {loadConfig} from '@ttpgrid/config'; process.stdout.write(loadConfig().venvDir)")"
failed_steps=()

step() {
  local name="$1"
  shift
  printf '\n=== %s\n' "$name"
  local start=$SECONDS
  if "$@"; then
    printf '=== %s: ok (%ss)\n' "$name" $((SECONDS - start))
  else
    printf '=== %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
    failed_steps+=("$name")
  fi
}

step "eslint" npx eslint . --max-warnings=0
step "prettier" npx prettier --check . --log-level warn
step "typecheck" npm run --silent typecheck
step "ruff" bash -c "cd apps/trainer && '$venv/bin/ruff' check . && '$venv/bin/ruff' format --check ."
step "pytest" bash -c "cd apps/trainer && PYTHONPATH=src '$venv/bin/pytest' -q \
  --junitxml='$results/pytest.xml'"
step "vitest" npx vitest run --reporter=default --reporter=json \
  --outputFile.json="$results/vitest.json"

npx tsx infra/test-summary.ts "$results"
summary_rc=$?
if (( ${#failed_steps[@]} > 0 )); then
  printf 'failed steps: %s\n' "${failed_steps[*]}"
  exit 1
fi
exit $summary_rc
