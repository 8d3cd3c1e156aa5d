#!/usr/bin/env bash
# Load run of issue 8, by hand: a real `rocca serve` on a copy of a
# database holding a portfolio (bench/watch.sh builds one: 1,000 versions
# × 1,000 components with their findings), and bench/load, a separate
# process on loopback, reading findings pages and uploading SBOMs at the
# same time for a bounded time. Prints the load generator's JSON report
# (per kind: requests, throughput, p50/p90/p99/max latency, errors) and
# the load average around it.
#
#   bench/load.sh DATABASE POOL.cdx.json
#
# DATABASE is a SQLite file (copied first) or a postgres:// URL of a
# database used in place (the run adds a product, versions, SBOMs and an
# API key to it). POOL is the bench/gensbom SBOM the uploads draw from.
# Environment: LOAD_DURATION (60s), LOAD_READERS (4), LOAD_UPLOADERS (2),
# LOAD_RATE (versions read per second, open loop; 0 = closed loop: each
# reader reads again at once), LOAD_COMPONENTS (1000 per uploaded SBOM),
# LOAD_WORKDIR (a temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
[ $# -eq 2 ] || { echo "usage: bench/load.sh DATABASE POOL.cdx.json" >&2; exit 2; }
DB=$1
POOL=$2
WORK=${LOAD_WORKDIR:-$(mktemp -d "${TMPDIR:-/tmp}/rocca-load.XXXXXX")}
mkdir -p "$WORK"
go build -o "$WORK/rocca" ./cmd/rocca
go build -o "$WORK/load" ./bench/load
if [[ $DB != postgres://* && $DB != postgresql://* ]]; then
  cp "$DB" "$WORK/load.db"
  DB=$WORK/load.db
fi
export ROCCA_FEEDS_SCHEDULE=false
KEY=$("$WORK/rocca" apikey create --database "$DB" --org bench --name "load-$$" | tail -n 1)
PORT=$(( 20000 + RANDOM % 20000 ))
"$WORK/rocca" serve --database "$DB" --addr "127.0.0.1:$PORT" 2>"$WORK/serve.log" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
echo "load before: $(cat /proc/loadavg)" >&2
"$WORK/load" -url "http://127.0.0.1:$PORT" -key "$KEY" -pool "$POOL" -duration "${LOAD_DURATION:-60s}" \
  -readers "${LOAD_READERS:-4}" -uploaders "${LOAD_UPLOADERS:-2}" -components "${LOAD_COMPONENTS:-1000}" \
  -rate "${LOAD_RATE:-0}"
echo "load after: $(cat /proc/loadavg)" >&2
kill "$SERVER"
wait "$SERVER" || true
echo "server log: $(grep -c 'level=ERROR' "$WORK/serve.log" || true) ERROR lines, $(grep -c 'status=5' "$WORK/serve.log" || true) 5xx responses" >&2
