"""``paassec-history``: the audit log of the repository's deployment files.

    paassec-history [--repo DIR] [--db FILE] [--baseline FILE ...] [--exclude GLOB ...] update
    paassec-history findings [--open-at DATE] [--control ID] [--since DATE] [--json]
    paassec-history commit REV [--json]
    paassec-history stats [--json]

Every command first brings the database up to date (only new commits are
evaluated); ``--no-update`` answers from it as it is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from statistics import mean
from typing import Any

from tabulate import tabulate

from ..git import GitError, Repository
from ..rules.catalog import build_catalog
from .store import HistoryError, Store
from .walk import update

DEFAULT_DB = Path(".paassec") / "history.sqlite"
SEVERITIES = ("critical", "high", "medium", "low", "info")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="paassec-history", description="Every finding of the repository's history: when it was introduced and fixed, by whom.")
    p.add_argument("--repo", type=Path, default=Path("."), help="a folder inside the Git work tree (default: .)")
    p.add_argument("--db", type=Path, default=None, help=f"the database (default: {DEFAULT_DB} at the work tree's top level)")
    p.add_argument("--baseline", type=Path, action="append", default=[], help="an extra baseline file (repeatable)")
    p.add_argument("--no-builtin-baselines", action="store_true", help="evaluate only the --baseline files")
    p.add_argument("--revision", default="HEAD", help="whose first-parent history to walk (default: HEAD)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="never read files matching this glob, relative to the work tree top, as paassec_exclude (repeatable; e.g. 'live/*' for committed live-state snapshots)")
    p.add_argument("--no-update", action="store_true", help="answer from the database without processing new commits")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("update", help="process new commits")
    f = sub.add_parser("findings", help="findings, filtered")
    f.add_argument("--open-at", help="open at this date (YYYY-MM-DD): the compliance state at a point in time")
    f.add_argument("--control", help="only this control id (or id prefix)")
    f.add_argument("--since", help="introduced or fixed on or after this date (YYYY-MM-DD)")
    f.add_argument("--json", action="store_true")
    c = sub.add_parser("commit", help="what one commit introduced and fixed")
    c.add_argument("rev")
    c.add_argument("--json", action="store_true")
    s = sub.add_parser("stats", help="time to fix per severity; open findings over time")
    s.add_argument("--json", action="store_true")
    return p


def _day(value: str, option: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise HistoryError(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


def _end_of(day: str) -> str:
    return day + "T23:59:59+99:99"  # sorts after every timestamp of that day


def findings(store: Store, args: argparse.Namespace) -> list[dict[str, Any]]:
    where, params = [], []
    if args.open_at:
        day = _end_of(_day(args.open_at, "--open-at"))
        where.append("substr(i.date, 1, 10) || 'T23:59:59+99:99' <= ? AND (x.date IS NULL OR substr(x.date, 1, 10) || 'T23:59:59+99:99' > ?)")
        params += [day, day]
    if args.control:
        where.append("f.control LIKE ?")
        params.append(args.control.rstrip("*") + "%")
    if args.since:
        day = _day(args.since, "--since")
        where.append("(substr(i.date, 1, 10) >= ? OR substr(x.date, 1, 10) >= ?)")
        params += [day, day]
    rows = store.episodes(" AND ".join(where), tuple(params))
    for row in rows:
        row["days_open"] = _days(row["introduced_at"], row["fixed_at"]) if row["fixed_at"] else None
    return rows


def _days(start: str, end: str) -> float:
    return round((dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds() / 86400, 1)


def commit_report(store: Store, repository: Repository, rev: str) -> dict[str, Any]:
    sha = repository.resolve(rev)
    info = store.commit_row(sha)
    if info is None:
        raise HistoryError(f"{rev} ({sha[:7]}) is not in the first-parent history the database holds")
    return {
        "commit": info,
        "introduced": store.episodes("f.introduced = ?", (sha,)),
        "fixed": store.episodes("f.fixed = ?", (sha,)),
    }


def stats(store: Store) -> dict[str, Any]:
    episodes = store.episodes()
    per_severity = {}
    for severity in SEVERITIES:
        closed = [_days(e["introduced_at"], e["fixed_at"]) for e in episodes if e["severity"] == severity and e["fixed_at"]]
        still = sum(1 for e in episodes if e["severity"] == severity and not e["fixed_at"])
        per_severity[severity] = {"fixed": len(closed), "open": still, "mean_days_to_fix": round(mean(closed), 1) if closed else None}
    months = sorted({d[:7] for d in store.commit_dates()})
    over_time = []
    for month in months:
        end = month + "-31T23:59:59+99:99"
        count = sum(1 for e in episodes if e["introduced_at"][:7] <= month and not (e["fixed_at"] and e["fixed_at"] <= end and e["fixed_at"][:7] <= month))
        over_time.append({"month": month, "open": count})
    return {"by_severity": per_severity, "open_by_month": over_time}


_BARS = " ▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    top = max(values or [0]) or 1
    return "".join(_BARS[round(v / top * (len(_BARS) - 1))] for v in values)


def _short(row: dict[str, Any], key: str) -> str:
    return f"{row[key][:7]} {row[key + '_by']} {row[key + '_at'][:10]}" if row.get(key) else "open"


def render(command: str, result: Any) -> str:
    if command == "findings":
        table = [(r["control"], r["severity"], r["file"], r["resource"], r["path"], _short(r, "introduced"), _short(r, "fixed"), r["days_open"] if r["days_open"] is not None else "") for r in result]
        return tabulate(table, headers=["control", "severity", "file", "resource", "path", "introduced", "fixed", "days open"]) if table else "no findings"
    if command == "commit":
        info = result["commit"]
        lines = [f"{info['sha'][:7]} {info['author']} {info['date'][:10]}  {info['subject']}", f"introduced {len(result['introduced'])}, fixed {len(result['fixed'])}"]
        rows = [("introduced", r["control"], r["severity"], r["file"], r["resource"], r["path"]) for r in result["introduced"]]
        rows += [("fixed", r["control"], r["severity"], r["file"], r["resource"], r["path"]) for r in result["fixed"]]
        if rows:
            lines += ["", tabulate(rows, headers=["", "control", "severity", "file", "resource", "path"])]
        return "\n".join(lines)
    by = result["by_severity"]
    table = tabulate([(s, by[s]["open"], by[s]["fixed"], by[s]["mean_days_to_fix"] if by[s]["mean_days_to_fix"] is not None else "") for s in SEVERITIES],
                     headers=["severity", "open", "fixed", "mean days to fix"])
    counts = [m["open"] for m in result["open_by_month"]]
    months = result["open_by_month"]
    span = f"{months[0]['month']} .. {months[-1]['month']}" if months else ""
    return table + f"\n\nopen findings by month ({span}): {sparkline(counts)} {counts}"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        repository = Repository.at(args.repo.resolve())
        if repository.shallow():
            print("paassec-history: this is a shallow clone: the history starts at the oldest commit fetched "
                  "(git fetch --unshallow for all of it)", file=sys.stderr)
        store = Store(args.db if args.db is not None else repository.top / DEFAULT_DB)
        try:
            if not args.no_update:
                catalog = build_catalog(list(args.baseline), builtin=not args.no_builtin_baselines)
                if catalog.errors:
                    raise HistoryError("\n".join(str(e) for e in catalog.errors))
                processed = update(store, repository, catalog, args.revision, on_rebuild=lambda text: print(text, file=sys.stderr), exclude=tuple(args.exclude))
                if args.command == "update":
                    print(f"{processed} new commits processed; {len(store.processed())} in {store.path}")
                    return 0
            if args.command == "update":
                return 0
            result: Any = {
                "findings": lambda: findings(store, args),
                "commit": lambda: commit_report(store, repository, args.rev),
                "stats": lambda: stats(store),
            }[args.command]()
        finally:
            store.close()
    except (GitError, HistoryError) as exc:
        print(f"paassec-history: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2) if getattr(args, "json", False) else render(args.command, result))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
