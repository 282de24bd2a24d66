#!/usr/bin/env python3
"""The local run of a synthesized SageMaker model: the serving image's code and the model archive
(unpacked to /opt/ml/model) served on a loopback port by the toolkit the image names, answering
GET /ping and POST /invocations. One runner: `cdk-sagemaker-containers local serve` (src/local/) and
the local deploy's endpoints (integ/local-cloud) both start this file.

Usage: serving.py SPEC_JSON     (run with the toolkit environment's Python: toolkit.py)

SPEC_JSON (written by src/local/serving.ts) holds:
  workDir        a scratch directory this run owns; SAGEMAKER_BASE_DIR is <workDir>/opt/ml
  toolkitPython  the Python of the serving toolkit environment
  imageContext   the staged Docker build context, dockerfile its file name
  environment    the model's container Environment (over the image's ENV)
  modelArchive   a local model.tar.gz, or modelS3Uri (downloaded with boto3; AWS_ENDPOINT_URL honoured)
  port           the loopback port to serve on
  pipIndex, findLinks   as for training.py
  startSeconds   how long to wait for /ping (default 120)

Which toolkit serves (the image's and the model's environment decide, as in the real images):
  - SAGEMAKER_SERVING_MODULE set: the legacy serving stack, sagemaker-containers' `serve` (gunicorn on
    the WSGI app module:app). DEVIATIONS: SAGEMAKER_USE_NGINX=false (gunicorn alone), one worker.
  - otherwise: the inference toolkit (sagemaker-inference) with the user's SAGEMAKER_PROGRAM (default
    inference.py, in /opt/ml/model/code or the image's code directory): its handler service and
    transformer run behind inference_server.py, which stands in for the model server's front end
    (Multi Model Server / TorchServe, Java, not run here).
Prints one JSON line {"event": "ready", "port": N, "toolkit": ...} once /ping answers 200, or
{"event": "failed", "reason": ...}; then serves until SIGTERM/SIGINT. Other lines are the server's log.
"""
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from container import OPT_ML, BuildError, apply_dockerfile, container_env, make_run_venv, rebase, s3_client, serving_env  # noqa: E402


def event(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def unpack_model(spec, model_dir):
    archive = spec.get("modelArchive")
    if not archive and spec.get("modelS3Uri"):
        bucket, _, key = spec["modelS3Uri"][5:].partition("/")
        archive = os.path.join(spec["workDir"], "model.tar.gz")
        s3_client().download_file(bucket, key, archive)
    if archive:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(model_dir, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(model_dir)
    return archive


def ping(port):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/ping" % port, timeout=2) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    work_dir = os.path.abspath(spec["workDir"])
    base_dir = os.path.join(work_dir, "opt", "ml")
    for sub in ("code", "model", "output"):
        os.makedirs(os.path.join(base_dir, sub), exist_ok=True)
    try:
        unpack_model(spec, os.path.join(base_dir, "model"))
    except Exception as e:
        return event({"event": "failed", "reason": "the model data could not be read: %s" % e})
    venv_dir, python = make_run_venv(work_dir, os.path.dirname(os.path.dirname(spec["toolkitPython"])), {
        "serve": "sagemaker_containers.cli.serve:main",
        "gunicorn": "gunicorn.app.wsgiapp:run",
    })
    env, build_env = container_env(venv_dir, work_dir, spec.get("findLinks"))
    if spec.get("pipIndex"):
        build_env.pop("PIP_NO_INDEX", None)
    image_env, notes, runs = {}, [], []
    try:
        with open(os.path.join(spec["imageContext"], spec.get("dockerfile") or "Dockerfile")) as f:
            workdir = apply_dockerfile(spec["imageContext"], f.read(), base_dir, image_env, build_env, python, notes, runs)
    except BuildError as e:
        return event({"event": "failed", "reason": "the image did not build locally: %s" % e})
    port = int(spec["port"])
    run_env = serving_env(env, image_env, spec.get("environment"), build_env, base_dir, venv_dir, port)
    cwd = rebase(workdir, base_dir) if workdir.startswith(OPT_ML) else work_dir
    if run_env.get("SAGEMAKER_SERVING_MODULE"):
        toolkit = "sagemaker-containers serve (SAGEMAKER_SERVING_MODULE=%s)" % run_env["SAGEMAKER_SERVING_MODULE"]
        command = [os.path.join(venv_dir, "bin", "serve")]
    else:
        toolkit = "sagemaker-inference (SAGEMAKER_PROGRAM=%s)" % run_env.get("SAGEMAKER_PROGRAM", "inference.py")
        command = [python, os.path.join(HERE, "inference_server.py"), os.path.join(base_dir, "model"), str(port)]
        cwd = os.path.join(work_dir, "server")  # the model server starts its workers outside the code
        os.makedirs(cwd, exist_ok=True)
    proc = subprocess.Popen(command, cwd=cwd, env=run_env, start_new_session=True)

    def stop(_signum=None, _frame=None, code=0):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        sys.exit(code)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deadline = time.time() + (spec.get("startSeconds") or 120)
    status = None
    while time.time() < deadline and proc.poll() is None:
        status = ping(port)
        if status == 200:
            break
        time.sleep(0.25)
    if status != 200:
        reason = "the server exited with code %s" % proc.poll() if proc.poll() is not None else \
            "/ping answered %s within %s s" % (status, spec.get("startSeconds") or 120)
        event({"event": "failed", "reason": reason, "toolkit": toolkit})
        stop(code=1)
    event({"event": "ready", "port": port, "toolkit": toolkit, "notes": notes})
    proc.wait()
    event({"event": "exited", "exitCode": proc.returncode})


if __name__ == "__main__":
    main()
