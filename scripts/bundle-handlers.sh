#!/usr/bin/env bash
# Bundles the Lambda handlers (src/**/*.lambda.ts -> assets/**/index.js) unless every bundle is newer than
# every TypeScript source and the lock file. Every packaging task (package:js, package:python, ...) runs this
# first, because the package is useless without assets/: a tarball packed after a plain `npx projen compile`
# on a fresh clone had none, and every TrainingJob then failed at synth with "Cannot find asset".
# `--force` always bundles.
set -euo pipefail
cd "$(dirname "$0")/.."

stale=${1:-}
if [ "$stale" != "--force" ]; then
  stale=
  while IFS= read -r handler; do
    rel=${handler#src/}
    out="assets/${rel%.ts}/index.js"
    if [ ! -s "$out" ] || [ -n "$(find src package-lock.json -newer "$out" -name '*.ts' -print -quit 2>/dev/null)" ] \
      || [ package-lock.json -nt "$out" ]; then
      stale="$out"
      break
    fi
  done < <(find src -name '*.lambda.ts' | sort)
fi

if [ -n "$stale" ]; then
  [ "$stale" = "--force" ] || echo "bundling the handlers ($stale is missing or older than the sources)"
  npx projen bundle
else
  echo "handler bundles in assets/ are current"
fi
