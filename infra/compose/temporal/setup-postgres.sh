#!/bin/sh
# Creates Temporal's databases in the stack's Postgres and brings both schemas to the version this
# admin-tools image ships. Safe to re-run: `create` fails on an existing database (ignored below),
# `setup-schema -v 0.0` skips a database already past 0.0, `update-schema` applies only newer steps.
set -eu

schemas=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" \
    -u "$POSTGRES_USER" "$@"
}

for pair in temporal:temporal temporal_visibility:visibility; do
  database="${pair%%:*}"
  schema="${pair##*:}"
  sql_tool --db "$database" create 2>/dev/null || echo "database $database exists"
  sql_tool --db "$database" setup-schema -v 0.0
  sql_tool --db "$database" update-schema -d "$schemas/$schema/versioned"
done
echo 'temporal schema ready'
