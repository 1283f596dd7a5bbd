#!/usr/bin/env sh
# A plain CI step: any runner with Python. Exit status: 0 when nothing at or
# above paassec_fail_on failed, 1 otherwise, other values for usage errors.
set -u
mkdir -p reports
pytest -p no:cacheprovider -q \
  --junitxml=reports/paassec.xml \
  --paassec-sarif=reports/paassec.sarif \
  --paassec-json=reports/paassec.json \
  "$@"
