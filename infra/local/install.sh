#!/usr/bin/env bash
# Installs the AWS emulator and the validators into .venv, or updates them when
# infra/local/requirements.txt changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/../.."

requirements=infra/local/requirements.txt
stamp=.venv/.requirements.sha256
wanted=$(sha256sum "$requirements" | cut -d' ' -f1)

if [[ -x .venv/bin/python && -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
    exit 0
fi
echo "installing the emulator and validators into .venv" >&2
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
echo "$wanted" > "$stamp"
