# native/fast/binding.gyp — the fast-call addon alone, for scripts/prebuild.mjs to build against other Node versions' headers.
{
  "targets": [
    {
      "target_name": "cppjit_fast",
      "sources": ["fast.cc"],
      "include_dirs": ["."],
      "cflags_cc": ["-Wall", "-Wextra"]
    }
  ]
}
