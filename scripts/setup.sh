#!/usr/bin/env bash
# Create .venv with Python 3.10 and install the locked requirements. Safe to re-run: it does
# nothing when the environment already matches requirements*.txt and constraints.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python310() {
  local candidate
  for candidate in "${MANABI_PYTHON:-}" python3.10 $(ls -d "$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V -r); do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
      command -v "$candidate" 2>/dev/null || echo "$candidate"
      return 0
    fi
  done
  return 1
}

# Debian packages, installed with apt when missing:
# * the browser tests drive Debian's chromium through its chromedriver (never a browser download);
#   the two font packages give the screenshots Japanese glyphs and the 👍/👎;
# * `make cluster` and the cluster tests run PostgreSQL, Redis and HAProxy on 127.0.0.1 (docs/deploy.md).
ensure_packages() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  [ -e /usr/share/fonts/opentype/ipafont-gothic/ipag.ttf ] || missing+=(fonts-ipafont-gothic)
  [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
  [ -x /usr/bin/redis-server ] || missing+=(redis-server)
  [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=$(command -v sudo || true)
  if ! command -v apt-get >/dev/null || { [ "$(id -u)" -ne 0 ] && [ -z "$sudo" ]; }; then
    echo "The browser and cluster tests need: ${missing[*]} (Debian packages). Install them, then re-run." >&2
    return 0
  fi
  echo "Installing ${missing[*]}…"
  $sudo apt-get update -qq >/dev/null
  # Where the machine starts the packages' own services (5432, 6379), they do not meet ours: the tests
  # and make cluster start their own PostgreSQL and Redis on free ports, with their own passwords.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
ensure_packages

wanted=$(cat requirements.txt requirements-test.txt constraints.txt | sha256sum | cut -c1-16)
stamp=.venv/.manabi-installed
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  exit 0
fi

if [ ! -x .venv/bin/python ]; then
  if ! python=$(find_python310); then
    echo "Rasa 3.6 needs Python 3.10, and none was found (looked at \$MANABI_PYTHON, python3.10 on PATH," >&2
    echo "and \$(pyenv root)/versions/3.10.*). Install one, e.g. 'pyenv install 3.10', and re-run." >&2
    exit 1
  fi
  echo "Creating .venv with $python"
  "$python" -m venv .venv
fi

# pip's notes about this machine's optional package mirrors are noise, not problems.
quiet_pip() {
  .venv/bin/python -m pip --disable-pip-version-check --quiet "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

echo "Installing the locked requirements into .venv (first time: a few minutes)…"
quiet_pip install "pip==24.0"
quiet_pip install -r requirements.txt -r requirements-test.txt -c constraints.txt
.venv/bin/python -m pip check --disable-pip-version-check >/dev/null || {
  .venv/bin/python -m pip check; echo "The installed packages conflict (see above)." >&2; exit 1; }
echo "$wanted" > "$stamp"
