#!/usr/bin/env bash
# The README's test command. On a fresh clone it installs what the tests need, then runs every suite:
# build (jsii compile, handler bundles, API.md), unit + local-cloud + contract + lint/nag tests (jest),
# eslint, the integ snapshots, the generated-file checks and the language packages.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
started=$(date +%s)
step() { printf '\n=== %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

step "install node modules"
bash scripts/install-node-modules.sh --if-stale

step "install the Python test environment (moto, cfn-lint, sagemaker-training, checkov)"
bash scripts/setup-test-env.sh

step "build and test: compile, bundle, API.md, jest (unit, local cloud, contract, integ + cfn-lint + cdk-nag + checkov), eslint, package"
bash scripts/local-cloud-summary.sh --reset
npx projen build
bash scripts/local-cloud-summary.sh

step "the Deep Learning Container catalog is what the pinned SageMaker SDK data generates"
bash scripts/generate-dlc-catalog.sh --check

step "every jsii language: rosetta examples, Python, Java and Go packages and their synth tests"
bash scripts/test-languages.sh

step "the published packages: the npm tarball and the Python wheel installed into fresh apps outside the repository"
bash scripts/test-package.sh

step "generated files are current"
if [ -n "$(git status --porcelain -- API.md src .projen package.json 2>/dev/null)" ]; then
  git status --porcelain -- API.md src .projen package.json
  echo "the build changed committed files (API.md, generated sources or projen files): run the build and commit them" >&2
  exit 1
fi

echo
echo "all suites passed in $(( $(date +%s) - started ))s"
