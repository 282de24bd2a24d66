"""What the three contract runners (run_training.py, run_serving.py, run_inference.py) do alike: read the spec
the TypeScript harness wrote, and build the image's file-system part from the staged Dockerfile.

Importing this module also puts local/ (the local runner's container emulation, DESIGN decision 9) on sys.path,
so the runners import `container` and `training` from there after it.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "local"))
from container import BuildError, apply_dockerfile  # noqa: E402


def read_spec(argv):
    """The command line `SPEC_JSON RESULT_JSON`: the spec, the result path, the run's work directory and the
    directory that stands in for /opt/ml (SAGEMAKER_BASE_DIR=<workDir>/opt/ml)."""
    spec_path, result_path = argv[1], argv[2]
    with open(spec_path) as f:
        spec = json.load(f)
    work_dir = os.path.abspath(spec["workDir"])
    return spec, result_path, work_dir, os.path.join(work_dir, "opt", "ml")


def build_image(spec, base_dir, build_env, python, result):
    """Applies the staged Dockerfile (spec imageContext / dockerfile) under base_dir: COPY/ADD, ENV, WORKDIR and
    the pip RUN lines (see local/container.py). Records the Dockerfile in result["dockerfile"], what was not run in
    result["notes"] and the RUN lines that ran in result["buildRuns"].

    Returns (image ENV, final WORKDIR), or None after recording result["buildError"] when the build fails."""
    image_env = {}
    try:
        with open(os.path.join(spec["imageContext"], spec.get("dockerfile") or "Dockerfile")) as f:
            result["dockerfile"] = f.read()
        workdir = apply_dockerfile(spec["imageContext"], result["dockerfile"], base_dir, image_env, build_env, python,
                                   result["notes"], result["buildRuns"])
    except BuildError as e:
        result["buildError"] = str(e)
        return None
    return image_env, workdir
