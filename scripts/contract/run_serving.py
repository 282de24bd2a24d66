#!/usr/bin/env python3
"""Runs the legacy SageMaker serving stack (sagemaker-containers `serve`: gunicorn + the WSGI app
named by SAGEMAKER_SERVING_MODULE) on what a synthesized app describes, and calls it like SageMaker.

Usage: run_serving.py SPEC_JSON RESULT_JSON

SPEC_JSON (written by test/contract/harness.ts) holds:
  workDir         an empty scratch directory this run owns
  toolkitVenv     the venv with sagemaker-containers (.test-env/serving-venv)
  imageContext    the staged Docker build context (cdk.out/asset.<hash>/)
  dockerfile      the Dockerfile's name in imageContext (default "Dockerfile")
  environment     the model's container Environment (AWS::SageMaker::Model), over the image's ENV
  modelDir        a directory holding the unpacked model archive (what SageMaker puts in /opt/ml/model)
  port            a free loopback port
  requests        [{ method, path, body?, contentType?, accept? }] sent in order once /ping answers 200
  startSeconds    how long to wait for /ping (default 60)

Deviations from a real SageMaker hosting container, each needed to run as a plain process here:
  - /opt/ml is SAGEMAKER_BASE_DIR=<workDir>/opt/ml; ENV values under /opt/ml are rebased onto it.
  - The port is SAGEMAKER_BIND_TO_PORT=<port>, not 8080; SAGEMAKER_USE_NGINX=false (no nginx here:
    gunicorn serves alone, as the legacy images allow); SAGEMAKER_MODEL_SERVER_WORKERS=1 (2 cores shared).
  - gunicorn binds 0.0.0.0 (hard-coded by sagemaker-containers); the requests go to 127.0.0.1.
  - A throwaway venv over the toolkit venv takes the toolkit's pip installs (see container.py), and
    pip runs without an index and without build isolation.
  - The toolkit venv carries a sitecustomize shim for Python 3.10+ (see scripts/setup-test-env.sh).
"""
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from runner import build_image, read_spec  # first: it puts local/ on sys.path
from container import container_env, listing, make_run_venv, rebase, serving_env, write_json  # noqa: E402


def request(port, spec, timeout=10):
    data = spec.get("body")
    if isinstance(data, str):
        data = data.encode("utf-8")
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, spec["path"]), data=data,
                                 method=spec.get("method", "GET"))
    if spec.get("contentType"):
        req.add_header("Content-Type", spec["contentType"])
    if spec.get("accept"):
        req.add_header("Accept", spec["accept"])
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return {"status": resp.status, "contentType": resp.headers.get("Content-Type"),
                    "body": resp.read().decode("utf-8", "replace")}
    except urllib.error.HTTPError as e:
        return {"status": e.code, "contentType": e.headers.get("Content-Type"),
                "body": e.read().decode("utf-8", "replace")}


def main():
    spec, result_path, work_dir, base_dir = read_spec(sys.argv)
    for sub in ("code", "model", "output"):
        os.makedirs(os.path.join(base_dir, sub), exist_ok=True)
    venv_dir, python = make_run_venv(work_dir, spec["toolkitVenv"], {
        "serve": "sagemaker_containers.cli.serve:main",
        "gunicorn": "gunicorn.app.wsgiapp:run",
    })
    if spec.get("modelDir"):
        shutil.copytree(spec["modelDir"], os.path.join(base_dir, "model"), dirs_exist_ok=True)

    env, build_env = container_env(venv_dir, work_dir, spec.get("findLinks"))
    result = {"baseDir": base_dir, "notes": [], "buildRuns": [], "responses": []}
    built = build_image(spec, base_dir, build_env, python, result)
    if built is None:
        write_json(result_path, result)
        return
    image_env, workdir = built
    result["imageEnvironment"] = dict(image_env)

    port = int(spec["port"])
    run_env = serving_env(env, image_env, spec.get("environment"), build_env, base_dir, venv_dir, port)
    result["environment"] = run_env
    cwd = rebase(workdir, base_dir) if workdir.startswith("/opt/ml") else work_dir
    log_path = os.path.join(work_dir, "serve.log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen([os.path.join(venv_dir, "bin", "serve")], cwd=cwd, env=run_env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + (spec.get("startSeconds") or 60)
        ping = None
        while time.time() < deadline:
            if proc.poll() is not None:
                break
            try:
                ping = request(port, {"path": "/ping"}, timeout=2)
                if ping["status"] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.25)
        result["ready"] = bool(ping and ping["status"] == 200)
        result["exitedEarly"] = proc.poll()
        if result["ready"]:
            for req in spec.get("requests") or []:
                result["responses"].append(request(port, req))
    finally:
        if proc.poll() is None:
            # serve forwards SIGTERM to gunicorn; the session group catches any stragglers.
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        result["exitCode"] = proc.returncode
        with open(log_path) as f:
            result["log"] = f.read()[-20000:]
        result["codeFiles"] = listing(os.path.join(base_dir, "code"))
        write_json(result_path, result)


if __name__ == "__main__":
    main()
