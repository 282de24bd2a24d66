#!/usr/bin/env bash
# The published packages, proven as a user gets them: the npm tarball and the Python wheel are installed
# into fresh apps in a temporary directory outside the repository, with their peer dependencies from the
# package registry, and each app synthesizes a training job and an endpoint.
#
#   bash scripts/test-package.sh             js and python
#   bash scripts/test-package.sh js          only the npm tarball
#   bash scripts/test-package.sh python      only the Python wheel
#
# It uses what the release packs: dist/js/*.jsii.tgz (`npx projen package:js`, which `build` runs) and
# dist/python/*.whl (`npx projen package:python`, which scripts/test-languages.sh runs); a missing one is
# packed first. The peer dependencies are the lowest versions users may have, the ones we build with.
# Prints each step's time at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1

steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(js python)

cdk_version=$(node -p "require('./node_modules/aws-cdk-lib/package.json').version")
constructs_version=$(node -p "require('./node_modules/constructs/package.json').version")
work=$(mktemp -d "${TMPDIR:-/tmp}/cdk-sagemaker-containers-consumer.XXXXXX")
[ -n "${KEEP_CONSUMER_APPS:-}" ] && echo "keeping $work" || trap 'rm -rf "$work"' EXIT

# timed, timing_skipped, print_timings
source "$root/scripts/lib/timing.sh"

# The user's code: a training script and a serving module, in directories of the app.
write_user_code() {
  local app=$1
  mkdir -p "$app/training" "$app/serving" "$app/data"
  printf 'print("training")\n' > "$app/training/train.py"
  printf 'sagemaker-training\n' > "$app/training/requirements.txt"
  printf 'def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b""]\n' > "$app/serving/serve.py"
  printf 'sagemaker-containers\ngunicorn\n' > "$app/serving/requirements.txt"
  printf '1,2\n' > "$app/data/train.csv"
}

# Checks a synthesized template for what a user of both constructs gets; prints what it found.
check_template() {
  local out=$1
  node - "$out" <<'EOF'
const fs = require('fs');
const path = require('path');
const out = process.argv[2];
const template = JSON.parse(fs.readFileSync(path.join(out, 'Consumer.template.json'), 'utf8'));
const types = Object.values(template.Resources).map(r => r.Type);
const want = ['Custom::SageMakerTrainingJob', 'AWS::SageMaker::Model', 'AWS::SageMaker::EndpointConfig', 'AWS::SageMaker::Endpoint'];
const missing = want.filter(t => !types.includes(t));
if (missing.length > 0) {
  console.error(`the consumer app's template lacks ${missing.join(', ')}`);
  process.exit(1);
}
// The training handler's bundle came from the package's assets/ and was staged as a file asset.
const assets = JSON.parse(fs.readFileSync(path.join(out, 'Consumer.assets.json'), 'utf8'));
const handler = Object.values(assets.files).find(f => f.source.packaging === 'zip'
  && fs.existsSync(path.join(out, f.source.path, 'index.js'))
  && fs.readFileSync(path.join(out, f.source.path, 'index.js'), 'utf8').includes('CreateTrainingJob'));
if (!handler) {
  console.error('no staged asset holds the training handler bundle (index.js with CreateTrainingJob)');
  process.exit(1);
}
console.log(`template: ${types.length} resources, ${want.join(', ')}; training handler staged from the package`);
EOF
}

# --- js ------------------------------------------------------------------------------------------
js_tarball() {
  ls dist/js/cdk-sagemaker-containers@*.jsii.tgz 2>/dev/null | head -1
}

js_pack() {
  if [ -z "$(js_tarball)" ]; then
    [ -f .jsii ] || { echo "no .jsii: run 'npx projen compile' first" >&2; exit 1; }
    npx projen package:js
  fi
  local tarball listing
  tarball=$(js_tarball)
  listing=$(tar -tzf "$tarball")
  for want in package/.jsii package/lib/index.js package/lib/index.d.ts package/API.md package/README.md package/LICENSE \
    package/assets/training/training-job.lambda/index.js; do
    grep -qx "$want" <<<"$listing" || { echo "$tarball lacks ${want#package/}" >&2; exit 1; }
  done
  local stray
  stray=$(grep -v -E '^package/(lib/|assets/|bin/|local/|\.jsii$|API\.md$|README\.md$|LICENSE$|package\.json$)' <<<"$listing" || true)
  if [ -n "$stray" ]; then
    echo "$tarball holds files outside the allow-list:" >&2
    echo "$stray" >&2
    exit 1
  fi
  echo "$tarball: $(wc -l <<<"$listing") files, $(du -k "$tarball" | cut -f1) KiB"
}

js_install() {
  local app="$work/js-app" tarball
  tarball="$root/$(js_tarball)"
  mkdir -p "$app"
  echo '{ "name": "consumer", "version": "1.0.0", "private": true }' > "$app/package.json"
  (cd "$app" && npm install --no-audit --no-fund --prefer-offline --loglevel=error \
    "$tarball" "aws-cdk-lib@$cdk_version" "constructs@$constructs_version")
}

js_synth() {
  local app="$work/js-app"
  write_user_code "$app"
  cat > "$app/app.js" <<'EOF'
const path = require('path');
const { App, Stack } = require('aws-cdk-lib');
const {
  BaseImage, Endpoint, EntryPoint, InstanceType, SageMakerImage, TrainingInput, TrainingJob,
} = require('cdk-sagemaker-containers');

const app = new App({ outdir: process.env.CDK_OUTDIR });
const stack = new Stack(app, 'Consumer', { env: { account: '123456789012', region: 'us-east-1' } });
const job = new TrainingJob(stack, 'Train', {
  image: SageMakerImage.fromDirectory(path.join(__dirname, 'training'), {
    baseImage: BaseImage.fromRegistry('python:3.11'),
    entryPoint: EntryPoint.program('train.py'),
  }),
  instanceType: InstanceType.ML_C5_2XLARGE,
  inputs: [TrainingInput.fromAsset('train', path.join(__dirname, 'data'))],
});
new Endpoint(stack, 'Endpoint', {
  image: SageMakerImage.fromDirectory(path.join(__dirname, 'serving'), {
    baseImage: BaseImage.fromRegistry('python:3.11'),
    entryPoint: EntryPoint.servingModule('serve:app'),
  }),
  modelData: job.modelData,
  instanceType: InstanceType.ML_M5_2XLARGE,
});
app.synth();
EOF
  (cd "$app" && CDK_OUTDIR="$app/cdk.out" node app.js)
  # resolved from the app, not from the repository
  (cd "$app" && node -e "const p = require.resolve('cdk-sagemaker-containers'); if (p.startsWith('$root/')) { console.error('resolved ' + p); process.exit(1); }")
  check_template "$app/cdk.out"
}

js_all() {
  timed "npm tarball: pack or reuse, contents" js_pack
  timed "npm: fresh app, install" js_install
  timed "npm: synth" js_synth
}

# --- python --------------------------------------------------------------------------------------
python_wheel() {
  ls dist/python/cdk_sagemaker_containers-*.whl 2>/dev/null | head -1
}

python_pack() {
  if [ -z "$(python_wheel)" ]; then
    [ -f .jsii ] || { echo "no .jsii: run 'npx projen compile' first" >&2; exit 1; }
    npx projen package:python
  fi
  echo "$(python_wheel): $(du -k "$(python_wheel)" | cut -f1) KiB"
}

python_install() {
  local venv="$work/py-venv" wheel
  wheel="$root/$(python_wheel)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "$wheel" "aws-cdk-lib==$cdk_version" "constructs==$constructs_version"
  "$venv/bin/pip" check
}

python_synth() {
  local app="$work/py-app" venv="$work/py-venv"
  mkdir -p "$app"
  write_user_code "$app"
  cat > "$app/app.py" <<'EOF'
"""A user's Python CDK app: the Python names (snake_case members, constants renamed by jsii)."""
import os
from pathlib import Path

from aws_cdk import App, Environment, Stack
from cdk_sagemaker_containers import (
    BaseImage, Endpoint, EntryPoint, InstanceType, SageMakerImage, TrainingInput, TrainingJob,
)

here = Path(__file__).parent
# jsii puts an underscore between a digit and the letters after it: ML_C5_2XLARGE in TypeScript
assert InstanceType.ML_C5_2_XLARGE.name == "ml.c5.2xlarge", InstanceType.ML_C5_2_XLARGE.name
assert InstanceType.ML_G5_12_XLARGE.name == "ml.g5.12xlarge"
assert InstanceType.ML_P4_D_24_XLARGE.name == "ml.p4d.24xlarge"

app = App(outdir=os.environ["CDK_OUTDIR"])
stack = Stack(app, "Consumer", env=Environment(account="123456789012", region="us-east-1"))
job = TrainingJob(stack, "Train",
    image=SageMakerImage.from_directory(str(here / "training"),
        base_image=BaseImage.from_registry("python:3.11"),
        entry_point=EntryPoint.program("train.py"),
    ),
    instance_type=InstanceType.ML_C5_2_XLARGE,
    inputs=[TrainingInput.from_asset("train", str(here / "data"))],
)
Endpoint(stack, "Endpoint",
    image=SageMakerImage.from_directory(str(here / "serving"),
        base_image=BaseImage.from_registry("python:3.11"),
        entry_point=EntryPoint.serving_module("serve:app"),
    ),
    model_data=job.model_data,
    instance_type=InstanceType.ML_M5_2_XLARGE,
)
app.synth()
EOF
  (cd "$app" && CDK_OUTDIR="$app/cdk.out" "$venv/bin/python" app.py)
  check_template "$app/cdk.out"
}

python_all() {
  timed "wheel: pack or reuse" python_pack
  timed "python: fresh venv, install" python_install
  timed "python: synth" python_synth
}

for step in "${steps[@]}"; do
  case "$step" in
    js) js_all ;;
    python) python_all ;;
    *) echo "unknown step: $step (use js, python)" >&2; exit 2 ;;
  esac
done

print_timings "consumer package test times"
