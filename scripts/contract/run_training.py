#!/usr/bin/env python3
"""Runs the real SageMaker training toolkit on what a synthesized app describes.

Usage: run_training.py SPEC_JSON RESULT_JSON

SPEC_JSON (written by test/contract/harness.ts from a synthesized cdk.out) holds:
  workDir          an empty scratch directory this run owns
  toolkitVenv      the venv that has sagemaker-training installed (.test-env/venv)
  imageContext     the staged Docker build context (cdk.out/asset.<hash>/)
  dockerfile       file name of the Dockerfile inside imageContext (default "Dockerfile")
  environment      the job's Environment (CreateTrainingJob), applied over the image's ENV
  hyperparameters  the job's HyperParameters (string to string, as SageMaker passes them)
  channels         [{ name, dataDir, config }]: config is the channel's entry in inputdataconfig.json
  instanceType     the job's instance type (resourceconfig.json current_instance_type)
  jobName          TRAINING_JOB_NAME as SageMaker sets it in the container
  region           AWS_REGION as SageMaker sets it in the container
  timeoutSeconds   kill the toolkit after this long (default 90)
  findLinks        a directory of wheels that stands in for the package index (optional)

What it does, as close to a SageMaker training container as a process on this host can be:
  1. Lays out SAGEMAKER_BASE_DIR (<workDir>/opt/ml) exactly as SageMaker does under /opt/ml:
     input/config/{hyperparameters,inputdataconfig,resourceconfig}.json, input/data/<channel>/,
     model/, output/data/. The toolkit reads SAGEMAKER_BASE_DIR at import time instead of /opt/ml.
  2. Builds the image's file system part that matters from the staged Dockerfile: COPY/ADD of
     build-context files to paths under /opt/ml are copied to the same paths under the base dir;
     ENV and WORKDIR are applied; RUN lines that are pip installs run against the run's Python (see 4)
     in the WORKDIR with /opt/ml rebased, so they see only what was copied before them; other RUN
     lines are reported in `notes` as not run (the base image is not pulled either).
  3. Environment: image ENV, then the job's Environment over it (SageMaker's rule), then what
     SageMaker itself sets in a training container (TRAINING_JOB_NAME, AWS_REGION ...).
     DEVIATION: every value that starts with /opt/ml is rebased onto SAGEMAKER_BASE_DIR, because
     this process cannot write /opt/ml.
  4. DEVIATION: the toolkit pip-installs user code (setup.py packages, requirements.txt) into the
     interpreter that runs it. To keep the shared test venv clean, each run gets its own thin venv
     (no pip of its own) whose site-packages points at the toolkit venv through a .pth file, and a
     `train` console script written exactly as pip writes it. Installs land in the thin venv.
     pip runs with PIP_NO_INDEX=1 and build isolation off, so the runs are hermetic: the package
     index is replaced by findLinks, a directory of wheels the test builds from fixtures/index-src.
  5. Runs `train` (sagemaker_training.cli.train:main), with hosts ["localhost"] (DEVIATION: the
     real container is algo-1; the toolkit resolves every host by DNS and would wait 15 minutes).
  6. Writes RESULT_JSON: exit code, output, the files under model/ and output/, the success or
     failure file, and what was not emulated.
"""
import os
import shutil
import subprocess
import sys

from runner import build_image, read_spec  # first: it puts local/ on sys.path
from container import OPT_ML, container_env, listing, make_run_venv, rebase, write_json  # noqa: E402

# The directory SageMaker lays out under /opt/ml: the local runner's, so both agree (DESIGN decision 9).
from training import lay_out  # noqa: E402


def main():
    spec, result_path, work_dir, base_dir = read_spec(sys.argv)
    os.makedirs(work_dir, exist_ok=True)
    venv_dir, python = make_run_venv(work_dir, spec["toolkitVenv"], {"train": "sagemaker_training.cli.train:main"})
    train = os.path.join(venv_dir, "bin", "train")
    lay_out(base_dir, spec)

    # What the image starts with, and what its RUN pip lines get (see container_env).
    env, build_env = container_env(venv_dir, work_dir, spec.get("findLinks"))

    result = {"baseDir": base_dir, "notes": [], "buildRuns": []}
    built = build_image(spec, base_dir, build_env, python, result)
    if built is None:
        result["exitCode"] = None
        write_json(result_path, result)
        return
    image_env, workdir = built
    result["imageEnvironment"] = dict(image_env)

    run_env = dict(env)
    run_env.update({k: rebase(v, base_dir) for k, v in image_env.items()})
    # SageMaker starts the container with the job's Environment over the image's ENV.
    run_env.update({k: rebase(v, base_dir) for k, v in (spec.get("environment") or {}).items()})
    run_env.update({
        "SAGEMAKER_BASE_DIR": base_dir,
        "TRAINING_JOB_NAME": spec.get("jobName") or "contract-job",
        "TRAINING_JOB_ARN": "arn:aws:sagemaker:%s:123456789012:training-job/%s" % (
            spec.get("region") or "us-east-1", (spec.get("jobName") or "contract-job").lower()),
        "AWS_REGION": spec.get("region") or "us-east-1",
    })
    # hermetic pip: see DEVIATION 4 in the module docstring
    run_env.update({k: v for k, v in build_env.items() if k.startswith("PIP_")})
    if "PATH" in image_env:
        run_env["PATH"] = rebase(image_env["PATH"], base_dir)
    cwd = rebase(workdir, base_dir) if workdir.startswith(OPT_ML) else work_dir
    result["environment"] = run_env
    result["cwd"] = cwd
    try:
        proc = subprocess.run([train], cwd=cwd, env=run_env, capture_output=True, text=True,
                              timeout=spec.get("timeoutSeconds") or 90)
        result.update(exitCode=proc.returncode, stdout=proc.stdout[-20000:], stderr=proc.stderr[-20000:])
    except subprocess.TimeoutExpired as e:
        result.update(exitCode=None, timedOut=True,
                      stdout=(e.stdout or b"").decode("utf-8", "replace")[-20000:] if isinstance(e.stdout, bytes) else (e.stdout or ""),
                      stderr=(e.stderr or b"").decode("utf-8", "replace")[-20000:] if isinstance(e.stderr, bytes) else (e.stderr or ""))
    result["modelFiles"] = listing(os.path.join(base_dir, "model"))
    result["outputFiles"] = listing(os.path.join(base_dir, "output"))
    result["codeFiles"] = listing(os.path.join(base_dir, "code"))
    for marker in ("success", "failure"):
        path = os.path.join(base_dir, "output", marker)
        result[marker] = open(path).read() if os.path.exists(path) else None
    write_json(result_path, result)


if __name__ == "__main__":
    main()
