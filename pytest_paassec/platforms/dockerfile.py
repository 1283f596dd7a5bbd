"""Dockerfiles: one resource per file, with every stage inside.

Only the final stage ships, so ``workload`` and ``endpoints`` describe the
final stage together with the stages it is built ``FROM`` (a stage inherits
its parent's USER, HEALTHCHECK and EXPOSE).  ``images`` and ``env`` cover
the whole file: every base image is pulled and every ENV/ARG value is
written in the file and in the build history.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..model.resources import Resource, SubjectEntries
from ..model.workload import endpoint_entry, env_entry, image_entry, workload_entry
from ..parsing.dockerfile import assignments, substitute
from ..parsing.documents import Document
from .base import ENDPOINT_FIELDS, ENV_FIELDS, IMAGE_FIELDS, FileRule, Platform, file_stem
from .base_images import NON_ROOT_BASE_IMAGES, runs_as_non_root
from .dockerfile_packages import run_packages


def _stages(resource: Resource) -> list[dict[str, Any]]:
    stages = resource.data.get("stages") if isinstance(resource.data, dict) else None
    return stages if isinstance(stages, list) else []


def _escape(resource: Resource) -> str:
    return str(resource.data.get("escape") or "\\")


def _chain(stages: list[dict[str, Any]], index: int) -> list[dict[str, Any]]:
    """The stage at ``index`` and the stages it is built from, root first."""
    chain = []
    stage: dict[str, Any] | None = stages[index]
    while stage is not None:
        chain.append(stage)
        source = stage["from"]
        if not source.get("stage"):
            break
        name = str(source["image"]).lower()
        stage = next(
            (s for s in reversed(stages[: stage["index"]]) if s["name"] and s["name"].lower() == name),
            None,
        )
    return list(reversed(chain))


def final_stage(resource: Resource) -> SubjectEntries:
    stages = _stages(resource)
    return [(("stages", len(stages) - 1), stages[-1])] if stages else []


def stages(resource: Resource) -> SubjectEntries:
    return [(("stages", i), stage) for i, stage in enumerate(_stages(resource))]


def instructions(resource: Resource) -> SubjectEntries:
    return [(("instructions", i), ins) for i, ins in enumerate(resource.data.get("instructions") or [])]


def packages(resource: Resource) -> SubjectEntries:
    """Every package a RUN instruction installs from an index (dockerfile_packages.py)."""
    return [
        (("instructions", i), package)
        for i, ins in enumerate(resource.data.get("instructions") or [])
        if ins["instruction"] == "RUN"
        for package in run_packages(ins)
    ]


def images(resource: Resource) -> SubjectEntries:
    """Every base image (not a stage, not ``scratch``, not left to a build
    argument) and every image that ``COPY --from`` pulls."""
    entries: SubjectEntries = []
    all_stages = _stages(resource)
    for i, stage in enumerate(all_stages):
        source = stage["from"]
        image = str(source.get("image") or "")
        if not source.get("stage") and not source.get("unresolved") and image and image.lower() != "scratch":
            entries.append((("stages", i, "from", "image"), image_entry(image)))
    for i, stage in enumerate(all_stages):
        earlier = {str(s["name"]).lower() for s in all_stages[:i] if s["name"]}
        for j, ins in enumerate(stage["instructions"]):
            origin = ins["flags"].get("from") if ins["instruction"] in ("COPY", "ADD") else None
            if not origin or origin.isdigit() or "$" in origin or origin.lower() in earlier:
                continue
            entries.append((("stages", i, "instructions", j, "flags", "from"), image_entry(origin)))
    return entries


def env(resource: Resource) -> SubjectEntries:
    """Every variable that ENV or ARG sets, in any stage or before the first FROM.

    An ARG without a default and a value that substitutes another variable
    are references: the file does not fix them.
    """
    escape = _escape(resource)
    entries: SubjectEntries = []
    for i, ins in enumerate(resource.data.get("instructions") or []):
        if ins["instruction"] not in ("ENV", "ARG"):
            continue
        for item in assignments(ins["value"], escape, legacy=ins["instruction"] == "ENV"):
            reference = item.value is None or item.expands
            entries.append((("instructions", i), env_entry(item.name, item.value, reference=reference)))
    return entries


def _chain_variables(chain: list[dict[str, Any]], escape: str, upto: dict[str, Any]) -> dict[str, str | None]:
    variables: dict[str, str | None] = {}
    for stage in chain:
        for ins in stage["instructions"]:
            if ins is upto:
                return variables
            if ins["instruction"] in ("ENV", "ARG"):
                for item in assignments(ins["value"], escape, legacy=ins["instruction"] == "ENV"):
                    if item.value is None:
                        variables.setdefault(item.name, None)
                    else:
                        variables[item.name] = substitute(item.value, variables) if item.expands else item.value
    return variables


def endpoints(resource: Resource) -> SubjectEntries:
    """EXPOSE ports of the final image; a Dockerfile does not decide exposure."""
    all_stages = _stages(resource)
    if not all_stages:
        return []
    escape = _escape(resource)
    chain = _chain(all_stages, len(all_stages) - 1)
    entries: SubjectEntries = []
    for stage in chain:
        for j, ins in enumerate(stage["instructions"]):
            if ins["instruction"] != "EXPOSE":
                continue
            variables: dict[str, str | None] | None = None
            for word in ins["args"]:
                if "$" in word:
                    if variables is None:
                        variables = _chain_variables(chain, escape, ins)
                    missing: list[str] = []
                    resolved = substitute(word, variables, missing)
                    word = word if missing else resolved
                port, _, protocol = word.partition("/")
                path = ("stages", stage["index"], "instructions", j)
                entries.append((path, endpoint_entry(port, protocol.lower() or "tcp", public=None, tls=None)))
    return entries


def _runs_as_root(user: Any, base: str | None, non_root: tuple[str, ...]) -> tuple[bool | None, str]:
    """Whether the final stage runs as root, and how that came about."""
    if user is None:
        if base and runs_as_non_root(base, non_root):
            return False, f"no USER instruction; the base image {base} runs as a non-root user"
        image = f"the base image {base}" if base else "its base image"
        return True, f"no USER instruction in the final stage: the user of {image} applies (root unless the image sets one)"
    name = str(user).split(":", 1)[0].strip()
    if "$" in name or not name:
        return None, ""
    return name in ("root", "0"), (f"USER {user}" if name in ("root", "0") else "")


def _health_check(chain: list[dict[str, Any]]) -> bool | None:
    for stage in reversed(chain):
        for ins in reversed(stage["instructions"]):
            if ins["instruction"] == "HEALTHCHECK":
                return str(ins["value"]).strip().upper() != "NONE"
    return None


def workload(resource: Resource, non_root: tuple[str, ...] = NON_ROOT_BASE_IMAGES) -> SubjectEntries:
    all_stages = _stages(resource)
    if not all_stages:
        return []
    final = all_stages[-1]
    chain = _chain(all_stages, len(all_stages) - 1)
    root = chain[0]["from"]
    runtime = None if root.get("stage") or root.get("unresolved") else (root.get("image") or None)
    run_as_root, how = _runs_as_root(final.get("user"), runtime, non_root)
    view = workload_entry(
        run_as_root=run_as_root,
        health_check=_health_check(chain),
        runtime=runtime,
    )
    if how:
        view.noted(run_as_root=how)
    return [(("stages", len(all_stages) - 1), view)]


class Dockerfile(Platform):
    name = "dockerfile"
    title = "Dockerfile"
    # Dockerfile, Dockerfile.prod, api.Dockerfile; outranks every other name.
    file_rules = (FileRule(r"dockerfile(\..*)?|.*\.dockerfile", "dockerfile", rank=10),)
    # runtime is the final stage's base image.  No memory or CPU: whoever
    # runs the image sets those, so a Dockerfile is never missing them.
    fields = {
        "env": ENV_FIELDS, "images": IMAGE_FIELDS, "endpoints": ENDPOINT_FIELDS,
        "workload": frozenset({"run_as_root", "privileged", "health_check", "runtime"}),
    }
    subjects = {
        "final_stage": final_stage,
        "stages": stages,
        "instructions": instructions,
        "packages": packages,
        "images": images,
        "env": env,
        "endpoints": endpoints,
        "workload": workload,
    }

    def __init__(self, non_root_base_images: Iterable[str] = ()) -> None:
        """``non_root_base_images``: more base images (``fnmatch`` patterns
        with the tag, ``registry.acme.io/base/*``) that set a non-root USER."""
        extra = tuple(non_root_base_images)
        if extra:
            patterns = NON_ROOT_BASE_IMAGES + extra
            self.subjects = {**type(self).subjects, "workload": lambda resource: workload(resource, patterns)}

    def detect(self, document: Document) -> bool:
        data = document.data
        return (
            document.format == "dockerfile"
            and isinstance(data, dict)
            and isinstance(data.get("stages"), list)
            and bool(data["stages"])
        )

    def resources(self, document: Document) -> list[Resource]:
        return [self.resource(document, "dockerfile", file_stem(document), document.data)]
