#!/usr/bin/env bash
# Mutation testing of the domain rules (kiosk/domain) with mutmut, configured in pyproject.toml [tool.mutmut].
# Not part of CI's every run: run it before resolving an issue that changes the rules. It copies the project into
# ./mutants (git-ignored), runs the domain tests and the README examples against every mutant, and prints the
# score per file (target: 85 % killed in every file; equivalent mutants are listed in docs/mutation.md).
#   scripts/mutation.sh              full run from scratch
#   scripts/mutation.sh --score      only print the scores of the last run
# Exit status: 0 when every file reaches the target, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
if [[ "${1:-}" != "--score" ]]; then
  rm -rf mutants
  start=$(date +%s)
  # mutmut puts ./mutants first on sys.path; a PYTHONPATH pointing at the checkout would shadow the mutants.
  PYTHONPATH= "$PYTHON" -m mutmut run --max-children "${JOBS:-$(nproc)}" > mutants.log 2>&1 || {
    tail -n 40 mutants.log; echo "mutmut run failed (full log: mutants.log)"; exit 2; }
  echo "mutmut run took $(( $(date +%s) - start )) s with ${JOBS:-$(nproc)} workers (log: mutants.log)"
fi
"$PYTHON" scripts/mutation_score.py mutants/kiosk/domain
