#!/usr/bin/env bash
# Benchmarks rocca against osv-scanner v2.5.0 (offline mode) on the same
# SBOMs and the same OSV zips, and compares their findings.
#
# Run from anywhere, no arguments: bench/compare.sh
# Outputs go to bench/out/ (git-ignored); bench/out/results.md has the figures.
#
# Environment (all optional):
#   ROCCA_CORPORA    corpora directory (default: ../shared/corpora beside the repo)
#   ROCCA_TOOLS_DIR  cache for the osv-scanner binary (default: ~/.cache/rocca-tools)
#   BENCH_REPS       repetitions per timed scan (default 5; the median is reported)
#   BENCH_N          components of the synthetic SBOM (default 10000)
#   BENCH_SEED       its seed (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export GOTOOLCHAIN=local

CORPORA=${ROCCA_CORPORA:-$ROOT/../shared/corpora}
CORPORA=$(cd "$CORPORA" && pwd)
OSV_DIR=$CORPORA/vulndata/osv
KEV=$CORPORA/vulndata/kev/known_exploited_vulnerabilities.json
REAL_SBOMS=$CORPORA/sbom/cyclonedx-bom-examples/SBOM
TOOLS=${ROCCA_TOOLS_DIR:-$HOME/.cache/rocca-tools}
REPS=${BENCH_REPS:-5}
N=${BENCH_N:-10000}
SEED=${BENCH_SEED:-1}
OSV_SCANNER_VERSION=v2.5.0

OUT=$ROOT/bench/out
rm -rf "$OUT"
mkdir -p "$OUT/bin" "$OUT/sboms" "$OUT/results"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rocca-bench.XXXXXX")
trap 'chmod -R u+w "$WORK" 2>/dev/null || true; rm -rf "$WORK"' EXIT

step() { printf '\n== %s\n' "$*" >&2; }
note() { printf '   %s\n' "$*" >&2; }
die() { printf 'compare.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- checks
[ -d "$OSV_DIR" ] || die "no OSV zips at $OSV_DIR (set ROCCA_CORPORA)"
[ -f "$KEV" ] || die "no KEV catalogue at $KEV"
command -v jq >/dev/null || die "jq is required"
if [ ! -x /usr/bin/time ]; then
  step "installing GNU time (Debian package 'time')"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get install -y time >&2 || { $SUDO apt-get update >&2 && $SUDO apt-get install -y time >&2; } \
    || die "/usr/bin/time is missing and could not be installed"
fi
# Run both tools without network when the kernel lets us (a network
# namespace with only a down loopback); otherwise they still run, and the
# osv-scanner log is checked for download attempts.
NONET=()
if unshare -n true 2>/dev/null; then
  NONET=(unshare -n)
elif unshare -rn true 2>/dev/null; then
  NONET=(unshare -rn)
fi

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
mapfile -t ZIPS < <(ls "$OSV_DIR"/*.zip)
[ "${#ZIPS[@]}" -gt 0 ] || die "no zips in $OSV_DIR"

# wall_rss OUTFILE CMD...: runs CMD (stdout to OUTFILE), appends "seconds rss_kb exit" to $TIMES.
wall_rss() {
  local out=$1; shift
  local t0 t1 rc=0
  t0=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$WORK/rss" "$@" >"$out" 2>"$WORK/stderr" || rc=$?
  t1=$(date +%s%N)
  local rss
  rss=$(tail -n 1 "$WORK/rss")
  echo "$(( (t1 - t0) / 1000 )) $rss $rc" >>"$TIMES"
  return 0
}

# median of microsecond values on stdin → seconds with 3 decimals
median_s() { sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "n/a"; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f\n", m/1e6}'; }
max_col() { awk -v c="$1" 'BEGIN{m=0} $c>m{m=$c} END{print m}'; }
mb() { awk -v k="$1" 'BEGIN{printf "%.0f", k/1024}'; }

# ---------------------------------------------------------------- build
step "building rocca and the bench helpers"
go build -o "$OUT/rocca" ./cmd/rocca
go build -o "$OUT/bin/gensbom" ./bench/gensbom
go build -o "$OUT/bin/decode" ./bench/decode
go build -o "$OUT/bin/diff" ./bench/diff
go build -o "$OUT/bin/refmatch" ./bench/refmatch
ROCCA=$OUT/rocca
ROCCA_VERSION=$({ "$ROCCA" version 2>/dev/null || echo unknown; } | sed -n 1p)
note "rocca: $ROCCA_VERSION"

# ---------------------------------------------------------------- import
step "importing ${#ZIPS[@]} OSV zips + KEV into a fresh database"
DB=$OUT/rocca.db
rm -f "$DB" "$DB-wal" "$DB-shm"
/usr/bin/time -v -o "$OUT/results/import.time" "${NONET[@]}" "$ROCCA" --database "$DB" db import --json --quiet "${ZIPS[@]}" "$KEV" \
  >"$OUT/results/import.json" 2>"$OUT/results/import.log" || {
  cat "$OUT/results/import.log" >&2; die "rocca db import failed (see $OUT/results/import.time)"; }
elapsed=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/results/import.time")
IMPORT_S=$(echo "$elapsed" | awk -F: '{s=0; for(i=1;i<=NF;i++) s=s*60+$i; printf "%.1f", s}')
IMPORT_RSS=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/results/import.time")
IMPORT_RECORDS=$(jq '[.files[] | .new + .updated + .unchanged] | add' "$OUT/results/import.json")
IMPORT_REJECTED=$(jq '[.files[] | .rejected] | add' "$OUT/results/import.json")
DB_BYTES=$(du -b "$DB" | cut -f1)
note "import: ${IMPORT_S}s, peak RSS $(mb "$IMPORT_RSS") MiB, $IMPORT_RECORDS records stored, $IMPORT_REJECTED rejected, database $(mb $((DB_BYTES / 1024))) MiB"
"$ROCCA" --database "$DB" db info >"$OUT/results/dbinfo.txt" 2>&1 || true

# ---------------------------------------------------------------- SBOMs
step "preparing SBOMs"
SYN=synthetic-$N
"$OUT/bin/gensbom" -n "$N" -seed "$SEED" -o "$OUT/sboms/$SYN.cdx.json" "${ZIPS[@]}" 2>"$OUT/results/gensbom.log"
sed 's/^/   /' "$OUT/results/gensbom.log" >&2
# Real SBOMs are not copied into the repository: they are linked from a
# temporary directory under names osv-scanner recognises (*.cdx.json).
mkdir -p "$WORK/sboms"
declare -A SBOM_PATH=()
SBOM_PATH[$SYN]=$OUT/sboms/$SYN.cdx.json
add_real() { # name path
  if [ -f "$2" ]; then
    cp "$2" "$WORK/sboms/$1.cdx.json"
    SBOM_PATH[$1]=$WORK/sboms/$1.cdx.json
  else
    note "skipping $1: $2 not found"
  fi
}
add_real proton-bridge-1.8.0 "$REAL_SBOMS/proton-bridge/proton-bridge-v1.8.0.bom.json"
add_real juice-shop-11.1.2 "$REAL_SBOMS/juice-shop/v11.1.2/bom.json"
add_real keycloak-10.0.2 "$REAL_SBOMS/keycloak-10.0.2/bom.json"
add_real laravel-7.12.0 "$REAL_SBOMS/laravel-7.12.0/bom.1.4.json"
SBOMS=("$SYN" proton-bridge-1.8.0 juice-shop-11.1.2 keycloak-10.0.2 laravel-7.12.0)

# ---------------------------------------------------------------- osv-scanner
step "osv-scanner $OSV_SCANNER_VERSION"
OSV=$TOOLS/bin/osv-scanner
osv_version() { "$OSV" --version 2>/dev/null || true; }
if [ ! -x "$OSV" ] || [[ "$(osv_version)" != *"version: ${OSV_SCANNER_VERSION#v}"* ]]; then
  note "installing into $TOOLS/bin (temporary GOPATH; takes a few minutes)"
  mkdir -p "$TOOLS/bin"
  GOPATH=$WORK/gopath GOFLAGS=-modcacherw GOBIN=$TOOLS/bin \
    go install "github.com/google/osv-scanner/v2/cmd/osv-scanner@$OSV_SCANNER_VERSION" >&2
fi
OSV_VERSION_LINE=$(osv_version | sed -n 1p)
note "$OSV_VERSION_LINE"
# osv-scanner v2.5.0's offline matcher (osv-scalibr's vulnmatch/osvlocal) reads
# <local-db-path>/osv-scalibr/<ecosystem>/all.zip; <ecosystem> is the base
# ecosystem name (AlmaLinux, PyPI, crates.io, ...), exactly our zip names.
OSVDB=$WORK/osvdb
for z in "${ZIPS[@]}"; do
  e=$(basename "$z" .zip)
  mkdir -p "$OSVDB/osv-scalibr/$e"
  ln -s "$z" "$OSVDB/osv-scalibr/$e/all.zip"
done

osv_scan() { # sbom-path [extra flags...]
  local s=$1; shift
  "${NONET[@]}" "$OSV" scan source --offline --local-db-path "$OSVDB" --format json "$@" -L "$s"
}

# Checks an osv-scanner log: it must have loaded local databases and must not
# have tried (and failed) to download anything.
check_offline() { # log
  if grep -Eiq 'could not load db|unable to fetch|could not retrieve|no offline version|dial tcp|no such host' "$1"; then
    grep -Ei 'could not load db|unable to fetch|could not retrieve|no offline version|dial tcp|no such host' "$1" | sed -n 1,5p >&2
    return 1
  fi
  return 0
}

# purl type of an OSV ecosystem osv-scanner cannot handle
eco_purl_type() {
  case "$1" in
    opam) echo opam ;; Julia) echo julia ;; Bitnami) echo bitnami ;; Hackage) echo hackage ;;
    CRAN) echo cran ;; GHC) echo ghc ;; *) tr '[:upper:]' '[:lower:]' <<<"$1" ;;
  esac
}

# ---------------------------------------------------------------- per SBOM
declare -A OSV_STATUS=()
declare -A FILTERED_FROM=()
i=0
while [ $i -lt ${#SBOMS[@]} ]; do
  name=${SBOMS[$i]}; i=$((i + 1))
  sbom=${SBOM_PATH[$name]:-}
  [ -n "$sbom" ] || continue
  comps=$(jq '[.. | objects | select(has("purl"))] | length' "$sbom")
  step "$name ($comps components with a purl)"

  # osv-scanner first: one untimed run with --all-packages, for the
  # comparison; it also tells whether osv-scanner can scan this SBOM.
  rc=0
  osv_ok=0
  osv_scan "$sbom" --all-packages >"$OUT/results/$name.osv-all.json" 2>"$OUT/results/$name.osv.stderr" || rc=$?
  if grep -q '^panic: ' "$OUT/results/$name.osv.stderr"; then
    msg=$(grep -m1 '^panic: ' "$OUT/results/$name.osv.stderr")
    OSV_STATUS[$name]="crashed: ${msg#panic: }"
    note "osv-scanner crashed on $name: ${msg#panic: }"
    eco=$(echo "$msg" | sed -n 's/^panic: unsupported ecosystem \(.*\)$/\1/p')
    # Retry without that ecosystem's components (at most three times).
    if [ -n "$eco" ] && [ "$(grep -o -- '-no-' <<<"$name" | wc -l)" -lt 3 ]; then
      t=$(eco_purl_type "$eco")
      new=$name-no-$t
      jq --arg p "pkg:$t/" '.components |= map(select((.purl // "") | startswith($p) | not))' "$sbom" >"$OUT/sboms/$new.cdx.json"
      SBOM_PATH[$new]=$OUT/sboms/$new.cdx.json
      FILTERED_FROM[$new]=$eco
      SBOMS+=("$new")
      note "retrying both tools on $new (components of type pkg:$t removed)"
    fi
  elif [ "$rc" -gt 1 ]; then # 0: no vulnerabilities, 1: some found
    tail -n 20 "$OUT/results/$name.osv.stderr" >&2
    OSV_STATUS[$name]="failed (exit $rc)"
    note "osv-scanner failed on $name (exit $rc)"
  else
    check_offline "$OUT/results/$name.osv.stderr" || die "osv-scanner tried to reach the network on $name; see $OUT/results/$name.osv.stderr"
    loaded=$(grep -c '^Loaded .* local db from' "$OUT/results/$name.osv.stderr" || true)
    note "osv-scanner loaded $loaded local databases: $(sed -n 's/^Loaded \(.*\) local db from.*/\1/p' "$OUT/results/$name.osv.stderr" | tr '\n' ' ')"
    OSV_STATUS[$name]="ok"
    osv_ok=1
  fi

  # Timed runs, a fresh process each: rocca and osv-scanner alternate, so
  # that both see the same load on a shared machine.
  RT=$OUT/results/$name.rocca.times; : >"$RT"
  OT=$OUT/results/$name.osv.times; : >"$OT"
  for _ in $(seq "$REPS"); do
    TIMES=$RT wall_rss "$OUT/results/$name.rocca.json" "${NONET[@]}" "$ROCCA" --database "$DB" scan --format json "$sbom"
    rc=$(tail -n 1 "$RT" | cut -d' ' -f3)
    [ "$rc" = 0 ] || { cat "$WORK/stderr" >&2; die "rocca scan $name exited $rc"; }
    cp "$WORK/stderr" "$OUT/results/$name.rocca.stderr"
    if [ "$osv_ok" = 1 ]; then
      TIMES=$OT wall_rss "$OUT/results/$name.osv.json" "${NONET[@]}" "$OSV" scan source --offline --local-db-path "$OSVDB" --format json -L "$sbom"
    fi
  done
  note "rocca: median $(cut -d' ' -f1 "$RT" | median_s)s, peak RSS $(mb "$(max_col 2 <"$RT")") MiB, $(jq '.findings | length' "$OUT/results/$name.rocca.json") findings"
  if [ "$osv_ok" = 1 ]; then
    note "osv-scanner: median $(cut -d' ' -f1 "$OT" | median_s)s, peak RSS $(mb "$(max_col 2 <"$OT")") MiB"
  fi

  # engine-level reference: osv-scalibr's matcher fed each purl's OSV coordinates
  "$OUT/bin/refmatch" -sbom "$sbom" -zips "$OSV_DIR" -o "$OUT/results/$name.ref.json"
  "$OUT/bin/diff" -other "osv-scalibr engine" -sbom "$sbom" -label "$name" -rocca "$OUT/results/$name.rocca.json" \
    -osv "$OUT/results/$name.ref.json" -zips "$OSV_DIR" -import-report "$OUT/results/import.json" \
    -out "$OUT/results/$name.refdiff.tsv" -summary "$OUT/results/$name.refdiff.json" -max 10 \
    | tee "$OUT/results/$name.refdiff.txt" | sed 's/^/   /' >&2

  if [ "$osv_ok" = 1 ]; then
    "$OUT/bin/diff" -sbom "$sbom" -label "$name" -rocca "$OUT/results/$name.rocca.json" \
      -osv "$OUT/results/$name.osv-all.json" -osv-log "$OUT/results/$name.osv.stderr" \
      -zips "$OSV_DIR" -import-report "$OUT/results/import.json" \
      -out "$OUT/results/$name.diff.tsv" -summary "$OUT/results/$name.diff.json" -max 15 \
      | tee "$OUT/results/$name.diff.txt" | sed 's/^/   /' >&2
  fi
done

# ---------------------------------------------------------------- decode only
step "decode-only timing (in process: encoding/json into generic maps, and rocca's sbom.Read)"
DECODE_FILES=()
for name in "${SBOMS[@]}"; do DECODE_FILES+=("${SBOM_PATH[$name]}"); done
"$OUT/bin/decode" -reps "$REPS" "${DECODE_FILES[@]}" >"$OUT/results/decode.tsv"
sed 's/^/   /' "$OUT/results/decode.tsv" >&2

# ---------------------------------------------------------------- results.md
step "writing $OUT/results.md"
# classes FILE...: the difference classes of diff summaries, summed, as a table
classes() {
  echo "| side | class | count |"
  echo "|---|---|---|"
  cat "$@" 2>/dev/null | jq -rs '
    [ .[] | .other as $o
      | (.onlyRoccaByClass | to_entries[] | {side: "only rocca", k: .key, v: .value}),
        (.onlyOsvScannerByClass | to_entries[] | {side: ("only " + $o), k: .key, v: .value}) ]
    | group_by([.side, .k]) | map({side: .[0].side, k: .[0].k, v: (map(.v) | add)})
    | sort_by(.side, -.v) | .[] | "| \(.side) | \(.k) | \(.v) |"'
}
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
os=$(sed -n 's/^PRETTY_NAME=//p' /etc/os-release 2>/dev/null | tr -d '"')
[ -n "$os" ] || os=$(uname -s)
{
  echo "## rocca vs osv-scanner — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) CPUs ($cpu), $mem RAM, $os, kernel $(uname -r), $(go version | cut -d' ' -f3-4)."
  echo "Load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg). Network: $([ ${#NONET[@]} -gt 0 ] && echo "both tools run in an empty network namespace (${NONET[*]})" || echo "not isolated")."
  echo "rocca: $ROCCA_VERSION. osv-scanner: $OSV_VERSION_LINE, \`scan source --offline --local-db-path DIR --format json -L SBOM\`."
  echo "Data: ${#ZIPS[@]} OSV zips from $OSV_DIR + CISA KEV. Repetitions per timed scan: $REPS (median; fresh process each; page cache warm; rocca and osv-scanner runs alternate)."
  echo
  echo "### Import (rocca db import, fresh SQLite database)"
  echo
  echo "| wall time | peak RSS | records stored | rejected | database size |"
  echo "|---|---|---|---|---|"
  echo "| ${IMPORT_S} s | $(mb "$IMPORT_RSS") MiB | $IMPORT_RECORDS | $IMPORT_REJECTED | $(mb $((DB_BYTES / 1024))) MiB |"
  echo
  echo "### Scan time per SBOM"
  echo
  echo "| SBOM | components | rocca median | rocca peak RSS | rocca per component | decode only (sbom.Read) | decode only (generic JSON) | scan / decode | osv-scanner median | osv-scanner peak RSS | speed-up (osv-scanner / rocca) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for name in "${SBOMS[@]}"; do
    sbom=${SBOM_PATH[$name]:-}; [ -n "$sbom" ] || continue
    rt=$OUT/results/$name.rocca.times; ot=$OUT/results/$name.osv.times
    comps=$(jq '.components' "$OUT/results/$name.rocca.json")
    r_med=$(cut -d' ' -f1 "$rt" | median_s)
    r_rss=$(mb "$(max_col 2 <"$rt")")
    per=$(awk -v s="$r_med" -v n="$comps" 'BEGIN{ if (n>0) printf "%.1f µs", s*1e6/n; else print "n/a"}')
    g_ms=$(awk -F'\t' -v f="$sbom" '$1==f {print $2}' "$OUT/results/decode.tsv")
    d_ms=$(awk -F'\t' -v f="$sbom" '$1==f {print $4}' "$OUT/results/decode.tsv")
    ratio=$(awk -v s="$r_med" -v d="$d_ms" 'BEGIN{ if (d>0) printf "%.0f×", s*1000/d; else print "n/a"}')
    if [ "${OSV_STATUS[$name]:-}" = ok ]; then
      o_med=$(cut -d' ' -f1 "$ot" | median_s)
      o_rss="$(mb "$(max_col 2 <"$ot")") MiB"
      speed=$(awk -v o="$o_med" -v r="$r_med" 'BEGIN{ if (r>0) printf "%.1f×", o/r; else print "n/a"}')
      o_med="$o_med s"
    else
      o_med="${OSV_STATUS[$name]:-not run}"; o_rss="—"; speed="—"
    fi
    echo "| $name | $comps | $r_med s | $r_rss MiB | $per | ${d_ms} ms | ${g_ms} ms | $ratio | $o_med | $o_rss | $speed |"
  done
  echo
  echo "rocca's wall time includes process start, opening the database, matching and writing the JSON report. \"Decode only\" is reading + decoding the SBOM inside one warm process (median of $REPS): with rocca's own reader (\`internal/sbom.Read\`, default limits) and with plain encoding/json into generic maps; scan / decode = rocca median ÷ sbom.Read median."
  for name in "${!FILTERED_FROM[@]}"; do
    echo "\`$name\` is its parent SBOM without the components of the ecosystem that crashed osv-scanner (${FILTERED_FROM[$name]}); both tools scanned it."
  done
  echo
  echo "### Findings compared: (component purl without qualifiers, advisory id) pairs"
  echo
  echo "| SBOM | rocca pairs | osv-scanner pairs | both | only rocca | only osv-scanner | rocca findings (alias groups) | osv-scanner groups |"
  echo "|---|---|---|---|---|---|---|---|"
  for name in "${SBOMS[@]}"; do
    f=$OUT/results/$name.diff.json; [ -f "$f" ] || continue
    jq -r '"| \(.label) | \(.roccaPairs) | \(.osvScannerPairs) | \(.both) | \(.onlyRocca) | \(.onlyOsvScanner) | \(.roccaFindings) | \(.osvScannerGroups) |"' "$f"
  done
  echo
  echo "Differences by class (all SBOMs; full lists in bench/out/results/*.diff.tsv):"
  echo
  classes "$OUT"/results/*.diff.json
  echo
  echo "### Engine-level comparison: rocca vs osv-scalibr's matcher on the same coordinates"
  echo
  echo "osv-scanner cannot be asked about every component of a CycloneDX SBOM (see the classes above), so \`bench/refmatch\` feeds osv-scalibr's offline matcher (\`vulnmatch/osvlocal\`, the engine behind \`osv-scanner --offline\`; v0.5.3 as pinned in go.mod) each component's OSV ecosystem, name and version directly, with the same zips."
  echo
  echo "| SBOM | rocca pairs | engine pairs | both | only rocca | only engine |"
  echo "|---|---|---|---|---|---|"
  for name in "${SBOMS[@]}"; do
    f=$OUT/results/$name.refdiff.json; [ -f "$f" ] || continue
    jq -r '"| \(.label) | \(.roccaPairs) | \(.osvScannerPairs) | \(.both) | \(.onlyRocca) | \(.onlyOsvScanner) |"' "$f"
  done
  echo
  classes "$OUT"/results/*.refdiff.json
} >"$OUT/results.md"
cat "$OUT/results.md" >&2
step "done: $OUT/results.md"
