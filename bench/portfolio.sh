#!/usr/bin/env bash
# Measures the two portfolio-server figures of issue #4 on SQLite and on
# PostgreSQL, with the real knowledge base imported into each engine:
#
#   - BenchmarkUploadSBOM: POST of a 10,000-component SBOM (bench/gensbom)
#     through the API until its findings are stored (target < 3 s);
#   - BenchmarkFindingsFirstPage: server time of the first findings page of
#     a version holding 5,000 findings (target < 50 ms).
#
# Run from anywhere, no arguments: bench/portfolio.sh
# It prints a Markdown fragment (machine, date, load, figures as min–max
# ranges over the -count runs) on stdout; progress goes to stderr.
#
# Steps: build rocca, bench/gensbom and the internal/api test binary; start
# a throw-away PostgreSQL cluster (scripts/postgres.sh; or use the server of
# ROCCA_TEST_POSTGRES_URL when it is set); `rocca db import` the OSV zips and
# the CISA KEV catalogue into a fresh SQLite file and a fresh PostgreSQL
# database; generate the SBOM; run the benchmarks (each engine's upload
# benchmark works on a copy of its knowledge base, see bench_test.go).
#
# Environment (all optional):
#   ROCCA_CORPORA     corpora directory (default: ../shared/corpora beside the repo)
#   BENCH_ECOSYSTEMS  OSV zips to import and draw the SBOM from
#                     (default: Go PyPI npm crates.io RubyGems Packagist NuGet Maven)
#   BENCH_N           components of the SBOM (default 10000); BENCH_SEED (default 1)
#   BENCH_COUNT       -count of each benchmark (default 3)
#   BENCH_UPLOADS     uploads per upload-benchmark run (default 5)
#   BENCH_PAGES       requests per findings-benchmark run (default 300)
#   BENCH_PROFILE=1   also write CPU profiles of the upload benchmark
#   BENCH_KEEP=1      keep the work directory (databases, logs, profiles)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export GOTOOLCHAIN=local

CORPORA=${ROCCA_CORPORA:-$ROOT/../shared/corpora}
die() { printf 'portfolio.sh: %s\n' "$*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*" >&2; }
[ -d "$CORPORA/vulndata/osv" ] || die "no OSV zips at $CORPORA/vulndata/osv (set ROCCA_CORPORA)"
CORPORA=$(cd "$CORPORA" && pwd)
KEV=$CORPORA/vulndata/kev/known_exploited_vulnerabilities.json
[ -f "$KEV" ] || die "no KEV catalogue at $KEV"
command -v jq >/dev/null || die "jq is required"
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time, Debian package time) is required"
read -r -a ECOS <<<"${BENCH_ECOSYSTEMS:-Go PyPI npm crates.io RubyGems Packagist NuGet Maven}"
ZIPS=()
for e in "${ECOS[@]}"; do
  [ -f "$CORPORA/vulndata/osv/$e.zip" ] || die "no $CORPORA/vulndata/osv/$e.zip"
  ZIPS+=("$CORPORA/vulndata/osv/$e.zip")
done
N=${BENCH_N:-10000}
SEED=${BENCH_SEED:-1}
COUNT=${BENCH_COUNT:-3}
UPLOADS=${BENCH_UPLOADS:-5}
PAGES=${BENCH_PAGES:-300}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rocca-portfolio.XXXXXX")
SAMPLER=""
OWN_PG=""
KBNAME=""
cleanup() {
  [ -z "$SAMPLER" ] || kill "$SAMPLER" 2>/dev/null || true
  if [ -n "$OWN_PG" ]; then
    rocca_pg_stop "$OWN_PG"
  elif [ -n "$KBNAME" ]; then
    "$PSQL" "$ADMIN" -Xqc "DROP DATABASE IF EXISTS $KBNAME WITH (FORCE)" >&2 || true
  fi
  if [ "${BENCH_KEEP:-}" = 1 ]; then
    printf 'portfolio.sh: work directory kept: %s\n' "$WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# The 1-minute load average every 5 s while the script runs.
(while :; do cut -d' ' -f1 /proc/loadavg >>"$WORK/load"; sleep 5; done) &
SAMPLER=$!

# ---------------------------------------------------------------- build
step "build"
# The tree as built (others may commit while the benchmarks run).
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
DIRTY=$(git status --porcelain -- '*.go' '*.sql' go.mod go.sum 2>/dev/null | wc -l)
go build -o "$WORK/rocca" ./cmd/rocca
go build -o "$WORK/gensbom" ./bench/gensbom
go test -c -o "$WORK/api.test" ./internal/api

# ---------------------------------------------------------------- PostgreSQL
# shellcheck source=../scripts/postgres.sh
source "$ROOT/scripts/postgres.sh"
if [ -z "${ROCCA_TEST_POSTGRES_URL:-}" ]; then
  step "PostgreSQL: throw-away cluster"
  rocca_pg_start || die "PostgreSQL did not start"
  OWN_PG=$ROCCA_PG_DIR
fi
PSQL=$(command -v psql || true)
if [ -z "$PSQL" ]; then
  PSQL=$(rocca_pg_bindir)/psql
fi
[ -x "$PSQL" ] || die "psql not found"
ADMIN=$ROCCA_TEST_POSTGRES_URL
PG_VERSION=$("$PSQL" "$ADMIN" -XAtc 'SHOW server_version' | awk '{print $1}')
name=rocca_bench_kb_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
"$PSQL" "$ADMIN" -Xqc "CREATE DATABASE $name" >&2
KBNAME=$name
PG_KB=$(printf '%s' "$ADMIN" | sed -E "s#^(postgres(ql)?://[^/]*)/[^?]*#\1/$KBNAME#")

# ---------------------------------------------------------------- import
# seconds since the epoch with nanoseconds, for wall times
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.0f", b-a}'; }
step "import into SQLite"
t0=$(now)
"$WORK/rocca" db import -q --json --database "$WORK/kb.db" "${ZIPS[@]}" "$KEV" >"$WORK/import-sqlite.json"
IMPORT_SQLITE=$(secs "$t0" "$(now)")
step "import into PostgreSQL"
t0=$(now)
"$WORK/rocca" db import -q --json --database "$PG_KB" "${ZIPS[@]}" "$KEV" >"$WORK/import-postgres.json"
IMPORT_PG=$(secs "$t0" "$(now)")
"$WORK/rocca" db info --database "$WORK/kb.db" >"$WORK/info-sqlite.txt"
"$WORK/rocca" db info --database "$PG_KB" >"$WORK/info-postgres.txt"
ADVISORIES=$(jq '.groups.advisories' "$WORK/import-sqlite.json")
ALIAS_GROUPS=$(jq '.groups.groups' "$WORK/import-sqlite.json")
PG_ADVISORIES=$(jq '.groups.advisories' "$WORK/import-postgres.json")
[ "$ADVISORIES" = "$PG_ADVISORIES" ] || die "engines disagree: $ADVISORIES advisories on SQLite, $PG_ADVISORIES on PostgreSQL"

# ---------------------------------------------------------------- SBOM
step "generate the SBOM"
"$WORK/gensbom" -n "$N" -seed "$SEED" -o "$WORK/sbom.cdx.json" "${ZIPS[@]}" 2>"$WORK/gensbom.log"
SBOM_BYTES=$(stat -c %s "$WORK/sbom.cdx.json")
SBOM_VULN=$(sed -n 's/.*components (\([0-9]*\) vulnerable.*/\1/p' "$WORK/gensbom.log")

# ---------------------------------------------------------------- benchmarks
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
run_bench() { # OUTFILE ARGS...
  local out=$1; shift
  (cd "$ROOT/internal/api" && "$WORK/api.test" -test.run '^$' -test.count "$COUNT" "$@") >"$out" 2>&1 ||
    { cat "$out" >&2; die "benchmark failed: $*"; }
}
# pg_cpu prints the CPU seconds of our cluster's server so far: the
# postmaster's own and those of its exited children (backends are reaped by
# it, so a run's connections are counted once the run has closed them).
pg_cpu() {
  local pid
  pid=$(head -n 1 "$OWN_PG/data/postmaster.pid")
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13 + $14 + $15) / hz }' "/proc/$pid/stat"
}
# Each -count run of the upload benchmark is its own process, timed by
# /usr/bin/time, so that its CPU time can be told apart from the wall time
# other jobs on the machine stretch.
for engine in sqlite postgres; do
  db=$WORK/kb.db
  [ "$engine" = sqlite ] || db=$PG_KB
  step "BenchmarkUploadSBOM on $engine (${UPLOADS} uploads × $COUNT)"
  : >"$WORK/upload-$engine.txt"
  : >"$WORK/cpu-$engine.txt"
  for run in $(seq 1 "$COUNT"); do
    prof=()
    [ "${BENCH_PROFILE:-}" != 1 ] || prof=(-test.cpuprofile "$WORK/upload-$engine-$run.prof")
    srv0=0
    [ "$engine" = sqlite ] || [ -z "$OWN_PG" ] || srv0=$(pg_cpu)
    (cd "$ROOT/internal/api" && ROCCA_BENCH_DB=$db ROCCA_BENCH_SBOM=$WORK/sbom.cdx.json \
      /usr/bin/time -f '%U %S' -o "$WORK/time" "$WORK/api.test" -test.run '^$' -test.count 1 \
      -test.bench '^BenchmarkUploadSBOM$' -test.benchtime "${UPLOADS}x" "${prof[@]}") >"$WORK/run.txt" 2>&1 ||
      { cat "$WORK/run.txt" >&2; die "upload benchmark failed on $engine"; }
    cat "$WORK/run.txt" >>"$WORK/upload-$engine.txt"
    srv=""
    if [ "$engine" = postgres ] && [ -n "$OWN_PG" ]; then
      sleep 1
      srv=$(awk -v a="$srv0" -v b="$(pg_cpu)" 'BEGIN { printf "%.2f", b - a }')
    fi
    # client CPU seconds (user+sys) of the run, server CPU seconds (PostgreSQL)
    echo "$(awk '{ printf "%.2f", $1 + $2 }' "$WORK/time") $srv" >>"$WORK/cpu-$engine.txt"
    grep '^Benchmark' "$WORK/run.txt" >&2
  done
done
step "BenchmarkFindingsFirstPage on both engines (${PAGES} requests × $COUNT)"
run_bench "$WORK/findings.txt" -test.bench '^BenchmarkFindingsFirstPage$' -test.benchtime "${PAGES}x"
grep '^Benchmark' "$WORK/findings.txt" >&2
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
LOAD_RANGE=$(sort -n "$WORK/load" | awk 'NR==1{lo=$1} {hi=$1} END{print lo "–" hi}')

# ---------------------------------------------------------------- report
# range FILE PATTERN DIVISOR DECIMALS: min–max of ns/op of the matching lines
range() {
  grep -E "$2" "$1" | awk -v d="$3" -v p="$4" '
    { for (i = 1; i < NF; i++) if ($(i+1) == "ns/op") { v = $i / d; if (n == 0 || v < lo) lo = v; if (n == 0 || v > hi) hi = v; n++ } }
    END { if (n == 0) { print "n/a"; exit } fmt = "%." p "f"; if (sprintf(fmt, lo) == sprintf(fmt, hi)) printf fmt "\n", lo; else printf fmt "–" fmt "\n", lo, hi }'
}
metric() { grep -E '^BenchmarkUploadSBOM' "$1" | awk -v m="$2" '{ for (i = 2; i <= NF; i++) if ($i == m) v = $(i-1) } END { print v }'; }
FINDINGS_SQLITE=$(metric "$WORK/upload-sqlite.txt" findings)
FINDINGS_PG=$(metric "$WORK/upload-postgres.txt" findings)
[ "$FINDINGS_SQLITE" = "$FINDINGS_PG" ] || die "engines disagree: $FINDINGS_SQLITE findings on SQLite, $FINDINGS_PG on PostgreSQL"
# cpu ENGINE COLUMN: min–max CPU seconds per upload of the runs
cpu_per_upload() {
  awk -v c="$2" -v n="$UPLOADS" '$c != "" { v = $c / n; if (k == 0 || v < lo) lo = v; if (k == 0 || v > hi) hi = v; k++ }
    END { if (k == 0) { print "n/a"; exit } if (sprintf("%.2f", lo) == sprintf("%.2f", hi)) printf "%.2f\n", lo; else printf "%.2f–%.2f\n", lo, hi }' "$WORK/cpu-$1.txt"
}
page() { range "$WORK/findings.txt" "^BenchmarkFindingsFirstPage/$1/$2-[0-9]+[[:space:]]" 1e6 1; }

# thousands N: 10000 → 10,000
thousands() { printf '%s' "$1" | sed -E ':a; s/^([0-9]+)([0-9]{3})/\1,\2/; ta'; }
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -s)
cat <<EOF
Measured $(date -u '+%Y-%m-%d %H:%M UTC') with \`bench/portfolio.sh\` built from commit $COMMIT$( [ "$DIRTY" = 0 ] || echo " plus $DIRTY uncommitted Go/SQL files of the working tree").

Machine: $(nproc) CPUs ($cpu), $mem RAM, $os, kernel $(uname -r), $(go version | cut -d' ' -f3-4),
PostgreSQL $PG_VERSION ($( [ -n "$OWN_PG" ] && echo "throw-away cluster of scripts/postgres.sh: fsync, synchronous_commit and full_page_writes off, loopback TCP" || echo "server of ROCCA_TEST_POSTGRES_URL")).
Load average (1 min) sampled every 5 s during the run: $LOAD_RANGE; before the benchmarks $LOAD_BEFORE, after $LOAD_AFTER.

Knowledge base: \`rocca db import\` of ${ECOS[*]} OSV zips + CISA KEV: $(thousands "$ADVISORIES") advisories in $(thousands "$ALIAS_GROUPS") alias
groups on both engines; import wall time ${IMPORT_SQLITE} s on SQLite, ${IMPORT_PG} s on PostgreSQL.
SBOM: \`bench/gensbom -n $N -seed $SEED\` over the same zips ($(thousands "$SBOM_BYTES") bytes, $(thousands "$SBOM_VULN") components with an
affected version); each upload stores $(thousands "$FINDINGS_SQLITE") findings on both engines.

Each figure is the range (min–max) over $COUNT runs (\`-count\`; each upload run is its own process, timed with
\`/usr/bin/time\`); an upload run averages $UPLOADS uploads, a page run $PAGES requests. Wall time is what other jobs
on the machine leave; CPU time per upload is the work itself.

| figure | SQLite | PostgreSQL $PG_VERSION | target |
|---|---|---|---|
| $(thousands "$N")-component SBOM upload → findings stored | **$(range "$WORK/upload-sqlite.txt" '^BenchmarkUploadSBOM' 1e9 2) s** | **$(range "$WORK/upload-postgres.txt" '^BenchmarkUploadSBOM' 1e9 2) s** | < 3 s |
| CPU per upload: rocca process (user+sys, incl. its share of the run's setup) | $(cpu_per_upload sqlite 1) s | $(cpu_per_upload postgres 1) s | |
| CPU per upload: PostgreSQL backends (incl. the run's \`CREATE DATABASE … TEMPLATE\`) | – | $( [ -n "$OWN_PG" ] && echo "$(cpu_per_upload postgres 2) s" || echo "not measured (external server)") | |
| findings, first page of 5,000, default sort (severity) | $(page sqlite '') ms | $(page postgres '') ms | < 50 ms |
| findings, first page, \`severity=high&sort=epss\` | $(page sqlite 'severity=high&sort=epss') ms | $(page postgres 'severity=high&sort=epss') ms | < 50 ms |
| findings, first page, \`kev=true&state=open&sort=first_seen\` | $(page sqlite 'kev=true&state=open&sort=first_seen') ms | $(page postgres 'kev=true&state=open&sort=first_seen') ms | < 50 ms |
EOF
