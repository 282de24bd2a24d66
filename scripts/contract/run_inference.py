#!/usr/bin/env python3
"""Runs the SageMaker inference toolkit (sagemaker-inference, used by the current framework inference
images) on what a synthesized Endpoint describes, to see whether the user's program is the one that
answers.

Usage: run_inference.py SPEC_JSON RESULT_JSON

SPEC_JSON (written by test/contract/harness.ts) holds workDir, toolkitVenv, imageContext, dockerfile,
environment (the model's container Environment), modelDir (the unpacked model archive) and requests
([{ body, contentType?, accept? }]).

What runs for real: the staged Dockerfile's COPY/ENV (see container.py), the toolkit's
model_server._set_python_path() (what start_model_server does to the environment before it starts the
model server), and in a child process with that environment the toolkit's handler service and
transformer (initialize, handle), which import the user module named by SAGEMAKER_PROGRAM.
DEVIATIONS: /opt/ml is SAGEMAKER_BASE_DIR=<workDir>/opt/ml (values under /opt/ml rebased); the model
server's Java front end is not started: inference_worker.py plays its Python worker, started from a
working directory outside the code, as the model server starts it.
"""
import json
import os
import shutil
import subprocess
import sys

from runner import build_image, read_spec  # first: it puts local/ on sys.path
from container import container_env, listing, make_run_venv, rebase, write_json  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    spec, result_path, work_dir, base_dir = read_spec(sys.argv)
    for sub in ("code", "model"):
        os.makedirs(os.path.join(base_dir, sub), exist_ok=True)
    venv_dir, python = make_run_venv(work_dir, spec["toolkitVenv"], {})
    if spec.get("modelDir"):
        shutil.copytree(spec["modelDir"], os.path.join(base_dir, "model"), dirs_exist_ok=True)
    env, build_env = container_env(venv_dir, work_dir)
    result = {"baseDir": base_dir, "notes": [], "buildRuns": []}
    built = build_image(spec, base_dir, build_env, python, result)
    if built is None:
        write_json(result_path, result)
        return
    image_env, _ = built
    run_env = dict(env)
    run_env.update({k: rebase(v, base_dir) for k, v in image_env.items()})
    run_env.update({k: rebase(v, base_dir) for k, v in (spec.get("environment") or {}).items()})
    run_env["SAGEMAKER_BASE_DIR"] = base_dir
    requests_path = os.path.join(work_dir, "requests.json")
    write_json(requests_path, spec.get("requests") or [])
    # The model server's start-up: the toolkit sets PYTHONPATH, then the server starts its workers.
    launcher = (
        "import os, subprocess, sys\n"
        "from sagemaker_inference import model_server\n"
        "model_server._set_python_path()\n"
        "proc = subprocess.run([sys.executable, sys.argv[1], sys.argv[2], sys.argv[3]], cwd=sys.argv[4],\n"
        "                      capture_output=True, text=True)\n"
        "sys.stdout.write(proc.stdout); sys.stderr.write(proc.stderr); sys.exit(proc.returncode)\n"
    )
    worker_cwd = os.path.join(work_dir, "server")
    os.makedirs(worker_cwd, exist_ok=True)
    proc = subprocess.run([python, "-c", launcher, os.path.join(HERE, "inference_worker.py"),
                           os.path.join(base_dir, "model"), requests_path, worker_cwd],
                          cwd=worker_cwd, env=run_env, capture_output=True, text=True, timeout=120)
    result.update(exitCode=proc.returncode, stderr=proc.stderr[-20000:], environment=run_env,
                  codeFiles=listing(os.path.join(base_dir, "code")),
                  modelFiles=listing(os.path.join(base_dir, "model")))
    if proc.returncode == 0:
        result.update(json.loads(proc.stdout.strip().splitlines()[-1]))
    else:
        result["stdout"] = proc.stdout[-20000:]
    write_json(result_path, result)


if __name__ == "__main__":
    main()
