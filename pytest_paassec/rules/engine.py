"""Which controls run on which resources of a parsed file.

Shared by the pytest collector, the example-corpus tests and the benchmarks,
so all three see exactly the same (resource, control) pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import ParseError
from ..model.repository import Repository
from ..model.resources import Resource
from ..parsing.discovery import Candidate, classify
from ..parsing.documents import Document, ParsedFile, read_text
from ..parsing.intake import Notice, take_in_text
from .catalog import Catalog
from .controls import Control, Violation


@dataclass
class Plan:
    checks: list[tuple[Resource, Control]] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)  # every resource, for the repository view
    claimed: bool = False  # some document was recognised by a platform
    platform: str | None = None  # the first platform that recognised a document
    unclaimed: list[Document] = field(default_factory=list)  # documents no platform recognised


def resources_of(parsed: ParsedFile, candidate: Candidate, catalog: Catalog, unclaimed: list[Document] | None = None) -> tuple[list[Resource], bool]:
    """Every resource of every document a platform recognises, in file order.

    Documents no platform recognises are appended to ``unclaimed`` if given.
    """
    resources: list[Resource] = []
    claimed = False
    for document in parsed.documents:
        platform = next(
            (
                catalog.platforms[name]
                for name in candidate.platforms
                if name in catalog.platforms and catalog.platforms[name].detect(document)
            ),
            None,
        )
        if platform is not None:
            claimed = True
            resources.extend(platform.resources(document))
        elif unclaimed is not None:
            unclaimed.append(document)
    return resources, claimed


def plan_checks(
    parsed: ParsedFile,
    candidate: Candidate,
    catalog: Catalog,
    wants: Callable[[str], bool] = lambda control_id: True,
    extra: tuple[Control, ...] = (),
) -> Plan:
    """Every applicable (resource, control) pair, in resource then id order."""
    plan = Plan()
    plan.resources, plan.claimed = resources_of(parsed, candidate, catalog, plan.unclaimed)
    plan.platform = plan.resources[0].platform if plan.resources else None
    for resource in plan.resources:
        for control in catalog.for_platform(resource.platform, extra):
            if wants(control.id) and control.is_applicable(resource):
                plan.checks.append((resource, control))
    return plan


_SHAPES = {"list": "list", "str": "string", "int": "number", "float": "number", "bool": "boolean"}


def unclaimed_notices(plan: Plan, candidate: Candidate) -> list[Notice]:
    """Documents nobody can check, in a file that is a deployment file:
    by its name, or because a platform recognised another of its documents."""
    notices = []
    for document in plan.unclaimed:
        shape = type(document.data).__name__
        if not isinstance(document.data, dict) and (candidate.by_name or plan.claimed):
            problem = f"document {document.index + 1} is a {_SHAPES.get(shape, shape)}, expected a mapping"
        elif plan.claimed:
            problem = f"document {document.index + 1} is not a resource of {plan.platform} or any other platform"
        else:
            continue
        error = ParseError(document.path, document.start_line, problem, "fix or remove the document")
        notices.append(Notice(f"PAASSEC-INPUT[document-{document.index + 1}]", error))
    return notices


Scanned = tuple[ParsedFile | None, list[tuple[Resource, Control, list[Violation]]]]


def scan_files(files: list[tuple[Path, str]], catalog: Catalog, max_size: int = 5 * 1024 * 1024) -> dict[str, Scanned]:
    """Parse and evaluate (path, relpath) files together outside pytest (tests
    and benchmarks): controls that read other files see all of them, as in one run."""
    texts, roots = [], {}
    for path, relpath in sorted(files, key=lambda file: file[1]):
        texts.append((relpath, read_text(path, relpath, max_size) if classify(Path(relpath)) is not None else None))
        roots[relpath] = path.parents[len(Path(relpath).parts) - 1]
    return scan_texts(texts, catalog, roots)


def scan_texts(
    files: list[tuple[str, str | None]], catalog: Catalog, roots: dict[str, Path] | None = None, extra: tuple[Control, ...] = (),
) -> dict[str, Scanned]:
    """Parse and evaluate (relpath, text) files as one run: files on disk, or
    a revision's files read from Git (the security diff).  A ``None`` text,
    or a file no platform can read, gives no checks.  ``roots`` says where a
    file on disk sits (compose reads the override and env files beside it);
    files read from Git have none."""
    plans: dict[str, tuple[ParsedFile | None, Plan | None]] = {}
    for relpath, text in sorted(files, key=lambda file: file[0]):
        candidate = classify(Path(relpath))
        intake = take_in_text(relpath, candidate, text) if candidate is not None and text is not None else None
        if intake is None or intake.parsed is None or candidate is None:
            plans[relpath] = (None, None)
            continue
        intake.parsed.root = (roots or {}).get(relpath)
        plans[relpath] = (intake.parsed, plan_checks(intake.parsed, candidate, catalog, extra=extra))
    repository = Repository(r for _, plan in plans.values() if plan is not None for r in plan.resources)
    return {
        relpath: (parsed, [(resource, control, _evaluate(control, resource, repository)) for resource, control in plan.checks] if plan else [])
        for relpath, (parsed, plan) in plans.items()
    }


def _evaluate(control: Control, resource: Resource, repository: Repository) -> list[Violation]:
    if control.from_baseline:
        return control.evaluate(resource, repository)
    try:
        return control.evaluate(resource, repository)
    except Exception:  # team code: the pytest run reports its crash with the traceback
        return []


def scan_file(path: Path, relpath: str, catalog: Catalog, max_size: int = 5 * 1024 * 1024) -> Scanned:
    """Parse and evaluate one file on its own (its repository is itself)."""
    return scan_files([(path, relpath)], catalog, max_size)[relpath]
