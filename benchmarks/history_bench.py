"""What the history database costs on a repository with real history.

    python benchmarks/history_bench.py [--commits 1000] [--files 500] [--work benchmarks/work] [--json out.json]

Builds (with ``git fast-import``, deterministically) a repository whose
first commit adds FILES Kubernetes manifests from the benchmark corpus and
whose next COMMITS-1 commits each replace 1 to 5 of them with other corpus
manifests, then measures in one run:

- ``pytest_final``: one plain plugin run over the final tree (JUnit on);
- ``history_full``: ``paassec-history update`` from an empty database;
- ``history_incremental``: the same after 10 more commits.

Targets: the full history within 10x one plain run; the incremental update
within 2 seconds.  Run by hand, never in CI.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402  (benchmarks/run.py: measuring and corpora)


def fast_import_stream(files: list[bytes], count: int, commits: int, seed: int, start: int = 0, base: str | None = None) -> bytes:
    """A fast-import stream: commit 1 adds ``count`` files, the others replace 1 to 5 of them."""
    rng = random.Random(seed)
    out: list[bytes] = []
    when = 1_767_225_600  # 2026-01-01
    for number in range(start, start + commits):
        if number == 0:
            changes = [(index, files[index % len(files)]) for index in range(count)]
        else:
            changes = [(rng.randrange(count), files[rng.randrange(len(files))]) for _ in range(rng.randint(1, 5))]
        author = ["Ana Lima <ana@example.com>", "Bo Chen <bo@example.com>", "Cy Okafor <cy@example.com>"][number % 3]
        stamp = f"{when + number * 3600} +0000".encode()
        message = f"change {number}\n".encode()
        out.append(b"commit refs/heads/main\n")
        out.append(b"author " + author.encode() + b" " + stamp + b"\n")
        out.append(b"committer " + author.encode() + b" " + stamp + b"\n")
        out.append(b"data %d\n" % len(message) + message)
        if number == start and base is not None:
            out.append(b"from " + base.encode() + b"\n")
        for index, content in changes:
            out.append(b"M 100644 inline deploy/app-%04d.yaml\n" % index)
            out.append(b"data %d\n" % len(content) + content + b"\n")
    return b"".join(out)


def build(repo: Path, files: list[bytes], count: int, commits: int, seed: int) -> None:
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=fast_import_stream(files, count, commits, seed), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True)


def add_commits(repo: Path, files: list[bytes], count: int, commits: int, seed: int, start: int) -> None:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()
    stream = fast_import_stream(files, count, commits, seed + 1, start=start, base=head)
    subprocess.run(["git", "fast-import", "--quiet", "--force"], cwd=repo, input=stream, check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--files", type=int, default=500)
    args, work, logs = run.bench_arguments(parser, argv, "history")
    corpus = run.corpus_dir(work, args.files, args.seed, "kubernetes")
    files = [p.read_bytes() for p in sorted((corpus / "kubernetes").rglob("*.yaml"))]
    repo = work / "history-repo"
    build(repo, files, args.files, args.commits, args.seed)
    ini = work / "history-pytest.ini"
    ini.write_text("[pytest]\n")
    db = work / "history.sqlite"
    db.unlink(missing_ok=True)
    history = [run.PY, "-m", "pytest_paassec.history.cli", "--repo", str(repo), "--db", str(db), "update"]
    results: dict[str, Any] = {}
    results["pytest_final"] = run.measure(
        "pytest_final", "one plain plugin run over the final tree", run.pytest_cmd(ini, repo, "-q", f"--junitxml={logs / 'final.xml'}", "--paassec-protocol=lean", "--tb=line", str(repo)),
        cwd=work, logdir=logs, timeout=1800, ok_codes=(0, 1),
    )
    results["history_full"] = run.measure("history_full", f"paassec-history update over {args.commits} commits", history, cwd=work, logdir=logs, timeout=3600)
    add_commits(repo, files, args.files, 10, args.seed, args.commits)
    results["history_incremental"] = run.measure("history_incremental", "paassec-history update after 10 new commits", history, cwd=work, logdir=logs, timeout=600)
    full, plain, incremental = (results[k].wall_s for k in ("history_full", "pytest_final", "history_incremental"))
    report = {
        "commits": args.commits, "files": args.files,
        "measurements": {k: {"wall_s": v.wall_s, "peak_mb": v.peak_mb, "ok": v.ok} for k, v in results.items()},
        "ratios": {
            "history_full_vs_plain_run": {"value": round(full / plain, 2) if plain else None, "target": "<= 10"},
            "history_incremental_s": {"value": incremental, "target": "<= 2"},
        },
    }
    run.write_report(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
