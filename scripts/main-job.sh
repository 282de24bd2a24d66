#!/usr/bin/env bash
# The README's first command. From a fresh clone: installs what is missing, bundles the Lambda
# handlers, synthesizes examples/train-and-deploy, shows where the templates and image build
# contexts are, then deploys it:
#   - without AWS credentials: into a local AWS API (moto server) through the local-cloud
#     harness in local mode: the training job really trains (the SageMaker training toolkit runs
#     train.py, model.tar.gz lands in the local S3), the endpoint's model is served locally, a
#     sample from the example's data is sent to it with InvokeEndpoint; it prints what SageMaker
#     reports, the `trained:` and `prediction:` lines, and deletes the stack again;
#   - with AWS credentials: to the real account with `cdk deploy` (it says so first).
#
# Usage: bash scripts/main-job.sh [--local]     --local deploys locally even with credentials
# Environment: MAIN_JOB_YES=1 skips cdk's approval prompt for IAM changes on a real deploy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
example=examples/train-and-deploy
outdir=$example/cdk.out
force_local=false
for arg in "$@"; do
  case "$arg" in
    --local) force_local=true ;;
    *) echo "unknown argument: $arg (usage: bash scripts/main-job.sh [--local])" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }
# The AWS SDK warns about Node 20 on every start; it is noise here.
export NODE_NO_WARNINGS=1
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1

step "Node dependencies"
bash scripts/install-node-modules.sh --if-stale

step "Test environment (Python venv with moto server)"
bash scripts/setup-test-env.sh

step "Lambda handlers (projen bundle)"
npx projen bundle >/dev/null
echo "bundled into assets/"

step "Synthesize $example"
rm -rf "$outdir"
CDK_OUTDIR="$outdir" npx ts-node --transpile-only "$example/app.ts"
node -e '
const fs = require("fs"), path = require("path");
const dir = process.argv[1];
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".template.json"))) {
  console.log("template:".padEnd(24) + path.join(dir, f));
}
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".assets.json"))) {
  const m = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
  for (const [hash, a] of Object.entries(m.dockerImages || {})) {
    const ctx = path.join(dir, a.source.directory);
    const cmd = fs.existsSync(path.join(ctx, "train.py")) ? "training" : fs.existsSync(path.join(ctx, "serve.py")) ? "serving" : "image";
    console.log(`${cmd} image context:`.padEnd(24) + ctx + "  (Dockerfile: " + path.join(ctx, a.source.dockerFile || "Dockerfile") + ")");
  }
}' "$outdir"

has_credentials() {
  [ -n "${AWS_ACCESS_KEY_ID:-}" ] || [ -n "${AWS_PROFILE:-}" ] || [ -n "${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}" ] \
    || [ -n "${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}" ] || [ -n "${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ] \
    || [ -s "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" ] \
    || grep -qs 'sso_\|credential_process' "${AWS_CONFIG_FILE:-$HOME/.aws/config}"
}

if [ "$force_local" = false ] && has_credentials; then
  step "AWS credentials found: deploying to the REAL AWS account"
  echo "This creates a SageMaker training job and a real-time endpoint (ml.m5.large) in your account,"
  echo "which cost money until you run: npx cdk destroy --app $outdir"
  echo "(Run 'bash scripts/main-job.sh --local' to deploy into the local AWS API instead.)"
  approval=()
  if [ "${MAIN_JOB_YES:-}" = "1" ]; then approval=(--require-approval never); fi
  npx cdk deploy --app "$outdir" "${approval[@]}"
  exit 0
fi

step "No AWS credentials: deploying into a local AWS API (moto server), training and serving locally"
# The sample: the features of the first data row (x1,x2; its last column is the target y).
row=$(grep -v '^#' "$example/data/train.csv" | head -1)
sample=${row%,*}
echo "sample: x1,x2 = $sample (the data says y = ${row##*,})"
npx ts-node --transpile-only integ/local-cloud/cli.ts "$outdir" --local-mode --sample "$sample"
