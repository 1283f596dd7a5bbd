# Built-in baselines, installed as the package ``pytest_paassec.baselines``.
