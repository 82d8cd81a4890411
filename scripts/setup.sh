#!/usr/bin/env bash
# Installs everything earchive needs on a fresh Debian/Ubuntu machine, idempotently:
# Debian packages (text extraction, PDF tools, a CJK font, libmagic, ClamAV, LibreOffice,
# Ghostscript and Tesseract for preservation copies and OCR, Chromium for the UI tests) and a Python virtual environment in .venv with the project and its test tools.
# Re-running it is cheap: it only installs what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(poppler-utils qpdf fonts-wqy-zenhei libmagic1 clamav clamav-daemon chromium chromium-driver openssl)
# preservation copies and OCR (docs/formats.md): LibreOffice headless (~290 MB), Ghostscript,
# Tesseract with the simplified-Chinese model
APT_PACKAGES+=(libreoffice-writer-nogui libreoffice-calc-nogui ghostscript tesseract-ocr tesseract-ocr-chi-sim)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)  # fetches the API docs' assets below

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

# Bytecode for the project's own modules, as `pip install .` writes it in the image: the editable
# install leaves none, and where PYTHONDONTWRITEBYTECODE is set (CI, containers) every `earchive`
# command would compile ~140 modules again (~0.15 s a command). Files already current are skipped.
.venv/bin/python -m compileall -q -j 0 standards ingest package preservation search transfer \
  earchive samples >/dev/null

# Swagger UI for /docs, served from the archive itself under its CSP (no CDN): the two files of
# the npm package swagger-ui-dist (Apache-2.0), checked by npm against the registry's digest.
SWAGGER_UI_VERSION=5.35.0
swagger=earchive/web/static/vendor/swagger-ui
if [ "$(cat "$swagger/.version" 2>/dev/null)" != "$SWAGGER_UI_VERSION" ]; then
  echo "setup: fetching swagger-ui-dist $SWAGGER_UI_VERSION for the API docs"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "swagger-ui-dist@$SWAGGER_UI_VERSION" >/dev/null)
  tar -xzf "$tmp"/swagger-ui-dist-*.tgz -C "$tmp"
  mkdir -p "$swagger"
  cp "$tmp/package/swagger-ui-bundle.js" "$tmp/package/swagger-ui.css" "$tmp/package/LICENSE" "$swagger/"
  echo "$SWAGGER_UI_VERSION" > "$swagger/.version"
  rm -rf "$tmp"
fi

# axe-core (MPL-2.0) for the accessibility checks of the browser tests only (never served): the
# npm package's one script, checked by npm against the registry's digest.
AXE_CORE_VERSION=4.10.3
axe=tests/earchive/web/vendor/axe-core
if [ "$(cat "$axe/.version" 2>/dev/null)" != "$AXE_CORE_VERSION" ]; then
  echo "setup: fetching axe-core $AXE_CORE_VERSION for the accessibility tests"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "axe-core@$AXE_CORE_VERSION" >/dev/null)
  tar -xzf "$tmp"/axe-core-*.tgz -C "$tmp"
  mkdir -p "$axe"
  cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$axe/"
  echo "$AXE_CORE_VERSION" > "$axe/.version"
  rm -rf "$tmp"
fi
