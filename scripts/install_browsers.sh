#!/usr/bin/env bash
# Install Debian's chromium and CJK fonts for the browser tests, unless they are already there.
# Idempotent and quick when installed (one dpkg query); never downloads a browser from elsewhere.
set -euo pipefail

packages=(chromium fonts-noto-cjk)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ] && [ -x /usr/bin/chromium ]; then
  exit 0
fi

echo "installing ${missing[*]:-chromium} for the browser tests"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "error: need root (or sudo) to run: apt-get install -y chromium fonts-noto-cjk" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends "${packages[@]}"; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${packages[@]}"
fi
/usr/bin/chromium --version
