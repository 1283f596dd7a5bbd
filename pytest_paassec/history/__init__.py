"""The audit log: every finding of the repository's history in SQLite.

``paassec-history`` walks the first-parent history of HEAD, evaluates the
baselines incrementally (only the files each commit changed; the checks
that read other files again when a file of their platform changed), and
records when each finding was introduced and fixed, by which commit,
author and date.  The database is an index, never the truth: deleting it
and running again rebuilds the same answers from Git.
"""
