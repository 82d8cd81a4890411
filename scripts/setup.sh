#!/usr/bin/env bash
# Installs everything earchive needs on a fresh Debian/Ubuntu machine, idempotently:
# Debian packages (text extraction, PDF tools, a CJK font, libmagic, ClamAV, Chromium for the UI
# tests) and a Python virtual environment in .venv with the project and its test tools.
# Re-running it is cheap: it only installs what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(poppler-utils qpdf fonts-wqy-zenhei libmagic1 clamav clamav-daemon chromium chromium-driver)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi

stamp=.venv/.earchive-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python dependencies into .venv"
  .venv/bin/python -m pip install -q -e '.[dev]'
  echo "$want" > "$stamp"
fi
