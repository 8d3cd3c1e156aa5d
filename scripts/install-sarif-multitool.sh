#!/usr/bin/env bash
# Installs Microsoft's SARIF Multitool (the npm package @microsoft/sarif-multitool,
# a self-contained .NET program) into a cache directory and prints the absolute
# path of its executable on standard output. Everything else goes to stderr, so:
#
#   ROCCA_SARIF_MULTITOOL=$(scripts/install-sarif-multitool.sh) go test ./internal/output
#
# Idempotent: when the pinned version is already installed and runs, nothing is
# downloaded. Needs node/npm and the npm registry the first time.
#
# Environment:
#   ROCCA_TOOLS_DIR                  cache root (default ~/.cache/rocca-tools);
#                                    the tool goes into $ROCCA_TOOLS_DIR/sarif
#   ROCCA_SARIF_MULTITOOL_VERSION    npm version to install (default below)
set -euo pipefail

version="${ROCCA_SARIF_MULTITOOL_VERSION:-5.7.0}"
root="${ROCCA_TOOLS_DIR:-$HOME/.cache/rocca-tools}"
dir="$root/sarif"

log() { printf 'install-sarif-multitool: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# The npm package ships one platform package per OS; each holds Sarif.Multitool.
case "$(uname -s)" in
  Linux) platform=linux ;;
  Darwin) platform=darwin ;;
  *) die "unsupported OS $(uname -s) (the npm package has Linux and macOS executables; on Windows use its win32 package)" ;;
esac
if [ "$platform" = linux ] && [ "$(uname -m)" != x86_64 ]; then
  die "the Linux executable in @microsoft/sarif-multitool is x86-64 only; this machine is $(uname -m)"
fi
rel="node_modules/@microsoft/sarif-multitool-$platform/Sarif.Multitool"

installed_version() { # $1: install dir
  local pj="$1/node_modules/@microsoft/sarif-multitool-$platform/package.json"
  [ -f "$pj" ] || return 0
  node -e 'process.stdout.write(String(require(process.argv[1]).version || ""))' "$pj" 2>/dev/null || true
}

works() { # $1: executable; the test runs it with the same variable set
  DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 "$1" --version >/dev/null 2>&1
}

exe="$dir/$rel"
if [ -x "$exe" ] && [ "$(installed_version "$dir")" = "$version" ] && works "$exe"; then
  log "SARIF Multitool $version already installed in $dir"
  printf '%s\n' "$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")"
  exit 0
fi

command -v npm >/dev/null 2>&1 || die "npm not found; install Node.js (e.g. apt-get install nodejs npm)"
command -v node >/dev/null 2>&1 || die "node not found; install Node.js"

mkdir -p "$root"
stage=$(mktemp -d "$root/.sarif-install.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"

log "installing @microsoft/sarif-multitool@$version into $dir"
# npm prints progress on stdout: send it to stderr, stdout carries only the path.
# Optional dependencies must be included: the executables are in them.
# The platform package is named too, so that it gets the same exact version
# (the wrapper only asks for ^version of it).
if ! npm install --prefix "$stage" --no-audit --no-fund --no-save --include=optional \
    "@microsoft/sarif-multitool@$version" "@microsoft/sarif-multitool-$platform@$version" 1>&2; then
  die "npm install @microsoft/sarif-multitool@$version failed"
fi
[ -f "$stage/$rel" ] || die "npm installed the package but $rel is missing (platform package not installed?)"
# The platform package makes its binary executable in a postinstall script,
# which recent npm versions may not run.
chmod a+rx "$stage/$rel"
works "$stage/$rel" || die "$stage/$rel does not run (a .NET self-contained executable; see its error with: $stage/$rel --version)"

# Replace any previous (other version or broken) install in one step.
old=""
if [ -e "$dir" ]; then
  old="$root/.sarif-old.$$"
  mv "$dir" "$old"
fi
mv "$stage" "$dir"
trap - EXIT
[ -z "$old" ] || rm -rf "$old"

log "installed SARIF Multitool $(installed_version "$dir")"
printf '%s\n' "$(cd "$(dirname "$dir/$rel")" && pwd)/Sarif.Multitool"
