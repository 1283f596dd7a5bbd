"""Options: a command-line flag and an ini key for each, resolved once.

The command line wins over the ini file.  An invalid value raises
:class:`SettingsError` naming where it came from; the plugin turns that into
a pytest usage error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SettingsError
from ..rules.controls import Severity

DEFAULT_FAIL_ON = Severity.LOW
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
PROTOCOLS = ("auto", "lean", "standard")  # see edge/protocol.py

# (flag, ini key, ini type, help)
OPTIONS: tuple[tuple[str | None, str, str, str], ...] = (
    ("--paassec-baseline", "paassec_baselines", "paths", "extra baseline files or folders (repeatable)"),
    ("--paassec-select", "paassec_select", "args", "run only these control ids or id prefixes (comma or space separated)"),
    ("--paassec-ignore", "paassec_ignore", "args", "skip these control ids or id prefixes"),
    ("--paassec-fail-on", "paassec_fail_on", "string", "lowest severity that fails the run: critical, high, medium, low or info (default low)"),
    (None, "paassec_builtin_baselines", "bool", "load the built-in baselines (default true)"),
    (None, "paassec_paths", "args", "only collect deployment files matching these globs (relative to rootdir)"),
    (None, "paassec_exclude", "args", "never collect deployment files matching these globs (relative to rootdir)"),
    (None, "paassec_max_file_size", "string", "largest deployment file read, in bytes or with a unit such as 5MB (default 5MB)"),
    ("--paassec-protocol", "paassec_protocol", "string", "how control items run: auto (lean unless another plugin or conftest hooks into each test's run), lean or standard (default auto)"),
)


@dataclass(frozen=True)
class Settings:
    baselines: tuple[Path, ...] = ()
    builtin_baselines: bool = True
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = DEFAULT_FAIL_ON
    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    protocol: str = "auto"

    def wants(self, control_id: str) -> bool:
        """Is a control selected by --paassec-select / --paassec-ignore?"""
        if self.select and not any(_id_matches(control_id, s) for s in self.select):
            return False
        return not any(_id_matches(control_id, i) for i in self.ignore)

    def header(self) -> list[str]:
        lines = [f"fail-on: {self.fail_on.label}"]
        if self.select:
            lines.append("select: " + ", ".join(self.select))
        if self.ignore:
            lines.append("ignore: " + ", ".join(self.ignore))
        if self.paths:
            lines.append("paths: " + ", ".join(self.paths))
        if self.exclude:
            lines.append("excluded: " + ", ".join(self.exclude))
        return lines


def _id_matches(control_id: str, pattern: str) -> bool:
    return control_id == pattern or control_id.startswith(pattern.rstrip("*-") + "-") or (
        pattern.endswith("*") and control_id.startswith(pattern[:-1])
    )


def _words(values: Any) -> tuple[str, ...]:
    words: list[str] = []
    for value in values or ():
        words.extend(w for w in str(value).replace(",", " ").split() if w)
    return tuple(words)


def _size(text: str) -> int:
    from ..model.quantity import parse_quantity

    value = parse_quantity(text)
    if value is None or value <= 0:
        raise ValueError(text)
    return int(value)


def resolve(get_option: Any, get_ini: Any, rootdir: Path) -> Settings:
    """Build Settings from ``config.getoption`` and ``config.getini`` lookalikes."""

    def pick(flag: str, ini: str) -> tuple[Any, str]:
        value = get_option(flag)
        if value not in (None, [], ()):
            return value, "--" + flag.replace("_", "-")
        return get_ini(ini), f"{ini} (ini file)"

    fail_on_value, source = pick("paassec_fail_on", "paassec_fail_on")
    fail_on = DEFAULT_FAIL_ON
    if fail_on_value:
        try:
            fail_on = Severity.parse(str(fail_on_value).strip())
        except ValueError as exc:
            raise SettingsError(f"{source}: {exc}") from None

    size_text = get_ini("paassec_max_file_size")
    max_size = DEFAULT_MAX_FILE_SIZE
    if size_text:
        try:
            max_size = _size(str(size_text))
        except ValueError:
            raise SettingsError(
                f"paassec_max_file_size (ini file): {size_text!r} is not a size; use bytes or a unit such as 5MB"
            ) from None

    cli_baselines = [Path(p) if Path(p).is_absolute() else Path.cwd() / p for p in get_option("paassec_baselines") or ()]
    ini_baselines = [Path(p) for p in get_ini("paassec_baselines") or ()]

    protocol_value, source = pick("paassec_protocol", "paassec_protocol")
    protocol = str(protocol_value or "auto").strip().lower()
    if protocol not in PROTOCOLS:
        raise SettingsError(f"{source}: {protocol_value!r} is not a run protocol; use {', '.join(PROTOCOLS)}")

    select, _ = pick("paassec_select", "paassec_select")
    ignore, _ = pick("paassec_ignore", "paassec_ignore")
    return Settings(
        baselines=tuple(ini_baselines + cli_baselines),
        builtin_baselines=bool(get_ini("paassec_builtin_baselines")),
        select=_words(select),
        ignore=_words(ignore),
        fail_on=fail_on,
        paths=_words(get_ini("paassec_paths")),
        exclude=_words(get_ini("paassec_exclude")),
        max_file_size=max_size,
        protocol=protocol,
    )
