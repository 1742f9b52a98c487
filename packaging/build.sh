#!/usr/bin/env bash
# Build the one-folder bundle (dist/kling-desktop/) and check it: --version and --self-test (offscreen).
# Run from anywhere; uses the project's .venv (./dev creates it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
"$PY" -m pip install -q -e ".[package]" >/dev/null
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/kling-desktop.spec
BIN=dist/kling-desktop/kling-desktop
"$BIN" --version
HOME_DIR=$(mktemp -d)
KLING_DESKTOP_HOME="$HOME_DIR" QT_QPA_PLATFORM=offscreen timeout 300 "$BIN" --self-test
rm -rf "$HOME_DIR"
echo "bundle OK: $BIN"
