#!/usr/bin/env bash
# bench/cinterop/build.sh — builds libbenchc.so and the hand-written addon of the C-interop benchmark (needs bench/build.sh's node_modules)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
lib="$here/../build/libbenchc.so"
mkdir -p "$here/../build"
if [[ ! -f "$lib" || cfuncs.c -nt "$lib" || cfuncs.h -nt "$lib" ]]; then
  gcc -O2 -fPIC -shared -Wl,-soname,libbenchc.so -o "$lib" cfuncs.c
fi
if [[ ! -f build/Release/handwritten_c.node || addon.cc -nt build/Release/handwritten_c.node ]]; then
  log="$(mktemp)"
  NODE_PATH="$here/../node_modules" PATH="$here/../node_modules/.bin:$PATH" node-gyp rebuild --nodedir=/usr -j 2 >"$log" 2>&1 ||
    { cat "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
fi
