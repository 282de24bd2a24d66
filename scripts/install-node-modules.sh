#!/usr/bin/env bash
# Installs node_modules exactly as package-lock.json says.
# `npm ci` is tried first. npm 11 refuses it for aws-cdk-lib 2.255.0, whose bundled
# @aws-cdk/cloud-assembly-api asks for jsonschema ~1.4.1 while the bundle ships 1.5.0 ("Missing:
# jsonschema@1.4.1 from lock file"); `npm install` then installs from the same lock, and the lock
# must come out unchanged.
#
# Usage: install-node-modules.sh [--if-stale]   --if-stale returns at once when node_modules already
#                                                matches package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--if-stale" ] && [ -f node_modules/.package-lock.json ] \
  && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "node_modules up to date"
  exit 0
fi
if npm ci --no-audit --no-fund 2>/tmp/npm-ci.$$.log; then
  rm -f /tmp/npm-ci.$$.log
  exit 0
fi
grep -m1 -E 'Missing: .* from lock file' /tmp/npm-ci.$$.log >&2 || grep -m1 'npm error' /tmp/npm-ci.$$.log >&2 || true
rm -f /tmp/npm-ci.$$.log
echo "npm ci refused the lock (see above); installing from the same lock with npm install" >&2
before=$(sha256sum package-lock.json)
npm install --no-audit --no-fund
if [ "$before" != "$(sha256sum package-lock.json)" ]; then
  echo "npm install changed package-lock.json: the committed lock is stale" >&2
  exit 1
fi
