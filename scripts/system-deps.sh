#!/usr/bin/env bash
# Install the Debian packages that `make run` / `make test` need and this machine lacks:
#   scripts/system-deps.sh run    gettext (compiled translations), python3-venv
#   scripts/system-deps.sh test   the same + chromium and fonts-noto-cjk (browser tests)
# As root (or with password-less sudo) it runs apt-get itself; otherwise it stops and
# prints the one command to run.
set -euo pipefail
what=${1:-test}
PYTHON=${PYTHON:-python3}
need=()
command -v msgfmt >/dev/null || need+=(gettext)
if ! $PYTHON -c 'import ensurepip' 2>/dev/null && ! [ -x .venv/bin/python ]; then
  need+=(python3-venv)
fi
if [ "$what" = test ]; then
  command -v chromium >/dev/null || need+=(chromium)
  if command -v dpkg >/dev/null; then
    dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
  elif ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
    need+=(fonts-noto-cjk)
  fi
fi
[ ${#need[@]} -eq 0 ] && exit 0

command="apt-get update && apt-get install -y --no-install-recommends ${need[*]}"
if ! command -v apt-get >/dev/null; then
  echo "Missing: ${need[*]}. Install them with your system's package manager." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "Missing system packages: ${need[*]}. Run:" >&2
  echo "  sudo sh -c '$command'" >&2
  exit 1
fi
echo "Installing ${need[*]} (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
