#!/usr/bin/env bash
# Creates (or refreshes) the Python environments the tests use. Re-running it when nothing changed
# only compares a hash per venv and returns.
#
#   .test-env/venv          moto server, cfn-lint and the SageMaker training toolkit
#                           (scripts/requirements-test.txt)
#   .test-env/checkov-venv  checkov, the template scanner of test/integ/scanners.test.ts (its pins clash with
#                           moto's and cfn-lint's, so it lives apart; scripts/requirements-checkov.txt)
#   .test-env/serving-venv  the legacy serving stack, sagemaker-containers (its Flask 1.1.1 pin clashes
#                           with moto's Flask 3, so it lives apart; local/requirements-serving.txt)
#   .test-env/sdk-venv      the pinned SageMaker Python SDK, the oracle of test/image/dlc-oracle.test.ts
#                           (scripts/requirements-sdk.txt)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
env_dir="$root/.test-env"
mkdir -p "$env_dir"

ensure_gcc() {
  if ! command -v gcc >/dev/null 2>&1; then
    # sagemaker-training builds a small C extension (gethostname) at install time.
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq && apt-get install -y -qq gcc python3-dev >/dev/null
    else
      echo "gcc is needed to install sagemaker-training; install it and re-run" >&2
      exit 1
    fi
  fi
}

# make_venv NAME REQUIREMENTS [EXTRA_FILE...]: the venv is rebuilt when the requirements, the
# extra files or the Python version change; sets fresh=1 when it was (re)built. (Not called as an
# `if` condition: set -e does not apply inside a function called that way.)
make_venv() {
  fresh=0
  local name=$1 req=$2
  shift 2
  local venv="$env_dir/$name" stamp="$env_dir/$name.sha256"
  want=$( (cat "$req" "$@"; python3 --version) | sha256sum | cut -d' ' -f1)
  if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "test environment up to date: $venv"
    return 0
  fi
  ensure_gcc
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip wheel setuptools
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  fresh=1
}

# The first venv kept its stamp under this name before there were several.
[ -f "$env_dir/requirements.sha256" ] && [ ! -f "$env_dir/venv.sha256" ] && mv "$env_dir/requirements.sha256" "$env_dir/venv.sha256"

make_venv venv "$root/scripts/requirements-test.txt"
if [ "$fresh" = 1 ]; then
  echo "$want" > "$env_dir/venv.sha256"
  echo "test environment ready: $env_dir/venv"
  "$env_dir/venv/bin/pip" freeze | grep -iE '^(moto|cfn-lint|sagemaker.training)=' || true
fi

make_venv serving-venv "$root/local/requirements-serving.txt" "$root/local/sitecustomize.py"
if [ "$fresh" = 1 ]; then
  site=$("$env_dir/serving-venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  cp "$root/local/sitecustomize.py" "$site/sitecustomize.py"
  # fails the script (set -e) if the serving stack does not import
  "$env_dir/serving-venv/bin/python" -W ignore -c 'import sagemaker_containers.cli.serve'
  echo "$want" > "$env_dir/serving-venv.sha256"
  echo "test environment ready: $env_dir/serving-venv"
  "$env_dir/serving-venv/bin/pip" freeze | grep -iE '^(sagemaker.containers|gunicorn|flask)=' || true
fi

make_venv sdk-venv "$root/scripts/requirements-sdk.txt"
if [ "$fresh" = 1 ]; then
  # fails the script (set -e) if the SDK does not import
  SAGEMAKER_SUPPRESS_V2_WARNING=1 "$env_dir/sdk-venv/bin/python" -W ignore -c 'import sagemaker.image_uris'
  echo "$want" > "$env_dir/sdk-venv.sha256"
  echo "test environment ready: $env_dir/sdk-venv"
fi

make_venv checkov-venv "$root/scripts/requirements-checkov.txt"
if [ "$fresh" = 1 ]; then
  "$env_dir/checkov-venv/bin/checkov" --version >/dev/null # fails the script (set -e) if checkov does not run
  echo "$want" > "$env_dir/checkov-venv.sha256"
  echo "test environment ready: $env_dir/checkov-venv (checkov $("$env_dir/checkov-venv/bin/checkov" --version))"
fi
