"""What drift and imported scanner reports cost, against a plain run and pytest's floor.

    python benchmarks/drift_bench.py [--manifests 500] [--findings 5000] [--work benchmarks/work] [--json out.json]

Builds, deterministically:

- a faithful ``kubectl get ... -A -o yaml`` export of the benchmark corpus's
  Kubernetes manifests: every object as a cluster returns it (uid,
  resourceVersion, creationTimestamp, generation, managedFields, the
  last-applied annotation, status; the pod defaults imagePullPolicy,
  terminationMessagePath, dnsPolicy, restartPolicy, schedulerName), one
  ``List`` per file as ``kubectl`` writes it;
- one Trivy JSON report (schema version 2) with FINDINGS vulnerabilities.

and measures in one run:

- ``plain``: the plugin over the manifests (JUnit on);
- ``live``: the same with ``--paassec-live`` (a DRIFT item per declared
  resource, live posture for each);
- ``live_plan``: the same with ``--paassec-drift-plan`` as well;
- ``imports``: ``--paassec-import=trivy:...`` alone: one item per finding;
- ``floor``: pytest's floor, as many empty parametrized tests as ``imports``
  has items (JUnit on).

Ratios: live / plain, live_plan / plain, imports / floor (same item count).
Run by hand, never in CI.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402  (benchmarks/run.py: measuring and corpora)

CREATED = "2026-11-30T09:00:00Z"
POD_DEFAULTS = {"dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler", "terminationGracePeriodSeconds": 30}
CONTAINER_DEFAULTS = {"imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}


def _pod_spec(obj: dict[str, Any]) -> dict[str, Any] | None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return None
    if obj.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec") or {})
    template = spec.get("template") if isinstance(spec.get("template"), dict) else None
    pod = template.get("spec") if template else (spec if obj.get("kind") == "Pod" else None)
    return pod if isinstance(pod, dict) else None


def as_live(obj: dict[str, Any], serial: int) -> dict[str, Any]:
    """The object as the API server returns it after ``kubectl apply``."""
    live = json.loads(json.dumps(obj))  # a deep copy
    meta = live.setdefault("metadata", {})
    if obj.get("kind") not in ("Namespace", "ClusterRole", "ClusterRoleBinding"):
        meta.setdefault("namespace", "default")
    meta["uid"] = f"{serial:08x}-0000-4000-8000-{serial:012x}"
    meta["resourceVersion"] = str(100000 + serial)
    meta["creationTimestamp"] = CREATED
    meta["generation"] = 1
    meta.setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = json.dumps(obj, sort_keys=True) + "\n"
    meta["managedFields"] = [{"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": obj.get("apiVersion"), "time": CREATED, "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {}}}]
    pod = _pod_spec(live)
    if pod is not None:
        for key, value in POD_DEFAULTS.items():
            pod.setdefault(key, value)
        for container in [*(pod.get("containers") or []), *(pod.get("initContainers") or [])]:
            if isinstance(container, dict):
                for key, value in CONTAINER_DEFAULTS.items():
                    container.setdefault(key, value)
    if obj.get("kind") in ("Deployment", "StatefulSet"):
        replicas = (obj.get("spec") or {}).get("replicas", 1)
        live["status"] = {"observedGeneration": 1, "replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas}
    return live


def write_live(corpus: Path, out: Path) -> int:
    """One kubectl ``List`` per manifest file; the number of objects."""
    out.mkdir(parents=True, exist_ok=True)
    serial = 0
    for index, path in enumerate(sorted(p for p in corpus.rglob("*") if p.suffix in (".yaml", ".yml"))):
        items = []
        for obj in yaml.safe_load_all(path.read_text()):
            if isinstance(obj, dict) and obj.get("kind") and obj.get("apiVersion"):
                serial += 1
                items.append(as_live(obj, serial))
        listing = {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}
        (out / f"export-{index:05d}.yaml").write_text(yaml.safe_dump(listing, sort_keys=False))
    return serial


def write_trivy(path: Path, findings: int) -> None:
    vulnerabilities = [
        {
            "VulnerabilityID": f"CVE-2026-{10000 + n}",
            "PkgName": f"lib{n % 97}",
            "InstalledVersion": f"1.{n % 13}.0",
            "FixedVersion": f"1.{n % 13}.1",
            "Severity": ("CRITICAL", "HIGH", "MEDIUM", "LOW")[n % 4],
            "Title": f"lib{n % 97}: a benchmark vulnerability",
            "PrimaryURL": f"https://avd.aquasec.com/nvd/cve-2026-{10000 + n}",
        }
        for n in range(findings)
    ]
    report = {
        "SchemaVersion": 2,
        "CreatedAt": "2026-12-01T06:00:00.000000000Z",
        "ArtifactName": "registry.example.com/bench/api:1.0.0",
        "ArtifactType": "container_image",
        "Metadata": {"RepoTags": ["registry.example.com/bench/api:1.0.0"]},
        "Results": [{"Target": "registry.example.com/bench/api:1.0.0 (debian 12.7)", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": vulnerabilities}],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1) + "\n")


def drift_outcomes(junit: Path) -> dict[str, int]:
    """DRIFT items by outcome (a faithful export should leave none failing)."""
    import xml.etree.ElementTree as ET

    found = {"passed": 0, "failed": 0}
    for case in ET.parse(junit).iter("testcase"):
        if case.get("name", "").startswith("DRIFT["):
            found["failed" if case.find("failure") is not None or case.find("error") is not None else "passed"] += 1
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifests", type=int, default=500)
    parser.add_argument("--findings", type=int, default=5000)
    args, work, logs = run.bench_arguments(parser, argv, "drift")
    corpus = run.corpus_dir(work, args.manifests, args.seed, "kubernetes")
    declared = corpus / "kubernetes"
    live = work / "drift-live" / f"m{args.manifests}-s{args.seed}"
    objects = write_live(declared, live)
    reports = work / "drift-reports"
    write_trivy(reports / "trivy.json", args.findings)
    ini = work / "drift-pytest.ini"
    ini.write_text("[pytest]\n")
    plan = work / "drift-plan"
    common = ("-q", "--paassec-protocol=lean", "--tb=line")

    def plugin(name: str, description: str, *extra: str, root: Path = declared) -> run.Result:
        return run.measure(
            name, description, run.pytest_cmd(ini, root, *common, f"--junitxml={logs / (name + '.xml')}", *extra, str(root)),
            cwd=work, logdir=logs, timeout=1800, ok_codes=(0, 1),
        )

    results: dict[str, run.Result] = {}
    results["plain"] = plugin("plain", f"the plugin over {args.manifests} Kubernetes manifests")
    results["live"] = plugin("live", f"the same, compared with a faithful export of {objects} objects", f"--paassec-live={live}")
    results["live_plan"] = plugin("live_plan", "the same, writing the drift plan", f"--paassec-live={live}", f"--paassec-drift-plan={plan}")
    results["imports"] = plugin("imports", f"one Trivy report with {args.findings} findings, alone", f"--paassec-import=trivy:{reports / 'trivy.json'}", root=reports)
    items, _ = run.junit_counts(logs / "imports.xml")
    results["floor"] = run.measure_floor(work, ini, logs, items, 1800)
    counts = {name: run.junit_counts(logs / f"{name}.xml") for name in ("plain", "live", "live_plan", "imports")}
    counts["floor"] = (results["floor"].items, results["floor"].outcomes)
    drift_items = counts["live"][0] - counts["plain"][0]
    wall = {name: result.wall_s for name, result in results.items()}
    report = {
        "manifests": args.manifests, "live_objects": objects, "findings": args.findings,
        "measurements": {
            name: {"wall_s": result.wall_s, "peak_mb": result.peak_mb, "ok": result.ok, "items": counts[name][0], "outcomes": counts[name][1]}
            for name, result in results.items()
        },
        "ratios": {
            "live_vs_plain": {"value": run.ratio(wall["live"], wall["plain"]), "drift_items": drift_items, "drift": drift_outcomes(logs / "live.xml")},
            "live_plan_vs_plain": {"value": run.ratio(wall["live_plan"], wall["plain"])},
            "imports_vs_floor": {"value": run.ratio(wall["imports"], wall["floor"]), "items": items},
        },
    }
    run.write_report(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
