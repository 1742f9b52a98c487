#!/usr/bin/env bash
# Build the one-folder bundle (dist/kling-desktop/) with PyInstaller and check it: --version, then --self-test
# (offscreen: the catalog, the window, a draft rendered and played). Exits non-zero when either check fails.
# Run from anywhere; uses the project's .venv (./dev creates it).
#   KLING_DESKTOP_BUNDLE_NO_CHECK=1  build only, skip the two checks (the packaging test runs them itself).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-.venv/bin/python}
log() { printf '[bundle] %s\n' "$*" >&2; }

if ! "$PY" -c 'import PyInstaller' 2>/dev/null; then
  log "installing PyInstaller (the project's [package] extra)"
  "$PY" -m pip install -q -e ".[package]" >/dev/null
fi

start=$SECONDS
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/kling-desktop.spec
BIN=dist/kling-desktop/kling-desktop
log "built $BIN in $((SECONDS - start)) s ($(du -sh dist/kling-desktop | cut -f1))"

[ "${KLING_DESKTOP_BUNDLE_NO_CHECK:-}" = 1 ] && exit 0

version=$("$BIN" --version)
log "--version: $version"
HOME_DIR=$(mktemp -d)
trap 'rm -rf "$HOME_DIR"' EXIT
KLING_DESKTOP_HOME="$HOME_DIR" QT_QPA_PLATFORM=offscreen timeout 300 "$BIN" --self-test
log "bundle OK: $BIN"
