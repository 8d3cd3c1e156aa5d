#!/usr/bin/env bash
# Installs BSI's CSAF validator library (the npm package
# @secvisogram/csaf-validator-lib) into a cache directory, with
# scripts/validate-csaf.mjs next to it, and prints the absolute path of that
# runner on standard output. Everything else goes to stderr, so:
#
#   ROCCA_CSAF_VALIDATOR=$(scripts/install-csaf-validator.sh) go test ./internal/vex
#
# Idempotent: when the pinned version is already installed and the runner is
# up to date, nothing is downloaded. Needs node/npm and the npm registry the
# first time.
#
# Environment:
#   ROCCA_TOOLS_DIR                  cache root (default ~/.cache/rocca-tools);
#                                    the library goes into $ROCCA_TOOLS_DIR/csaf-validator
#   ROCCA_CSAF_VALIDATOR_VERSION     npm version to install (default below)
set -euo pipefail

version="${ROCCA_CSAF_VALIDATOR_VERSION:-2.0.10}"
root="${ROCCA_TOOLS_DIR:-$HOME/.cache/rocca-tools}"
dir="$root/csaf-validator"
runner_src="$(cd "$(dirname "$0")" && pwd)/validate-csaf.mjs"
pkg="@secvisogram/csaf-validator-lib"

log() { printf 'install-csaf-validator: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[ -f "$runner_src" ] || die "$runner_src is missing"
command -v node >/dev/null 2>&1 || die "node not found; install Node.js (e.g. apt-get install nodejs npm)"

installed_version() { # $1: install dir
  local pj="$1/node_modules/$pkg/package.json"
  [ -f "$pj" ] || return 0
  node -e 'process.stdout.write(String(require(process.argv[1]).version || ""))' "$pj" 2>/dev/null || true
}

# works runs the runner on a tiny document: it must load the library and
# report the document's missing parts.
works() { # $1: install dir
  local probe="$1/.probe.json"
  printf '{"document":{}}' >"$probe"
  node "$1/validate-csaf.mjs" "$probe" 2>/dev/null | grep -q '"isValid":false'
  local rc=$?
  rm -f "$probe"
  return $rc
}

if [ "$(installed_version "$dir")" = "$version" ]; then
  if ! cmp -s "$runner_src" "$dir/validate-csaf.mjs"; then
    cp "$runner_src" "$dir/validate-csaf.mjs"
  fi
  if works "$dir"; then
    log "$pkg $version already installed in $dir"
    printf '%s\n' "$dir/validate-csaf.mjs"
    exit 0
  fi
fi

command -v npm >/dev/null 2>&1 || die "npm not found; install Node.js (e.g. apt-get install nodejs npm)"
mkdir -p "$root"
stage=$(mktemp -d "$root/.csaf-install.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"

log "installing $pkg@$version into $dir"
# npm prints progress on stdout: send it to stderr, stdout carries only the path.
if ! npm install --prefix "$stage" --no-audit --no-fund --no-save "$pkg@$version" 1>&2; then
  die "npm install $pkg@$version failed"
fi
cp "$runner_src" "$stage/validate-csaf.mjs"
works "$stage" || die "the validator does not run (try: node $stage/validate-csaf.mjs some.json)"

# Replace any previous (other version or broken) install in one step.
old=""
if [ -e "$dir" ]; then
  old="$root/.csaf-old.$$"
  mv "$dir" "$old"
fi
mv "$stage" "$dir"
trap - EXIT
[ -z "$old" ] || rm -rf "$old"

log "installed $pkg $(installed_version "$dir")"
printf '%s\n' "$dir/validate-csaf.mjs"
