#!/usr/bin/env bash
# scripts/setup.sh — installs the system packages cppjit needs (Debian/Ubuntu), then the npm packages (which build the addon).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(clang-19 libclang-19-dev libclang-cpp19-dev llvm-19-dev
          zlib1g-dev libsqlite3-dev nlohmann-json3-dev libeigen3-dev libfmt-dev
          libarmadillo-dev libicu-dev libopencv-core-dev libboost-dev libxml2-dev libgmp-dev
          libcurl4-openssl-dev libpng-dev
          tmux)  # tmux: test/repl.test.ts drives the REPL in a real terminal
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "cppjit setup: apt-get not found; install these packages by hand: ${missing[*]}" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "cppjit setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
npm ci --no-audit --no-fund
