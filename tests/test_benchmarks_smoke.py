"""Smoke test of the benchmark runner (benchmarks/run.py --quick) and the corpus generator.

The real benchmark is run by hand; this only proves the tools still work:
a tiny corpus, every measurement taken once, the JSON report shaped as
documented, and the generator deterministic.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"

MEASUREMENTS = (
    "startup_plugin",
    "startup_bare",
    "parse_k8s",
    "parse_all",
    "collect_k8s",
    "plugin_k8s_tbline",
    "plugin_k8s",
    "plugin_all",
    "floor",
)
MEASUREMENT_KEYS = ("name", "cmd", "wall_s", "rc", "peak_mb", "maxrss_mb", "tree_pss_mb", "items", "outcomes", "ok", "per_item_us", "mb_per_1000_items")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_corpus_generator_is_deterministic(tmp_path: Path) -> None:
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        subprocess.run(
            [sys.executable, str(BENCH / "corpus.py"), str(out), "--manifests", "30", "--seed", "7", "--platforms", "all"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        outputs.append(_tree(out))
    assert outputs[0] == outputs[1]
    files = outputs[0]
    assert sum(1 for name in files if name.startswith("kubernetes/")) == 30
    # Every platform folder is there, under the names discovery expects.
    for expected in ("docker-compose", "Dockerfile", "manifest.yml", "app.yaml", "fly.toml", "render.yaml", ".do/app.yaml", "app.json", ".ebextensions/", "azuredeploy.json"):
        assert any(expected in name for name in files), expected

    other = tmp_path / "other-seed"
    subprocess.run(
        [sys.executable, str(BENCH / "corpus.py"), str(other), "--manifests", "30", "--seed", "8", "--platforms", "kubernetes"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert _tree(other) != {k: v for k, v in files.items() if k.startswith("kubernetes/")}


def test_runner_quick_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--work", str(tmp_path), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(out.read_text())
    for key in ("machine", "params", "corpus", "measurements", "ratios", "failures"):
        assert key in report, key
    for key in ("nproc", "cpu_model", "python", "pytest"):
        assert report["machine"][key], key
    measurements = report["measurements"]
    for name in MEASUREMENTS:
        assert name in measurements, name
        m = measurements[name]
        for key in MEASUREMENT_KEYS:
            assert key in m, (name, key)
        assert m["ok"], (name, m["note"])
        assert m["wall_s"] > 0 and m["peak_mb"] > 0, name
    for name in ("plugin_k8s", "plugin_k8s_tbline", "plugin_all", "floor"):
        assert measurements[name]["items"] > 0, name
    # The floor has exactly as many items as the plugin run it is compared with.
    assert measurements["floor"]["items"] == measurements[report["reference_plugin_run"]]["items"]
    # Every platform's files became items: the whole corpus has more than its Kubernetes part.
    assert measurements["plugin_all"]["items"] > measurements["plugin_k8s"]["items"]
    assert measurements["plugin_k8s"]["outcomes"]["error"] == 0, "the plugin reported input errors on the generated corpus"
    for name in ("plugin_item_vs_floor_item", "plugin_item_vs_floor_memory", "startup_plugin_vs_bare"):
        assert report["ratios"][name]["value"] > 0, name
    assert report["failures"] == []
    assert "| measurement" in proc.stdout and "JSON:" in proc.stdout


@pytest.mark.parametrize("argv", [["--manifests", "0"]])
def test_corpus_rejects_bad_sizes(tmp_path: Path, argv: list[str]) -> None:
    proc = subprocess.run([sys.executable, str(BENCH / "corpus.py"), str(tmp_path / "x"), *argv], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2


def test_xdist_scaling_runs(tmp_path: Path) -> None:
    out = tmp_path / "scaling.json"
    completed = subprocess.run(
        [sys.executable, str(BENCH / "xdist_scaling.py"), "--manifests", "2", "--workers", "1,2", "--repeat", "1", "--work", str(tmp_path), "--json", str(out)],
        capture_output=True, text=True,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    rows = json.loads(out.read_text())["rows"]
    assert [row["workers"] for row in rows] == [1, 2]
    assert rows[0]["testcases"] == rows[1]["testcases"] > 0 and all(row["peak_mb"] > 0 for row in rows)
    assert "| 1 (no xdist) |" in completed.stdout


def run_side_benchmark(script: str, tmp_path: Path, *argv: str) -> dict:
    """A side benchmark's JSON report, every measurement of it successful."""
    out = tmp_path / f"{script}.json"
    completed = subprocess.run(
        [sys.executable, str(BENCH / script), *argv, "--work", str(tmp_path), "--json", str(out)], capture_output=True, text=True,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    report = json.loads(out.read_text())
    assert all(m["ok"] for m in report["measurements"].values()), report
    return report


def test_history_benchmark_runs(tmp_path: Path) -> None:
    report = run_side_benchmark("history_bench.py", tmp_path, "--commits", "6", "--files", "4")
    assert report["ratios"]["history_full_vs_plain_run"]["value"] > 0
    log = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=tmp_path / "history-repo", capture_output=True, text=True, check=True)
    assert log.stdout.strip() == "16"  # 6 commits, then 10 more for the incremental run


def test_drift_benchmark_runs(tmp_path: Path) -> None:
    report = run_side_benchmark("drift_bench.py", tmp_path, "--manifests", "6", "--findings", "12")
    measured = report["measurements"]
    assert measured["imports"]["items"] == measured["floor"]["items"] == 12  # an item per finding
    # The generated export is faithful: a DRIFT item per declared resource, none failing.
    assert report["ratios"]["live_vs_plain"]["drift"] == {"passed": report["ratios"]["live_vs_plain"]["drift_items"], "failed": 0}
