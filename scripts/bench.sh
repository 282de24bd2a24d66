#!/usr/bin/env bash
# Runs every benchmark of bench/ and rewrites bench/RESULTS.md and bench/synth-time.png.
#   bash scripts/bench.sh            the full run (about 5 minutes on 2 idle cores)
#   BENCH_QUICK=1 bash scripts/bench.sh   a short trial run (fewer repetitions, 64 MiB of data); writes bench/out/ only
#   BENCH_SOURCE=HEAD bash scripts/bench.sh   measures the committed library (src/ of HEAD, handler bundles built
#                                             from it) rather than the working tree, which may hold unfinished edits
#   bash scripts/bench.sh --report-only       re-renders RESULTS.md and the chart from bench/results.json (no measuring)
# The apps and the library are transpiled (not type-checked, not bundled) into bench/out/build first, so no
# synth pays for TypeScript compilation; aws-cdk-lib and the alpha module load from node_modules as in a user's app.
set -euo pipefail
cd "$(dirname "$0")/.."

# The chart is an SVG rendered to PNG by rsvg-convert (Debian package librsvg2-bin).
if ! command -v rsvg-convert >/dev/null 2>&1; then
  echo "installing librsvg2-bin for rsvg-convert" >&2
  apt-get install -y -q librsvg2-bin >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q librsvg2-bin >/dev/null; }
fi

out=bench/out/build
rm -rf "$out"
mkdir -p "$out"

if [ "${BENCH_SOURCE:-}" = "HEAD" ]; then
  # The library as committed (the working tree may hold someone's unfinished edit): src/ from HEAD, and the
  # handler bundles built from it with the command line of projen's bundle tasks.
  git archive HEAD src | tar -x -C "$out"
  for handler in "$out"/src/training/*.lambda.ts; do
    name=$(basename "$handler" .ts)
    npx esbuild --bundle "$handler" --target=node24 --platform=node --outfile="$out/assets/training/$name/index.js" \
      --tsconfig=tsconfig.dev.json --log-level=warning
  done
  export BENCH_LIBRARY="commit $(git rev-parse --short HEAD) (BENCH_SOURCE=HEAD)"
else
  # The working tree. The handler bundles are projen's: rebuilt when missing or older than their sources.
  stale=0
  for f in assets/training/training-job.lambda/index.js assets/training/training-job-signal.lambda/index.js; do
    if [ ! -f "$f" ] || [ -n "$(find src/training src/private -name '*.ts' -newer "$f" | head -1)" ]; then stale=1; fi
  done
  if [ "$stale" = 1 ]; then
    npx projen bundle >/dev/null
  fi
  cp -r src "$out/src"
  cp -r assets "$out/assets"
  dirty=$(git status --porcelain -- src | wc -l)
  export BENCH_LIBRARY="working tree at commit $(git rev-parse --short HEAD)$([ "$dirty" -gt 0 ] && echo ", with $dirty uncommitted change(s) in src/")"
fi

# The apps and the library are transpiled, not type-checked or bundled: aws-cdk-lib and the alpha module load
# from node_modules as in a user's app. The handler functions find their bundles at <src>/../../assets.
tar -c --exclude=bench/out bench | tar -x -C "$out"
# shellcheck disable=SC2046
(cd "$out" && npx esbuild $(find src bench -name '*.ts' ! -name '*.d.ts') \
  --outdir=. --outbase=. --format=cjs --platform=node --target=node20 --log-level=warning --allow-overwrite)
# No TypeScript stays behind: tsconfig.dev.json includes every .ts file of the repository.
find "$out" -name '*.ts' -delete

NODE_NO_WARNINGS=1 node "$out/bench/run.js" "$@"
