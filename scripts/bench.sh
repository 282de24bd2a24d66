#!/usr/bin/env bash
# Runs every benchmark of bench/ and rewrites bench/RESULTS.md and bench/synth-time.png.
#   bash scripts/bench.sh            the full run (about 10-15 minutes on 2 cores)
#   BENCH_QUICK=1 bash scripts/bench.sh   a short trial run (fewer repetitions, no 1 GiB data); writes bench/out/ only
# The apps and the library are transpiled (not type-checked, not bundled) into bench/out/build first, so no
# synth pays for TypeScript compilation; aws-cdk-lib and the alpha module load from node_modules as in a user's app.
set -euo pipefail
cd "$(dirname "$0")/.."

# The chart is an SVG rendered to PNG by rsvg-convert (Debian package librsvg2-bin).
if ! command -v rsvg-convert >/dev/null 2>&1; then
  echo "installing librsvg2-bin for rsvg-convert" >&2
  apt-get install -y -q librsvg2-bin >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q librsvg2-bin >/dev/null; }
fi

# The handler bundles: built by projen; rebuilt when missing or older than their sources.
stale=0
for f in assets/training/training-job.lambda/index.js assets/training/training-job-signal.lambda/index.js; do
  if [ ! -f "$f" ] || [ -n "$(find src/training src/private -name '*.ts' -newer "$f" | head -1)" ]; then stale=1; fi
done
if [ "$stale" = 1 ]; then
  npx projen bundle >/dev/null
fi

out=bench/out/build
rm -rf "$out"
mkdir -p "$out"
# shellcheck disable=SC2046
npx esbuild $(find src bench -name '*.ts' ! -name '*.d.ts' ! -path 'bench/out/*') \
  --outdir="$out" --outbase=. --format=cjs --platform=node --target=node20 --log-level=warning
# The handler functions find their bundles at <src>/../../assets.
cp -r assets "$out/assets"

NODE_NO_WARNINGS=1 node "$out/bench/run.js" "$@"
