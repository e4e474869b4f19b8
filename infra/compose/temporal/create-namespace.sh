#!/bin/sh
# Registers the namespace the API and workers use (the server image no longer does it).
set -eu

namespace="${TEMPORAL_NAMESPACE:-default}"
temporal operator cluster health --address "$TEMPORAL_ADDRESS"
if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$namespace" \
  >/dev/null; then
  echo "namespace $namespace exists"
else
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$namespace" \
    --retention "${TEMPORAL_RETENTION:-720h}"
fi
