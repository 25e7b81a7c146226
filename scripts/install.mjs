// scripts/install.mjs — npm's install step: keeps a prebuilt addon, or builds one from source when there is none (or when asked).
//
// A package from the registry carries prebuilds/linux-x64/cppjit.node: nothing to do, no compiler
// run. (npm 11 skips dependencies' install scripts unless the project allows them, so the package
// works without this step too.) `npm install --build-from-source` (npm_config_build_from_source) or
// CPPJIT_BUILD_FROM_SOURCE=1 builds from source with node-gyp, as does a platform with no prebuilt
// addon and a clone of the repository; that needs LLVM 19 (scripts/llvm.mjs says how to get it).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const prebuilt = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'cppjit.node');
const fromSource = ['true', '1'].includes(String(process.env.npm_config_build_from_source)) || process.env.CPPJIT_BUILD_FROM_SOURCE === '1';
const clone = existsSync(path.join(root, 'src')) && existsSync(path.join(root, 'tsconfig.json'));
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root });

if (fromSource || clone || !existsSync(prebuilt)) {
  run(process.execPath, [path.join(root, 'scripts', 'llvm.mjs'), 'check']);
  // npm puts its own node-gyp on PATH for install scripts; a clone has it as a dev dependency.
  run('node-gyp', ['rebuild', '-j', '2']);
}
// A clone compiles and bundles its TypeScript; a package ships dist/ built.
if (clone) run('npm', ['run', 'build:ts']);
// The precompiled header of the standard headers, for this user (the first process builds it otherwise).
try {
  run(process.execPath, [path.join(root, 'dist', 'pch-build.js')]);
} catch {
  console.log('cppjit: the precompiled header will be built on first use instead');
}
