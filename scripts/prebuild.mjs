// scripts/prebuild.mjs — makes the package's prebuilt addon: prebuilds/<platform>-<arch>/ with the stripped addon and Clang's builtin headers.
//
// Run before packing (npm's prepack). The addon is the one node-gyp built from these sources
// (build/Release/cppjit.node, linked statically against LLVM/Clang 19, and cppjit_fast.node for V8
// fast calls); it is built first when
// missing. Stripped of its static symbol table (the dynamic one, which the JIT resolves cppjit's
// helpers in, stays). Clang's resource headers (stddef.h, the intrinsics) travel with it, so a
// system needs no clang-19 package, only a C++ standard library's headers.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLlvmConfig } from './llvm.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'build', 'Release', 'cppjit.node');
const target = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const run = (cmd, args, options = {}) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });

const llvmConfig = findLlvmConfig();
if (!llvmConfig) {
  console.error('cppjit prebuild: LLVM 19 is needed to build the addon (npm run setup)');
  process.exit(1);
}
if (!existsSync(built)) run('npx', ['node-gyp', 'rebuild', '-j', '2']);

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
const addon = path.join(target, 'cppjit.node');
run('strip', ['--strip-unneeded', '-o', addon, built]);

// The V8 fast-call addon (native/fast/), built for the V8 of the Node that ran node-gyp; the loader
// uses it only on that V8 (src/native.ts), every other runtime calls through Node-API.
const builtFast = path.join(root, 'build', 'Release', 'cppjit_fast.node');
if (existsSync(builtFast)) run('strip', ['--strip-unneeded', '-o', path.join(target, 'cppjit_fast.node'), builtFast]);

const libdir = execFileSync(llvmConfig, ['--libdir'], { encoding: 'utf8' }).trim();
const version = execFileSync(llvmConfig, ['--version'], { encoding: 'utf8' }).trim().split('.')[0];
cpSync(path.join(libdir, 'clang', version, 'include'), path.join(target, 'clang', 'include'), { recursive: true, dereference: true });

// What it needs from the system: libraries every Debian/Ubuntu has.
const needed = execFileSync('readelf', ['-d', addon], { encoding: 'utf8' }).match(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g) ?? [];
const names = needed.map((line) => line.replace(/.*\[(.*)\]/, '$1'));
const stock = /^(libc|libm|libdl|libpthread|librt|libstdc\+\+|libgcc_s|libz|libzstd)\.so|^ld-linux/;
const unusual = names.filter((n) => !stock.test(n));
const mb = (file) => (statSync(file).size / 1e6).toFixed(1);
console.log(`cppjit prebuild: ${path.relative(root, addon)} (${mb(built)} MB → ${mb(addon)} MB stripped), needs ${names.join(', ')}`);
if (unusual.length) {
  console.error(`cppjit prebuild: the addon needs libraries a stock system may lack: ${unusual.join(', ')}`);
  process.exit(1);
}
