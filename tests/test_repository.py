"""Checks that span files: the repository view, its facts and the controls
that read them, through pytest (plain and under xdist) and outside it."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pytest_paassec.model.repository import Repository
from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.engine import scan_files

CATALOG = build_catalog([])

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      serviceAccountName: {sa}
      containers:
        - name: {name}
          image: ghcr.io/acme/{name}:1.0.0
          securityContext: {{privileged: {privileged}}}
"""

# Two namespaces in five files: "shop" exposes a privileged pod through a
# load balancer and has no NetworkPolicy; "billing" is isolated, declares
# its ServiceAccount (token off) and binds it to a Secret reader.
PROJECT = {
    "deploy/shop/web.yaml": DEPLOY.format(name="web", ns="shop", sa="web", privileged="true"),
    "deploy/shop/service.yaml": """\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [203.0.113.0/24]
  selector: {app: web}
  ports: [{port: 443}]
""",
    "deploy/billing/api.yaml": DEPLOY.format(name="api", ns="billing", sa="api", privileged="false"),
    "deploy/billing/identity.yaml": """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: billing}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: secret-reader, namespace: billing}
rules:
  - {apiGroups: [''], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: api-secrets, namespace: billing}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secret-reader}
subjects:
  - {kind: ServiceAccount, name: api}
""",
    "policies/billing.yaml": """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: billing}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
""",
}

EXPECTED = {
    "K8S-NET-005[Deployment/shop/web]": "failed",
    "K8S-NET-005[Deployment/billing/api]": "passed",
    "K8S-NET-006[Deployment/shop/web]": "failed",
    "K8S-NET-006[Deployment/billing/api]": "passed",
    "K8S-NET-007[Service/shop/web]": "failed",
    "K8S-IAM-008[Deployment/shop/web]": "failed",
    "K8S-IAM-008[Deployment/billing/api]": "passed",  # its ServiceAccount turns the token off
    "K8S-IAM-011[RoleBinding/billing/api-secrets]": "failed",
    "K8S-IAM-012[Deployment/shop/web]": "failed",
    "K8S-IAM-012[Deployment/billing/api]": "passed",
    "K8S-IAM-013[ServiceAccount/billing/api]": "passed",
}


def write_project(root: Path) -> None:
    for relpath, text in PROJECT.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def outcomes(xml: Path) -> dict[str, tuple[str, str]]:
    """Item name -> (outcome, failure text) from a JUnit file."""
    found = {}
    for case in ET.parse(xml).getroot().iter("testcase"):
        failure = case.find("failure")
        skipped = case.find("skipped")
        outcome = "failed" if failure is not None else "skipped" if skipped is not None else "passed"
        found[case.get("name")] = (outcome, (failure.text or "") if failure is not None else "")
    return found


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    write_project(pytester.path)
    return pytester


def test_cross_document_controls_through_pytest(project: pytest.Pytester) -> None:
    project.runpytest("-p", "no:randomly", "--junitxml=plain.xml", "-k", "K8S-NET or K8S-IAM")
    found = outcomes(project.path / "plain.xml")
    assert {name: found[name][0] for name in EXPECTED} == EXPECTED
    # The failures name the other files' objects and say what is expected, in words.
    web = found["K8S-NET-007[Service/shop/web]"][1]
    assert "Deployment/shop/web (privileged)" in web and "backends that run unprivileged and as a non-root user" in web
    binding = found["K8S-IAM-011[RoleBinding/billing/api-secrets]"][1]
    assert "deploy/billing/identity.yaml:16" in binding and "Deployment/billing/api" in binding
    token = found["K8S-IAM-008[Deployment/shop/web]"][1]
    assert "deploy/shop/web.yaml:13" in token and "ServiceAccount web mounts it by default" in token
    ingress = found["K8S-NET-005[Deployment/shop/web]"][1]
    assert "namespace shop: no NetworkPolicy selects every pod for Ingress" in ingress


def test_the_same_answers_when_files_sit_on_different_workers(project: pytest.Pytester) -> None:
    """Every xdist worker collects every file, so each builds the same
    repository, whichever worker runs an item."""
    project.runpytest("-p", "no:randomly", "--junitxml=plain.xml")
    project.runpytest("-p", "no:randomly", "-n", "2", "--dist", "load", "--junitxml=xdist.xml")
    plain, spread = outcomes(project.path / "plain.xml"), outcomes(project.path / "xdist.xml")
    assert len(plain) > len(EXPECTED)
    assert {name: outcome for name, (outcome, _) in spread.items()} == {name: outcome for name, (outcome, _) in plain.items()}


def test_a_run_of_one_file_sees_only_that_file(project: pytest.Pytester) -> None:
    """Documented limit: the view holds the files of the run."""
    project.runpytest("-p", "no:randomly", "--junitxml=one.xml", "deploy/billing/api.yaml")
    found = outcomes(project.path / "one.xml")
    assert found["K8S-NET-005[Deployment/billing/api]"][0] == "failed"
    assert found["K8S-IAM-012[Deployment/billing/api]"][0] == "failed"


PYTHON_CONTROLS = '''
import pytest
import pytest_paassec as paassec

@paassec.control(id="TEAM-NET-001", title="Isolated namespaces only", severity="high",
                 category="network", platforms=["kubernetes"], kinds=["Deployment"], subject="repository")
def isolated(facts):
    if "no_default_deny_ingress" in facts:
        yield paassec.violation(path=["no_default_deny_ingress"], found=facts["no_default_deny_ingress"], expected="isolated")

def pytest_paassec_controls(config):
    return [isolated]
'''

FIXTURE_CONTROL = '''
import pytest

@pytest.mark.paassec_control(id="TEAM-NET-002", title="Bindings grant nothing broad", severity="high",
                             category="least-privilege", platforms=["kubernetes"], kinds=["RoleBinding"])
def test_binding_rights(paassec_resource, paassec_repository):
    assert paassec_repository.facts(paassec_resource)["broad_rights"] is None
'''


def test_python_controls_read_the_facts(project: pytest.Pytester) -> None:
    (project.path / "conftest.py").write_text(PYTHON_CONTROLS)
    (project.path / "test_policy.py").write_text(FIXTURE_CONTROL)
    result = project.runpytest("-p", "no:randomly", "-rA", "-k", "TEAM")
    result.stdout.fnmatch_lines_random([
        "PASSED deploy/billing/api.yaml::TEAM-NET-001[[]Deployment/billing/api[]]",
        "FAILED deploy/shop/web.yaml::TEAM-NET-001[[]Deployment/shop/web[]]*",
        "FAILED test_policy.py::test_binding_rights[[]deploy/billing/identity.yaml:RoleBinding/billing/api-secrets[]]*",
    ])
    result.assert_outcomes(passed=1, failed=2)


def scanned(root: Path) -> dict[tuple[str, str], bool]:
    files = [(p, p.relative_to(root).as_posix()) for p in sorted(root.rglob("*.yaml"))]
    return {
        (control.id, resource.ref): not violations
        for _, checks in scan_files(files, CATALOG).values()
        for resource, control, violations in checks
        if control.spans_files
    }


def test_outside_pytest_the_engine_gives_the_same_answers(tmp_path: Path) -> None:
    write_project(tmp_path)
    results = scanned(tmp_path)
    assert {f"{cid}[{ref}]": "passed" if ok else "failed" for (cid, ref), ok in results.items() if f"{cid}[{ref}]" in EXPECTED} == EXPECTED


def test_the_view_does_not_depend_on_the_order_files_arrive_in(tmp_path: Path) -> None:
    write_project(tmp_path)
    files = [(p, p.relative_to(tmp_path).as_posix()) for p in sorted(tmp_path.rglob("*.yaml"))]
    resources = [r for _, checks in scan_files(files, CATALOG).values() for r, _, _ in checks]
    shuffled = list(resources)
    random.Random(7).shuffle(shuffled)
    assert [id(r) for r in Repository(shuffled).resources] == [id(r) for r in Repository(resources).resources]


def test_a_control_that_reads_other_files_needs_the_repository(tmp_path: Path) -> None:
    write_project(tmp_path)
    files = [(tmp_path / "deploy/shop/web.yaml", "deploy/shop/web.yaml")]
    (_, checks), = scan_files(files, CATALOG).values()
    resource, control, _ = next(check for check in checks if check[1].id == "K8S-NET-005")
    with pytest.raises(ValueError, match="K8S-NET-005 reads other files"):
        control.evaluate(resource)
