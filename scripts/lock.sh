#!/usr/bin/env bash
# Rebuild constraints.txt from a fresh environment installed from requirements*.txt alone.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
python=$(ls -d "$(pyenv root)"/versions/3.10.*/bin/python3.10 | sort -V | tail -1)
"$python" -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet -r requirements.txt -r requirements-test.txt
{ echo "# Full lock of the Python 3.10 environment (pip freeze of a working install)."
  echo "# Regenerate after changing requirements*.txt: scripts/lock.sh"
  "$tmp/venv/bin/pip" freeze | grep -v '^-e'
  echo "setuptools==$("$tmp/venv/bin/python" -c 'import setuptools; print(setuptools.__version__)')"
} > constraints.txt
rm -rf "$tmp"
echo "constraints.txt updated"
