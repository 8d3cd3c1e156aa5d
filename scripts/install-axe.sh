#!/usr/bin/env bash
# Installs axe-core (the accessibility checker the browser tests inject into
# each page) from npm into a cache directory and prints the absolute path of
# axe.min.js on standard output. Everything else goes to stderr, so:
#
#   ROCCA_AXE_JS=$(scripts/install-axe.sh) go test ./internal/web -run Browser
#
# Idempotent: when the pinned version is already installed, nothing is
# downloaded. Needs npm and the npm registry the first time. The product
# itself ships no third-party JavaScript: axe-core is used by the tests only.
#
# Environment:
#   ROCCA_TOOLS_DIR      cache root (default ~/.cache/rocca-tools); axe-core
#                        goes into $ROCCA_TOOLS_DIR/axe
#   ROCCA_AXE_VERSION    npm version to install (default below)
set -euo pipefail

version="${ROCCA_AXE_VERSION:-4.14.1}"
root="${ROCCA_TOOLS_DIR:-$HOME/.cache/rocca-tools}"
dir="$root/axe"
rel="node_modules/axe-core/axe.min.js"

log() { printf 'install-axe: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

installed_version() { # $1: install dir
  local pj="$1/node_modules/axe-core/package.json"
  [ -f "$pj" ] || return 0
  node -e 'process.stdout.write(String(require(process.argv[1]).version || ""))' "$pj" 2>/dev/null || true
}

if [ -f "$dir/$rel" ] && [ "$(installed_version "$dir")" = "$version" ]; then
  log "axe-core $version already installed in $dir"
  printf '%s\n' "$(cd "$dir" && pwd)/$rel"
  exit 0
fi

command -v npm >/dev/null 2>&1 || die "npm not found; install Node.js (e.g. apt-get install nodejs npm)"
command -v node >/dev/null 2>&1 || die "node not found; install Node.js"

mkdir -p "$root"
stage=$(mktemp -d "$root/.axe-install.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"

log "installing axe-core@$version into $dir"
if ! npm install --prefix "$stage" --no-audit --no-fund --no-save "axe-core@$version" 1>&2; then
  die "npm install axe-core@$version failed"
fi
[ -f "$stage/$rel" ] || die "npm installed axe-core but $rel is missing"

old=""
if [ -e "$dir" ]; then
  old="$root/.axe-old.$$"
  mv "$dir" "$old"
fi
mv "$stage" "$dir"
trap - EXIT
[ -z "$old" ] || rm -rf "$old"

log "installed axe-core $(installed_version "$dir")"
printf '%s\n' "$(cd "$dir" && pwd)/$rel"
