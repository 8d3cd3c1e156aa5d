#!/usr/bin/env bash
# Measures issue 8's watch figures (BENCHMARKS.md, "Issue 8") on SQLite,
# and on PostgreSQL when ROCCA_TEST_POSTGRES_URL names a server (a role
# allowed to create databases; `source /work/notes/pg.env` or
# scripts/postgres.sh):
#
#   c. full re-match after importing the whole shared corpus (every
#      vulndata/osv/*.zip + CISA KEV) into a portfolio of 1,000 versions ×
#      1,000 components stored while the knowledge base was empty;
#   a. one new OSV record affecting a package in 1, 10 and 1,000 versions;
#   b. a CISA KEV change touching 100 versions;
#   d. `rocca db import` of one record into a running `rocca serve`'s
#      database until the signed webhook is received.
#
# Run from anywhere, no arguments: bench/watch.sh. Figures are JSON lines
# on stdout (bench/watch prints them), progress and load averages on
# stderr. Every timed figure of a, b and c is watch.Watcher.Run itself
# (Report.Took); d is wall time seen from outside.
#
# Environment: ROCCA_CORPORA (../shared/corpora beside the repository),
# BENCH_REPS (5), BENCH_WORK (a temporary directory, kept: the databases
# are large, about 1.3 GB each on SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export GOTOOLCHAIN=local
CORPORA=${ROCCA_CORPORA:-$ROOT/../shared/corpora}
[ -d "$CORPORA/vulndata/osv" ] || { echo "watch.sh: no OSV zips under $CORPORA" >&2; exit 1; }
KEV=$CORPORA/vulndata/kev/known_exploited_vulnerabilities.json
REPS=${BENCH_REPS:-5}
WORK=${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/rocca-watch.XXXXXX")}
mkdir -p "$WORK"
step() { printf '\n== %s (load %s)\n' "$*" "$(cut -d' ' -f1-3 /proc/loadavg)" >&2; }

step "build"
go build -o "$WORK/rocca" ./cmd/rocca
go build -o "$WORK/gensbom" ./bench/gensbom
go build -o "$WORK/watch" ./bench/watch
# The pool the versions draw their components from: real packages of the
# corpus, 5% of them at an affected version.
"$WORK/gensbom" -n 15000 -seed 8 -vuln 0.05 -o "$WORK/pool.cdx.json" "$CORPORA"/vulndata/osv/*.zip

# engine NAME BASE-URL COPY: runs every scenario on one engine. COPY makes
# a fresh copy of a database: copy FROM TO-NAME, printing the copy's URL.
scenarios() {
  local name=$1 base=$2 copy=$3
  step "$name: portfolio (1,000 versions × 1,000 components)"
  "$WORK/watch" build -db "$base" -pool "$WORK/pool.cdx.json"
  step "$name: import the whole corpus"
  /usr/bin/time -f "import: %e s wall, %M KiB peak" "$WORK/rocca" db import --database "$base" "$CORPORA"/vulndata/osv/*.zip "$KEV" >"$WORK/import-$name.log" 2>&1 || true
  tail -n 2 "$WORK/import-$name.log" >&2
  local c; c=$($copy "$base" c)
  step "$name: c. full re-match"
  "$WORK/watch" rematch -db "$c"
  for n in 1 10 1000; do
    local a; a=$($copy "$c" "a$n")
    step "$name: a. new advisory, package in $n versions"
    "$WORK/watch" advisory -db "$a" -n "$n" -reps "$REPS"
  done
  local b; b=$($copy "$c" b)
  step "$name: b. KEV change, 100 versions"
  "$WORK/watch" kev -db "$b" -kev "$KEV" -reps "$REPS"
  local d; d=$($copy "$c" d)
  step "$name: d. db import → webhook"
  "$WORK/watch" e2e -db "$d" -rocca "$WORK/rocca" -reps "$REPS"
}

sqlite_copy() { rm -f "$WORK/sqlite-$2.db"*; cp "$1" "$WORK/sqlite-$2.db"; echo "$WORK/sqlite-$2.db"; }
rm -f "$WORK/sqlite-base.db"*
scenarios sqlite "$WORK/sqlite-base.db" sqlite_copy

if [ -n "${ROCCA_TEST_POSTGRES_URL:-}" ]; then
  PREFIX=rocca_watch_$$
  pg_url() { echo "$ROCCA_TEST_POSTGRES_URL" | sed -E "s|/[^/?]*(\?\|$)|/$1\1|"; }
  pg_copy() {
    local from=${1##*/}; from=${from%%\?*}
    psql "$ROCCA_TEST_POSTGRES_URL" -Xqc "DROP DATABASE IF EXISTS ${PREFIX}_$2" -c "CREATE DATABASE ${PREFIX}_$2 TEMPLATE $from" >&2
    pg_url "${PREFIX}_$2"
  }
  psql "$ROCCA_TEST_POSTGRES_URL" -Xqc "CREATE DATABASE ${PREFIX}_base" >&2
  trap 'for d in base c a1 a10 a1000 b d; do psql "$ROCCA_TEST_POSTGRES_URL" -Xqc "DROP DATABASE IF EXISTS ${PREFIX}_$d WITH (FORCE)" >&2 || true; done' EXIT
  scenarios postgres "$(pg_url "${PREFIX}_base")" pg_copy
fi
step "done; work directory $WORK"
