"""Which files are deployment files: by name first, then a cheap content sniff.

``classify`` is called for every file pytest walks, so it decides on the name
alone wherever it can.  Only ``*.yaml``, ``*.yml`` and ``*.json`` files with
no telling name are read, and then only their text is searched for the
top-level keys deployment formats start with.  A sniffed file becomes tests
only if a platform adapter then claims one of its documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

# Every platform a generic YAML/JSON file may turn out to be, in detection order.
YAML_PLATFORMS = (
    "kubernetes",
    "cloudfoundry",
    "appengine",
    "compose",
    "render",
    "digitalocean",
)
JSON_PLATFORMS = ("kubernetes", "azure", "elasticbeanstalk", "digitalocean")

# Folders pytest skips by default (norecursedirs ".*") that hold deployment files.
DEPLOYMENT_DOT_DIRS = frozenset({".do", ".ebextensions"})


@dataclass(frozen=True)
class Candidate:
    format: str  # a key of documents.FORMATS
    platforms: tuple[str, ...]  # adapters to try, in order
    by_name: bool  # the name alone says it is a deployment file


_COMPOSE = re.compile(r"^(docker-)?compose([.-][\w.-]*)?\.ya?ml$", re.IGNORECASE)
_CF_MANIFEST = re.compile(r"^([\w.-]*[-_.])?manifest([-_.][\w.-]*)?\.ya?ml$", re.IGNORECASE)
_AZURE = re.compile(r"^(azuredeploy|mainTemplate|template)([.-][\w.-]*)?\.json$", re.IGNORECASE)

_SNIFF_YAML = re.compile(
    r"^(apiVersion|kind|applications|runtime|services|databases|envVarGroups|static_sites|workers|jobs|projects|ungrouped|previews)\s*:",
    re.MULTILINE,
)
_SNIFF_JSON = re.compile(
    r'"(apiVersion|kind)"\s*:|(?i:deploymenttemplate\.json)|"AWSEBDockerrunVersion"\s*:|"static_sites"\s*:|"(services|workers|jobs)"\s*:\s*\['
)


def classify(path: PurePath) -> Candidate | None:
    """Classify by name; ``None`` for files that are certainly not ours."""
    name = path.name
    lower = name.lower()
    parent = path.parent.name
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return Candidate("dockerfile", ("dockerfile",), True)
    if name == "Procfile":
        return Candidate("procfile", ("heroku",), True)
    if lower.endswith(".toml"):
        if lower.startswith("fly."):  # fly.toml, fly.staging.toml, fly.template.toml
            return Candidate("toml", ("flyio",), True)
        return None
    if lower.endswith(".config") and ".ebextensions" in path.parts:
        return Candidate("yaml", ("elasticbeanstalk",), True)
    if lower == "dockerrun.aws.json":
        return Candidate("json", ("elasticbeanstalk",), True)
    if parent == ".do" and lower.endswith((".yaml", ".yml")):
        return Candidate("yaml", ("digitalocean",), True)
    if parent == ".do" and lower.endswith(".json"):
        return Candidate("json", ("digitalocean",), True)
    if _COMPOSE.match(name):
        return Candidate("yaml", ("compose",), True)
    if lower in ("render.yaml", "render.yml"):
        return Candidate("yaml", ("render",), True)
    if lower == "app.json":
        return Candidate("json", ("heroku", "digitalocean"), True)
    if lower in ("app.yaml", "app.yml"):
        return Candidate("yaml", ("appengine", "digitalocean", "kubernetes"), True)
    if _CF_MANIFEST.match(name):
        return Candidate("yaml", ("cloudfoundry", "kubernetes"), True)
    if _AZURE.match(name):
        return Candidate("json", ("azure",), True)
    if lower.endswith((".yaml", ".yml")):
        return Candidate("yaml", YAML_PLATFORMS, False)
    if lower.endswith(".json"):
        return Candidate("json", JSON_PLATFORMS, False)
    return None


def sniff(candidate: Candidate, text: str) -> bool:
    """For a file with no telling name: does its text look like a deployment file?"""
    if candidate.by_name:
        return True
    pattern = _SNIFF_JSON if candidate.format == "json" else _SNIFF_YAML
    return pattern.search(text) is not None
