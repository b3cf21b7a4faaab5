# Sourced by the scripts: makes sure .venv exists and holds the project (with the given extras),
# reinstalling when pyproject.toml changed since the last install. Needs only Python 3.11+.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=$root/.venv
extras=${VENV_EXTRAS:-}  # set by the caller: "test" for the test extras
python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "crpatterns needs Python 3.11 or newer as '$python' (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
stamp=$venv/.crpatterns-installed${extras:+-$extras}
want=$(cat "$root/pyproject.toml" | cksum)
if [[ ! -x $venv/bin/python ]]; then
  "$python" -m venv "$venv"
fi
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "Installing crpatterns${extras:+[$extras]} into .venv ..." >&2
  log=$venv/pip-install.log
  if ! "$venv/bin/python" -m pip install --disable-pip-version-check -e "$root${extras:+[$extras]}" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "Installing crpatterns into .venv failed; the whole log is in $log" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi
export PATH=$venv/bin:$PATH
