// test/fuzz.test.ts — fuzzes malformed C++ input ("no input kills the process"): over a thousand
// inputs mutated from valid snippets (classes, templates, namespaces, extern "C", lambdas, macros,
// standard headers) and adversarial ones (pragmas, module declarations, keyword macros, deep
// nesting, runaway templates, inline asm, throwing static initialisers, bad bytes) go to cppdef,
// include, cppexec and evaluate. Each must be accepted or refused with a CppCompileError (with
// diagnostics) or a CppError, within 10 s, and leave the interpreter usable.
//
// The inputs are generated here from one seed (mulberry32, no Math.random) and written to a JSON
// file; children (CHILD below) run them in batches of BATCH, each input followed by a usability
// check: a new function cppdef-ed and called, a function of headers-test/fuzz.h whose wrapper is
// compiled only now, and one called before the first input. A child reports on fd 3, one line per
// input ("S i" before, "R i json" after). An input running over WATCHDOG_MS (10 s) is a hang: the
// parent kills the child and goes on from the next input in a new child, as after a crash (the
// child gone while an input ran) or an unusable interpreter (the child stops itself). While hangs
// exist the run is shortened (see FULL_HANGS). FUZZ_COUNT, FUZZ_WATCHDOG_MS, FUZZ_BUDGET_MS and
// FUZZ_KEEP=1 (keep the inputs) are for exploring.
//
// The second describe() has one test per known reproducer, each in its own child process; the
// third, the problems this fuzzer found. Each states the correct behaviour (and what it was).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from './helpers';
import { run } from './run';

const ENTRY = fileURLToPath(new URL('../esm/index.mjs', import.meta.url));
const HEADER = fixture('fuzz.h');
const SEED = 0xc0ffee19;
const COUNT = Number(process.env.FUZZ_COUNT || 1100);
const BATCH = 80;
/** An input running longer is a hang (FUZZ_WATCHDOG_MS overrides, for exploring). */
const WATCHDOG_MS = Number(process.env.FUZZ_WATCHDOG_MS || 10_000);
/**
 * Each hang costs WATCHDOG_MS. So that the suite keeps to its time while hangs exist, after
 * FULL_HANGS of them (the run has failed by then) the watchdog drops to SHORT_WATCHDOG_MS (these
 * hangs are reported as such), and once the run has taken BUDGET_MS with hangs, it stops: the rest
 * is counted as not run. A run without hangs always runs every input with the 10 s watchdog.
 */
const FULL_HANGS = 2;
const SHORT_WATCHDOG_MS = 2_000;
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS || 40_000);

// ---- deterministic randomness --------------------------------------------------------------------

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** mulberry32: a float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.next() * a.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---- the corpus ----------------------------------------------------------------------------------
// Valid snippets; QQ becomes a suffix unique to the input, so unmutated snippets are accepted (one
// throws from its static initialiser: a CppError).

const SNIPPETS = [
  'struct PointQQ { int x, y; PointQQ(int a, int b) : x(a), y(b) {} int sum() const { return x + y; } };',
  'class ShapeQQ { public: virtual ~ShapeQQ() = default; virtual double area() const = 0; };\nclass SqQQ : public ShapeQQ { double s; public: explicit SqQQ(double s) : s(s) {} double area() const override { return s * s; } };',
  'template <typename T> T twiceQQ(T v) { return v + v; }\nint useTwiceQQ() { return twiceQQ(21) + twiceQQ<double>(0.5); }',
  'template <class T, int N> struct ArrQQ { T data[N]; constexpr int size() const { return N; } };\nArrQQ<int, 3> arrQQ{};',
  'namespace nsQQ { namespace inner { inline int f(int a) { return a * 3; } } using inner::f; int g() { return f(2); } }',
  'extern "C" int cfunQQ(int a) { return a - 1; }',
  'extern "C" { struct CSQQ { int a; double b; }; double csSumQQ(struct CSQQ s) { return s.a + s.b; } }',
  '#include <vector>\nint vsumQQ(const std::vector<int>& v) { int s = 0; for (int x : v) s += x; return s; }',
  '#include <map>\n#include <string>\nstd::map<std::string, int> mkQQ() { return {{"a", 1}, {"b", 2}}; }',
  '#include <thread>\nint thQQ() { int r = 0; std::thread t([&] { r = 7; }); t.join(); return r; }',
  '#include <chrono>\nlong long msQQ() { return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::seconds(2)).count(); }',
  'auto lamQQ = [](int a, int b) { return a < b ? b : a; };\nint lmaxQQ(int a, int b) { return lamQQ(a, b); }',
  'int capQQ(int k) { auto add = [k](int v) mutable { k += v; return k; }; return add(1) + [&] { return k; }(); }',
  '#define SQRQQ(x) ((x) * (x))\nint sqQQ(int v) { return SQRQQ(v); }',
  '#define STRQQ(x) #x\n#define CATQQ(a, b) a##b\nconst char* nameQQ() { return STRQQ(CATQQ(ab, cd)); }',
  'enum class ColorQQ : unsigned char { Red, Green = 5, Blue };\nenum PlainQQ { PAQQ, PBQQ };',
  'union UQQ { int i; float f; };\nstruct BitsQQ { unsigned a : 3; unsigned b : 5; };',
  'constexpr int factQQ(int n) { return n <= 1 ? 1 : n * factQQ(n - 1); }\nstatic_assert(factQQ(5) == 120, "fact");',
  'template <typename... Ts> int countQQ(Ts... ts) { return sizeof...(ts); }\nint c3QQ = countQQ(1, 2.0, \'c\');',
  'struct BaseQQ { int b = 1; virtual int id() const { return b; } virtual ~BaseQQ() {} };\nstruct DerQQ : BaseQQ { int id() const override { return 2; } };',
  'template <class T> concept SmallQQ = sizeof(T) <= 4;\ntemplate <SmallQQ T> T idQQ(T t) { return t; }',
  '#include <memory>\nstd::unique_ptr<int> upQQ() { return std::make_unique<int>(5); }',
  'int asmQQ() { int r; asm("movl $5, %0" : "=r"(r)); return r; }',
  'struct OpQQ { int v; OpQQ operator+(const OpQQ& o) const { return {v + o.v}; } bool operator==(const OpQQ&) const = default; };',
  'typedef int (*FpQQ)(int);\nusing IntArrQQ = int[4];\nint applyQQ(FpQQ f, int v) { return f ? f(v) : -1; }',
  'namespace { int anonQQ = 3; }\ninline int getAnonQQ() { return anonQQ; }',
  'struct StaticQQ { static int count; static constexpr double pi = 3.14; };\nint StaticQQ::count = 0;',
  '#include <stdexcept>\nint throwerQQ(int i) { if (i < 0) throw std::out_of_range("neg"); return i; }',
  'int arr2QQ[2][3] = {{1, 2, 3}, {4, 5, 6}};\nstruct AggQQ { int a; double b; const char* s; };\nAggQQ aggQQ = {1, 2.5, "x"};',
  'template <class T> struct BoxQQ { T v; template <class U> BoxQQ<U> as() const { return BoxQQ<U>{static_cast<U>(v)}; } };\nBoxQQ<int> boxQQ{3};',
  'namespace outerQQ { inline namespace v1 { struct W { int w = 9; }; } }\nint wQQ() { return outerQQ::W{}.w; }',
  'template <int N> struct FibQQ { static constexpr int v = FibQQ<N - 1>::v + FibQQ<N - 2>::v; };\ntemplate <> struct FibQQ<1> { static constexpr int v = 1; };\ntemplate <> struct FibQQ<0> { static constexpr int v = 0; };\nint fibQQ = FibQQ<20>::v;',
  '#include <string>\nstd::string greetQQ(const std::string& who) { return "hi " + who; }',
  'struct NoCopyQQ { NoCopyQQ() = default; NoCopyQQ(const NoCopyQQ&) = delete; int v = 4; };\nint ncQQ() { NoCopyQQ n; return n.v; }',
  '#include <functional>\nint callQQ(std::function<int(int)> f) { return f(4); }',
  'struct alignas(16) AlignedQQ { char c; };\n#pragma pack(push, 1)\nstruct PackedQQ { char c; int i; };\n#pragma pack(pop)',
  'int sumQQ(int n) { int s = 0; for (int i = 0; i < n; ++i) { if (i % 2) continue; s += i; } return s; }',
  'class FriendQQ { int secret = 5; friend int peekQQ(const FriendQQ&); };\nint peekQQ(const FriendQQ& f) { return f.secret; }',
  '#include <stdexcept>\nstruct InitQQ { int v; explicit InitQQ(int x) : v(x) { if (x > 0) throw std::runtime_error("init"); } };\nInitQQ initQQ(1);',
  '#if 1\nint ppQQ() { return __LINE__; }\n#else\n#error unreachable\n#endif',
];

/** Statements for cppexec. */
const STATEMENTS = [
  'int a = 1; a += 2; (void)a;',
  'std::vector<int> v{1, 2, 3}; v.push_back(4);',
  'for (int i = 0; i < 3; ++i) { if (i == 1) continue; }',
  'auto l = [](int x) { return x * 2; }; (void)l(3);',
  'try { throw 2; } catch (int) {}',
  'std::string s = "abc"; s += "d"; (void)s.size();',
  'switch (3) { case 1: break; case 3: { int z = 0; (void)z; } break; default: break; }',
  'int arr[3] = {1, 2, 3}; int t = 0; for (int x : arr) t += x; (void)t;',
  'std::map<int, int> m; m[1] = 2; (void)m.size();',
  'do { } while (false);',
];

/** Expressions for evaluate. */
const EXPRESSIONS = [
  '1 + 2',
  'sizeof(long double)',
  'std::string("ab").size()',
  '[] { return 3; }()',
  '(int)3.5',
  'true ? 1 : 2',
  'std::vector<int>{1, 2}.size()',
  'fzb::base() * 2',
  'static_cast<double>(7) / 2',
  '"text"',
];

/** Fragments inserted at a random token. */
const INSERTS = [
  '(', '(', ')', '[', '[', ']', '{', '{', '}', '}', '}', ';', '<', '>', '::', ',', '...', '=', '&&', '->',
  'template', 'template <', 'typename', 'extern "C"', 'extern "C" 4', 'operator', 'decltype(', 'sizeof...',
  '[[', ']]', '__attribute__((', 'alignas(', 'static_assert(', 'requires', 'co_await', 'co_return', 'concept',
  'namespace', 'namespace {', 'using', 'friend', 'virtual', 'explicit(', 'constexpr', 'consteval', 'goto',
  '"', "'", '"unterminated', '/*', '//', '\\', 'R"x(', '\0', '\ud800', '\uffff', '\u00e9', 'L"',
  '0x', '1e', '1\'', '$', '@', '`', '#', '##', '6', 'y1', 'main', 'std', '::nope', 'nullptr', 'this', 'auto',
  'asm(', 'throw', 'return', 'export', 'import', 'module', 'fzb::', 'struct', 'class', 'enum', 'union',
  'n'.repeat(5000),
];

/** Lines inserted between tokens (on their own line). */
const LINES = [
  '#pragma once',
  '_Pragma("once")',
  '#pragma GCC system_header',
  'module m;',
  'export module m;',
  'extern "C" 4',
  '#define size_t int',
  '#define return throw',
  '#define void int',
  '#define extern',
  '#define int long',
  '#define class struct',
  '#define const',
  '#include <vector>',
  '#include <thread>',
  '#include <chrono>',
  '#include <map>',
  '#include "fuzz-nonexistent.h"',
  '#if 0',
  '#endif',
  '#else',
  '#error fuzz',
  '#line 1',
  '#pragma pack(push, 1)',
  '#pragma clang diagnostic push',
  '#pragma clang diagnostic pop',
  '#undef __cplusplus',
  '}',
  '6',
  'int y1 = 1; y1',
  'template<class... T> struct EQQ : EQQ<T..., T...> {};',
  'int thrQQ = []{ throw 42; return 0; }();',
  '#pragma GCC poison size_t',
];

const nestedLambdas = (n: number, name: string) =>
  `int ${name}() { return ${'[]{ return '.repeat(n)}1${'; }()'.repeat(n)}; }`;

/** Fixed adversarial inputs, spread through the run. */
const SPECIALS: { api: Api; code: string }[] = [
  { api: 'cppdef', code: '#pragma once' },
  { api: 'cppdef', code: '_Pragma("once")' },
  { api: 'cppdef', code: '#pragma GCC system_header' },
  { api: 'cppdef', code: 'module m;' },
  { api: 'cppdef', code: 'export module m;' },
  { api: 'cppdef', code: 'extern "C" 4 int f3QQ();' },
  { api: 'cppdef', code: 'extern"C"max;\n ;' },
  { api: 'cppdef', code: ',}\n#include <chrono>' },
  { api: 'cppdef', code: '}\n#include <thread>' },
  { api: 'cppdef', code: '6' },
  { api: 'cppdef', code: 'int y1QQ = 1; y1QQ' },
  { api: 'cppdef', code: 'struct SameQQ { int a; };\nstruct SameQQ { int a; };' },
  { api: 'cppdef', code: 'struct EaQQ {};\nenum EaQQ { XQQ };' },
  { api: 'cppdef', code: 'template<class... T> struct EQQ : EQQ<T..., T...> {};\nEQQ<int> eQQ;' },
  { api: 'cppdef', code: `int mQQ = ${'-'.repeat(50000)}1;` },
  { api: 'cppdef', code: nestedLambdas(500, 'nestQQ') },
  { api: 'cppdef', code: 'int fasmQQ() { int r; asm("movl $5, %0" : "=r"(r)); return r; }\nint gasmQQ = fasmQQ();' },
  { api: 'cppdef', code: 'int tQQ = []{ throw 42; return 0; }();' },
  { api: 'cppdef', code: '#include <stdexcept>\nstruct ThrQQ { ThrQQ() { throw std::runtime_error("static init"); } } thrQQ;' },
  { api: 'cppdef', code: 'int aQQ = ::nope;' },
  { api: 'cppdef', code: 'namespace aQQ { int f( }' },
  { api: 'cppdef', code: '"unterminated' },
  { api: 'cppdef', code: "char cQQ = 'x;" },
  { api: 'cppdef', code: '/* unterminated' },
  { api: 'cppdef', code: 'const char* rQQ = R"d(raw' },
  { api: 'cppdef', code: `int ${'h'.repeat(100_000)}QQ = 1;` },
  { api: 'cppdef', code: 'int nulQQ\0 = 1;' },
  { api: 'cppdef', code: 'int bad\ud800QQ = 1;' },
  { api: 'cppdef', code: '\ufeffint bomQQ = 1;' },
  { api: 'cppdef', code: '{'.repeat(300) },
  { api: 'cppdef', code: `int pQQ = ${'('.repeat(2000)}1${')'.repeat(2000)};` },
  { api: 'cppdef', code: 'template <class T> struct NQQ { NQQ<NQQ<T>> n; };\nNQQ<int> nQQ;' },
  { api: 'cppdef', code: 'template <int N> struct RQQ { static constexpr int v = RQQ<N + 1>::v; };\nint rQQ = RQQ<0>::v;' },
  { api: 'cppdef', code: 'auto fQQ() { return fQQ(); }' },
  { api: 'cppdef', code: 'struct IncQQ; IncQQ iQQ;' },
  { api: 'cppdef', code: 'int gbadQQ = [] { int r; asm("bogus %0" : "=r"(r)); return r; }();' },
  { api: 'cppdef', code: 'void fjmpQQ() { asm("jmp fz_nowhereQQ"); }\nint gjmpQQ = (fjmpQQ(), 1);' },
  { api: 'cppexec', code: 'throw 3;' },
  { api: 'cppexec', code: '}' },
  { api: 'cppexec', code: '{' },
  { api: 'cppexec', code: 'int z = 1' },
  { api: 'cppexec', code: 'namespace a { int f( }' },
  { api: 'evaluate', code: '' },
  { api: 'evaluate', code: '1; 2' },
  { api: 'evaluate', code: 'throw 5' },
  { api: 'evaluate', code: '})' },
  { api: 'evaluate', code: 'fzb::Probe(3)' },
];

type Api = 'cppdef' | 'include' | 'cppexec' | 'evaluate';
interface Input {
  api: Api;
  /** cppdef/cppexec/evaluate: the code; include: the header's path. */
  code: string;
  label: string;
}

// ---- mutation ------------------------------------------------------------------------------------

const TOKEN =
  /\/\/[^\n]*|\/\*[\s\S]*?\*\/|#[^\n]*|R"([^(\s]*)\([\s\S]*?\)\1"|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|[A-Za-z_]\w*|\.?\d(?:[eEpP][+-]|[\w.'])*|::|->\*?|\.\.\.|<=>|<<=?|>>=?|&&|\|\||\+\+|--|[-+*/%^&|=!<>]=|[\s\S]/g;

const tokenize = (code: string) => (code.match(TOKEN) ?? []).filter((t) => !/^\s+$/.test(t));
/** Joins tokens with spaces; a preprocessor line stands on its own line, a // comment ends one. */
const render = (tokens: string[]) =>
  tokens.map((t) => (t.startsWith('#') ? `\n${t}\n` : t.startsWith('//') ? `${t}\n` : t)).join(' ');
const short = (s: string, n = 40) => JSON.stringify(s.length > n ? `${s.slice(0, n)}...(${s.length})` : s);

type Mutation = (t: string[], g: Rng) => string;
const MUTATIONS: [number, Mutation][] = [
  [4, (t, g) => {
    const i = g.int(0, t.length - 1);
    return `delete ${short(t.splice(i, 1)[0], 12)}`;
  }],
  [3, (t, g) => {
    const i = g.int(0, t.length - 1);
    t.splice(i, 0, t[i]);
    return `duplicate ${short(t[i], 12)}`;
  }],
  [3, (t, g) => {
    const i = g.int(0, t.length - 1);
    const j = g.int(0, t.length - 1);
    [t[i], t[j]] = [t[j], t[i]];
    return `swap ${short(t[i], 12)} ${short(t[j], 12)}`;
  }],
  [6, (t, g) => {
    const s = g.pick(INSERTS);
    t.splice(g.int(0, t.length), 0, s);
    return `insert ${short(s, 12)}`;
  }],
  [3, (t, g) => {
    const s = g.pick(LINES);
    t.splice(g.int(0, t.length), 0, s.startsWith('#') ? s : `\n${s}\n`);
    return `line ${short(s, 30)}`;
  }],
  [1, (t, g) => {
    t.length = g.int(1, Math.max(1, t.length - 1));
    return 'truncate';
  }],
  [1, (t, g) => {
    const i = g.int(0, t.length - 1);
    const j = g.int(i, Math.min(t.length - 1, i + 12));
    t.splice(j + 1, 0, ...t.slice(i, j + 1));
    return 'repeat a range';
  }],
  [1, (t, g) => {
    const [open, close] = g.pick([['namespace wQQ {', '}'], ['extern "C" {', '}'], ['struct WQQ {', '};'], ['namespace wQQ {', ''], ['', '}']]);
    t.unshift(open);
    t.push(close);
    return `wrap in ${short(`${open} ... ${close}`, 30)}`;
  }],
];
const MUTATION_WEIGHT = MUTATIONS.reduce((s, [w]) => s + w, 0);

function mutate(code: string, g: Rng, times: number): { code: string; how: string[] } {
  const t = tokenize(code);
  const how: string[] = [];
  for (let k = 0; k < times && t.length > 0; k++) {
    let r = g.next() * MUTATION_WEIGHT;
    const m = MUTATIONS.find(([w]) => (r -= w) < 0)![1];
    how.push(m(t, g));
  }
  return { code: render(t), how };
}

/** Raw bytes for a header: the text, with invalid UTF-8, NULs or a truncation now and then. */
function headerBytes(code: string, g: Rng): { bytes: Buffer; how: string[] } {
  let bytes = Buffer.from(code, 'utf8');
  const how: string[] = [];
  if (g.chance(0.25)) {
    const bad = g.pick([[0xff], [0xc3, 0x28], [0x00], [0xfe, 0xff], [0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80]]);
    const at = g.int(0, bytes.length);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
    how.push(`bytes ${bad.map((b) => b.toString(16)).join(' ')}`);
  }
  if (g.chance(0.1)) {
    bytes = bytes.subarray(0, g.int(1, Math.max(1, bytes.length - 1)));
    how.push('bytes truncated');
  }
  return { bytes, how };
}

/** The inputs of one run, the same for a given seed and count. Headers go to `dir`. */
function generate(dir: string, count: number): Input[] {
  const g = new Rng(SEED);
  const inputs: Input[] = [];
  let special = 0;
  for (let i = 0; i < count; i++) {
    const suffix = `_f${i}`;
    const label = (api: Api, how: string[], code: string) => `#${i} ${api} [${how.join('; ')}] ${short(code, 60)}`;
    if (i % 23 === 11 && special < SPECIALS.length) {
      const s = SPECIALS[special++];
      const code = s.code.replaceAll('QQ', suffix);
      inputs.push({ api: s.api, code, label: label(s.api, ['special'], code) });
      continue;
    }
    const r = g.next();
    const api: Api = r < 0.72 ? 'cppdef' : r < 0.84 ? 'include' : r < 0.92 ? 'cppexec' : 'evaluate';
    let base: string;
    if (api === 'cppexec') base = g.pick(STATEMENTS);
    else if (api === 'evaluate') base = g.pick(EXPRESSIONS);
    else {
      base = g.pick(SNIPPETS);
      if (g.chance(0.06)) base = `${base}\n${base}`; // redefinitions
      else if (g.chance(0.12)) base = `${base}\n${g.pick(SNIPPETS)}`;
    }
    const times = g.chance(0.08) ? 0 : g.int(1, 3);
    const m = mutate(base, g, times);
    m.code = m.code.replaceAll('QQ', suffix); // also in inserted lines
    const how = times === 0 ? ['unmutated'] : m.how;
    if (api === 'include') {
      const { bytes, how: byteHow } = headerBytes(m.code, g);
      const file = join(dir, `h${i}.h`);
      writeFileSync(file, bytes);
      inputs.push({ api, code: file, label: label(api, [...how, ...byteHow], m.code) });
    } else {
      inputs.push({ api, code: m.code, label: label(api, how, m.code) });
    }
  }
  return inputs;
}

// ---- the child -----------------------------------------------------------------------------------

const CHILD = String.raw`// Generated by test/fuzz.test.ts: runs inputs[from, to) of the JSON file argv[2], reporting on fd 3:
//   S <i>          before input i
//   R <i> <json>   after it and its usability check: { cls, message, ms, problem, unusable }
//   Q <i>          stopping after input i (the interpreter is unusable)
import cppyy from __ENTRY__;
import { readFileSync, writeSync } from 'node:fs';

const inputs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const from = Number(process.argv[3]);
const to = Number(process.argv[4]);
const emit = (line) => writeSync(3, line + '\n');
const { CppCompileError, CppError } = cppyy;

cppyy.include(__HEADER__);
const fzb = cppyy.gbl.fzb;
if (fzb.base() !== 4242) throw new Error('fzb::base() is broken before any input');

const text = (e) => { try { return String(e && typeof e === 'object' && 'message' in e ? e.message : e); } catch { return '<unprintable>'; } };
const cut = (s, n = 300) => (s.length > n ? s.slice(0, n) + '...' : s);

/** What is wrong with an error thrown by the input ('' when it is a documented one). */
function judge(api, e) {
  if (e instanceof CppCompileError) {
    if (!text(e).trim()) return 'CppCompileError with an empty message';
    const d = e.diagnostics;
    if (!Array.isArray(d) || d.length === 0) return 'CppCompileError without diagnostics';
    if (!d.some((x) => x && (x.severity === 'error' || x.severity === 'fatal') && typeof x.message === 'string' && x.message))
      return 'CppCompileError without an error diagnostic';
    return '';
  }
  if (e instanceof CppError) return text(e).trim() ? '' : 'CppError with an empty message';
  return 'wrong error type: ' + (e?.constructor?.name ?? typeof e);
}

// The check's own definition is shielded from the input's macros (#define return throw makes a
// function throw: that is C++, not an unusable interpreter). cppjit's wrappers must be immune themselves.
const SHIELD = ['int', 'return'];
const shielded = (code) =>
  SHIELD.map((m) => '#pragma push_macro("' + m + '")\n#undef ' + m + '\n').join('') + code + '\n' +
  SHIELD.map((m) => '#pragma pop_macro("' + m + '")\n').join('');

/** '' when the interpreter is still usable after input i, else what failed. */
function usable(i) {
  const steps = [
    ['cppdef of a new function', () => { cppyy.cppdef(shielded('int fz_ok_' + i + '() { return ' + i + '; }')); return i; }],
    ['call of the new function', () => cppyy.gbl['fz_ok_' + i]()],
    ['first call of fzb::f' + (i % 100) + ' (defined before the input)', () => fzb['f' + (i % 100)]()],
    ['call of fzb::base() (called before the input)', () => fzb.base()],
  ];
  const want = [i, i, i % 100, 4242];
  if (i % 10 === 0) {
    steps.push(['fzb::Probe(i).twice()', () => { const p = new fzb.Probe(i); const r = p.twice(); p.delete(); return r; }]);
    want.push(2 * i);
  }
  for (let k = 0; k < steps.length; k++) {
    let got;
    try {
      got = steps[k][1]();
    } catch (e) {
      return steps[k][0] + ' threw ' + (e?.constructor?.name ?? typeof e) + ': ' + cut(text(e), 200);
    }
    if (got !== want[k]) return steps[k][0] + ' returned ' + String(got) + ' instead of ' + want[k];
  }
  return '';
}

for (let i = from; i < to; i++) {
  const input = inputs[i];
  emit('S\t' + i);
  const t0 = performance.now();
  let cls = 'ok', message = '', problem = '';
  try {
    if (input.api === 'include') cppyy.include(input.code);
    else if (input.api === 'cppdef') cppyy.cppdef(input.code);
    else if (input.api === 'cppexec') cppyy.cppexec(input.code);
    else cppyy.evaluate(input.code);
  } catch (e) {
    cls = e?.constructor?.name ?? typeof e;
    message = cut(text(e));
    problem = judge(input.api, e);
  }
  const ms = Math.round(performance.now() - t0);
  const unusable = usable(i);
  emit('R\t' + i + '\t' + JSON.stringify({ cls, message, ms, problem, unusable }));
  if (unusable) {
    emit('Q\t' + i);
    process.exit(0);
  }
}
`;

// ---- the parent ----------------------------------------------------------------------------------

interface Outcome {
  cls: string;
  message: string;
  ms: number;
  problem: string;
  unusable: string;
}
interface Fuzz {
  inputs: number;
  ran: number;
  accepted: number;
  clean: number;
  byClass: Record<string, number>;
  crashes: string[];
  hangs: string[];
  unusable: string[];
  wrong: string[];
  notRun: number;
  /** Why the run stopped before its end ('' when it did not). */
  stopped: string;
  children: number;
  /** The longest time an input (not a hang) took, without its usability check, in ms. */
  slowest: number;
  milliseconds: number;
}

interface ChildRun {
  results: Map<number, Outcome>;
  /** The input that was running when the child ended (crash) or was killed (hang). */
  open: number | null;
  /** Killed by the watchdog. */
  hung: boolean;
  quit: boolean;
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs inputs [from, to) in one child; kills it when an input runs over `watchdog` ms. */
function runChild(script: string, inputsFile: string, from: number, to: number, watchdog: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, inputsFile, String(from), String(to)], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    const out: ChildRun = { results: new Map(), open: null, hung: false, quit: false, status: null, signal: null, stderr: '' };
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        out.hung = true;
        child.kill('SIGKILL');
      }, ms);
    };
    arm(60_000); // start-up
    let pending = '';
    const report = child.stdio[3] as NodeJS.ReadableStream;
    report.setEncoding('utf8');
    report.on('data', (d: string) => {
      pending += d;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const [tag, index, json] = line.split('\t');
        if (tag === 'S') {
          out.open = Number(index);
          arm(watchdog);
        } else if (tag === 'R') {
          out.results.set(Number(index), JSON.parse(json) as Outcome);
          out.open = null;
          arm(watchdog); // until the next input starts, or the child exits
        } else if (tag === 'Q') out.quit = true;
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out.stderr = (out.stderr + d).slice(-4000)));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      out.status = status;
      out.signal = signal;
      resolve(out);
    });
  });
}

const lastLines = (s: string) => s.trim().split('\n').filter(Boolean).slice(-3).join(' | ').slice(0, 400);

async function runFuzz(dir: string): Promise<Fuzz> {
  const started = Date.now();
  const inputs = generate(dir, COUNT);
  const inputsFile = join(dir, 'inputs.json');
  const script = join(dir, 'fuzz-child.mjs');
  writeFileSync(inputsFile, JSON.stringify(inputs));
  writeFileSync(script, CHILD.replace('__ENTRY__', JSON.stringify(ENTRY)).replace('__HEADER__', JSON.stringify(HEADER)));
  const f: Fuzz = { inputs: inputs.length, ran: 0, accepted: 0, clean: 0, byClass: {}, crashes: [], hangs: [], unusable: [], wrong: [], notRun: 0, stopped: '', children: 0, slowest: 0, milliseconds: 0 };
  let from = 0;
  while (from < inputs.length) {
    if (f.hangs.length > 0 && Date.now() - started > BUDGET_MS) {
      f.notRun = inputs.length - from;
      f.stopped = `stopped after ${BUDGET_MS / 1000} s with ${f.hangs.length} hangs`;
      break;
    }
    const to = Math.min(inputs.length, from + BATCH);
    const watchdog = f.hangs.length < FULL_HANGS ? WATCHDOG_MS : SHORT_WATCHDOG_MS;
    const r = await runChild(script, inputsFile, from, to, watchdog);
    f.children++;
    for (const [i, o] of [...r.results].sort((a, b) => a[0] - b[0])) {
      f.ran++;
      f.byClass[o.cls] = (f.byClass[o.cls] ?? 0) + 1;
      f.slowest = Math.max(f.slowest, o.ms);
      if (o.cls === 'ok') f.accepted++;
      else if (!o.problem) f.clean++;
      if (o.problem) f.wrong.push(`${inputs[i].label}: ${o.problem}: ${o.message}`);
      if (o.unusable) f.unusable.push(`${inputs[i].label} (${o.cls}): ${o.unusable}`);
    }
    const how = r.signal ?? `exit status ${r.status}`;
    const done = r.results.size ? Math.max(...r.results.keys()) : from - 1;
    if (r.open !== null) {
      f.ran++;
      if (r.hung) f.hangs.push(`${inputs[r.open].label}: still running after ${watchdog / 1000} s`);
      else f.crashes.push(`${inputs[r.open].label}: the process ended (${how})${r.stderr ? `: ${lastLines(r.stderr)}` : ''}`);
      from = r.open + 1;
    } else if (done < from) {
      // Nothing ran: the child failed at start-up, and would again.
      f.crashes.push(`fuzz child failed before its first input (${how}): ${lastLines(r.stderr)}`);
      f.notRun = inputs.length - from;
      f.stopped = 'a child failed at start-up';
      break;
    } else {
      if (r.hung) {
        f.hangs.push(`after ${inputs[done].label}: the child did not go on or exit within ${watchdog / 1000} s`);
      } else if (!(r.status === 0 && r.signal === null)) {
        f.crashes.push(`after ${inputs[done].label}: the process ended at exit (${how})${r.stderr ? `: ${lastLines(r.stderr)}` : ''}`);
      } else if (!r.quit && done < to - 1) {
        f.crashes.push(`after ${inputs[done].label}: the child stopped early (${how})`);
      }
      from = done + 1;
    }
  }
  f.milliseconds = Date.now() - started;
  return f;
}

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cppjit-fuzz-'));
});

afterAll(() => {
  // FUZZ_KEEP=1 keeps the inputs (headers/inputs.json) and the child script, for reproducing.
  if (process.env.FUZZ_KEEP) console.log(`fuzz: inputs kept in ${dir}`);
  else if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('fuzzed malformed C++', () => {
  let fuzz: Fuzz;
  beforeAll(async () => {
    const headers = join(dir, 'headers');
    mkdirSync(headers);
    fuzz = await runFuzz(headers);
    console.log(
      `fuzz: ${fuzz.inputs} inputs (${fuzz.ran} run in ${fuzz.children} children${fuzz.notRun ? `, ${fuzz.notRun} not run: ${fuzz.stopped}` : ''}): ` +
        `${fuzz.clean} clean errors ${JSON.stringify(fuzz.byClass)}, ${fuzz.accepted} accepted, ${fuzz.crashes.length} crashes, ` +
        `${fuzz.hangs.length} hangs, ${fuzz.unusable.length} left the interpreter unusable, ${fuzz.wrong.length} wrong errors; ` +
        `slowest input ${fuzz.slowest} ms; ${fuzz.milliseconds} ms`,
    );
  }, 240_000);

  it('generates at least 1,000 inputs, mostly refused, and runs them all', () => {
    expect(fuzz.inputs).toBeGreaterThanOrEqual(1000);
    expect({ notRun: fuzz.notRun, stopped: fuzz.stopped }).toEqual({ notRun: 0, stopped: '' });
    expect(fuzz.ran).toBe(fuzz.inputs);
    expect(fuzz.clean).toBeGreaterThan(fuzz.inputs / 2);
    expect(fuzz.accepted).toBeGreaterThan(fuzz.inputs / 20);
  });

  it('never kills the process', () => {
    expect(fuzz.crashes).toEqual([]);
  });

  it(`never runs an input longer than ${WATCHDOG_MS / 1000} s`, () => {
    expect(fuzz.hangs).toEqual([]);
  });

  it('leaves the interpreter usable after every input: new definitions, new wrappers, old functions', () => {
    expect(fuzz.unusable).toEqual([]);
  });

  it('refuses with a CppCompileError carrying diagnostics, or a CppError for C++ exceptions, with a message', () => {
    expect(fuzz.wrong).toEqual([]);
  });
});

// ---- reproducers, each in its own process ----------------------------------------------------------

interface Step {
  ok?: unknown;
  error?: string;
  message?: string;
  diagnostics?: number;
  cppType?: string;
  ms?: number;
}
interface Isolated {
  /** What each step gave, in order (absent when the process ended first). */
  steps: Step[];
  status: number | null;
  timedOut: boolean;
  stderr: string;
  ms: number;
}

/**
 * Runs `body` (ES module code) in a fresh process, with `cppyy`, `step(f)` (records f's result or
 * error) and `usable(n)` (cppdef-s fz_ok_<n>, calls it, and calls fzb::base() and fzb::f<n>).
 */
async function isolated(body: string, timeout = 20_000): Promise<Isolated> {
  const code =
    `import cppyy from ${JSON.stringify(ENTRY)};\n` +
    `import { writeSync } from 'node:fs';\n` +
    `cppyy.include(${JSON.stringify(HEADER)});\n` +
    `const fzb = cppyy.gbl.fzb; fzb.base();\n` +
    `const step = (f) => { const t0 = performance.now(); let r; try { const v = f(); r = { ok: typeof v === 'bigint' ? String(v) : v === undefined ? null : v }; } ` +
    `catch (e) { r = { error: e?.constructor?.name ?? typeof e, message: String(e?.message ?? e).slice(0, 400), diagnostics: Array.isArray(e?.diagnostics) ? e.diagnostics.length : undefined, cppType: e?.cppType }; } ` +
    `r.ms = Math.round(performance.now() - t0); writeSync(1, JSON.stringify(r) + '\\n'); return r; };\n` +
    `const usable = (n) => { step(() => cppyy.cppdef('int fz_ok_' + n + '() { return ' + n + '; }')); step(() => cppyy.gbl['fz_ok_' + n]()); step(() => fzb.base()); step(() => fzb['f' + n]()); };\n` +
    body;
  const t0 = Date.now();
  const r = await run(process.execPath, ['--input-type=module', '-e', code], { timeout });
  const ms = Date.now() - t0;
  const steps: Step[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      steps.push(JSON.parse(line) as Step);
    } catch {
      /* user output */
    }
  }
  return { steps, status: r.status, timedOut: r.status === null && ms >= timeout, stderr: r.stderr.slice(-600), ms };
}

const js = (s: string) => JSON.stringify(s);
/** The time limit of a process that must end quickly (it takes about 1 s; this is for a busy machine). */
const QUICK = 8_000;
/** A refusal: a CppCompileError with diagnostics (message matching `message`, when given). */
const compileError = (message: RegExp = /\S/) => ({ error: 'CppCompileError', message: expect.stringMatching(message), diagnostics: expect.any(Number) });
/** The four steps of usable(n). */
const stillUsable = (n: number) => [{ ok: null }, { ok: n }, { ok: 4242 }, { ok: n }].map((s) => expect.objectContaining(s));
/** For tables of results: each step's error class or value, or how the process ended early. */
const summary = (r: Isolated) =>
  r.timedOut ? `killed after ${r.ms} ms` : r.status !== 0 ? `exit status ${r.status}: ${r.stderr}` : r.steps.map((s) => s.error ?? s.ok);
/** The process ran to its end: no signal, no exit status, no hang. */
function ranToEnd(r: Isolated) {
  expect({ status: r.status, timedOut: r.timedOut, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, timedOut: false, stderr: '' });
}

describe.concurrent('known reproducers (each in its own process)', () => {
  it.each([
    ['#pragma once'],
    ['_Pragma("once")'],
    ['#pragma GCC system_header'],
  ])('cppdef(%j) is harmless', async (code) => {
    const r = await isolated(`step(() => cppyy.cppdef(${js(code)})); usable(1); step(() => cppyy.cppdef('int after_pragma() { return 3; }')); step(() => cppyy.gbl.after_pragma());`);
    ranToEnd(r);
    // Accepted and ignored, or refused: either way the next inputs work.
    expect(r.steps[0].ok === null || r.steps[0].error === 'CppCompileError').toBe(true);
    expect(r.steps.slice(1)).toEqual([...stillUsable(1), expect.objectContaining({ ok: null }), expect.objectContaining({ ok: 3 })]);
  });

  it("cppdef('6') (a top-level expression without ';')", async () => {
    const r = await isolated(`step(() => cppyy.cppdef('6')); usable(2);`);
    ranToEnd(r);
    expect(r.steps[0].ok === null || r.steps[0].error === 'CppCompileError').toBe(true);
    expect(r.steps.slice(1)).toEqual(stillUsable(2));
  });

  it("cppdef('int y1 = 1; y1') (y1 is also a <math.h> function)", async () => {
    const r = await isolated(`step(() => cppyy.cppdef('int y1 = 1; y1')); usable(3); step(() => cppyy.cppdef('int fz_y1b = 1; fz_y1b')); usable(4);`);
    ranToEnd(r);
    expect(r.steps[0]).toMatchObject(compileError(/y1/));
    expect(r.steps.slice(1, 5)).toEqual(stillUsable(3));
    expect(r.steps[5].ok === null || r.steps[5].error === 'CppCompileError').toBe(true);
    expect(r.steps.slice(6)).toEqual(stillUsable(4));
  });

  it('the same struct defined twice, run twice: the same refusal both times', async () => {
    const code = 'struct Twice { int a; };\nstruct Twice { int a; };';
    const r = await isolated(`step(() => cppyy.cppdef(${js(code)})); step(() => cppyy.cppdef(${js(code)})); usable(5); step(() => typeof cppyy.gbl.Twice);`);
    ranToEnd(r);
    expect(r.steps[0]).toMatchObject(compileError(/redefinition of 'Twice'/));
    const where = (m?: string) => m?.replace(/input_line_\d+/g, 'input_line');
    expect({ error: r.steps[1].error, message: where(r.steps[1].message) }).toEqual({ error: r.steps[0].error, message: where(r.steps[0].message) });
    expect(r.steps.slice(2, 6)).toEqual(stillUsable(5));
    expect(r.steps[6]).toMatchObject({ ok: 'undefined' }); // rolled back
  });

  it('enum A after struct A', async () => {
    const r = await isolated(`step(() => cppyy.cppdef('struct EnumAfter { int v = 1; };')); step(() => cppyy.cppdef('enum EnumAfter { X };')); usable(6); step(() => new cppyy.gbl.EnumAfter().v);`);
    ranToEnd(r);
    expect(r.steps[0]).toMatchObject({ ok: null });
    expect(r.steps[1]).toMatchObject(compileError(/EnumAfter|tag type/));
    expect(r.steps.slice(2, 6)).toEqual(stillUsable(6));
    expect(r.steps[6]).toMatchObject({ ok: 1 });
  });

  it.each([
    ['}\n#include <thread>', /extraneous closing brace/],
    ['extern "C" 4 int f3();', /./],
    ['extern"C"max;\n ;', /./],
    [',}\n#include <chrono>', /expected expression/],
    ['int a = ::nope;', /no member named 'nope'/],
    ['module m;', /module/],
    ['export module m;', /module/],
  ])('cppdef(%j) is a CppCompileError, and a new function can be defined and called after it', async (code, message) => {
    const r = await isolated(`step(() => cppyy.cppdef(${js(code)})); usable(7);`);
    ranToEnd(r);
    expect(r.steps[0]).toMatchObject(compileError(message));
    expect(r.steps.slice(1)).toEqual(stillUsable(7));
  });

  it('500 nested lambdas', async () => {
    // Accepted (and then callable) or refused (Clang's bracket depth is 256), never a crash.
    const r = await isolated(`const d = step(() => cppyy.cppdef(${js(nestedLambdas(500, 'nest500'))})); if (d.ok === null) step(() => cppyy.gbl.nest500()); usable(8);`);
    ranToEnd(r);
    if (r.steps[0].ok === null) expect(r.steps.splice(1, 1)).toEqual([expect.objectContaining({ ok: 1 })]);
    else expect(r.steps[0]).toMatchObject(compileError(/nesting|depth/));
    expect(r.steps.slice(1)).toEqual(stillUsable(8));
  });

  it("cppdef('namespace a { int f( }') ends quickly with a CppCompileError", async () => {
    // Was: Clang's parser loops for ever on the end of input inside the namespace, allocating ~100 MB/s.
    const r = await isolated(`step(() => cppyy.cppdef('namespace a { int f( }')); usable(9);`, QUICK);
    ranToEnd(r);
    expect(r.steps[0]).toMatchObject(compileError());
    expect(r.steps[0].ms).toBeLessThan(2000);
    expect(r.steps.slice(1)).toEqual(stillUsable(9));
  });

  it('include() of a header that ends inside a namespace ends quickly with a CppCompileError', async () => {
    // Was: hangs (Clang's parser does not stop at the end of the included file in incremental mode).
    const file = join(dir, 'open-namespace.h');
    writeFileSync(file, 'namespace open_ns {\nint inside();\n');
    const r = await isolated(`step(() => cppyy.include(${js(file)})); usable(10); step(() => cppyy.include(${js(file)}));`, QUICK);
    ranToEnd(r);
    expect(r.steps[0]).toMatchObject(compileError(/open-namespace\.h|'}'/));
    expect(r.steps.slice(1, 5)).toEqual(stillUsable(10));
    expect(r.steps[5]).toMatchObject(compileError());
  });

  it('an exponential pack template (template<class... T> struct E : E<T..., T...> {}) is refused', async () => {
    const r = await isolated(`step(() => cppyy.cppdef('template<class... T> struct E : E<T..., T...> {};')); step(() => cppyy.cppdef('E<int> e;')); usable(11);`);
    ranToEnd(r);
    expect(r.steps[0].ok === null || r.steps[0].error === 'CppCompileError').toBe(true);
    expect(r.steps[1]).toMatchObject(compileError(/recursive template instantiation|depth/));
    expect(r.steps.slice(2)).toEqual(stillUsable(11));
  });

  it('inline asm that runs: int f(){int r; asm("movl $5, %0" : "=r"(r)); return r;} returns 5', async () => {
    const r = await isolated(`step(() => cppyy.cppdef('int fz_asm5() { int r; asm("movl $5, %0" : "=r"(r)); return r; }')); step(() => cppyy.gbl.fz_asm5()); step(() => cppyy.cppdef('int fz_asm5_init = fz_asm5();')); step(() => cppyy.gbl.fz_asm5_init); usable(12);`);
    ranToEnd(r);
    expect(r.steps.slice(0, 4)).toEqual([{ ok: null }, { ok: 5 }, { ok: null }, { ok: 5 }].map((s) => expect.objectContaining(s)));
    expect(r.steps.slice(4)).toEqual(stillUsable(12));
  });

  it('a static initialiser that throws is a CppError, not std::terminate', async () => {
    const r = await isolated(`step(() => cppyy.cppdef('int t = []{ throw 42; return 0; }();')); usable(13); step(() => typeof cppyy.gbl.t);`);
    ranToEnd(r);
    expect(r.steps[0]).toMatchObject({ error: 'CppError', cppType: 'int', message: expect.stringMatching(/int/) });
    expect(r.steps.slice(1, 5)).toEqual(stillUsable(13));
  });

  it("'int x = ' + '-'.repeat(50000) + '1;' is refused without overflowing the stack", async () => {
    const r = await isolated(`step(() => cppyy.cppdef('int x = ' + '-'.repeat(50000) + '1;')); usable(14);`);
    ranToEnd(r);
    expect(r.steps[0]).toMatchObject(compileError());
    expect(r.steps.slice(1)).toEqual(stillUsable(14));
  });

  it.each([['#define size_t int'], ['#define return throw'], ['#define void int'], ['#define extern']])(
    '%s: previously defined and new functions still work (generated wrappers still compile)',
    async (macro) => {
      // The macro is the user's: their own later code sees it (the new class below is written so
      // that none of the four changes it). cppjit's wrappers must not.
      const r = await isolated(
        `step(() => cppyy.cppdef('int fz_before(int x) { return x + 1; }'));\n` +
          `step(() => cppyy.cppdef(${js(`${macro}\n`)}));\n` +
          `step(() => cppyy.gbl.fz_before(1));\n` +
          `step(() => cppyy.cppdef('struct FzAfter { int v; FzAfter(int x) : v(x * 2) {} };'));\n` +
          `step(() => new cppyy.gbl.FzAfter(4).v);\n` +
          `step(() => fzb.f15());\n` +
          `step(() => new fzb.Probe(3).twice());`,
      );
      ranToEnd(r);
      expect(r.steps[1]).toMatchObject({ ok: null });
      expect(r.steps.map((s) => (s.error ? `${s.error}: ${s.message}` : s.ok))).toEqual([null, null, 2, null, 8, 15, 6]);
    },
  );
});

describe.concurrent('problems found by the fuzzer (each in its own process)', () => {
  it('invalid inline asm is a CppCompileError, not the end of the process', async () => {
    // Was: LLVM prints "error: <inline asm>:1:2: invalid instruction mnemonic 'bogus'" and the
    // process exits with status 1 (at the first call, or at once for a static initialiser).
    const r = await isolated(
      `const d = step(() => cppyy.cppdef('int fz_bad_asm() { int r; asm("bogus %0" : "=r"(r)); return r; }'));\n` +
        `if (d.ok === null) step(() => cppyy.gbl.fz_bad_asm());\n` +
        `step(() => cppyy.cppdef('int fz_bad_asm_init = [] { int r; asm("bogus %0" : "=r"(r)); return r; }();'));\n` +
        `step(() => cppyy.cppexec('asm("bogus");'));\n` +
        `usable(16);`,
    );
    ranToEnd(r);
    // Refused at once, or when the function is first called.
    if (r.steps[0].ok === null) r.steps.shift();
    const bogus = expect.objectContaining(compileError(/bogus|inline asm/));
    expect(r.steps.slice(0, 3)).toEqual([bogus, bogus, bogus]);
    expect(r.steps.slice(3)).toEqual(stillUsable(16));
  });

  it('inline asm naming an undefined symbol is refused, and the interpreter stays usable', async () => {
    // Was: the call is a CppCompileError ("undefined symbol: fz_jmp()"), then the next definition's
    // call crashes (SIGSEGV in jitlink::BasicLayout::apply); as a static initialiser, every later
    // cppdef fails with "Failed to materialize symbols: { (main, { __orc_init_func.incr_module_N }) }";
    // from cppexec it is a plain Error ("symbol not found after compilation: __cppjit_exec_1").
    const [a, b, c] = await Promise.all([
      isolated(`const d = step(() => cppyy.cppdef('void fz_jmp() { asm("jmp fz_nowhere"); }')); if (d.ok === null) step(() => cppyy.gbl.fz_jmp()); usable(17);`),
      isolated(`step(() => cppyy.cppdef('void fz_jmp2() { asm("jmp fz_nowhere2"); }\\nint fz_jmp2_init = (fz_jmp2(), 1);')); usable(18);`),
      isolated(`step(() => cppyy.cppexec('asm("call fz_nowhere3");')); usable(19);`),
    ]);
    ranToEnd(a);
    // Refused at once (README: input referencing a symbol nobody defines), or at the first call.
    if (a.steps[0].ok === null) a.steps.shift();
    expect(a.steps[0]).toMatchObject(compileError(/fz_nowhere|fz_jmp/));
    expect(a.steps.slice(1)).toEqual(stillUsable(17));
    ranToEnd(b);
    expect(b.steps[0]).toMatchObject(compileError(/fz_nowhere2/));
    expect(b.steps.slice(1)).toEqual(stillUsable(18));
    ranToEnd(c);
    expect(c.steps[0]).toMatchObject(compileError(/fz_nowhere3/));
    expect(c.steps.slice(1)).toEqual(stillUsable(19));
  });

  it('a failed qualified lookup (::nope, A<2>::v) does not break later wrappers', async () => {
    // Was (with the precompiled header loaded): after '::nope x;', 'int call(::function<int(int)> f);'
    // or the failed extern "C" template below, every new wrapper fails to compile with "use of
    // undeclared identifier '__cppjit_sig_on'" (a declaration of the prelude in the PCH), so no
    // function can be called for the first time any more (the known reproducer is 'int a = ::nope;').
    // It depends on the history: 'int p() {...}', p(), '::nope x;' leaves it working.
    const results: Record<string, unknown> = {};
    const externC = 'extern "C" { template <int N> struct A { static const int v = 0; }; template <> struct A<1> {}; int x = A<2>::v; }';
    for (const [k, code] of ['::nope x;', 'int call(::function<int(int)> f);', externC].entries()) {
      const r = await isolated(`step(() => cppyy.cppdef(${js(code)})); usable(${60 + k});`);
      results[code] = r.status !== 0 ? `exit status ${r.status}: ${r.stderr}` : r.steps.map((s) => (s.error ? `${s.error}: ${s.message?.split('\n')[0]}` : s.ok));
    }
    expect(results).toEqual({
      '::nope x;': [expect.stringMatching(/^CppCompileError: .*'nope'/), null, 60, 4242, 60],
      'int call(::function<int(int)> f);': [expect.stringMatching(/^CppCompileError: .*'function'/), null, 61, 4242, 61],
      [externC]: [expect.stringMatching(/^CppCompileError: .*C\+\+ linkage/), null, 62, 4242, 62],
    });
  });

  it('a macro defined by a failed input is rolled back with it', async () => {
    // README: "the interpreter stays usable (the input is rolled back)". Was: the #define survives
    // (cppyy.macro('FZ_ROLLED') is 5), so '#define return throw\nint x = ;' breaks every later wrapper.
    const r = await isolated(
      `step(() => cppyy.cppdef('#define FZ_ROLLED 5\\nint fz_rolled = ;'));\n` +
        `step(() => cppyy.macro('FZ_ROLLED'));\n` +
        `step(() => cppyy.cppdef('#define return throw\\nint fz_rolled2 = ;'));\n` +
        `usable(22);`,
    );
    ranToEnd(r);
    expect(r.steps[0]).toMatchObject(compileError());
    expect(r.steps[1]).toMatchObject({ error: 'ReferenceError', message: expect.stringMatching(/FZ_ROLLED is not defined/) });
    expect(r.steps[2]).toMatchObject(compileError());
    expect(r.steps.slice(3)).toEqual(stillUsable(22));
  });

  it('input whose parse ends inside a namespace, class or linkage block ends quickly', async () => {
    // Was: each hangs (Clang's parser does not stop at the end of input inside such a block in
    // incremental mode; the namespace ones allocate ~100 MB/s). cppjit refuses unbalanced braces
    // itself, but not a '(' left open inside balanced ones, nor an '#if 0' without '#endif' or an
    // unterminated macro call that swallow the rest (also cppexec/evaluate's own closing brace).
    const cases: [string, string][] = [
      ['cppdef', 'namespace a { ( }'],
      ['cppdef', 'extern "C" { int f( }'],
      ['cppdef', '#define M(x) x\nint f(int v) { return M(v; }'],
      ['cppdef', '#define M2(x) x\nM2('],
      ['cppdef', 'struct S {\n#if 0\n};'],
      ['cppexec', '#if 0\n'],
      ['evaluate', '#if 0\n1'],
    ];
    // In parallel: each one that hangs costs QUICK.
    const runs = await Promise.all(cases.map(([api, code], k) => isolated(`step(() => cppyy.${api}(${js(code)})); usable(${30 + k});`, QUICK)));
    const results = Object.fromEntries(cases.map(([api, code], k) => [`${api}(${js(code)})`, summary(runs[k])]));
    expect(results).toEqual(Object.fromEntries(cases.map(([api, code], k) => [`${api}(${js(code)})`, ['CppCompileError', null, 30 + k, 4242, 30 + k]])));
  });

  it('include() of a header that ends inside a struct or an extern "C" block ends quickly', async () => {
    const texts = ['struct open_s {\nint x;\n', 'extern "C" {\nint open_c;\n', 'namespace open_ns {\n'];
    const runs = await Promise.all(
      texts.map((text, k) => {
        const file = join(dir, `open-${k}.h`);
        writeFileSync(file, text);
        return isolated(`step(() => cppyy.include(${js(file)})); usable(${40 + k});`, QUICK);
      }),
    );
    const results = Object.fromEntries(texts.map((text, k) => [text, summary(runs[k])]));
    expect(results).toEqual({
      'struct open_s {\nint x;\n': ['CppCompileError', null, 40, 4242, 40],
      'extern "C" {\nint open_c;\n': ['CppCompileError', null, 41, 4242, 41],
      'namespace open_ns {\n': ['CppCompileError', null, 42, 4242, 42],
    });
  });

  it('#pragma GCC poison size_t leaves previously defined and new functions callable', async () => {
    // The pragma is the user's: their own later code may not use the name. cppjit's wrappers are
    // not theirs. Was: every wrapper fails to compile ("attempt to use a poisoned identifier").
    // (Projects poison names they ban; size_t is the one a wrapper needs. napi_value fails the same way.)
    const r = await isolated(
      `step(() => cppyy.cppdef('int fz_before(int x) { return x + 1; }'));\n` +
        `step(() => cppyy.cppdef('#pragma GCC poison size_t\\n'));\n` +
        `step(() => cppyy.gbl.fz_before(1));\n` +
        `step(() => cppyy.cppdef('struct FzAfter { int v; FzAfter(int x) : v(x * 2) {} };'));\n` +
        `step(() => new cppyy.gbl.FzAfter(4).v);\n` +
        `step(() => fzb.f15());`,
    );
    ranToEnd(r);
    expect(r.steps.map((s) => (s.error ? `${s.error}: ${s.message?.split('\n')[0]}` : s.ok))).toEqual([null, null, 2, null, 8, 15]);
  });

  it('a number thrown by a static initialiser or by cppexec shows its value, as from a call', async () => {
    // docs/errors.md: "a thrown number shows its value in the message (C++ exception of type int (17))".
    // Was: 'C++ exception of type int' from cppdef and cppexec (evaluate and calls give the value).
    const r = await isolated(
      `step(() => cppyy.cppdef('int fz_t42 = []{ throw 42; return 0; }();'));\n` +
        `step(() => cppyy.cppexec('throw 43;'));\n` +
        `step(() => cppyy.evaluate('throw 44, 0'));`,
    );
    ranToEnd(r);
    expect(r.steps.map((s) => [s.error, s.cppType, s.message])).toEqual([42, 43, 44].map((n) => ['CppError', 'int', `C++ exception of type int (${n})`]));
  });

  it('a fatal error inside a function body rolls back the instantiations the input made before it', async () => {
    // Was: the input is a CppCompileError ("'fz-nonexistent.h' file not found"), and every later
    // cppdef fails with "undefined symbol: void call<th()::$_0>(th()::$_0)" (an instantiation of
    // the failed input, left for the next input to emit). Found with <thread>: std::thread t([&] {...}).
    const code = 'template <class F> void call(F f) { f(); }\nvoid th() { call([] {}); }\nvoid th2() {\n#include "fz-nonexistent.h"\n}';
    const r = await isolated(`step(() => cppyy.cppdef(${js(code)})); usable(70); step(() => cppyy.cppdef('int fz_after_fatal = 3;')); step(() => cppyy.gbl.fz_after_fatal);`);
    ranToEnd(r);
    expect(r.steps[0]).toMatchObject(compileError(/fz-nonexistent\.h/));
    expect(r.steps.slice(1)).toEqual([...stillUsable(70), expect.objectContaining({ ok: null }), expect.objectContaining({ ok: 3 })]);
  });

  it('a module declaration in an included header leaves nothing behind', async () => {
    // cppdef('module m;') is refused; from a header it got through. Was: include() of a header
    // 'module fzm;' is a CppCompileError ("module 'fzm' not found"), after which every input fails
    // with "Duplicate definition of symbol '_ZGIW3fzm'"; 'export module fzm3;\nint y;' is accepted,
    // and the next cppdef fails with "Duplicate definition of symbol '_ZW4fzm31y'".
    const texts = ['module fzm;\n', 'export module fzm3;\nint fzm3_y = 5;\n'];
    const runs = await Promise.all(
      texts.map((text, k) => {
        const file = join(dir, `module-${k}.h`);
        writeFileSync(file, text);
        return isolated(`step(() => cppyy.include(${js(file)})); usable(${50 + k}); step(() => cppyy.cppdef('int fzm_after${k} = 1;')); step(() => cppyy.gbl.fzm_after${k});`);
      }),
    );
    for (const r of runs) {
      ranToEnd(r);
      // Refused, or accepted as an ordinary header.
      expect(r.steps[0].ok === null || r.steps[0].error === 'CppCompileError').toBe(true);
    }
    expect(runs.map((r) => r.steps.slice(1).map((s) => (s.error ? `${s.error}: ${s.message?.split('\n')[0]}` : s.ok)))).toEqual([
      [null, 50, 4242, 50, null, 1],
      [null, 51, 4242, 51, null, 1],
    ]);
  });
});
