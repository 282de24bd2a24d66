#!/usr/bin/env bash
# Creates (or refreshes) the Python environment the tests use: moto server, cfn-lint and the
# SageMaker training toolkit, pinned in scripts/requirements-test.txt. Re-running it when nothing
# changed only compares a hash and returns.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
env_dir="$root/.test-env"
venv="$env_dir/venv"
req="$root/scripts/requirements-test.txt"
stamp="$env_dir/requirements.sha256"

want=$( (cat "$req"; python3 --version) | sha256sum | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "test environment up to date: $venv"
  exit 0
fi

mkdir -p "$env_dir"
if ! command -v gcc >/dev/null 2>&1; then
  # sagemaker-training builds a small C extension (gethostname) at install time.
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq gcc python3-dev >/dev/null
  else
    echo "gcc is needed to install sagemaker-training; install it and re-run" >&2
    exit 1
  fi
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip wheel setuptools
"$venv/bin/pip" install --quiet -r "$req"
echo "$want" > "$stamp"
echo "test environment ready: $venv"
"$venv/bin/pip" freeze | grep -iE '^(moto|cfn-lint|sagemaker-training)=' || true
