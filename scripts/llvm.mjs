// scripts/llvm.mjs — finds LLVM 19 for the build (and fails with one clear message when it is missing).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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
