"""What pytest-xdist's ``-n`` does for control items: 1 (no xdist), 2, 8, 16 workers.

    python benchmarks/xdist_scaling.py [--manifests 400] [--workers 1,2,8,16]
                                       [--repeat 3] [--work benchmarks/work] [--json out.json]

Runs the plugin on a generated corpus (benchmarks/corpus.py, every platform)
with JUnit on, once per worker count and repeat, and reports the median wall
time, the peak memory of the whole process tree (controller and workers;
PSS sampled as in run.py, or the largest process's RSS if that is larger) and
the JUnit test case count, which must be the same at every ``-n``, and the
1-minute load average before each run (other work on the machine skews it).

On a machine with fewer cores than workers the extra workers are simulated
by oversubscription: they share the cores, so the numbers show what the
controller pays per report and each worker pays to start and collect, not the
speed-up real cores would give.  The report says how many cores there were.
Measuring is run.py's (``measure``), so both scripts count the same way.
Run by hand, never in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402  (benchmarks/run.py: measuring and corpora)


def measure_workers(corpus: Path, workers: int, repeat: int, work: Path) -> dict[str, Any]:
    ini = work / "pytest.ini"
    ini.write_text("[pytest]\n")
    junit = work / f"junit-n{workers}.xml"
    xdist = ["-n", str(workers)] if workers > 1 else ["-p", "no:xdist"]
    # -p no:timeout: where pytest-timeout is installed (our test extra) it would
    # switch control items to pytest's standard protocol; users measure without it.
    cmd = run.pytest_cmd(ini, corpus, str(corpus), "-q", "--tb=line", "-p", "no:timeout", f"--junitxml={junit}", *xdist)
    results = [run.measure(f"n{workers}-{i}", f"-n {workers}", cmd, cwd=work, logdir=work, timeout=1800, ok_codes=(0, 1)) for i in range(repeat)]
    if not all(r.ok for r in results):
        raise SystemExit(f"-n {workers} failed: {results[-1].note}")
    cases, outcomes = run.junit_counts(junit)
    return {
        "workers": workers,
        "wall_s": round(statistics.median(r.wall_s or 0.0 for r in results), 2),
        "walls_s": [r.wall_s for r in results],
        "peak_mb": round(max(r.peak_mb or 0.0 for r in results), 1),
        "loadavg_before": max(r.loadavg_before or 0.0 for r in results),  # other work on the machine
        "testcases": cases,
        "outcomes": outcomes,
    }


def render(report: dict[str, Any]) -> str:
    base = report["rows"][0]["wall_s"]
    lines = [
        f"corpus: {report['manifests']} manifests (all platforms), {report['rows'][0]['testcases']} test cases; "
        f"{report['cores']} cores; median of {report['repeat']}",
        "",
        "| -n | wall s | vs no xdist | peak MB (process tree) | load before (max) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in report["rows"]:
        label = "1 (no xdist)" if row["workers"] == 1 else str(row["workers"])
        lines.append(f"| {label} | {row['wall_s']:.2f} | {row['wall_s'] / base:.2f}x | {row['peak_mb']:.0f} | {row['loadavg_before']:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifests", type=int, default=400)
    parser.add_argument("--workers", default="1,2,8,16", help="comma-separated worker counts; 1 runs without xdist")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",")]
    args.work.mkdir(parents=True, exist_ok=True)
    corpus = run.corpus_dir(args.work, args.manifests, 1, "all")
    run.PYCACHE = args.work / "pycache"  # as run.py: bytecode compiled once, by a warm-up run
    with tempfile.TemporaryDirectory(dir=args.work) as scratch:
        measure_workers(corpus, 2, 1, Path(scratch))  # warm-up, not reported
        rows = [measure_workers(corpus, n, args.repeat, Path(scratch)) for n in workers]
    if len({row["testcases"] for row in rows}) != 1:
        raise SystemExit(f"test case counts differ between worker counts: {[row['testcases'] for row in rows]}")
    report = {"manifests": args.manifests, "cores": os.cpu_count(), "repeat": args.repeat, "rows": rows}
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
