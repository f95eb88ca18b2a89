#!/usr/bin/env bash
# The Debian packages the tests use besides Node and npm: real peers and clients that
# socket-level tests run against. `pnpm test` runs this first and `.ci/run` before it.
#
# - every package present: exits 0 at once (a few `command -v`, nothing else);
# - some missing, as root: `apt-get install`s them, then stops the services the Debian
#   packages start on install (nginx on port 80, redis-server, prometheus), because
#   the tests start their own on free ports;
# - some missing, not root: says which and the one command to run, and exits 1.
#
# TSGI_SKIP_SYSTEM_PACKAGES=1 skips the check (the tests that need a missing program
# then fail, each naming it).
set -euo pipefail

# package:command, the program that shows the package is installed.
PACKAGES=(
  curl:curl                 # gzip's --compressed check, range requests (packages/static)
  nginx:nginx               # deploy/nginx/tsgi.conf in front of two tsgi instances
  chromium:chromium         # browser tests through playwright-core (scripts/chromium.ts)
  goaccess:goaccess         # reads the access logs @tsgi/logger writes
  redis-server:redis-server # the Redis stores' tests (@tsgi/session, @tsgi/rate-limit) run their own server
  prometheus:prometheus     # scrapes the metrics endpoint in the metrics tests
  nghttp2-client:nghttp     # HTTP/2 requests
  openssl:openssl           # self-signed certificates for the --certfile tests
  tar:tar                   # pnpm test:install unpacks the package tarballs
  postgresql:pg_ctlcluster  # examples/realworld runs its own PostgreSQL (initdb, postgres) for its tests
)
# Started by their Debian packages on install; the tests run their own instances.
SERVICES=(nginx redis-server prometheus postgresql)

[ "${TSGI_SKIP_SYSTEM_PACKAGES:-}" = 1 ] && exit 0
# nginx is in /usr/sbin, which a user's PATH often lacks.
PATH="$PATH:/usr/sbin:/sbin"

# Sets `missing` to the packages whose program is not found. (No mapfile: macOS has bash 3.)
find_missing() {
  local entry
  missing=()
  for entry in "${PACKAGES[@]}"; do
    command -v "${entry#*:}" >/dev/null 2>&1 || missing+=("${entry%%:*}")
  done
}

find_missing
[ ${#missing[@]} -eq 0 ] && exit 0
installed=("${missing[@]}")

if ! command -v apt-get >/dev/null 2>&1; then
  echo "tsgi: the tests need these programs (Debian package names): ${missing[*]}" >&2
  echo "tsgi: install them with your system's package manager, or set TSGI_SKIP_SYSTEM_PACKAGES=1 to run without them" >&2
  exit 1
fi

if [ "$(id -u)" != 0 ]; then
  echo "tsgi: the tests need these Debian packages: ${missing[*]}" >&2
  echo "tsgi: install them (apt-get, then stop the services Debian starts) with: sudo bash $0" >&2
  exit 1
fi

echo "tsgi: installing ${missing[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null

for service in "${SERVICES[@]}"; do
  for package in "${installed[@]}"; do
    if [ "$package" = "$service" ]; then
      service "$service" stop >/dev/null 2>&1 || systemctl stop "$service" >/dev/null 2>&1 || true
    fi
  done
done

find_missing
if [ ${#missing[@]} -gt 0 ]; then
  echo "tsgi: apt-get ran, but these packages' programs are still missing: ${missing[*]}" >&2
  exit 1
fi
