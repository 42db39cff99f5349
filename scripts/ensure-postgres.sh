#!/usr/bin/env bash
# Make sure the PostgreSQL server the test suite needs answers on 127.0.0.1:5432.
# Starts the machine's cluster if it is stopped, installs PostgreSQL from Debian if it is missing.
set -euo pipefail
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
ready && exit 0
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "PostgreSQL is not installed; installing it from Debian's packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 30); do ready && break; sleep 1; done
if ! ready; then
    echo "PostgreSQL does not answer on 127.0.0.1:5432; the PostgreSQL half of the suite cannot run" >&2
    exit 1
fi
# Trust auth for the postgres user on loopback, as the suite expects (the machines ship it this way).
psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1" >/dev/null 2>&1 || {
    echo "PostgreSQL answers but user postgres cannot log in over 127.0.0.1 without a password" >&2
    exit 1
}
