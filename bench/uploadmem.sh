#!/usr/bin/env bash
# Measures the peak memory of the server and the CLI on an SBOM of many
# minimal components (issue #12 §4: memory bounded by the limits):
#
#   native   one POST /api/v1/versions/{id}/sboms to a fresh `rocca serve`
#            (SQLite): the server's peak RSS (VmHWM) and the request's time;
#   dt       three Dependency-Track uploads (POST /api/v1/bom, multipart) of
#            the same document sent at once to a fresh server, then waited
#            for: peak RSS and the time until the last token is done;
#   scan     `rocca scan --format json` of the document (/usr/bin/time -v);
#   inspect  `rocca sbom inspect` of the document;
#   bomb     `rocca sbom inspect` of a gzip bomb (zeros, BENCH_BOMB_MIB MiB
#            decompressed): peak RSS and the error.
#
# Run from anywhere: bench/uploadmem.sh [REPS]  (default 1 repetition)
# Progress goes to stderr; one tab-separated line per measurement on stdout:
#   what  wall-seconds  peak-RSS-MiB  detail
#
# Environment (all optional):
#   BENCH_N           components (default 1000000)
#   BENCH_SHAPE       name, library or purl (bench/minsbom; default library)
#   BENCH_ROCCA       a rocca binary to measure instead of building the tree's
#   BENCH_ONLY        space-separated subset of: native dt scan inspect bomb
#   BENCH_BOMB_MIB    decompressed size of the gzip bomb (default 2048)
#   BENCH_WORKERS     serve --workers (default 2)
#   BENCH_KEEP=1      keep the work directory (database, logs)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export GOTOOLCHAIN=local
REPS=${1:-1}
N=${BENCH_N:-1000000}
SHAPE=${BENCH_SHAPE:-library}
ONLY=${BENCH_ONLY:-native dt scan inspect bomb}
BOMB_MIB=${BENCH_BOMB_MIB:-2048}
WORKERS=${BENCH_WORKERS:-2}
die() { printf 'uploadmem.sh: %s\n' "$*" >&2; exit 1; }
step() { printf '== %s\n' "$*" >&2; }
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time, Debian package time) is required"
command -v curl >/dev/null || die "curl is required"
command -v jq >/dev/null || die "jq is required"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rocca-uploadmem.XXXXXX")
SERVER=""
cleanup() {
  [ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null || true
  if [ "${BENCH_KEEP:-}" = 1 ]; then printf 'uploadmem.sh: kept %s\n' "$WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

ROCCA=${BENCH_ROCCA:-}
if [ -z "$ROCCA" ]; then
  step "build"
  go build -o "$WORK/rocca" ./cmd/rocca
  ROCCA=$WORK/rocca
fi
go build -o "$WORK/minsbom" ./bench/minsbom
SBOM=$WORK/min.cdx.json
"$WORK/minsbom" -n "$N" -shape "$SHAPE" -o "$SBOM"
SIZE=$(stat -c %s "$SBOM")
step "SBOM: $N components, shape $SHAPE, $SIZE bytes"
# The limit must admit the document (the default is 50 MiB).
MAXBOM=$(( (SIZE >> 20) + 2 ))MiB
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# fresh_server: a new database with an organisation, a key, a product and
# a version; starts `rocca serve` and sets SERVER, URL, KEY, VERSION.
fresh_server() {
  local db=$WORK/db-$RANDOM.db port
  "$ROCCA" --database "$db" org create bench >/dev/null 2>&1
  KEY=$("$ROCCA" --database "$db" apikey create --org bench --name bench 2>/dev/null)
  port=$(( 20000 + RANDOM % 20000 ))
  "$ROCCA" --database "$db" serve --addr "127.0.0.1:$port" --max-bom-bytes "$MAXBOM" --workers "$WORKERS" \
    --log-level warn ${BENCH_SERVE_FLAGS:-} 2>>"$WORK/serve.log" &
  SERVER=$!
  URL=http://127.0.0.1:$port
  for _ in $(seq 1 100); do curl -fs "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  local p
  p=$(curl -fsS -H "X-Api-Key: $KEY" -H 'Content-Type: application/json' -d '{"name":"bench","craRole":"manufacturer"}' "$URL/api/v1/products" | jq -r .id)
  VERSION=$(curl -fsS -H "X-Api-Key: $KEY" -H 'Content-Type: application/json' -d '{"name":"1.0"}' "$URL/api/v1/products/$p/versions" | jq -r .id)
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }
hwm() { mib "$(awk '/^VmHWM/ {print $2}' "/proc/$SERVER/status")"; }

native() {
  fresh_server
  local t0 code
  t0=$(now)
  code=$(curl -sS -o "$WORK/native.json" -w '%{http_code}' -H "X-Api-Key: $KEY" --data-binary "@$SBOM" \
    "$URL/api/v1/versions/$VERSION/sboms?name=min.cdx.json")
  printf 'native\t%s\t%s\tHTTP %s, %s components stored\n' "$(elapsed "$t0" "$(now)")" "$(hwm)" "$code" \
    "$(jq -r '.sbom.components // .detail' "$WORK/native.json")"
  stop_server
}

dt() {
  fresh_server
  local t0 toks=() i tok busy
  t0=$(now)
  for i in 1 2 3; do
    # Three versions, so that no upload is a duplicate of another.
    tok=$(curl -sS -H "X-Api-Key: $KEY" -F "projectName=bench" -F "projectVersion=dt$i" -F autoCreate=true \
      -F "bom=@$SBOM" "$URL/api/v1/bom" | jq -r '.token // .detail')
    toks+=("$tok")
  done
  while :; do
    busy=0
    for tok in "${toks[@]}"; do
      [ "$(curl -fsS -H "X-Api-Key: $KEY" "$URL/api/v1/event/token/$tok" 2>/dev/null | jq -r .processing)" = true ] && busy=1
    done
    [ $busy = 1 ] || break
    sleep 0.5
  done
  printf 'dt\t%s\t%s\t3 uploads: %s\n' "$(elapsed "$t0" "$(now)")" "$(hwm)" \
    "$(for tok in "${toks[@]}"; do curl -fsS -H "X-Api-Key: $KEY" "$URL/api/v1/uploads/$tok" 2>/dev/null | jq -r '.state // "?"'; done | sort | uniq -c | tr -s ' \n' ' ')"
  stop_server
}

# timed WHAT DETAIL CMD...: wall and peak RSS of a CLI run.
timed() {
  local what=$1 detail=$2; shift 2
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || true
  printf '%s\t%s\t%s\t%s\n' "$what" "$(cut -d' ' -f1 "$WORK/time" | tail -n 1)" "$(mib "$(tail -n 1 "$WORK/time" | cut -d' ' -f2)")" \
    "${detail:-$(grep -v '^Command' "$WORK/err" | head -n 1 | cut -c1-160)}"
}

if [[ " $ONLY " == *" bomb "* ]]; then
  step "gzip bomb: $BOMB_MIB MiB of zeros"
  head -c "$((BOMB_MIB << 20))" /dev/zero | gzip -1 >"$WORK/bomb.json.gz"
fi
"$ROCCA" --database "$WORK/cli.db" db migrate >/dev/null 2>&1 || true
for rep in $(seq 1 "$REPS"); do
  step "repetition $rep"
  for what in $ONLY; do
    case $what in
      native) native ;;
      dt) dt ;;
      scan) timed scan "" "$ROCCA" --database "$WORK/cli.db" scan --format json "$SBOM" ;;
      inspect) timed inspect "" "$ROCCA" sbom inspect "$SBOM" ;;
      bomb) timed bomb "" "$ROCCA" sbom inspect "$WORK/bomb.json.gz" ;;
      *) die "unknown measurement $what" ;;
    esac
  done
done
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >&2
