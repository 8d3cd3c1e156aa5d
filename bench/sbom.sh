#!/usr/bin/env bash
# SBOM parse benchmark (issue #3): parse time and peak memory of a fresh
# process reading (a) the largest real SBOMs of the shared corpora and (b) a
# generated 50,000-component CycloneDX 1.6 JSON document and its SPDX 2.3
# JSON twin (XML is measured on the real documents), with the lenient
# reader and with strict validation. Prints a Markdown
# fragment with the machine and the date.
#
#   bench/sbom.sh            # BENCH_REPS (default 5), BENCH_N (default 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
CORPORA="${ROCCA_CORPORA:-$(pwd)/../shared/corpora}"
REPS="${BENCH_REPS:-5}"
N="${BENCH_N:-50000}"
OUT="bench/out/sbom"
rm -rf "$OUT" && mkdir -p "$OUT"

go build -o "$OUT/parse" ./bench/parse
"$OUT/parse" -generate "$N" -o "$OUT/generated-$N.cdx.json"
"$OUT/parse" -generate "$N" -format spdx-json -o "$OUT/generated-$N.spdx.json"

files=("$OUT/generated-$N.cdx.json" "$OUT/generated-$N.spdx.json")
if [ -d "$CORPORA/sbom" ]; then
  files+=(
    "$CORPORA/sbom/cyclonedx-bom-examples/SBOM/keycloak-10.0.2/bom.xml"
    "$CORPORA/sbom/cyclonedx-bom-examples/SBOM/keycloak-10.0.2/bom.json"
    "$CORPORA/sbom/cyclonedx-bom-examples/SBOM/juice-shop/via_npm/bare/bom.1.4.json"
    "$CORPORA/sbom/spdx-tools-golang/json/test_fixtures/spdx2_3.json"
    "$CORPORA/sbom/spdx-examples/ai/example01/spdx3.0/simplehtr-example.json"
    "$CORPORA/sbom/spdx-tools-golang/examples/sample-docs/tv/SPDXTagExample-v2.3.spdx"
  )
else
  echo "bench/sbom.sh: no corpora at $CORPORA; only the generated document is measured" >&2
fi

echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sr), $(go version | cut -d' ' -f3-4)."
echo "Date: $(date -u +%Y-%m-%dT%H:%MZ). Load average before: $(cut -d' ' -f1-3 /proc/loadavg). Repetitions: $REPS fresh processes per file (median, min; peak RSS is the maximum)."
echo
for mode in lenient strict; do
  flag=""; [ "$mode" = strict ] && flag="-strict"
  echo "#### $mode ($( [ "$mode" = strict ] && echo 'sbom.Validate: read + strict validation' || echo 'sbom.Read'))"
  echo
  echo "| document | bytes | components | edges | median ms | min ms | peak RSS MiB |"
  echo "|---|---|---|---|---|---|---|"
  "$OUT/parse" $flag -reps "$REPS" "${files[@]}" | tail -n +2 | while IFS=$'\t' read -r f bytes comps edges med lo rss; do
    name="${f#"$CORPORA"/}"; name="${name#"$OUT"/}"
    echo "| $name | $bytes | $comps | $edges | $med | $lo | $rss |"
  done
  echo
done
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
