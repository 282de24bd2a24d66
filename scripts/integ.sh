#!/usr/bin/env bash
# Snapshot tests of the integration apps (integ/integ.<scenario>.ts), run by @aws-cdk/integ-runner.
#
#   bash scripts/integ.sh                 synthesize every app and compare it with its committed snapshot
#                                         (integ/integ.<scenario>.ts.snapshot/); exits non-zero on any change,
#                                         asset hashes included (a changed Dockerfile, build context or handler).
#   bash scripts/integ.sh --update        rewrite the snapshots of the apps whose output changed, synthesizing
#                                         only (integ-runner --update-on-failed --dry-run): nothing is deployed,
#                                         no AWS credentials are needed. Review the diff and commit it.
#   bash scripts/integ.sh --deploy        deploy every app to the AWS account and region of your credentials,
#                                         destroy it again and refresh its snapshot (integ-runner --force
#                                         --update-on-failed). This creates real SageMaker resources and costs money.
#
# Further arguments are passed to integ-runner, e.g. a test name: bash scripts/integ.sh integ.cpu-endpoint-from-s3.ts
# INTEG_DIRECTORY (default integ) is where the apps are discovered; INTEG_MAX_WORKERS (default 1) how many
# synthesize at once.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=compare
args=()
for a in "$@"; do
  case "$a" in
    --update) mode=update ;;
    --deploy) mode=deploy ;;
    *) args+=("$a") ;;
  esac
done

# transpile-only: the apps are type-checked by the jest tests (test/integ) and tsc; here only their output counts.
# One worker: integ-runner defaults to 16 parallel synths, too many for a small machine.
# cdk-nag findings are checked and named by the jest tests (test/integ/integ-apps.test.ts); here they would only
# make integ-runner fail with "Found errors" and refuse to write a snapshot.
export INTEG_SKIP_NAG=1

runner=(npx integ-runner
  --directory "${INTEG_DIRECTORY:-integ}"
  --language typescript
  --app "node -r ts-node/register/transpile-only {filePath}"
  --max-workers "${INTEG_MAX_WORKERS:-1}")

case "$mode" in
  compare) exec "${runner[@]}" ${args[@]+"${args[@]}"} ;;
  update) exec "${runner[@]}" --parallel-regions "${AWS_REGION:-us-east-1}" --update-on-failed --dry-run ${args[@]+"${args[@]}"} ;;
  deploy)
    echo "Deploying the integration apps to your AWS account (region ${AWS_REGION:-us-east-1}); they are destroyed afterwards." >&2
    exec "${runner[@]}" --parallel-regions "${AWS_REGION:-us-east-1}" --update-on-failed --force ${args[@]+"${args[@]}"} ;;
esac
