"""The one "today" every date comparison uses (waiver expiry, report age).

Resolved once per session from ``--paassec-today`` / ``paassec_today`` or
the system date, so a run is reproducible in tests and CI, and every xdist
worker judges with the controller's date.
"""

from __future__ import annotations

import datetime as dt


def parse_date(text: object) -> dt.date | None:
    """An ISO date (``2027-01-31``), or None when ``text`` is not one."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    if not isinstance(text, str):
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def resolve_today(value: object, source: str) -> dt.date:
    """``value`` as the session's today; the system date when unset."""
    if value in (None, ""):
        return dt.date.today()
    day = parse_date(value)
    if day is None:
        raise ValueError(f"{source}: {value!r} is not a date; use YYYY-MM-DD")
    return day
