#!/usr/bin/env bash
# bench/build-lib.sh — builds bench/build/libbenchcases.so from cases.cpp (skips if up to date)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/build/libbenchcases.so"
if [[ -f "$out" && "$out" -nt "$here/cases.cpp" && "$out" -nt "$here/cases.h" ]]; then
  exit 0
fi
mkdir -p "$here/build"
g++ -O2 -fPIC -shared -std=c++17 -Wl,-soname,libbenchcases.so -o "$out.tmp" "$here/cases.cpp"
mv -f "$out.tmp" "$out"
