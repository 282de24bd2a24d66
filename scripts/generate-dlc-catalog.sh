#!/usr/bin/env bash
# Regenerates src/image/dlc-catalog.generated.ts from the pinned SageMaker Python SDK's image_uri_config data.
#   scripts/generate-dlc-catalog.sh           # writes the file
#   scripts/generate-dlc-catalog.sh --check   # exits 1 when the committed file is stale (for CI)
# The wheel is downloaded once (with pip, from the package index pip is configured for), checked against its
# pinned sha256, and cached under .test-env/dlc/. Version 2 of the SDK is pinned: it ships the
# image_uri_config JSON files that this catalog reads.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=2.257.7
sha256=afa20b13ede5cfa8eac5de2dd51036047d90152224e8309d07f54ee5aefd0a99
cache="$root/.test-env/dlc"
wheel="$cache/sagemaker-$version-py3-none-any.whl"

python=python3
if [ -x "$root/.test-env/venv/bin/python" ]; then
  python="$root/.test-env/venv/bin/python"
fi

if [ ! -f "$wheel" ]; then
  mkdir -p "$cache"
  "$python" -m pip download --quiet --no-deps --only-binary=:all: "sagemaker==$version" -d "$cache"
fi
actual=$(sha256sum "$wheel" | cut -d' ' -f1)
if [ "$actual" != "$sha256" ]; then
  echo "$wheel: sha256 $actual, expected $sha256" >&2
  exit 1
fi
exec "$python" "$root/scripts/generate-dlc-catalog.py" "$wheel" "$@"
