#!/usr/bin/env bash
# Installs node_modules exactly as package-lock.json says.
# `npm ci` is tried first. npm 11 refuses it for aws-cdk-lib 2.255.0, whose bundled
# @aws-cdk/cloud-assembly-api asks for jsonschema ~1.4.1 while the bundle ships 1.5.0 ("Missing:
# jsonschema@1.4.1 from lock file"); `npm install` then installs from the same lock, and the lock
# must come out unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
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
