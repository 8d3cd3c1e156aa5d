#!/usr/bin/env bash
# The whole test suite: formatting, vet, staticcheck, and every Go test
# (unit, fuzz seeds, corpus end-to-end tests, SARIF schema validation, CSAF
# schema and mandatory tests),
# with the storage and API tests run on SQLite and on a real PostgreSQL.
#
# PostgreSQL: scripts/postgres.sh starts a throw-away cluster (installing the
# Debian package postgresql when initdb/pg_ctl are missing), exports its URL
# as ROCCA_TEST_POSTGRES_URL with ROCCA_REQUIRE_POSTGRES=1, and the trap below
# removes it when this script ends, failed or not. A cluster that cannot be
# started fails the run. To test against a server of your own instead, set
# ROCCA_TEST_POSTGRES_URL yourself (a role allowed to CREATE DATABASE).
#
# Tools the tests need are installed into a cache directory when missing
# (ROCCA_TOOLS_DIR, default ~/.cache/rocca-tools). A tool that cannot be
# installed (no network) is reported and the tests that need it skip with
# a message; everything else still runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
export ROCCA_TOOLS_DIR="${ROCCA_TOOLS_DIR:-$HOME/.cache/rocca-tools}"
mkdir -p "$ROCCA_TOOLS_DIR"

step() { printf '\n== %s\n' "$*" >&2; }

step "gofmt"
unformatted=$(gofmt -l cmd internal bench 2>/dev/null || true)
if [ -n "$unformatted" ]; then
  echo "gofmt needed on:" >&2; echo "$unformatted" >&2; exit 1
fi

step "go vet"
go vet ./...

step "staticcheck"
STATICCHECK="$ROCCA_TOOLS_DIR/bin/staticcheck"
if [ ! -x "$STATICCHECK" ]; then
  GOBIN="$ROCCA_TOOLS_DIR/bin" go install honnef.co/go/tools/cmd/staticcheck@v0.8.2 >&2 || true
fi
if [ -x "$STATICCHECK" ]; then
  "$STATICCHECK" ./...
else
  echo "WARNING: staticcheck could not be installed; skipped" >&2
fi

step "SARIF validator"
if [ -z "${ROCCA_SARIF_MULTITOOL:-}" ]; then
  if ROCCA_SARIF_MULTITOOL=$(scripts/install-sarif-multitool.sh); then
    export ROCCA_SARIF_MULTITOOL
    echo "using $ROCCA_SARIF_MULTITOOL" >&2
  else
    echo "WARNING: @microsoft/sarif-multitool could not be installed; the SARIF schema test will skip" >&2
    unset ROCCA_SARIF_MULTITOOL
  fi
fi

step "CSAF validator"
if [ -z "${ROCCA_CSAF_VALIDATOR:-}" ]; then
  if ROCCA_CSAF_VALIDATOR=$(scripts/install-csaf-validator.sh); then
    export ROCCA_CSAF_VALIDATOR
    echo "using $ROCCA_CSAF_VALIDATOR" >&2
  else
    echo "WARNING: @secvisogram/csaf-validator-lib could not be installed; the CSAF validation tests will skip" >&2
    unset ROCCA_CSAF_VALIDATOR
  fi
fi

step "browser (Chromium, axe-core)"
# The web application's browser tests drive Debian's chromium headless and
# check every page with axe-core; under this script they are required
# (ROCCA_REQUIRE_BROWSER=1: a missing browser or checker fails them) and
# write their screenshots (EN and IT) to screenshots/.
if [ -z "${ROCCA_CHROMIUM:-}" ]; then
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get install -y chromium >&2 || { apt-get update >&2 && apt-get install -y chromium >&2; } ||
        echo "WARNING: chromium could not be installed; the browser tests will fail" >&2
    else
      echo "WARNING: /usr/bin/chromium missing and not root: apt-get install -y chromium" >&2
    fi
  fi
  export ROCCA_CHROMIUM=/usr/bin/chromium
fi
if [ -z "${ROCCA_AXE_JS:-}" ]; then
  if ROCCA_AXE_JS=$(scripts/install-axe.sh); then
    export ROCCA_AXE_JS
  else
    echo "WARNING: axe-core could not be installed; the browser tests will fail" >&2
  fi
fi
export ROCCA_REQUIRE_BROWSER=1
export ROCCA_SCREENSHOTS="${ROCCA_SCREENSHOTS:-$PWD/screenshots}"

step "PostgreSQL"
if [ -z "${ROCCA_TEST_POSTGRES_URL:-}" ]; then
  # shellcheck source=scripts/postgres.sh
  source scripts/postgres.sh
  trap 'rocca_pg_stop' EXIT
  if ! rocca_pg_start; then
    echo "FATAL: could not start a PostgreSQL cluster for the tests (see above)" >&2
    exit 1
  fi
else
  export ROCCA_REQUIRE_POSTGRES=1
  echo "using the PostgreSQL of ROCCA_TEST_POSTGRES_URL" >&2
fi

step "go test"
go test -count=1 -timeout 15m "$@" ./...
