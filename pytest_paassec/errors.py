"""Errors the plugin raises for bad input, each naming file and line."""

from __future__ import annotations


class PaasSecError(Exception):
    """Base of every error pytest-paassec raises on purpose."""


class LocatedError(PaasSecError):
    """An error tied to a place in a file: ``path:line:column: problem; hint``."""

    def __init__(
        self,
        path: str,
        line: int | None,
        problem: str,
        hint: str = "",
        column: int | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.problem = problem
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.problem}"
        if self.hint:
            text += f"; {self.hint}"
        return text


class ParseError(LocatedError):
    """A deployment file that cannot be read or parsed."""


class BaselineError(LocatedError):
    """A baseline file or control definition that is invalid."""


class SettingsError(PaasSecError):
    """An invalid option or ini value; the message names where it came from."""


class CoverageNote(LocatedError):
    """Not an error: what a recognised file holds when no control applies to
    it (the PAASSEC-COVERAGE item carries it, located like any notice)."""
