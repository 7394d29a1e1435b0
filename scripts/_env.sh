# Shared by scripts/demo and scripts/test: find Python >= 3.12, make .venv, install.
# Usage: source scripts/_env.sh [EXTRAS]   (EXTRAS e.g. "test")
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

find_python() {
  local candidate
  # pyenv honours .python-version (3.13) when its shims are on PATH or via `pyenv which`.
  for candidate in "${NEWSROOM_PYTHON:-}" python3.13 python3.12 \
      "$(command -v pyenv >/dev/null 2>&1 && pyenv which python 2>/dev/null || true)" \
      "$HOME/.pyenv/versions/3.13.0/bin/python" python3 python; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
  if ! PYTHON="$(find_python)"; then
    echo "error: newsroom needs Python 3.12 or newer (3.13 recommended; Django 6 requires it)." >&2
    echo "       Install it (e.g. 'pyenv install 3.13' — .python-version selects it — or your" >&2
    echo "       system's python3.13 package), or point NEWSROOM_PYTHON at such an interpreter." >&2
    exit 1
  fi
  echo "==> creating .venv with $("$PYTHON" --version) ($PYTHON)"
  rm -rf .venv
  "$PYTHON" -m venv .venv
fi

EXTRAS="${1:-}"
SPEC="."
[ -n "$EXTRAS" ] && SPEC=".[$EXTRAS]"
STAMP=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-${EXTRAS:-base}"
if [ ! -f "$STAMP" ]; then
  echo "==> installing newsroom $SPEC into .venv"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e "$SPEC"
  touch "$STAMP"
fi
export PATH="$ROOT/.venv/bin:$PATH"
