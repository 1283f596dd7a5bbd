"""Packages that RUN instructions install, and whether each names a version.

A RUN instruction is read as the shell reads it: the shell form's text (its
heredoc bodies included) or the exec form's words (``["sh", "-c", "..."]``
runs a script), split into simple commands at ``&&``, ``||``, ``;``, ``|``
and new lines, each command split into words with :mod:`shlex`.  Leading
variable assignments and wrappers (``sudo``, ``env``...) are skipped.  Then
each package manager's own syntax decides which words are packages:

    apt-get / apt / aptitude install   pkg=version
    apk add                            pkg=version, pkg~version
    pip / pip3 / python -m pip install pkg==version; -r/-c files and --require-hashes pin
    npm install / i / add              pkg@version (not @latest); no names: the lockfile
    gem install                        -v/--version, or pkg:version

Words the file does not fix (``$PKGS``), local files and URLs are not
packages of an index and are left out.
"""

from __future__ import annotations

import re
import shlex
from typing import Iterator

from ..model.workload import View

_OPERATORS = frozenset(";&|()\n")
_REDIRECTS = frozenset("<>")
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})
_WRAPPERS = frozenset({"sudo", "env", "nice", "nohup", "time", "exec", "command", "eatmydata", "xargs"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_HEREDOC = re.compile(r"""^\d*<<-?(["']?)[^\s<"']+\1$""")

# Options that take the next word as their value, per manager.
_VALUE_OPTIONS = {
    "apt": frozenset({"-o", "--option", "-t", "--target-release", "--default-release", "-c", "--config-file", "-a", "--host-architecture"}),
    "apk": frozenset({"-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch", "--keys-dir", "--repositories-file", "--cache-dir"}),
    "pip": frozenset(
        {
            "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
            "--src", "--upgrade-strategy", "--platform", "--python-version", "--implementation", "--abi",
            "--only-binary", "--no-binary", "--trusted-host", "--cache-dir", "--progress-bar", "--log",
            "--timeout", "--retries", "--proxy", "--cert", "--client-cert", "--global-option", "-C",
            "--config-settings", "--report", "--python", "-e", "--editable", "--root-user-action",
            "-r", "--requirement", "-c", "--constraint",
        }
    ),
    "npm": frozenset({"--prefix", "--registry", "--omit", "--include", "--loglevel", "--cache", "--tag", "-w", "--workspace", "--userconfig"}),
    "gem": frozenset({"-i", "--install-dir", "-n", "--bindir", "-s", "--source", "--platform", "-v", "--version", "--build-root", "-g", "--file"}),
}
_APT = frozenset({"apt-get", "apt", "aptitude"})
_LOCAL = re.compile(r"^(\.|/|~|[A-Za-z][A-Za-z0-9+.-]*://|git\+|file:)|\.(deb|apk|whl|tar\.gz|tgz|zip|gem)$")


def _script_commands(script: str) -> Iterator[list[str]]:
    """Simple commands of a shell script, each as its words."""
    script = script.replace("\\\n", " ")  # continuations inside heredoc bodies
    lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|()<>\n")
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:  # an unbalanced quote: the shell would fail too
        return
    command: list[str] = []
    skip_next = False
    for token in tokens:
        if skip_next:
            skip_next = False
            continue
        if token and set(token) <= _REDIRECTS | {"&"} and set(token) & _REDIRECTS:
            if command and command[-1].isdigit():
                command.pop()  # 2>/dev/null: the descriptor is no argument
            skip_next = True
            continue
        if token and set(token) <= _OPERATORS:
            if command:
                yield command
            command = []
            continue
        if _HEREDOC.match(token):
            continue
        command.append(token)
    if command:
        yield command


def _exec_commands(words: list[str]) -> Iterator[list[str]]:
    if len(words) >= 3 and words[0].rsplit("/", 1)[-1] in _SHELLS and words[1] == "-c":
        yield from _script_commands(words[2])
    elif words:
        yield list(words)


def _unwrap(words: list[str]) -> list[str]:
    """The command itself: without ``FOO=bar`` assignments and wrappers such as sudo."""
    index = 0
    while index < len(words):
        word = words[index]
        if _ASSIGNMENT.match(word) or word.startswith("-") and index > 0:
            index += 1
        elif word.rsplit("/", 1)[-1] in _WRAPPERS:
            index += 1
        else:
            break
    return words[index:]


def _operands(words: list[str], manager: str) -> tuple[list[str], dict[str, list[str]]]:
    """Non-option words and the options (with their values) of a command."""
    takes_value = _VALUE_OPTIONS[manager]
    operands: list[str] = []
    options: dict[str, list[str]] = {}
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word == "--":
            operands.extend(words[index:])
            break
        if word.startswith("-") and len(word) > 1:
            name, equals, value = word.partition("=")
            if not equals and name in takes_value and index < len(words):
                value = words[index]
                index += 1
            options.setdefault(name, []).append(value)
        else:
            operands.append(word)
    return operands, options


def _fixed(word: str) -> bool:
    """A package of an index named in the file (not a variable, path or URL)."""
    return bool(word) and "$" not in word and "*" not in word and not _LOCAL.search(word)


def _entry(manager: str, command: str, package: str, version: str | None) -> View:
    unpinned = None if version else f"{package} ({command}, no version)"
    return View(manager=manager, package=package, version=version or None, unpinned=unpinned)


def _apt(words: list[str]) -> Iterator[View]:
    operands, _ = _operands(words[1:], "apt")
    if not operands or operands[0] != "install":
        return
    for word in operands[1:]:
        if _fixed(word):
            name, _, version = word.partition("=")
            yield _entry("apt", f"{words[0]} install", name.split("/")[0], version)


_APK_VERSION = re.compile(r"^(?P<name>[^=<>~]+)(?P<op>~=|=|~)(?P<version>[^=<>~].*)$")


def _apk(words: list[str]) -> Iterator[View]:
    operands, _ = _operands(words[1:], "apk")
    if not operands or operands[0] != "add":
        return
    for word in operands[1:]:
        if _fixed(word):
            match = _APK_VERSION.match(word)
            name = match.group("name") if match else re.split(r"[<>=~]", word, maxsplit=1)[0]
            name = name.split("@", 1)[0]  # pkg@testing: a tagged repository, not a version
            version = (match.group("op").lstrip("=") + match.group("version")) if match else None
            yield _entry("apk", "apk add", name, version)


_PIP_PIN = re.compile(r"^(?P<name>[^=<>!~;\s]+?)\s*===?\s*(?P<version>[^=<>!~,;*\s][^,;*\s]*)$")


def _pip(words: list[str]) -> Iterator[View]:
    operands, options = _operands(words, "pip")
    if not operands or operands[0] != "install":
        return
    if "--require-hashes" in options or any(name in options for name in ("-c", "--constraint")):
        return  # every requirement must then match a hash or a pinned constraint
    for word in operands[1:]:
        if _fixed(word):
            match = _PIP_PIN.match(word)
            name = match.group("name") if match else re.split(r"[=<>!~;\[\s]", word, maxsplit=1)[0]
            yield _entry("pip", "pip install", name, match.group("version") if match else None)


def _npm(words: list[str]) -> Iterator[View]:
    operands, _ = _operands(words[1:], "npm")
    if not operands or operands[0] not in ("install", "i", "add", "isntall", "in"):
        return
    for word in operands[1:]:
        if _fixed(word) and not word.startswith(("github:", "git:", "http")):
            scoped = word.startswith("@")
            name, at, version = word[1:].partition("@") if scoped else word.partition("@")
            name = "@" + name if scoped else name
            pinned = at and version and version not in ("latest", "next", "*")
            yield _entry("npm", "npm install", name, version if pinned else None)


def _gem(words: list[str]) -> Iterator[View]:
    operands, options = _operands(words[1:], "gem")
    if not operands or operands[0] != "install":
        return
    version = next((v for key in ("-v", "--version") for v in options.get(key, []) if v), None)
    for word in operands[1:]:
        if _fixed(word):
            name, _, own = word.partition(":")
            yield _entry("gem", "gem install", name, own or version)


def _pip_words(words: list[str]) -> list[str] | None:
    """The words after ``pip`` for pip, pip3, pip3.12 and ``python -m pip``."""
    program = words[0].rsplit("/", 1)[-1]
    if re.match(r"^pip[0-9.]*$", program):
        return words[1:]
    if re.match(r"^python[0-9.]*$", program):
        for index in range(1, len(words) - 1):
            if words[index] == "-m" and words[index + 1] == "pip":
                return words[index + 2 :]
            if not words[index].startswith("-"):
                return None
    return None


def command_packages(words: list[str]) -> Iterator[View]:
    words = _unwrap(words)
    if not words:
        return
    program = words[0].rsplit("/", 1)[-1]
    if program in _APT:
        yield from _apt([program] + words[1:])
    elif program == "apk":
        yield from _apk(words)
    elif program == "npm":
        yield from _npm(words)
    elif program == "gem":
        yield from _gem(words)
    else:
        pip_words = _pip_words(words)
        if pip_words is not None:
            yield from _pip(pip_words)


def run_packages(instruction: dict) -> list[View]:
    """Every package a RUN instruction installs from an index, in order."""
    if instruction.get("form") == "exec":
        commands = list(_exec_commands([str(word) for word in instruction.get("args") or []]))
    else:
        first, _, body = str(instruction.get("value") or "").partition("\n")
        commands = list(_script_commands(first))
        # RUN <<EOF and RUN bash <<EOF run their heredoc as a script; any
        # other command (cat <<EOF > file, python3 <<EOF) reads it as data.
        if body and (not commands or _unwrap(commands[-1])[:1] and _unwrap(commands[-1])[0].rsplit("/", 1)[-1] in _SHELLS):
            commands.extend(_script_commands(body))
    return [package for words in commands for package in command_packages(words)]
