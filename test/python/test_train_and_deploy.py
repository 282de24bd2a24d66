"""The Python app synthesizes the same stack as the TypeScript example, through the built wheel."""
import difflib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from app import synth_example

REPO = Path(__file__).resolve().parents[2]
STACK = "TrainAndDeploy"
# Asset hashes (SHA-256 hex) name staged files and image tags; they are set aside, not compared.
ASSET_HASH = re.compile(r"[0-9a-f]{64}")


def normalise(value):
    """The template with every asset hash replaced by a placeholder."""
    if isinstance(value, dict):
        return {ASSET_HASH.sub("<asset-hash>", k): normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        return ASSET_HASH.sub("<asset-hash>", value)
    return value


def load_template(cloud_assembly: Path) -> dict:
    return json.loads((cloud_assembly / f"{STACK}.template.json").read_text())


@pytest.fixture(scope="session")
def typescript_template(tmp_path_factory) -> dict:
    """The TypeScript example's template: from TS_CDK_OUT when scripts/test-languages.sh synthesized
    it already, otherwise synthesized here."""
    given = os.environ.get("TS_CDK_OUT")
    if given:
        return load_template(Path(given))
    outdir = tmp_path_factory.mktemp("ts")
    subprocess.run(
        ["npx", "ts-node", "--transpile-only", "examples/train-and-deploy/app.ts"],
        cwd=REPO,
        env={**os.environ, "CDK_OUTDIR": str(outdir)},
        check=True,
    )
    return load_template(outdir)


@pytest.fixture(scope="session")
def python_template(tmp_path_factory) -> dict:
    outdir = tmp_path_factory.mktemp("py")
    synth_example(str(outdir))
    return load_template(outdir)


def test_python_app_synthesizes_the_training_job_and_the_endpoint(python_template):
    # GIVEN the Python app's template
    # WHEN we list its resource types
    types = {r["Type"] for r in python_template["Resources"].values()}
    # THEN the job and the serving chain are there (the comparison below is not of two empty stacks)
    assert {
        "Custom::SageMakerTrainingJob",
        "AWS::SageMaker::Model",
        "AWS::SageMaker::EndpointConfig",
        "AWS::SageMaker::Endpoint",
    } <= types
    assert set(python_template["Outputs"]) == {"TrainingJobName", "ModelArtifacts", "EndpointName"}


def test_python_template_equals_the_typescript_template_asset_hashes_aside(typescript_template, python_template):
    # GIVEN both apps' templates, asset hashes replaced by a placeholder
    expected = json.dumps(normalise(typescript_template), indent=1, sort_keys=True).splitlines()
    actual = json.dumps(normalise(python_template), indent=1, sort_keys=True).splitlines()
    # WHEN we compare them line by line
    diff = list(difflib.unified_diff(expected, actual, "typescript", "python", lineterm=""))
    # THEN they are equal
    assert not diff, "\n".join(diff[:200])


def test_normalise_replaces_asset_hashes_in_keys_and_values():
    # GIVEN a template fragment with an asset hash in a key and in a value
    digest = "ab" * 32
    fragment = {f"asset.{digest}": [{"S3Key": f"{digest}.zip", "Other": "abc"}]}
    # WHEN normalised
    result = normalise(fragment)
    # THEN both are placeholders and other text is kept
    assert result == {"asset.<asset-hash>": [{"S3Key": "<asset-hash>.zip", "Other": "abc"}]}
