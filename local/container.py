"""What the contract runners share: reading a staged Dockerfile into a directory that stands for
/opt/ml, rebasing container paths, and throwaway venvs layered over a toolkit venv.
See run_training.py for the deviations from a real container that these imply."""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

OPT_ML = "/opt/ml"


def rebase(value, base_dir):
    """Maps a container path (or a value holding container paths) under /opt/ml onto base_dir."""
    if not isinstance(value, str):
        return value
    return re.sub(r"(?<![\w/])/opt/ml(?=/|$|:|\s)", base_dir, value)


# --- Dockerfile ---------------------------------------------------------------------------------

def dockerfile_instructions(text):
    """Splits a Dockerfile into (INSTRUCTION, arguments) with line continuations joined."""
    logical = []
    current = ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        logical.append(current.strip())
        current = ""
    if current.strip():
        logical.append(current.strip())
    result = []
    for entry in logical:
        parts = entry.split(None, 1)
        result.append((parts[0].upper(), parts[1] if len(parts) > 1 else ""))
    return result


def parse_env(args, env):
    """ENV KEY=VALUE [KEY2="VALUE 2" ...] or the legacy ENV KEY VALUE."""
    tokens = shlex.split(args, posix=True)
    if tokens and "=" not in tokens[0]:
        key = tokens[0]
        env[key] = args.split(None, 1)[1] if len(args.split(None, 1)) > 1 else ""
        return
    for token in tokens:
        key, _, value = token.partition("=")
        env[key] = expand(value, env)


def expand(value, env):
    """Docker's ENV substitution: $VAR, ${VAR}, ${VAR:-word} and ${VAR:+word}, where word may nest."""
    out = []
    i = 0
    while i < len(value):
        if value[i] != "$":
            out.append(value[i])
            i += 1
            continue
        if value.startswith("${", i):
            depth, j = 1, i + 2
            while j < len(value) and depth:
                depth += {"{": 1, "}": -1}.get(value[j], 0)
                j += 1
            body = value[i + 2:j - 1]
            name, op, word = re.match(r"(\w+)(?::([-+]))?(.*)", body, re.S).groups()
            current = env.get(name, "")
            if op == "-":
                out.append(current if current else expand(word, env))
            elif op == "+":
                out.append(expand(word, env) if current else "")
            else:
                out.append(current)
            i = j
            continue
        m = re.match(r"\$(\w+)", value[i:])
        if m:
            out.append(env.get(m.group(1), ""))
            i += len(m.group(0))
        else:
            out.append("$")
            i += 1
    return "".join(out)


def read_dockerignore(context_dir):
    """Docker's .dockerignore rules as (negated, regex) pairs; the last matching rule wins."""
    path = os.path.join(context_dir, ".dockerignore")
    rules = []
    if not os.path.exists(path):
        return rules
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            pattern = os.path.normpath(line[1:].strip() if negated else line).lstrip("/")
            regex = ""
            i = 0
            while i < len(pattern):
                c = pattern[i]
                if pattern.startswith("**", i):
                    regex += ".*"
                    i += 2
                    if i < len(pattern) and pattern[i] == "/":
                        i += 1
                    continue
                regex += {"*": "[^/]*", "?": "[^/]"}.get(c, re.escape(c))
                i += 1
            # a rule that matches a directory excludes everything below it
            rules.append((negated, re.compile("^" + regex + "(/.*)?$")))
    return rules


def ignored(rules, relative):
    excluded = False
    for negated, regex in rules:
        if regex.match(relative):
            excluded = not negated
    return excluded


def copy_tree(src, target, context_dir, rules):
    for directory, dirs, names in os.walk(src):
        for name in names:
            source = os.path.join(directory, name)
            relative = os.path.relpath(source, context_dir)
            if ignored(rules, relative):
                continue
            destination = os.path.join(target, os.path.relpath(source, src))
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            shutil.copy2(source, destination)


def copy_sources(args, context_dir, workdir, base_dir, notes):
    """COPY/ADD [--flags] src... dest, for build-context sources and destinations under /opt/ml.
    The context's .dockerignore applies, as it does for the Docker build."""
    rules = read_dockerignore(context_dir)
    if args.lstrip().startswith("["):
        tokens = json.loads(args)
    else:
        tokens = shlex.split(args)
    flags = [t for t in tokens if t.startswith("--")]
    paths = [t for t in tokens if not t.startswith("--")]
    if any(f.startswith("--from") for f in flags):
        notes.append("not emulated (multi-stage copy): COPY " + args)
        return
    *sources, dest = paths
    if not dest.startswith("/"):
        dest = os.path.join(workdir, dest)
    if not (dest == OPT_ML or dest.startswith(OPT_ML + "/")):
        notes.append("not emulated (destination outside /opt/ml): COPY " + args)
        return
    target = rebase(dest, base_dir)
    for source in sources:
        src = os.path.normpath(os.path.join(context_dir, source))
        if not src.startswith(os.path.normpath(context_dir)):
            raise BuildError("COPY %s: the source escapes the build context" % source)
        if os.path.isdir(src):
            # Docker copies a directory's contents, not the directory itself.
            os.makedirs(target, exist_ok=True)
            copy_tree(src, target, context_dir, rules)
        elif os.path.exists(src) and not ignored(rules, os.path.relpath(src, context_dir)):
            if dest.endswith("/") or len(sources) > 1 or os.path.isdir(target):
                os.makedirs(target, exist_ok=True)
                shutil.copy2(src, os.path.join(target, os.path.basename(src)))
            else:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy2(src, target)
        else:
            raise BuildError("COPY %s: no such file in the build context %s (after .dockerignore)" % (source, context_dir))


PIP_RUN = re.compile(r"^(?:python3?\s+-m\s+)?pip3?\s+install\b")


def apply_dockerfile(context_dir, dockerfile, base_dir, env, build_env, python, notes, runs):
    """Applies what a Dockerfile does to /opt/ml, the environment (env) and the Python environment.
    RUN lines see build_env with the image's ENV so far over it."""
    workdir = "/"
    for instruction, args in dockerfile_instructions(dockerfile):
        if instruction == "FROM":
            notes.append("base image not pulled: FROM " + args)
        elif instruction == "ENV":
            parse_env(args, env)
        elif instruction == "WORKDIR":
            workdir = args if args.startswith("/") else os.path.join(workdir, args)
        elif instruction in ("COPY", "ADD"):
            copy_sources(args, context_dir, workdir, base_dir, notes)
        elif instruction == "RUN":
            step_env = dict(build_env)
            step_env.update({k: rebase(v, base_dir) for k, v in env.items()})
            run_instruction(args, workdir, base_dir, step_env, python, notes, runs)
        elif instruction in ("ARG", "LABEL", "ENTRYPOINT", "CMD", "USER", "EXPOSE", "SHELL", "STOPSIGNAL",
                             "HEALTHCHECK", "VOLUME", "ONBUILD"):
            notes.append("ignored: %s %s" % (instruction, args))
        else:
            notes.append("unknown instruction: %s %s" % (instruction, args))
    return workdir


def run_instruction(args, workdir, base_dir, env, python, notes, runs):
    """RUN lines that pip-install are run against the run's Python with /opt/ml rebased; others are noted."""
    if args.lstrip().startswith("["):
        command = " ".join(shlex.quote(t) for t in json.loads(args))
    else:
        command = args
    steps = [s.strip() for s in re.split(r"&&|;", command) if s.strip()]
    if not steps or not all(PIP_RUN.match(s) or s.startswith("cd ") for s in steps):
        notes.append("not run (not a pip install): RUN " + args)
        return
    cwd = rebase(workdir, base_dir) if workdir.startswith(OPT_ML) else base_dir
    for step in steps:
        if step.startswith("cd "):
            target = step[3:].strip()
            cwd = rebase(target, base_dir) if target.startswith("/") else os.path.join(cwd, target)
            continue
        tokens = shlex.split(rebase(step, base_dir))
        pip_args = tokens[tokens.index("install"):]
        cmd = [python, "-m", "pip"] + pip_args
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
        runs.append({"run": step, "cwd": cwd, "exitCode": proc.returncode, "output": (proc.stdout + proc.stderr)[-4000:]})
        if proc.returncode != 0:
            raise BuildError("RUN %s failed (%d): %s" % (step, proc.returncode, (proc.stdout + proc.stderr)[-2000:]))


class BuildError(Exception):
    pass


# --- the thin venv ------------------------------------------------------------------------------

def make_run_venv(work_dir, toolkit_venv, console_scripts):
    """A throwaway venv layered over toolkit_venv (a .pth file), with console scripts written the way
    pip writes them: {name: "module:function"}. Returns (venv_dir, python)."""
    venv_dir = os.path.join(work_dir, "venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv_dir], check=True)
    python = os.path.join(venv_dir, "bin", "python")
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    toolkit_python = os.path.join(toolkit_venv, "bin", "python")
    toolkit_site = subprocess.run(
        [toolkit_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip()
    with open(os.path.join(site, "sagemaker-toolkit.pth"), "w") as f:
        f.write(toolkit_site + "\n")
    for name, target in console_scripts.items():
        module, function = target.split(":")
        script = os.path.join(venv_dir, "bin", name)
        with open(script, "w") as f:
            f.write("#!%s\n" % python)
            f.write("import re\nimport sys\nfrom %s import %s\n" % (module, function))
            f.write("if __name__ == '__main__':\n")
            f.write("    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n")
            f.write("    sys.exit(%s())\n" % function)
        os.chmod(script, 0o755)
    return venv_dir, python



def container_env(venv_dir, work_dir, find_links=None):
    """What the image starts with (a plain Linux environment whose Python has the toolkit), and the
    environment its `RUN pip install` lines get: no package index, only local wheels in find_links."""
    env = {
        "PATH": os.path.join(venv_dir, "bin") + ":/usr/local/bin:/usr/bin:/bin",
        "HOME": os.path.join(work_dir, "home"),
        "LANG": "C.UTF-8",
    }
    os.makedirs(env["HOME"], exist_ok=True)
    build_env = dict(env, PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0", PIP_DISABLE_PIP_VERSION_CHECK="1")
    if find_links:
        build_env["PIP_FIND_LINKS"] = find_links
    return env, build_env



def serving_env(env, image_env, spec_env, build_env, base_dir, venv_dir, port):
    """The environment a serving container starts with, as SageMaker starts it: the toolkit's, then the
    image's ENV and the model's Environment (paths under /opt/ml rebased), the port and single-worker settings
    of a local run (gunicorn alone, no nginx), and the image's PATH behind the run venv."""
    run_env = dict(env)
    run_env.update({k: rebase(v, base_dir) for k, v in image_env.items()})
    run_env.update({k: rebase(v, base_dir) for k, v in (spec_env or {}).items()})
    run_env.update({
        "SAGEMAKER_BASE_DIR": base_dir,
        "SAGEMAKER_BIND_TO_PORT": str(port),
        "SAGEMAKER_USE_NGINX": "false",
        "SAGEMAKER_MODEL_SERVER_WORKERS": "1",
        "PYTHONWARNINGS": "ignore",
    })
    run_env.update({k: v for k, v in build_env.items() if k.startswith("PIP_")})
    if "PATH" in image_env:
        run_env["PATH"] = os.path.join(venv_dir, "bin") + ":" + rebase(image_env["PATH"], base_dir)
    return run_env


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)


def listing(root):
    found = []
    for directory, _dirs, names in os.walk(root):
        for name in names:
            found.append(os.path.relpath(os.path.join(directory, name), root))
    return sorted(found)


def s3_client():
    """boto3's S3 client for channel downloads and artifact uploads. AWS_ENDPOINT_URL (the local
    deploy's local S3) is honoured by boto3 itself; a local endpoint gets path-style addressing."""
    import boto3  # in every toolkit environment (toolkit.py installs it)
    from botocore.config import Config
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    config = Config(s3={"addressing_style": "path"}) if os.environ.get("AWS_ENDPOINT_URL") else None
    return boto3.client("s3", region_name=region, config=config)
