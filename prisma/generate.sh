#!/usr/bin/env bash
# Generates the Prisma client offline. `prisma generate` wants the native schema engine, which no
# registry here ships; generation itself does not use it, so a stub that exits 1 satisfies the
# check (see shared stack notes).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
stub="$root/.data/bin/prisma-schema-engine-stub"
mkdir -p "$(dirname "$stub")"
printf '#!/bin/sh\nexit 1\n' > "$stub"
chmod +x "$stub"
cd "$root"
PRISMA_SCHEMA_ENGINE_BINARY="$stub" CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1 \
  npx prisma generate --schema prisma/schema.prisma >/dev/null
