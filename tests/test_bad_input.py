"""The bad-input matrix: every malformed, hostile or odd deployment file gives
a clear, located outcome, and the rest of the run goes on.

The committed cases live in ``tests/badinput/<case>/<name>``, one small file
each, named as a real deployment file would be.  Files that cannot sensibly be
committed (invalid UTF-8, UTF-16, binary, over the size limit, unreadable,
symlinks) are generated when the matrix is laid out.  The whole matrix is
scanned by ONE pytest run (a subprocess, so a hang becomes a timeout and the
unreadable case can run without root's read override), which writes a JUnit
file; each case is then a parametrized test that reads its own items from it.

Expected behaviour (where the issue left it open, decided here):

* Every error item is ``PAASSEC-INPUT[parse]`` (content) or
  ``PAASSEC-INPUT[file]`` (the file cannot be read as text) and its message
  is ``relpath:line:col: problem; hint``: the line (and column) wherever a
  position exists, and always a hint saying what to do.  File-level problems
  (size, binary, UTF-16, unreadable, symlinks) have no line.
* A syntax error whose parser position is the end of the file (an
  unterminated quoted string) is reported where the construct began (the
  opening quote), not past the last line.
* Tabs used for YAML indentation: the message says it is a tab.
* JSON messages read as sentences: no dangling "... at" left over from
  stripping ``json``'s position suffix.
* Empty file (0 bytes, or only whitespace), in any format: an error item
  "file is empty" (no line needed; line 1 accepted).  An empty YAML document
  between ``---`` separators is valid and is simply skipped.
* A document that is a scalar or a list where a mapping is expected: an error
  item "expected a mapping" naming the document's line (its ``---`` line or
  its first line); the other documents of the file are still checked.
* UTF-8 BOM and CRLF line endings are valid; lines and columns are counted as
  if they were not there.
* A YAML "billion laughs" bomb: an error item saying "YAML bomb", and the bomb
  document itself is never evaluated (a control that walks it would never
  end); see also ``test_hostile_yaml_is_not_evaluated_by_walking_controls``.
  An alias used inside its own anchor (a structure that contains itself) is
  reported the same way, as a recursive alias at the anchor (or alias) line,
  not as "nesting too deep".
* Very deep nesting: an error item naming the nesting, with a line.
* Over ``paassec_max_file_size`` (64KB here): ``[file]`` error naming the size,
  the limit and the option.
* Invalid UTF-8: ``[file]`` error with the line and the column (in bytes) of
  the first bad byte.  A UTF-16 file is named as UTF-16, not as "binary".
* Binary files with deployment names: ``[file]`` error "binary"; a binary
  ``*.yaml`` with no telling name is not a deployment file: not collected.
* Unreadable files (chmod 000; as root the run drops CAP_DAC_OVERRIDE with
  ``setpriv``): ``[file]`` error "cannot read" with a hint.  A directory
  named like a deployment file is walked into, never read: no item.
* Symlinks: pytest's walker follows links; ours adds:
  - a file link to a file inside the rootdir is checked like any file;
  - a file (or a file inside a linked directory) whose real path is outside
    the rootdir is not read: ``[file]`` error "outside the rootdir";
  - a directory link back to one of its own ancestors (a loop) is not
    walked again: each real file gets its items once, no copies under the
    link;
  - a link named like a deployment file that loops onto itself or dangles is
    reported as a ``[file]`` error (pytest's walker alone drops it silently).
* Helm / Jinja templates: an error item with the hint "render it first (helm
  template)".  Templates whose ``{{ }}`` are all quoted still parse as YAML;
  inside a Helm chart (``templates/`` beside ``Chart.yaml``) they are
  reported the same way at the first line holding ``{{``.  ``Chart.yaml``
  itself is not a deployment file.
* Unknown YAML tags, including ``!!python/object/...``: an error item at the
  tag; nothing is ever constructed or executed.  YAML's standard tags
  (``!!str``, ``!!set``, ``!!binary``, timestamps) are valid data, and odd
  keys (numbers, booleans, null) never crash a control.
* ``1:`` and ``true:`` in one mapping are two keys (as Compose and every YAML
  1.2 tool read them), not one Python key silently overwritten.
* Plain scalars that match YAML 1.1's number patterns but are no number
  (``._``, ``0x_``, ``0b_``) are strings, never a crash.
* A quantity beyond Decimal's range (``mem_limit: 1e999999999``) fails a
  ``le`` limit like any value that is not below it; it never crashes.
* Duplicate mapping keys in YAML and JSON (the parsers silently keep the
  last value): a FAILING item of its own, ``PAASSEC-DUPKEY[<key>:<line>]``,
  located at the second key (``relpath:line:col``) naming the first key's
  line; the file's controls still run on the last value.  TOML forbids
  duplicates: a parse error.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

BADINPUT = Path(__file__).parent / "badinput"
RUN_TIMEOUT = 300  # seconds; generous: the whole matrix takes about a second

BASELINE = """\
baseline: badinput
controls:
  - id: T-SEEN-001
    title: Every resource is evaluated
    severity: info
    category: availability
    expect: {path: "$", exists: true}
  - id: T-COMPOSE-001
    title: Services must not run privileged
    severity: high
    category: least-privilege
    platforms: [compose]
    expect: {path: privileged, not_equals: true}
  - id: T-COMPOSE-002
    title: No password-like variable names
    severity: low
    category: secrets
    platforms: [compose]
    expect: {path: environment, no_key_matches: "(?i)passw"}
  - id: T-COMPOSE-003
    title: Labels are short
    severity: info
    category: availability
    platforms: [compose]
    expect: {path: labels, max_length: 50}
  - id: T-COMPOSE-004
    title: Memory limit at most 4Gi
    severity: low
    category: resources
    platforms: [compose]
    expect: {path: mem_limit, le: 4Gi, missing: pass}
"""

INI = """\
[pytest]
paassec_builtin_baselines = false
paassec_baselines = baseline.yaml
paassec_max_file_size = 64KB
"""
MAX_SIZE = 64 * 1024


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ANY = _Sentinel("any value, or none")  # a column that may be given or not
SOME = _Sentinel("some number")  # a line or column, which one left to the engine
# Item names are regular expressions (full match).
PARSE_ITEM, FILE_ITEM = "PAASSEC-INPUT[parse]", "PAASSEC-INPUT[file]"
PARSE, FILE = re.escape(PARSE_ITEM), re.escape(FILE_ITEM)
INPUT = r"PAASSEC-INPUT\[[^\]]+\]"  # any input item: [empty], [document-2]... where the name is open


@dataclass(frozen=True)
class Error:
    """One error item for the file, and nothing else unless ``others`` says so."""

    item: str  # a regular expression the item name matches in full
    line: Any  # int, None (no line), a tuple of accepted values, SOME or ANY
    column: Any  # same
    problem: tuple[str, ...]  # substrings the problem must hold ("a|b": either), case-insensitive
    hint: tuple[str, ...] = ()  # substrings the hint must hold (a hint is always required)
    # other items expected beside the error: name -> outcome, as in Valid
    others: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Valid:
    """Normal items only: name -> "passed", "failed", "failed:LINE" (failure
    located there) or "any" (passed or failed, never an error)."""

    items: dict[str, str]


@dataclass(frozen=True)
class DupKey:
    """A failing PAASSEC-DUPKEY item at the second key, beside the file's normal items."""

    name: str  # PAASSEC-DUPKEY[...]
    line: int
    column: int
    key: str
    first_line: int
    others: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NotCollected:
    """No item at all for this path (nor under it, for a directory)."""


@dataclass(frozen=True)
class Services:
    """A compose file whose services must all be checked, each once."""

    count: int
    privileged_line: int  # where the one privileged service's failure is located


def compose_items(service: str = "web", privileged_line: int | None = None) -> dict[str, str]:
    items = {f"{control}[service/{service}]": "passed" for control in ("T-SEEN-001", "T-COMPOSE-001", "T-COMPOSE-002", "T-COMPOSE-003", "T-COMPOSE-004")}
    if privileged_line is not None:
        items[f"T-COMPOSE-001[service/{service}]"] = f"failed:{privileged_line}"
    return items


def compose_web(privileged_line: int | None = None) -> dict[str, str]:
    return compose_items("web", privileged_line)


def any_of(*words: str) -> str:
    return "|".join(words)


# case id -> (path relative to the run's rootdir, expected outcome)
CASES: dict[str, tuple[str, Any]] = {
    # A good file beside the bad ones: the run goes on and still fails on it.
    "good": ("good/docker-compose.yml", Valid(compose_web(privileged_line=4))),
    # Malformed YAML / JSON / TOML
    "yaml-syntax": ("yaml-syntax/docker-compose.yml", Error(PARSE, 5, 5, ("expected ',' or ']'",), ("yaml",))),
    "json-syntax": ("json-syntax/app.json", Error(PARSE, 4, 3, ("expecting ',' delimiter",), ("json",))),
    "toml-syntax": ("toml-syntax/fly.toml", Error(PARSE, 4, 14, ("expected ']'",), ("toml",))),
    "procfile-syntax": ("procfile-syntax/Procfile", Error(PARSE, 2, None, ("process: command",))),
    "dockerfile-syntax": ("dockerfile-syntax/Dockerfile", Error(PARSE, 2, None, ("heredoc",))),
    # Tabs and unterminated strings
    "tabs": ("tabs/docker-compose.yml", Error(PARSE, 3, 1, ("tab",), ("spaces",))),
    "unterminated-yaml": ("unterminated-yaml/deployment.yaml", Error(PARSE, 8, 14, ("quoted scalar",))),
    "unterminated-json": ("unterminated-json/app.json", Error(PARSE, 2, ANY, ("",), ("json",))),
    # Encodings and line endings
    "invalid-utf8": ("invalid-utf8/docker-compose.yml", Error(FILE, 3, 16, ("not valid UTF-8", "0xff"), ("utf-8",))),
    "invalid-utf8-sniffed": ("invalid-utf8/deployment.yaml", Error(FILE, 4, 12, ("not valid UTF-8", "0xe9"), ("utf-8",))),
    "utf16": ("utf16/docker-compose.yml", Error(FILE, None, None, ("UTF-16",), ("utf-8",))),
    "bom-yaml": ("bom/deployment.yaml", Valid({"T-SEEN-001[Pod/web]": "passed"})),
    "bom-compose": ("bom/docker-compose.yml", Valid(compose_web(privileged_line=4))),
    "bom-toml": ("bom/fly.toml", Valid({"T-SEEN-001[app/shop]": "passed"})),
    "bom-dockerfile": ("bom/Dockerfile", Valid({"T-SEEN-001[dockerfile/Dockerfile]": "passed"})),
    "crlf-compose": ("crlf/docker-compose.yml", Valid(compose_web(privileged_line=4))),
    "crlf-toml": ("crlf/fly.toml", Valid({"T-SEEN-001[app/shop]": "passed"})),
    "crlf-dockerfile": ("crlf/Dockerfile", Valid({"T-SEEN-001[dockerfile/Dockerfile]": "passed"})),
    "crlf-procfile": ("crlf/Procfile", Valid({"T-SEEN-001[process/web]": "passed", "T-SEEN-001[process/worker]": "passed"})),
    "crlf-syntax": ("crlf-syntax/docker-compose.yml", Error(PARSE, 5, 5, ("expected ',' or ']'",))),
    # Empty files and documents of the wrong shape
    "empty-compose": ("empty/docker-compose.yml", Error(INPUT, (None, 1), (None, 1), ("file is empty",))),
    "empty-json": ("empty/app.json", Error(INPUT, (None, 1), (None, 1), ("file is empty",))),
    "empty-toml": ("empty/fly.toml", Error(INPUT, (None, 1), (None, 1), ("file is empty",))),
    "empty-dockerfile": ("empty/Dockerfile", Error(INPUT, (None, 1), (None, 1), ("file is empty",))),
    "empty-procfile": ("empty/Procfile", Error(INPUT, (None, 1), (None, 1), ("file is empty",))),
    "blank-compose": ("blank/docker-compose.yml", Error(INPUT, (None, 1), (None, 1), ("file is empty",))),
    "empty-document": ("empty-doc/deployment.yaml", Valid({"T-SEEN-001[ConfigMap/settings]": "passed"})),
    "scalar": ("scalar/docker-compose.yml", Error(INPUT, 1, (None, 1), ("expected a mapping",))),
    "list": ("list/docker-compose.yml", Error(INPUT, 1, (None, 1), ("expected a mapping",))),
    "list-json": ("list/app.json", Error(INPUT, 1, (None, 1), ("expected a mapping",))),
    "scalar-document": (
        "scalar-doc/deployment.yaml",
        Error(INPUT, (5, 6), (None, 1), ("expected a mapping",), others={"T-SEEN-001[ConfigMap/settings]": "passed"}),
    ),
    # Hostile YAML
    "yaml-bomb": ("bomb/docker-compose.yml", Error(PARSE, 1, ANY, ("YAML bomb",))),
    # An alias inside its own anchor: a structure that contains itself.
    "recursive-alias": ("recursive-alias/docker-compose.yml", Error(PARSE, (1, 3), ANY, ("alias",))),
    "deep-yaml": ("deep/docker-compose.yml", Error(PARSE, 4, ANY, ("nesting",))),
    "deep-json": ("deep/app.json", Error(PARSE, SOME, ANY, ("nesting",))),
    "deep-toml": ("deep/fly.toml", Error(PARSE, SOME, ANY, ("nesting",))),
    "unknown-tag": ("unknown-tag/docker-compose.yml", Error(PARSE, 3, 12, ("!Custom",))),
    "python-tag-apply": ("python-tag/docker-compose.yml", Error(PARSE, 4, 14, ("python/object/apply",))),
    "python-tag-new": ("python-tag/compose.yaml", Error(PARSE, 3, 12, ("python/object/new",))),
    "standard-tags": ("std-tags/docker-compose.yml", Valid({**compose_web(), "T-COMPOSE-003[service/web]": "any"})),
    "odd-keys": ("odd-keys/docker-compose.yml", Valid({**compose_web(), **compose_items("1")})),
    # YAML 1.1 reads `1:` and `true:` as 1 and True, equal as Python keys: the
    # second service must not silently replace the first (Compose, like
    # every YAML 1.2 tool, sees two services).
    "key-collision": ("key-collision/docker-compose.yml", Services(count=2, privileged_line=6)),
    # Plain scalars that look like YAML 1.1 numbers but convert to none
    # (`._`, `0x_`, `0b_`) are strings, as in YAML 1.2.
    "odd-numbers": ("odd-numbers/docker-compose.yml", Valid(compose_web())),
    # A quantity beyond Decimal's range is not below any limit: a failure, not a crash.
    "huge-number": ("huge-number/docker-compose.yml", Valid({**compose_web(), "T-COMPOSE-004[service/web]": "failed:4"})),
    # Templates that look like manifests
    "helm": ("helm/chart/templates/deployment.yaml", Error(PARSE, 1, ANY, ("",), ("helm template",))),
    "helm-chart-yaml": ("helm/chart/Chart.yaml", NotCollected()),
    "helm-quoted": ("helm-quoted/chart/templates/service.yaml", Error(PARSE, 4, ANY, ("template",), ("helm template",))),
    "jinja": ("jinja/docker-compose.yml", Error(PARSE, 2, ANY, ("",), ("template",))),
    # Duplicate keys
    "dupkey-yaml": (
        "dupkey/docker-compose.yml",
        DupKey("PAASSEC-DUPKEY[privileged:6]", 6, 5, "privileged", 4, others=compose_web(privileged_line=6)),
    ),
    "dupkey-json": ("dupkey/app.json", DupKey("PAASSEC-DUPKEY[name:4]", 4, 3, "name", 2, others={"T-SEEN-001[app/shop-staging]": "passed"})),
    "dupkey-toml": ("dupkey/fly.toml", Error(PARSE, 3, ANY, ("cannot overwrite a value",), ("toml",))),
    # Files that are not text, too big, or cannot be read
    "oversize": ("oversize/docker-compose.yml", Error(FILE, None, None, ("over the paassec_max_file_size limit of 65536",), ("paassec_max_file_size",))),
    "oversize-sniffed": ("oversize/k8s.yaml", Error(FILE, None, None, ("over the paassec_max_file_size limit of 65536",), ("paassec_max_file_size",))),
    "binary-dockerfile": ("binary/Dockerfile", Error(FILE, None, None, ("binary",), ("text",))),
    "binary-toml": ("binary/fly.toml", Error(FILE, None, None, ("binary",), ("text",))),
    "binary-unnamed": ("binary/blob.yaml", NotCollected()),
    "unreadable": ("unreadable/docker-compose.yml", Error(FILE, None, None, ("cannot read",), ("permission",))),
    "directory-named-like-a-file": ("dir-named/docker-compose.yml", NotCollected()),
    # Symlinks
    "link-inside": ("link-inside/docker-compose.yml", Valid(compose_items("api"))),
    "link-target": ("link-target/docker-compose.yml", Valid(compose_items("api"))),
    "link-outside-file": ("link-outside/docker-compose.yml", Error(FILE, None, None, ("outside",))),
    "link-outside-dir": ("link-outside-dir/linked/docker-compose.yml", Error(FILE, None, None, ("outside",))),
    "symlink-loop-file": ("symlink-loop/docker-compose.yml", Error(FILE, None, None, (any_of("symlink", "symbolic link"),))),
    "symlink-dangling": ("symlink-dangling/docker-compose.yml", Error(FILE, None, None, (any_of("symlink", "symbolic link", "no such file"),))),
    "symlink-dir-loop": ("symlink-dir-loop/docker-compose.yml", Valid(compose_items("api"))),
    "symlink-dir-loop-copies": ("symlink-dir-loop/sub", NotCollected()),
}


# --- laying out the matrix ----------------------------------------------------


def _normalise_crlf(folder: Path) -> None:
    """Make sure the CRLF cases really are CRLF, whatever git did on checkout."""
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes().replace(b"\r\n", b"\n")
            path.write_bytes(data.replace(b"\n", b"\r\n"))


def _generate(root: Path, outside: Path) -> None:
    """The cases that cannot sensibly be committed."""

    def write(relpath: str, data: bytes) -> Path:
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    write("invalid-utf8/docker-compose.yml", b"services:\n  web:\n    image: ngin\xffx:1.27\n")
    write("invalid-utf8/deployment.yaml", b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\xe9\n")
    write("utf16/docker-compose.yml", "services:\n  web:\n    image: nginx:1.27\n".encode("utf-16"))
    write("binary/Dockerfile", b"FROM alpine:3.20\n\x00\x01\x02\x03\xff\xfe binary\n")
    write("binary/fly.toml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
    write("binary/blob.yaml", b"\x00\x01\x02 not yaml at all \xff\xfe")
    body = b"services:\n  web:\n    image: nginx:1.27\n"
    write("oversize/docker-compose.yml", body + b"# " + b"x" * MAX_SIZE + b"\n")
    write("oversize/k8s.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: " + b"x" * MAX_SIZE + b"\n")
    os.chmod(write("unreadable/docker-compose.yml", body), 0)
    (root / "dir-named" / "docker-compose.yml").mkdir(parents=True)
    write("dir-named/docker-compose.yml/notes.txt", b"a folder, not a compose file\n")
    # Symlinks
    (root / "link-inside").mkdir()
    (root / "link-inside" / "docker-compose.yml").symlink_to(Path("..") / "link-target" / "docker-compose.yml")
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "docker-compose.yml").write_bytes(b"services:\n  outside:\n    image: nginx:1.27\n")
    (root / "link-outside").mkdir()
    (root / "link-outside" / "docker-compose.yml").symlink_to(outside / "docker-compose.yml")
    (root / "link-outside-dir").mkdir()
    (root / "link-outside-dir" / "linked").symlink_to(outside, target_is_directory=True)
    (root / "symlink-loop").mkdir()
    (root / "symlink-loop" / "docker-compose.yml").symlink_to("docker-compose.yml")
    (root / "symlink-dangling").mkdir()
    (root / "symlink-dangling" / "docker-compose.yml").symlink_to("missing.yml")
    write("symlink-dir-loop/docker-compose.yml", b"services:\n  api:\n    image: nginx:1.27\n")
    (root / "symlink-dir-loop" / "sub").symlink_to(".", target_is_directory=True)


def _read_is_denied(path: Path, prefix: list[str]) -> bool:
    probe = "import sys\ntry:\n    open(sys.argv[1], 'rb').read()\nexcept PermissionError:\n    sys.exit(0)\nsys.exit(1)\n"
    try:
        return subprocess.run([*prefix, sys.executable, "-c", probe, str(path)], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _unreadable_prefix(path: Path) -> list[str] | None:
    """A command prefix under which ``path`` (chmod 000) cannot be read, or None.

    As root, chmod 000 stops nothing; dropping CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH from the bounding set (util-linux ``setpriv``) does.
    """
    if _read_is_denied(path, []):
        return []
    setpriv = shutil.which("setpriv")
    if setpriv:
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]
        if _read_is_denied(path, prefix):
            return prefix
    return None


@dataclass
class Item:
    classname: str
    name: str
    outcome: str  # passed, failed, error, skipped
    message: str  # the first line of the report text (our rendered message)
    text: str
    reason: str = ""  # JUnit's message attribute: the one-line summary


@dataclass
class MatrixRun:
    root: Path
    returncode: int
    output: str
    items: list[Item]
    unreadable_reason: str | None

    def items_for(self, relpath: str) -> list[Item]:
        classname = relpath.replace("/", ".")
        return [item for item in self.items if item.classname == classname]

    def items_under(self, relpath: str) -> list[Item]:
        prefix = relpath.replace("/", ".") + "."
        return [item for item in self.items if item.classname.startswith(prefix)]


def _junit_items(path: Path) -> list[Item]:
    items = []
    for case in ET.parse(path).getroot().iter("testcase"):
        outcome, text = "passed", ""
        reason = ""
        for tag in ("error", "failure", "skipped"):
            element = case.find(tag)
            if element is not None:
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[tag]
                text = element.text or element.get("message") or ""
                reason = element.get("message") or ""
                break
        message = text.strip().splitlines()[0] if text.strip() else ""
        classname, name = case.get("classname") or "", case.get("name") or ""
        if not classname:  # a collection error: JUnit names the file alone
            classname, name = name, "<collection error>"
        items.append(Item(classname, name, outcome, message, text, reason))
    return items


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HYPOTHESIS"))}


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> MatrixRun:
    base = tmp_path_factory.mktemp("badinput")
    root = base / "project"
    shutil.copytree(BADINPUT, root, symlinks=True)
    _normalise_crlf(root / "crlf")
    _normalise_crlf(root / "crlf-syntax")
    _generate(root, base / "outside")
    (root / "baseline.yaml").write_text(BASELINE)
    (root / "pytest.ini").write_text(INI)
    prefix = _unreadable_prefix(root / "unreadable" / "docker-compose.yml")
    reason = None
    if prefix is None:
        reason = "cannot make a file unreadable here (root without setpriv to drop CAP_DAC_OVERRIDE)"
        prefix = []
    junit = base / "matrix.xml"
    # --continue-on-collection-errors keeps one case's collection crash from
    # hiding every other case; test_the_run_goes_on_without_tracebacks still
    # fails on any collection error.
    command = [*prefix, sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "--continue-on-collection-errors", f"--junitxml={junit}"]
    try:
        done = subprocess.run(command, cwd=root, env=clean_env(), capture_output=True, text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the bad-input run did not finish in {RUN_TIMEOUT}s: {exc}")
    output = done.stdout + done.stderr
    assert junit.exists(), output
    return MatrixRun(root, done.returncode, output, _junit_items(junit), reason)


# --- the per-case assertions --------------------------------------------------

_RENDERED = re.compile(r"^(?P<path>[^:]+?)(?::(?P<line>\d+))?(?::(?P<column>\d+))?: (?P<rest>.*)$")


def _accepts(expected: Any, actual: Any) -> bool:
    if expected is ANY:
        return True
    if expected is SOME:
        return isinstance(actual, int) and actual >= 1
    if isinstance(expected, tuple):
        return actual in expected
    return actual == expected


def _check_others(items: list[Item], others: dict[str, str], relpath: str) -> list[str]:
    problems = []
    by_name = {item.name: item for item in items}
    for name, outcome in others.items():
        item = by_name.get(name)
        if item is None:
            problems.append(f"missing item {name} (have {sorted(by_name)})")
            continue
        want, _, line = outcome.partition(":")
        accepted = ("passed", "failed") if want == "any" else (want,)
        if item.outcome not in accepted:
            problems.append(f"{name} is {item.outcome}, expected {want}: {item.message}")
        elif line and f"{relpath}:{line}" not in item.text:
            problems.append(f"{name} is not located at {relpath}:{line}: {item.reason or item.message}")
    return problems


def _check_error(items: list[Item], spec: Error, relpath: str) -> list[str]:
    errors = [item for item in items if re.fullmatch(spec.item, item.name)]
    unexpected = [f"{i.name}: {i.outcome}" for i in items if i not in errors and i.name not in spec.others]
    problems = []
    if len(errors) != 1:
        return [f"expected one error item /{spec.item}/, got {[(i.name, i.outcome, i.message) for i in items]}"]
    if unexpected:
        problems.append(f"unexpected items beside the error: {unexpected}")
    error = errors[0]
    if error.outcome != "error":
        problems.append(f"{error.name} is {error.outcome}, expected an error")
    match = _RENDERED.match(error.message)
    if match is None or match.group("path") != relpath:
        return problems + [f"message does not start with {relpath}[:line[:col]]: {error.message!r}"]
    line = int(match.group("line")) if match.group("line") else None
    column = int(match.group("column")) if match.group("column") else None
    if not _accepts(spec.line, line):
        problems.append(f"line {line}, expected {spec.line}: {error.message!r}")
    if not _accepts(spec.column, column):
        problems.append(f"column {column}, expected {spec.column}: {error.message!r}")
    problem, _, hint = match.group("rest").partition("; ")
    for wanted in spec.problem:
        if not any(alternative.lower() in problem.lower() for alternative in wanted.split("|")):
            problems.append(f"the problem does not say {wanted!r}: {error.message!r}")
    if problem.rstrip().endswith(" at") or " at (" in problem:
        problems.append(f"the problem ends in a dangling 'at': {error.message!r}")
    if not hint.strip():
        problems.append(f"no hint (what to do) after '; ': {error.message!r}")
    for wanted in spec.hint:
        if wanted.lower() not in hint.lower():
            problems.append(f"the hint does not say {wanted!r}: {error.message!r}")
    return problems + _check_others(items, spec.others, relpath)


def _check_dupkey(items: list[Item], spec: DupKey, relpath: str) -> list[str]:
    dup = [item for item in items if item.name.startswith("PAASSEC-DUPKEY")]
    problems = []
    if [item.name for item in dup] != [spec.name]:
        return [f"expected one item {spec.name}, got {[(i.name, i.outcome, i.message) for i in items]}"]
    item = dup[0]
    if item.outcome != "failed":
        problems.append(f"{item.name} is {item.outcome}, expected a failing item")
    where = f"{relpath}:{spec.line}:{spec.column}"
    if not item.message.startswith(where):
        problems.append(f"not located at {where}: {item.message!r}")
    if spec.key not in item.message or f"line {spec.first_line}" not in item.message:
        problems.append(f"the message should name the key {spec.key!r} and its first line {spec.first_line}: {item.message!r}")
    if "; " not in item.message:
        problems.append(f"no hint: {item.message!r}")
    others = [i for i in items if i is not item]
    if {i.name for i in others} != set(spec.others):
        problems.append(f"items beside the duplicate: {sorted(i.name for i in others)}, expected {sorted(spec.others)}")
    return problems + _check_others(others, spec.others, relpath)


def _check_valid(items: list[Item], spec: Valid, relpath: str) -> list[str]:
    names = sorted(item.name for item in items)
    if names != sorted(spec.items):
        return [f"items {[(i.name, i.outcome, i.message) for i in items]}, expected exactly {sorted(spec.items)}"]
    return _check_others(items, spec.items, relpath)


def _check_services(items: list[Item], spec: Services, relpath: str) -> list[str]:
    seen = sorted(item.name for item in items if item.name.startswith("T-SEEN-001["))
    problems = []
    if len(seen) != spec.count or any(item.outcome == "error" for item in items):
        problems.append(f"expected {spec.count} services checked, got {[(i.name, i.outcome, i.message) for i in items]}")
    privileged = [item for item in items if item.name.startswith("T-COMPOSE-001[") and item.outcome == "failed"]
    if len(privileged) != 1 or f"{relpath}:{spec.privileged_line}" not in privileged[0].text:
        problems.append(f"expected one privileged service failing at line {spec.privileged_line}, got {[(i.name, i.text[:200]) for i in privileged]}")
    return problems


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_case(matrix: MatrixRun, case: str) -> None:
    relpath, spec = CASES[case]
    if case == "unreadable" and matrix.unreadable_reason:
        pytest.skip(matrix.unreadable_reason)
    items = matrix.items_for(relpath)
    if isinstance(spec, NotCollected):
        found = items + matrix.items_under(relpath)
        assert not found, f"{relpath} should not be collected, got {[(i.classname, i.name) for i in found]}"
        return
    if isinstance(spec, Error):
        problems = _check_error(items, spec, relpath)
    elif isinstance(spec, DupKey):
        problems = _check_dupkey(items, spec, relpath)
    elif isinstance(spec, Services):
        problems = _check_services(items, spec, relpath)
    else:
        problems = _check_valid(items, spec, relpath)
    assert not problems, f"{relpath}:\n  " + "\n  ".join(problems)


# --- the run as a whole -------------------------------------------------------


def test_every_item_belongs_to_a_case(matrix: MatrixRun) -> None:
    """No stray items: nothing collected twice, nothing outside the matrix."""
    known = {relpath.replace("/", ".") for relpath, _ in CASES.values()}
    stray = sorted({item.classname for item in matrix.items} - known)
    assert not stray, f"items for files no case expects: {stray[:20]}"
    nodeids = [(item.classname, item.name) for item in matrix.items]
    assert len(nodeids) == len(set(nodeids))


def test_the_run_goes_on_without_tracebacks(matrix: MatrixRun) -> None:
    good = {item.name: item.outcome for item in matrix.items_for("good/docker-compose.yml")}
    assert good.get("T-SEEN-001[service/web]") == "passed"
    assert good.get("T-COMPOSE-001[service/web]") == "failed"
    assert matrix.returncode == pytest.ExitCode.TESTS_FAILED, matrix.output[-3000:]
    for marker in ("ERROR collecting", "Traceback", "INTERNALERROR", "_pytest", "site-packages", "crashed"):
        assert marker not in matrix.output, f"{marker!r} in the output:\n{matrix.output[-5000:]}"
    assert re.search(r"\d+ failed, \d+ passed, \d+ errors? in ", matrix.output), matrix.output[-2000:]


def test_python_tags_never_execute(matrix: MatrixRun) -> None:
    for name in ("paassec-pwned-apply", "paassec-pwned-new"):
        assert not (matrix.root / name).exists(), f"a YAML python tag ran a command: {name} was created"
        assert not Path(name).exists()


def test_error_messages_never_quote_the_file(matrix: MatrixRun) -> None:
    """A bad line might hold a secret: messages name places, not contents."""
    for item in matrix.items:
        if item.outcome == "error":
            assert "8443:443" not in item.text and "touch" not in item.text, item.text


# --- a bomb or deep data under controls that walk everything -------------------

WALK_TIMEOUT = 60
WALKING_BASELINE = """\
baseline: walking
controls:
  - id: T-WALK-001
    title: No key named password anywhere
    severity: high
    category: secrets
    expect: {path: "$..password", absent: true}
"""


def test_hostile_yaml_is_not_evaluated_by_walking_controls(tmp_path: Path) -> None:
    """A control that walks the whole document (recursive descent) on a YAML
    bomb would expand billions of nodes, and on a recursive alias it would
    never reach a bottom: such documents must not reach the controls.  Deep
    but parseable data must not crash a walking control either.  Built-in
    baselines are on too, so every real control meets the hostile files."""
    for case in ("bomb", "recursive-alias"):
        (tmp_path / case).mkdir()
        shutil.copy(BADINPUT / case / "docker-compose.yml", tmp_path / case / "docker-compose.yml")
    (tmp_path / "deep").mkdir()
    depth = 300  # parses everywhere; deeper than any real deployment file
    secret = '{"password": "hunter2-hunter2"}'
    (tmp_path / "deep" / "app.json").write_text('{"name": "deep", "env": ' + '{"a": ' * depth + secret + "}" * depth + "}\n")
    (tmp_path / "baseline.yaml").write_text(WALKING_BASELINE)
    (tmp_path / "pytest.ini").write_text("[pytest]\npaassec_baselines = baseline.yaml\n")
    junit = tmp_path / "walk.xml"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "bomb", "recursive-alias", "deep", f"--junitxml={junit}"]
    try:
        done = subprocess.run(command, cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=WALK_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the run did not finish in {WALK_TIMEOUT}s (it takes about 1s): a control walked the YAML bomb")
    output = done.stdout + done.stderr
    items = _junit_items(junit)
    for case in ("bomb", "recursive-alias"):
        found = [(i.name, i.outcome) for i in items if i.classname == f"{case}.docker-compose.yml"]
        assert found == [(PARSE_ITEM, "error")], (case, found, output[-3000:])
    deep = {i.name: i for i in items if i.classname == "deep.app.json"}
    assert deep, output[-3000:]
    for item in deep.values():
        assert "crashed" not in item.text and "RecursionError" not in item.text, item.text[:1000]
    if "T-WALK-001[app/deep]" in deep:  # evaluated: the walk must reach the bottom
        assert deep["T-WALK-001[app/deep]"].outcome == "failed", deep["T-WALK-001[app/deep]"].text[:1000]
        assert all(i.outcome in ("passed", "failed") for i in deep.values())
    else:  # or refused as too deep, clearly
        assert [(i.name, i.outcome) for i in deep.values()] == [(PARSE_ITEM, "error")] and "nesting" in deep[PARSE_ITEM].message
    assert "Traceback" not in output and "INTERNALERROR" not in output, output[-5000:]
