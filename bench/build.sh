#!/usr/bin/env bash
# bench/build.sh — builds everything the baselines need: libbenchcases.so, bench/node_modules, handwritten.node
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

# 1. the shared library under benchmark
bash "$here/build-lib.sh"

# run a command quietly; show its output only if it fails
quiet() {
  local log
  log="$(mktemp)"
  if ! "$@" >"$log" 2>&1; then
    echo "bench/build.sh: failed: $*" >&2
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

# 2. bench's own dependencies (koffi, node-addon-api, node-gyp)
if [[ ! -d node_modules/koffi || ! -d node_modules/node-addon-api || ! -d node_modules/node-gyp ]]; then
  quiet npm install --no-audit --no-fund
fi

# 3. the hand-written node-addon-api baseline
addon="$here/handwritten/build/Release/handwritten.node"
stale=0
if [[ ! -f "$addon" ]]; then
  stale=1
else
  for src in handwritten/addon.cc handwritten/binding.gyp cases.h; do
    [[ "$src" -nt "$addon" ]] && stale=1
  done
fi
if (( stale )); then
  # Build against the local Node headers when they are installed (no download needed),
  # honouring an explicit npm_config_nodedir first.
  gyp_args=()
  nodedir="${npm_config_nodedir:-}"
  if [[ -z "$nodedir" ]]; then
    prefix="$(dirname "$(dirname "$(node -p process.execPath)")")"
    [[ -f "$prefix/include/node/common.gypi" ]] && nodedir="$prefix"
  fi
  [[ -n "$nodedir" ]] && gyp_args+=("--nodedir=$nodedir")
  (cd handwritten && quiet "$here/node_modules/.bin/node-gyp" rebuild "${gyp_args[@]}")
fi
