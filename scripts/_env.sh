# Shared by scripts/quickstart and scripts/test: make .venv and install the project into it.
# Re-installs only when pyproject.toml changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.realmid-installed
want="$(sha256sum pyproject.toml | cut -d' ' -f1) ${REALMID_EXTRAS}"
# One line per (pyproject, extras) installed, so quickstart and test don't undo each other.
if ! grep -qxF "$want" "$stamp" 2>/dev/null; then
    echo "installing realmid[${REALMID_EXTRAS}] into .venv (log: .venv/install.log)" >&2
    # pip's chatter goes to a log; it is shown only when the install fails.
    if ! { .venv/bin/python -m pip install --upgrade pip \
           && .venv/bin/python -m pip install -e ".[${REALMID_EXTRAS}]"; } >.venv/install.log 2>&1; then
        cat .venv/install.log >&2
        exit 1
    fi
    echo "$want" >> "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
