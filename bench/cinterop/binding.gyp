# bench/cinterop/binding.gyp — node-gyp build of the hand-written baseline of cfuncs.h
{
  "targets": [
    {
      "target_name": "handwritten_c",
      "sources": ["addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-O2"],
      "libraries": ["-L<(module_root_dir)/../build", "-lbenchc", "-Wl,-rpath,'$$ORIGIN/../../../build'"]
    }
  ]
}
