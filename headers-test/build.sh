#!/usr/bin/env bash
# headers-test/build.sh — builds the small shared library the loadLibrary tests use (skips when up to date).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p build
if [ ! -f build/libcppjittest.so ] || [ mathlib.cpp -nt build/libcppjittest.so ] || [ mathlib.h -nt build/libcppjittest.so ]; then
  g++ -O2 -fPIC -shared -Wl,-soname,libcppjittest.so -o build/libcppjittest.so mathlib.cpp
fi
