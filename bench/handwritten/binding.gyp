# bench/handwritten/binding.gyp — node-gyp build of the hand-written node-addon-api baseline
{
  "targets": [
    {
      "target_name": "handwritten",
      "sources": ["addon.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        ".."
      ],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-O2"],
      "libraries": [
        "-L<(module_root_dir)/../build",
        "-lbenchcases",
        "-Wl,-rpath,'$$ORIGIN/../../../build'"
      ]
    }
  ]
}
