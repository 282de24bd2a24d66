#!/usr/bin/env bash
# Every jsii language works: builds the language packages from the compiled assembly and runs the
# cross-language synth tests. Run after `npx projen compile` (it compiles and bundles itself when
# .jsii or assets/ is missing). Re-runs reuse the venv, Maven's and Go's caches.
#
#   bash scripts/test-languages.sh                 rosetta, python, java, go, dotnet (all)
#   bash scripts/test-languages.sh python go       only those steps
#
# Steps:
#   rosetta  README and doc examples compile under jsii-rosetta strict mode (fails listing every one
#            that does not); the translations it writes (.jsii.tabl.json, also its cache for re-runs)
#            go into the Python, Java and Go packages' docs when it runs before them.
#   python   `npx projen package:python`, a venv (.test-env/lang-python) with the wheel, aws-cdk-lib
#            and constructs at the versions the TypeScript build uses, and test/python (pytest): the
#            Python app's template equals the TypeScript example's, asset hashes aside.
#   java     `npx projen package:java` (Maven).
#   go       `npx projen package:go` with the local module replacements described at go_deps below,
#            and test/go (go test): the Go app's template equals the TypeScript example's.
#   dotnet   `npx projen package:dotnet` where a dotnet SDK exists; skipped (and said so) elsewhere.
#   go-deps, go-deps-clean
#            only link (remove) the served Go modules in dist/go, for running jsii-pacmak's Go target
#            directly (GOSUMDB=off is needed there too).
#
# Prints each step's time at the end and keeps it in .test-env/languages/timings.txt.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work="$root/.test-env/languages"
venv_dir="$root/.test-env/lang-python"
mkdir -p "$work"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
# The Go checksum database is not reachable from our build machines; modules still come from the
# module proxy and go.sum still records their hashes.
export GOSUMDB=off

steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(rosetta python java go dotnet)

# timed, timing_skipped, print_timings
source "$root/scripts/lib/timing.sh"

ensure_assembly() {
  if [ ! -d assets ] || [ -z "$(ls -A assets 2>/dev/null)" ]; then
    npx projen bundle
  fi
  if [ ! -f .jsii ]; then
    npx projen compile
  fi
}

# The TypeScript example's cloud assembly, which every language's app must reproduce.
typescript_synth() {
  rm -rf "$work/ts-cdk.out"
  CDK_OUTDIR="$work/ts-cdk.out" npx ts-node --transpile-only examples/train-and-deploy/app.ts
}
ensure_typescript_synth() {
  if [ -z "${TS_CDK_OUT:-}" ]; then
    timed "synth TypeScript example" typescript_synth
    export TS_CDK_OUT="$work/ts-cdk.out"
  fi
}

package_version() { node -p "require('./node_modules/$1/package.json').version"; }

# --- rosetta -------------------------------------------------------------------------------------
# jsii-rosetta compiles each example in a directory whose node_modules holds this package and what the
# fixture (rosetta/default.ts-fixture) imports: aws-cdk-lib, constructs and @types/node (for path and
# __dirname). Without -d it would npm-install a closure without @types/node.
rosetta() {
  local dir="$work/rosetta"
  rm -rf "$dir"
  mkdir -p "$dir/node_modules/@types"
  ln -s "$root" "$dir/node_modules/cdk-sagemaker-containers"
  for pkg in aws-cdk-lib constructs @types/node; do
    ln -s "$root/node_modules/$pkg" "$dir/node_modules/$pkg"
  done
  npx jsii-rosetta extract --strict --directory "$dir" .jsii
}

# --- python --------------------------------------------------------------------------------------
python_venv() {
  local venv="$venv_dir" want
  local cdk constructs
  cdk=$(package_version aws-cdk-lib)
  constructs=$(package_version constructs)
  want="aws-cdk-lib==$cdk constructs==$constructs pytest $(python3 --version)"
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv.stamp" 2>/dev/null)" != "$want" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "aws-cdk-lib==$cdk" "constructs==$constructs" pytest
    echo "$want" > "$venv.stamp"
  fi
  # The wheel is always 0.0.0 locally, so pip would keep a stale one: reinstall it; its dependencies
  # were installed above at the TypeScript build's versions (pip check fails if they do not fit).
  "$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps dist/python/*.whl
  "$venv/bin/pip" check
}

python_test() {
  (cd test/python && "$venv_dir/bin/python" -m pytest -v -p no:cacheprovider .)
}

python_all() {
  rm -rf dist/python
  timed "package:python" npx projen package:python
  timed "python venv + wheel" python_venv
  ensure_typescript_synth
  timed "python synth test" python_test
}

# --- java ----------------------------------------------------------------------------------------
java_all() {
  rm -rf dist/java
  timed "package:java" npx projen package:java
}

# --- go ------------------------------------------------------------------------------------------
# jsii-pacmak checks the Go package with `go mod tidy` and `go build` against a local.go.mod that
# `replace`s every dependency it finds built beside the package in dist/go/<packageName>. The
# generated go.mod requires awscdk v2.255.0 and cloud-assembly-schema v53.28.0 (the versions in
# node_modules), which the Go module proxy we build with refuses; test/go/go.mod names the served
# versions it replaces them with, and go_deps links those modules from the module cache into dist/go
# for the build, then removes the links so dist/go holds only our package.
go_replacements() {
  # "<module path> <version>" for each replace in test/go/go.mod that points at a module version
  go mod edit -json test/go/go.mod | node -e '
    const mod = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const r of mod.Replace ?? []) if (r.New.Version) console.log(r.Old.Path, r.New.Version);'
}
# Module directory name pacmak looks for: the last path element without its /vN suffix.
go_dep_dirs() {
  local path version
  while read -r path version; do
    echo "$path $version dist/go/$(basename "$(echo "$path" | sed -E 's#/v[0-9]+$##')")"
  done < <(go_replacements)
}
go_deps() {
  local path version link dir
  mkdir -p dist/go
  while read -r path version link; do
    dir=$(go mod download -json "$path@$version" | node -e '
      const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
      if (m.Error) { console.error(m.Error); process.exit(1); }
      console.log(m.Dir);')
    ln -sfn "$dir" "$link"
  done < <(go_dep_dirs)
}
go_clean_deps() {
  local path version link
  while read -r path version link; do
    if [ -L "$link" ]; then rm -f "$link"; fi
  done < <(go_dep_dirs)
}

go_package() {
  rm -rf dist/go
  go_deps
  trap go_clean_deps EXIT
  npx projen package:go
  go_clean_deps
  trap - EXIT
}

go_test() {
  # -mod=mod: go.sum may gain entries when a newer jsii-pacmak changes the generated module's requirements
  (cd test/go && GOFLAGS="${GOFLAGS:-} -mod=mod" go test -count=1 -v ./...)
}

go_all() {
  timed "package:go" go_package
  ensure_typescript_synth
  timed "go synth test" go_test
}

# --- dotnet --------------------------------------------------------------------------------------
dotnet_all() {
  if command -v dotnet >/dev/null 2>&1; then
    rm -rf dist/dotnet
    timed "package:dotnet" npx projen package:dotnet
  else
    echo "package:dotnet skipped: no dotnet SDK on this machine (none is installable from the registries we reach)"
    timing_skipped "package:dotnet"
  fi
}

case "${steps[0]}" in
  go-deps) go_deps; exit 0 ;;
  go-deps-clean) go_clean_deps; exit 0 ;;
esac

timed "compile + bundle (if missing)" ensure_assembly
for step in "${steps[@]}"; do
  case "$step" in
    rosetta) timed "rosetta extract --strict" rosetta ;;
    python) python_all ;;
    java) java_all ;;
    go) go_all ;;
    dotnet) dotnet_all ;;
    *) echo "unknown step: $step (use rosetta, python, java, go, dotnet, go-deps, go-deps-clean)" >&2; exit 2 ;;
  esac
done

print_timings "language step times" "$work/timings.txt"
