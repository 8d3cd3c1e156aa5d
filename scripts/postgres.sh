#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for rocca's tests and benchmarks.
#
# Run by hand:
#
#   scripts/postgres.sh run go test ./internal/store/...   # start, run the command, stop
#   eval "$(scripts/postgres.sh start)"                    # start; prints export lines
#   scripts/postgres.sh stop "$ROCCA_PG_DIR"               # stop and delete the cluster
#
# or source it and call rocca_pg_start / rocca_pg_stop (scripts/test.sh does).
#
# rocca_pg_start creates a cluster in a new temporary directory, owned by a
# non-root user (PostgreSQL refuses to run as root: when run as root, the
# Debian `postgres` user is used if it exists, else a system user `rocca-pg`
# is created; ROCCA_PG_RUN_AS=NAME picks another, created when missing), listening only on 127.0.0.1 on a free TCP port, with a
# superuser `rocca` and a random password. It waits for pg_isready and
# exports:
#
#   ROCCA_TEST_POSTGRES_URL  postgres://rocca:PASSWORD@127.0.0.1:PORT/postgres?sslmode=disable
#                            (a role allowed to CREATE DATABASE: every test makes its own)
#   ROCCA_REQUIRE_POSTGRES=1 tests fail, rather than skip, without PostgreSQL
#   ROCCA_PG_DIR             the cluster directory (data, socket, server log)
#
# When initdb/pg_ctl are missing it installs the Debian package `postgresql`
# (as root, with apt-get). Any failure is reported on stderr with the server
# log and returns non-zero: nothing is skipped silently.
#
# The cluster trades durability for speed (fsync, synchronous_commit and
# full_page_writes off): it is for tests only.

rocca_pg_log() { printf 'postgres.sh: %s\n' "$*" >&2; }

# rocca_pg_bindir prints the directory holding initdb, pg_ctl and postgres.
rocca_pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
    printf '%s\n' "$d"; return 0
  fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

rocca_pg_install() {
  if [ "$(id -u)" != 0 ]; then
    rocca_pg_log "initdb/pg_ctl not found and not root: install the Debian package postgresql (apt-get install -y postgresql)"
    return 1
  fi
  rocca_pg_log "initdb/pg_ctl not found: installing the Debian package postgresql"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y postgresql >&2; then
    apt-get update >&2 && apt-get install -y postgresql >&2 || return 1
  fi
}

# rocca_pg_user prints the user the server runs as, creating it if needed.
rocca_pg_user() {
  if [ -n "${ROCCA_PG_RUN_AS:-}" ]; then
    id -u "$ROCCA_PG_RUN_AS" >/dev/null 2>&1 ||
      useradd --system --no-create-home --shell /usr/sbin/nologin "$ROCCA_PG_RUN_AS" >&2 || return 1
    echo "$ROCCA_PG_RUN_AS"; return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    id -un; return 0
  fi
  if id -u postgres >/dev/null 2>&1; then
    echo postgres; return 0
  fi
  if ! id -u rocca-pg >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin rocca-pg >&2 || return 1
  fi
  echo rocca-pg
}

# rocca_pg_as USER CMD... runs CMD as USER (directly when that is us).
rocca_pg_as() {
  local user=$1; shift
  if [ "$(id -un)" = "$user" ]; then
    "$@"
  else
    runuser -u "$user" -- "$@"
  fi
}

# rocca_pg_free_port prints a TCP port on 127.0.0.1 nobody listens on.
rocca_pg_free_port() {
  local port i
  for i in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"; return 0
    fi
  done
  return 1
}

rocca_pg_start() {
  local bin user dir pw port attempt
  bin=$(rocca_pg_bindir) || { rocca_pg_install && bin=$(rocca_pg_bindir); } || {
    rocca_pg_log "FATAL: PostgreSQL server binaries (initdb, pg_ctl) not found and could not be installed"
    return 1
  }
  user=$(rocca_pg_user) || { rocca_pg_log "FATAL: cannot find or create a non-root user for PostgreSQL"; return 1; }
  dir=$(mktemp -d "${TMPDIR:-/tmp}/rocca-pg.XXXXXX") || return 1
  export ROCCA_PG_DIR=$dir
  chmod 755 "$dir"
  [ "$(id -u)" != 0 ] || chown "$user" "$dir"
  pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$pw" >"$dir/pwfile"
  [ "$(id -u)" != 0 ] || chown "$user" "$dir/pwfile"
  chmod 600 "$dir/pwfile"
  if ! (cd "$dir" && rocca_pg_as "$user" "$bin/initdb" -D "$dir/data" -U rocca --pwfile="$dir/pwfile" \
      --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-instructions >"$dir/initdb.log" 2>&1); then
    rocca_pg_log "FATAL: initdb failed (as $user, with $bin/initdb):"
    cat "$dir/initdb.log" >&2
    return 1
  fi
  rm -f "$dir/pwfile"
  for attempt in 1 2 3 4 5; do
    port=$(rocca_pg_free_port) || { rocca_pg_log "FATAL: no free TCP port"; return 1; }
    if (cd "$dir" && rocca_pg_as "$user" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >&2); then
      break
    fi
    rocca_pg_log "start on port $port failed (attempt $attempt); server log:"
    tail -n 20 "$dir/server.log" >&2 || true
    port=""
  done
  if [ -z "$port" ]; then
    rocca_pg_log "FATAL: PostgreSQL did not start"
    return 1
  fi
  local i
  for i in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null || "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" 2>/dev/null; then
      export ROCCA_TEST_POSTGRES_URL="postgres://rocca:$pw@127.0.0.1:$port/postgres?sslmode=disable"
      export ROCCA_REQUIRE_POSTGRES=1
      ROCCA_PG_USER=$user
      ROCCA_PG_BIN=$bin
      rocca_pg_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$port (user $user, $dir)"
      return 0
    fi
    sleep 0.5
  done
  rocca_pg_log "FATAL: PostgreSQL on port $port not ready after 30 s; server log:"
  tail -n 40 "$dir/server.log" >&2 || true
  return 1
}

# rocca_pg_stop [DIR] stops the cluster and deletes its directory.
rocca_pg_stop() {
  local dir=${1:-${ROCCA_PG_DIR:-}} bin user
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  bin=${ROCCA_PG_BIN:-$(rocca_pg_bindir)}
  user=${ROCCA_PG_USER:-$(stat -c %U "$dir")}
  if [ -f "$dir/data/postmaster.pid" ]; then
    (cd "$dir" && rocca_pg_as "$user" "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1) ||
      (cd "$dir" && rocca_pg_as "$user" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1) || true
  fi
  rm -rf "$dir"
  rocca_pg_log "PostgreSQL stopped, $dir removed"
}

# Executed rather than sourced: dispatch on the first argument.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    start)
      rocca_pg_start || { rocca_pg_stop; exit 1; }
      printf 'export ROCCA_TEST_POSTGRES_URL=%q ROCCA_REQUIRE_POSTGRES=1 ROCCA_PG_DIR=%q\n' \
        "$ROCCA_TEST_POSTGRES_URL" "$ROCCA_PG_DIR"
      ;;
    stop)
      rocca_pg_stop "${2:-}"
      ;;
    run)
      shift
      [ $# -gt 0 ] || { echo "usage: $0 run COMMAND [ARG...]" >&2; exit 2; }
      trap 'rocca_pg_stop' EXIT
      rocca_pg_start || exit 1
      "$@"
      ;;
    *)
      echo "usage: $0 start | stop DIR | run COMMAND [ARG...]" >&2
      exit 2
      ;;
  esac
fi
