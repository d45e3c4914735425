#!/usr/bin/env bash
# Sets nnc up on a fresh Debian/Ubuntu machine: oneDNN for the native kernels (when apt is there),
# then the npm dependencies, which build the native kernels and compile the sources to dist/.
# Without apt or oneDNN everything still installs and nnc trains on the JavaScript backend.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v apt-get >/dev/null 2>&1 && ! dpkg -s libdnnl-dev >/dev/null 2>&1; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  echo "nnc setup: installing libdnnl-dev (oneDNN) for the native kernels"
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libdnnl-dev; }; then
    echo "nnc setup: could not install libdnnl-dev; nnc will train on the JavaScript backend" >&2
  fi
fi
# `npm ci` rejects this lockfile: npm leaves rollup's other-platform optional packages out of it
# (a known npm bug), so install from package.json and the lockfile with `npm install`.
npm install --no-audit --no-fund
