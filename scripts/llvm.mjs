// scripts/llvm.mjs — finds LLVM 19 for the build (and fails with one clear message when it is missing).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const packages = 'clang-19 libclang-19-dev libclang-cpp19-dev llvm-19-dev';

export function findLlvmConfig() {
  const candidates = [process.env.LLVM_CONFIG, 'llvm-config-19', '/usr/lib/llvm-19/bin/llvm-config'].filter(Boolean);
  for (const candidate of candidates) {
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (!version.startsWith('19.')) continue;
      const libdir = execFileSync(candidate, ['--libdir'], { encoding: 'utf8' }).trim();
      const includedir = execFileSync(candidate, ['--includedir'], { encoding: 'utf8' }).trim();
      if (!existsSync(`${includedir}/clang/Interpreter/Interpreter.h`)) continue;
      if (!existsSync(`${libdir}/libclang-cpp.so`)) continue;
      return candidate;
    } catch {
      // try the next candidate
    }
  }
  return null;
}

// Linking Clang and LLVM statically (their -dev packages ship the archives) instead of through
// libclang-cpp.so and libLLVM.so cuts the addon's load from ~25 ms to ~6 ms (a million symbol
// relocations become a few hundred thousand relative ones, and no other targets' code is mapped)
// and makes Clang's own calls direct (wrappers compile ~30% faster). CPPJIT_LLVM_LINK=shared
// keeps the shared libraries.
function staticArchives(llvmConfig) {
  if (process.env.CPPJIT_LLVM_LINK === 'shared') return null;
  const run = (...args) => execFileSync(llvmConfig, args, { encoding: 'utf8' }).trim();
  const libdir = run('--libdir');
  if (!existsSync(path.join(libdir, 'libclangInterpreter.a')) || !existsSync(path.join(libdir, 'libLLVMOrcJIT.a'))) return null;
  const clang = readdirSync(libdir)
    .filter((name) => /^libclang[A-Z]\w*\.a$/.test(name))
    .sort()
    .map((name) => path.join(libdir, name));
  // Polly is a linked-in extension of Debian's libLLVM.so, shipped as a plugin only: no archive.
  const llvm = run('--link-static', '--libs', 'all').split(/\s+/).filter((flag) => flag && !/polly/i.test(flag));
  const system = run('--link-static', '--system-libs').split(/\s+/).filter(Boolean).map(systemLibrary).filter(Boolean);
  return [`-L${libdir}`, '-Wl,--start-group', ...clang, ...llvm, '-Wl,--end-group',
    // The archives' symbols stay inside the addon: their references bind at link time, and a
    // libLLVM.so that something else loads into the process does not interpose on them.
    '-Wl,--exclude-libs,ALL', '-Wl,--gc-sections', '-Wl,-z,pack-relative-relocs', '-Wl,--as-needed', ...system, '-lpthread'];
}

const libraryDirs = ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib', '/lib'];

// llvm-config names -lzstd and friends, whose unversioned .so comes with a -dev package that
// need not be installed: the runtime's libNAME.so.N links as well.
function systemLibrary(flag) {
  const name = flag.startsWith('-l') ? `lib${flag.slice(2)}` : path.basename(flag).replace(/\.so.*$/, '');
  if (flag.startsWith('-l') || !existsSync(flag)) {
    for (const dir of libraryDirs) {
      if (existsSync(path.join(dir, `${name}.so`)) || (flag.startsWith('-l') && existsSync(path.join(dir, `${name}.a`))))
        return flag.startsWith('-l') ? flag : path.join(dir, `${name}.so`);
    }
    for (const dir of libraryDirs) {
      if (!existsSync(dir)) continue;
      const versioned = readdirSync(dir).filter((f) => f.startsWith(`${name}.so.`)).sort((a, b) => a.length - b.length)[0];
      if (versioned) return path.join(dir, versioned);
    }
    return flag.startsWith('-l') ? flag : null;
  }
  return flag;
}

/** The linker flags for Clang and LLVM: their archives when present, else the shared libraries. */
export function linkFlags(llvmConfig) {
  const archives = staticArchives(llvmConfig);
  if (archives) return archives;
  const libdir = execFileSync(llvmConfig, ['--libdir'], { encoding: 'utf8' }).trim();
  return [`-L${libdir}`, '-lclang-cpp', '-lLLVM-19', `-Wl,-rpath,${libdir}`];
}

if (process.argv[2] === 'libs' || process.argv[2] === 'defines') {
  const found = findLlvmConfig();
  if (!found) process.exit(1);
  if (process.argv[2] === 'libs') process.stdout.write(linkFlags(found).join(' '));
  else process.stdout.write(staticArchives(found) ? 'CPPJIT_STATIC_LLVM=1' : 'CPPJIT_SHARED_LLVM=1');
}

if (process.argv[2] === 'config' || process.argv[2] === 'check') {
  const found = findLlvmConfig();
  if (!found) {
    process.stderr.write(
      `\ncppjit needs LLVM/Clang 19 with its development files (llvm-config-19, clang/Interpreter/Interpreter.h, libclang-cpp.so).\n` +
        `Install them with:  sudo apt-get install ${packages}\n(or run: npm run setup)\n\n`,
    );
    process.exit(1);
  }
  if (process.argv[2] === 'config') process.stdout.write(found);
}
