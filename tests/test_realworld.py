"""Every public deployment file in ../shared/realworld is detected and evaluated.

Each file must be detected as the platform of its folder, parse (or fail
with a located error), and no control may crash on it.  Vercel and Netlify
files must not be mistaken for anything.  Elastic Beanstalk samples kept
outside ``.ebextensions/`` are not deployment files and are not collected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_paassec.model.repository import Repository
from pytest_paassec.parsing.discovery import classify, sniff
from pytest_paassec.parsing.documents import parse_text, read_text
from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.engine import plan_checks

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld"
CATALOG = build_catalog([])

# Folder -> platforms a resource in it may have.
EXPECTED = {
    "kubernetes": {"kubernetes", "openshift", "knative"},
    "cloudrun": {"knative"},
    "vercel": set(),
    "netlify": set(),
}


def realworld_files() -> list[Path]:
    if not REALWORLD.is_dir():
        return []
    return sorted(p for p in REALWORLD.rglob("*") if p.is_file() and p.parent != REALWORLD)


def _id(path: Path) -> str:
    return path.relative_to(REALWORLD).as_posix()


pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld is not beside this checkout")


# ids as a list: pytest 8.0 calls an ids function with NOTSET when the list is empty.
@pytest.mark.parametrize("path", realworld_files(), ids=[_id(path) for path in realworld_files()])
def test_detected_as_its_platform(path: Path) -> None:
    relpath = _id(path)
    folder = relpath.split("/", 1)[0]
    expected = EXPECTED.get(folder, {folder})
    within_repo = Path(*Path(relpath).parts[2:])
    candidate = classify(within_repo)
    if not expected:
        if candidate is None:
            return
    elif candidate is None:
        if folder == "elasticbeanstalk" and ".ebextensions" not in within_repo.parts:
            return  # a sample kept outside .ebextensions/: not deployed from there
        pytest.fail(f"{relpath} is not recognised as a deployment file")
    text = read_text(path, relpath, 5 * 1024 * 1024)
    if not sniff(candidate, text):
        assert not expected, f"{relpath} does not look like a deployment file"
        return
    parsed = parse_text(relpath, candidate.format, text)
    assert parsed.error is None, str(parsed.error)
    plan = plan_checks(parsed, candidate, CATALOG)
    platforms = {
        platform.name if platform.name != "kubernetes" else resource.platform
        for document in parsed.documents
        for platform in [next((CATALOG.platforms[n] for n in candidate.platforms if CATALOG.platforms[n].detect(document)), None)]
        if platform is not None
        for resource in platform.resources(document)
    }
    if not expected:
        assert not platforms, f"{relpath} mistaken for {platforms}"
        return
    assert platforms, f"{relpath}: no platform recognised its content"
    assert platforms <= expected, f"{relpath}: detected as {platforms}, expected {expected}"
    repository = Repository(plan.resources)
    for resource, control in plan.checks:
        control.evaluate(resource, repository)  # must not raise
