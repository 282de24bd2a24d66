#!/usr/bin/env python3
"""The Python environment a local run uses in place of the image: a venv made from the base image's
Python version where this machine has it (FROM python:3.11 -> python3.11, otherwise python3, with a
note), with the SageMaker toolkit and the image's requirements.txt installed by pip from the package
index, cached under CACHE/venvs/ by a hash of the Python version and everything installed. A run
layers a throwaway venv over it (container.py), so the cache stays as installed.

Usage: toolkit.py KIND IMAGE_CONTEXT DOCKERFILE CACHE_DIR
  KIND: training (sagemaker-training), serving-module (sagemaker-containers' serve + gunicorn) or
  inference (sagemaker-inference). Prints one JSON line: {"python", "cached", "pythonVersion", "notes"}.
Progress lines start with "local-install: ".
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from container import dockerfile_instructions  # noqa: E402

TOOLKITS = {
    "training": ["sagemaker-training==5.1.4"],
    "serving-module": ["-r", os.path.join(HERE, "requirements-serving.txt")],
    "inference": ["sagemaker-inference==1.10.1", "retrying==1.3.4"],
}
# channel downloads and artifact uploads
COMMON = ["boto3"]


def say(line):
    sys.stderr.write("local-install: %s\n" % line)
    sys.stderr.flush()


def base_python(context_dir, dockerfile, notes):
    """The interpreter matching the base image's Python (python:3.11, ...-py311-..., python3.10 ...)."""
    with open(os.path.join(context_dir, dockerfile)) as f:
        froms = [args for ins, args in dockerfile_instructions(f.read()) if ins == "FROM"]
    version = None
    if froms:
        m = re.search(r"python:?(\d)\.(\d+)", froms[-1]) or re.search(r"py(\d)(\d{1,2})\b", froms[-1])
        if m:
            version = "%s.%s" % m.groups()
    if version and shutil.which("python" + version):
        return shutil.which("python" + version), version
    found = subprocess.run(["python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    if version and version != found:
        notes.append("the base image has Python %s, this machine python3 %s: the run uses python3 %s" % (version, found, found))
        say(notes[-1])
    return shutil.which("python3"), found


def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    kind, context_dir, dockerfile, cache_dir = sys.argv[1:5]
    notes = []
    python, version = base_python(context_dir, dockerfile, notes)
    requirements = os.path.join(context_dir, "requirements.txt")
    install = COMMON + TOOLKITS[kind] + (["-r", requirements] if os.path.exists(requirements) else [])
    digest = hashlib.sha256()
    digest.update(("%s\n%s\n" % (version, kind)).encode())
    for arg in install:
        digest.update(arg.encode() if not os.path.isfile(arg) else file_digest(arg).encode())
    venv = os.path.join(os.path.abspath(cache_dir), "venvs", "%s-py%s-%s" % (kind, version, digest.hexdigest()[:16]))
    stamp = os.path.join(venv, ".installed")
    cached = os.path.exists(stamp)
    if not cached:
        shutil.rmtree(venv, ignore_errors=True)
        say("creating %s (Python %s) with %s" % (venv, version, " ".join(os.path.basename(a) for a in install)))
        subprocess.run([python, "-m", "venv", venv], check=True)
        venv_python = os.path.join(venv, "bin", "python")
        proc = subprocess.run([venv_python, "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off"]
                              + install, stdout=sys.stderr, stderr=sys.stderr)
        if proc.returncode != 0:
            raise SystemExit("local-install: pip install failed (%d); nothing was cached" % proc.returncode)
        if kind == "serving-module":
            # sagemaker-containers' last release needs the collections aliases Python 3.10 removed
            site = subprocess.run([venv_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip()
            shutil.copy(os.path.join(HERE, "sitecustomize.py"), os.path.join(site, "sitecustomize.py"))
        with open(stamp, "w") as f:
            f.write(json.dumps(install) + "\n")
    else:
        say("using the cached environment %s" % venv)
    print(json.dumps({"python": os.path.join(venv, "bin", "python"), "cached": cached, "pythonVersion": version, "notes": notes}))


if __name__ == "__main__":
    main()
