#!/usr/bin/env bash
# README's first command: the main job on real data with embedded defaults. Installs what is
# missing, then runs experiments/smoke.yaml end to end (services, workers, dataset, grid, table).
#   npm run main              run the smoke grid and print its table
#   npm run main -- --serve   keep the API and UI up afterwards, until Ctrl-C
#   npm run main -- experiments/smoke-finetune.yaml
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash infra/setup.sh
spec=experiments/smoke.yaml
if [[ $# -gt 0 && "$1" != -* ]]; then
  spec="$1"
  shift
fi
exec npx ttpgrid run "$spec" "$@"
