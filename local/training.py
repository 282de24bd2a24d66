#!/usr/bin/env python3
"""The local run of a synthesized SageMaker training job: the real training toolkit's `train`, the
SageMaker directory layout under SAGEMAKER_BASE_DIR, no Docker. One runner: `cdk-sagemaker-containers
local train` (src/local/) and the local deploy (integ/local-cloud) both start this file, and the
contract runner (scripts/contract/run_training.py) lays out its directory with `lay_out` from here.

Usage: training.py SPEC_JSON RESULT_JSON      (run with the toolkit environment's Python: toolkit.py)

SPEC_JSON (written by src/local/training.ts) holds:
  workDir          a scratch directory this run owns; SAGEMAKER_BASE_DIR is <workDir>/opt/ml
  toolkitPython    the Python of the toolkit environment (sagemaker-training and boto3 installed)
  imageContext     the staged Docker build context (cdk.out/asset.<hash>/), dockerfile its file name
  jobName, region, instanceType, instanceCount, environment, hyperparameters
  channels         [{ name, config, s3Uri?, localDir? }]: config is the channel's inputdataconfig.json entry;
                   localDir (a staged asset) is copied, otherwise s3Uri is downloaded (boto3; the endpoint
                   comes from AWS_ENDPOINT_URL, so the local deploy reads its local S3)
  artifactS3Uri    where SageMaker puts model.tar.gz (<output path>/<job>/output/model.tar.gz)
  artifactFile     the local file model.tar.gz is written to
  upload           also PUT model.tar.gz to artifactS3Uri (boto3)
  gpuInstance      the instance type has NVIDIA GPUs
  pipIndex         whether RUN pip lines may use the package index (false: hermetic, PIP_NO_INDEX=1)
  findLinks        a directory of wheels for RUN pip lines (optional)
  timeoutSeconds   the job's MaxRuntimeInSeconds (the run is stopped after it)

Deviations from a SageMaker training container, each needed to run as a plain process:
  - /opt/ml is <workDir>/opt/ml; environment values under /opt/ml are rebased onto it.
  - hosts is ["localhost"] (the toolkit resolves every host by DNS; algo-1 would wait 15 minutes);
    one host only, whatever InstanceCount says (a note says so).
  - The image is not built: the staged Dockerfile's COPY/ENV/WORKDIR and pip RUN lines are applied
    (container.py); other RUN lines and the base image's own contents are not.
Progress lines start with "local-train: "; the toolkit's and the script's output is passed through.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from container import OPT_ML, BuildError, apply_dockerfile, container_env, listing, make_run_venv, rebase, s3_client, write_json  # noqa: E402

# SageMaker keeps at most this much of a failure reason.
MAX_FAILURE_REASON = 1024


def say(line):
    sys.stdout.write("local-train: %s\n" % line)
    sys.stdout.flush()


def lay_out(base_dir, spec):
    """What SageMaker writes under /opt/ml before the container starts: the config files, the
    channel directories (copied from channel["dataDir"] when given), model/ and output/."""
    for sub in ("code", "model", "input/config", "input/data", "output/data"):
        os.makedirs(os.path.join(base_dir, sub), exist_ok=True)

    hyperparameters = spec.get("hyperparameters") or {}
    for key, value in hyperparameters.items():
        if not isinstance(value, str):
            raise SystemExit("hyperparameter %s is not a string: SageMaker passes strings only" % key)
    write_json(os.path.join(base_dir, "input/config/hyperparameters.json"), hyperparameters)

    input_config = {}
    for channel in spec.get("channels") or []:
        name = channel["name"]
        input_config[name] = channel.get("config") or {
            "TrainingInputMode": "File", "S3DistributionType": "FullyReplicated", "RecordWrapperType": "None"}
        target = os.path.join(base_dir, "input/data", name)
        if channel.get("dataDir"):
            shutil.copytree(channel["dataDir"], target, dirs_exist_ok=True)
        else:
            os.makedirs(target, exist_ok=True)
    write_json(os.path.join(base_dir, "input/config/inputdataconfig.json"), input_config)

    instance_type = spec.get("instanceType") or "local"
    write_json(os.path.join(base_dir, "input/config/resourceconfig.json"), {
        "current_host": "localhost",
        "current_instance_type": instance_type,
        "current_group_name": "homogeneousCluster",
        "hosts": ["localhost"],
        "instance_groups": [{
            "instance_group_name": "homogeneousCluster",
            "instance_type": instance_type,
            "hosts": ["localhost"],
        }],
        "network_interface_name": "eth0",
    })


def split_s3(uri):
    if not uri.startswith("s3://"):
        raise ValueError("not an s3:// URI: %s" % uri)
    bucket, _, key = uri[5:].partition("/")
    return bucket, key


def download_channel(channel, target):
    """S3Prefix: every object under the prefix, keeping the path below it (as SageMaker's File mode does);
    S3Object: the one object."""
    bucket, prefix = split_s3(channel["s3Uri"])
    client = s3_client()
    count = size = 0
    if channel.get("s3DataType", "S3Prefix") == "S3Prefix":
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                key = obj["Key"]
                if key.endswith("/"):
                    continue
                relative = key[len(prefix):].lstrip("/") or os.path.basename(key)
                dest = os.path.join(target, relative)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                client.download_file(bucket, key, dest)
                count += 1
                size += obj.get("Size", 0)
    else:
        dest = os.path.join(target, os.path.basename(prefix))
        os.makedirs(target, exist_ok=True)
        client.download_file(bucket, prefix, dest)
        count, size = 1, os.path.getsize(dest)
    if count == 0:
        # SageMaker fails such a job: "No S3 objects found under S3 URL ..."
        raise ChannelError("ClientError: No S3 objects found under S3 URL \"%s\" given in input data source. "
                           "Please ensure that the bucket exists in the selected region, that objects exist under "
                           "that S3 prefix, and that the role has access to them." % channel["s3Uri"])
    return count, size


class ChannelError(Exception):
    pass


def fetch_channels(base_dir, spec):
    for channel in spec.get("channels") or []:
        target = os.path.join(base_dir, "input/data", channel["name"])
        started = time.time()
        if channel.get("localDir"):
            shutil.copytree(channel["localDir"], target, dirs_exist_ok=True)
            files = listing(target)
            say("channel %s: %d file(s), %d bytes from the local asset %s" % (
                channel["name"], len(files), sum(os.path.getsize(os.path.join(target, f)) for f in files),
                channel["localDir"]))
        else:
            count, size = download_channel(channel, target)
            say("channel %s: %d object(s), %d bytes downloaded from %s in %.1f s" % (
                channel["name"], count, size, channel["s3Uri"], time.time() - started))


def gpu_environment(spec, notes):
    """The GPUs the run sees: CUDA_VISIBLE_DEVICES when set, else what nvidia-smi lists. The toolkit
    counts them itself (SM_NUM_GPUS from nvidia-smi); without any, a GPU instance type runs on the CPU."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    count = 0
    if visible is not None:
        count = len([d for d in visible.split(",") if d.strip() and d.strip() != "-1"])
    elif shutil.which("nvidia-smi"):
        proc = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True)
        if proc.returncode == 0:
            count = len([line for line in proc.stdout.splitlines() if line.startswith("GPU ")])
    env = {}
    if visible is not None:
        env["CUDA_VISIBLE_DEVICES"] = visible
    if spec.get("gpuInstance") and count == 0:
        notes.append("%s has GPUs, this machine none: training runs on the CPU (SM_NUM_GPUS=0)" % spec.get("instanceType"))
        say("WARNING: " + notes[-1])
    elif count:
        say("GPUs visible to the run: %d" % count)
    return env, count


def pack_model(model_dir, archive):
    """model.tar.gz as SageMaker packs /opt/ml/model: the directory's contents at the archive's root."""
    os.makedirs(os.path.dirname(archive), exist_ok=True)
    with tarfile.open(archive, "w:gz") as tar:
        for name in sorted(os.listdir(model_dir)):
            tar.add(os.path.join(model_dir, name), arcname=name)
    return os.path.getsize(archive)


def script_error(tail):
    """The last exception line of a Python traceback in the log ("ValueError: ..."), if any."""
    lines = [line.rstrip() for line in tail.splitlines() if line.strip()]
    for i in range(len(lines) - 1, -1, -1):
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)(: .+)?$", lines[i]) and any(
                line.startswith("Traceback") for line in lines[:i]):
            return lines[i]
    return None


def failure_reason(base_dir, exit_code, tail):
    """The toolkit's failure file, as SageMaker reports it (AlgorithmError: ...). Without an error
    capture the toolkit leaves its ErrorMessage empty; then (DEVIATION, for a useful local message)
    the script's last exception line from the log is added."""
    path = os.path.join(base_dir, "output", "failure")
    text = ""
    if os.path.exists(path):
        with open(path, errors="replace") as f:
            text = f.read().strip()
    error = script_error(tail)
    if text:
        reason = "AlgorithmError: " + text
        if error and error not in text:
            reason += "\n" + error
        return reason[:MAX_FAILURE_REASON]
    last = [line for line in tail.splitlines() if line.strip()][-5:]
    return ("AlgorithmError: train exited with code %s: %s" % (exit_code, error or " | ".join(last)))[:MAX_FAILURE_REASON]


def main():
    spec_path, result_path = sys.argv[1], sys.argv[2]
    with open(spec_path) as f:
        spec = json.load(f)
    started = time.time()
    work_dir = os.path.abspath(spec["workDir"])
    base_dir = os.path.join(work_dir, "opt", "ml")
    os.makedirs(work_dir, exist_ok=True)
    notes, runs = [], []
    result = {"jobName": spec["jobName"], "baseDir": base_dir, "notes": notes, "buildRuns": runs}

    def finish(status, reason=None):
        result.update(status=status, failureReason=reason, seconds=round(time.time() - started, 1))
        write_json(result_path, result)
        say("%s %s in %.1f s%s" % (spec["jobName"], status, result["seconds"], (": " + reason) if reason else ""))

    try:
        lay_out(base_dir, {k: spec.get(k) for k in ("hyperparameters", "instanceType")} | {
            "channels": [{"name": c["name"], "config": c.get("config")} for c in spec.get("channels") or []]})
        fetch_channels(base_dir, spec)
    except (ChannelError, ValueError, OSError) as e:
        return finish("Failed", str(e)[:MAX_FAILURE_REASON])
    except Exception as e:  # botocore errors: the job fails as SageMaker's would on unreadable input
        return finish("Failed", ("ClientError: %s" % e)[:MAX_FAILURE_REASON])
    if (spec.get("instanceCount") or 1) > 1:
        notes.append("InstanceCount %d runs as one local host" % spec["instanceCount"])
        say("WARNING: " + notes[-1])

    region = spec.get("region") or "us-east-1"
    sagemaker_env = {
        "TRAINING_JOB_NAME": spec["jobName"],
        "TRAINING_JOB_ARN": "arn:aws:sagemaker:%s:%s:training-job/%s" % (
            region, spec.get("account") or "123456789012", spec["jobName"].lower()),
        "AWS_REGION": region,
    }
    if spec.get("dockerImage"):
        # An image from the user's own Dockerfile, built by Docker: the container runs `train` with the
        # job's Environment and what SageMaker sets.
        _gpu_env, gpus = gpu_environment(spec, notes)
        run_env = dict(spec.get("environment") or {}, **sagemaker_env)
        # input/, model/ and output/ are mounted (as SageMaker and the SDK's local mode do); the image's
        # own /opt/ml/code stays visible
        command = ["docker", "run", "--rm", "--name", "cdk-sagemaker-local-" + spec["jobName"].lower()]
        for sub in ("input", "model", "output"):
            command += ["-v", "%s:%s/%s" % (os.path.join(base_dir, sub), OPT_ML, sub)]
        if gpus:
            command += ["--gpus", "all"]
        for key, value in sorted(run_env.items()):
            command += ["-e", "%s=%s" % (key, value)]
        command += [spec["dockerImage"], "train"]
        cwd = work_dir
        run_env = dict(os.environ)
        result.update(environment=dict(spec.get("environment") or {}, **sagemaker_env), gpus=gpus, dockerCommand=command)
    else:
        venv_dir, python = make_run_venv(work_dir, os.path.dirname(os.path.dirname(spec["toolkitPython"])),
                                         {"train": "sagemaker_training.cli.train:main"})
        env, build_env = container_env(venv_dir, work_dir, spec.get("findLinks"))
        if spec.get("pipIndex"):
            build_env.pop("PIP_NO_INDEX", None)
        image_env = {}
        workdir = "/"
        say("image: applying %s of %s" % (spec.get("dockerfile") or "Dockerfile", spec["imageContext"]))
        try:
            with open(os.path.join(spec["imageContext"], spec.get("dockerfile") or "Dockerfile")) as f:
                dockerfile = f.read()
            workdir = apply_dockerfile(spec["imageContext"], dockerfile, base_dir, image_env, build_env, python, notes, runs)
        except BuildError as e:
            return finish("Failed", ("ClientError: the image did not build locally: %s" % e)[:MAX_FAILURE_REASON])
        for run in runs:
            say("install: %s (exit %d)" % (run["run"], run["exitCode"]))

        gpu_env, gpus = gpu_environment(spec, notes)
        run_env = dict(env)
        run_env.update({k: rebase(v, base_dir) for k, v in image_env.items()})
        # SageMaker starts the container with the job's Environment over the image's ENV.
        run_env.update({k: rebase(v, base_dir) for k, v in (spec.get("environment") or {}).items()})
        run_env.update(gpu_env)
        run_env.update(sagemaker_env, SAGEMAKER_BASE_DIR=base_dir)
        run_env.update({k: v for k, v in build_env.items() if k.startswith("PIP_")})
        if "PATH" in image_env:
            run_env["PATH"] = os.path.join(venv_dir, "bin") + ":" + rebase(image_env["PATH"], base_dir)
        cwd = rebase(workdir, base_dir) if workdir.startswith(OPT_ML) else work_dir
        result.update(environment=run_env, gpus=gpus)

        command = [os.path.join(venv_dir, "bin", "train")]
    say("training: %s (%s, /opt/ml at %s)" % (spec["jobName"], "docker run " + spec["dockerImage"] if spec.get("dockerImage") else "train", base_dir))
    tail = []
    proc = subprocess.Popen(command, cwd=cwd, env=run_env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace", start_new_session=True)
    deadline = started + (spec.get("timeoutSeconds") or 86400)
    timed_out = False
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        tail.append(line)
        del tail[:-400]
        if time.time() > deadline:
            timed_out = True
            os.killpg(proc.pid, 9)
            break
    code = proc.wait()
    result.update(exitCode=code, log="".join(tail)[-20000:], modelFiles=listing(os.path.join(base_dir, "model")))
    if timed_out:
        return finish("Failed", "MaxRuntimeExceeded: the job ran past MaxRuntimeInSeconds %s" % spec.get("timeoutSeconds"))
    if code != 0:
        return finish("Failed", failure_reason(base_dir, code, "".join(tail)))

    say("packing: %d file(s) of /opt/ml/model into %s" % (len(result["modelFiles"]), spec["artifactFile"]))
    size = pack_model(os.path.join(base_dir, "model"), spec["artifactFile"])
    result.update(artifactFile=spec["artifactFile"], artifactBytes=size, artifactS3Uri=spec.get("artifactS3Uri"))
    if spec.get("upload") and spec.get("artifactS3Uri"):
        bucket, key = split_s3(spec["artifactS3Uri"])
        try:
            s3_client().upload_file(spec["artifactFile"], bucket, key)
        except Exception as e:
            return finish("Failed", ("ClientError: uploading the model artifact to %s failed: %s" % (spec["artifactS3Uri"], e))[:MAX_FAILURE_REASON])
        say("uploaded %d bytes to %s" % (size, spec["artifactS3Uri"]))
        result["uploaded"] = True
    finish("Completed")


if __name__ == "__main__":
    main()
