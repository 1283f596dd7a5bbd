"""The pytest edge: hooks, collectors, items, the run protocol, settings and session state."""
