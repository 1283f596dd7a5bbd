"""Rules: the baseline language, controls, the catalog and the engine that evaluates them (no pytest)."""
