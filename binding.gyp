# binding.gyp — builds the cppjit addon (native/ + reflex/) against LLVM/Clang 19 found through llvm-config-19.
{
  "variables": {
    "llvm_config%": "<!(node scripts/llvm.mjs config)"
  },
  "targets": [
    {
      "target_name": "cppjit",
      "sources": [
        "native/addon.cc",
        "native/async.cc",
        "native/callbacks.cc",
        "native/describe.cc",
        "native/errors.cc",
        "native/memory.cc",
        "native/objects.cc",
        "native/prelude.cc",
        "native/signals.cc",
        "native/thunks.cc",
        "reflex/src/diagnostics.cpp",
        "reflex/src/functions.cpp",
        "reflex/src/guards.cpp",
        "reflex/src/jit.cpp",
        "reflex/src/layout.cpp",
        "reflex/src/templates.cpp",
        "reflex/src/objcache.cpp",
        "reflex/src/pch.cpp",
        "reflex/src/headers.cpp",
        "reflex/src/scopes.cpp",
        "reflex/src/session.cpp",
        "reflex/src/tls.cpp",
        "reflex/src/types.cpp"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "reflex/include"
      ],
      "defines": ["NAPI_CPP_EXCEPTIONS", "NAPI_EXPERIMENTAL", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
                  "<!(node scripts/llvm.mjs defines)"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": [
        "-std=c++20", "-fexceptions", "-frtti", "-Wall", "-Wextra", "-Wno-unused-parameter",
        "-isystem", "<!(<(llvm_config) --includedir)"
      ],
      # Clang's and LLVM's archives when installed (see scripts/llvm.mjs), else their shared libraries.
      "libraries": ["<!@(node scripts/llvm.mjs libs)"]
    },
    {
      # V8 fast API calls (native/fast/fast.cc): V8's C++ API, so built per V8 version and loaded by Node only.
      "target_name": "cppjit_fast",
      "sources": ["native/fast/fast.cc"],
      "include_dirs": ["native/fast"],
      # The C++ standard node-gyp picks for this Node's V8 headers.
      "cflags_cc": ["-Wall", "-Wextra"]
    }
  ]
}
