// bench/harness.mjs — micro-benchmark harness: median ns/op over 5 timed rounds, and a markdown table printer
import { hrtime } from 'node:process';

// Results of every loop are folded in here so no contender's work can be dead-code eliminated.
let sink = 0;
export function getSink() { return sink; }

/**
 * Time `loop(n)`, which must perform exactly n operations (e.g. `(n) => { let s = 0; for (let i = 0; i < n; i++) s += f(i, 1); return s; }`).
 * The harness calls `loop` once per round, so its own overhead (one call + two hrtime reads per round)
 * is negligible and identical for every contender; the loop counter itself is part of every ns/op.
 * The loop's return value (if a number) is folded into a sink.
 * @param {string} name
 * @param {(n: number) => unknown} loop
 * @param {{ iterations?: number, warmup?: number, rounds?: number }} [opts]
 * @returns {{ name: string, nsPerOp: number, minNs: number, maxNs: number, iterations: number, rounds: number[] }}
 */
export function measure(name, loop, { iterations = 1_000_000, warmup = 100_000, rounds = 5 } = {}) {
  if (typeof loop !== 'function') throw new TypeError('measure: loop must be a function (n) => ...');
  // warm-up: let the JIT tier up the loop and the call site it contains
  fold(loop(warmup));
  fold(loop(warmup));
  const perOp = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = hrtime.bigint();
    const out = loop(iterations);
    const t1 = hrtime.bigint();
    fold(out);
    perOp.push(Number(t1 - t0) / iterations);
  }
  const sorted = [...perOp].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const nsPerOp = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { name, nsPerOp, minNs: sorted[0], maxNs: sorted[sorted.length - 1], iterations, rounds: perOp };
}

function fold(v) {
  if (typeof v === 'number') sink = (sink + v) % 1e9;
  else if (v !== undefined) sink = (sink + 1) % 1e9;
}

/**
 * Print (and return) a markdown table. `rows` are objects; columns are the keys of the first row
 * (array-valued keys skipped) unless `columns` is given. Numbers are shown with 2 decimals.
 * @param {Array<Record<string, unknown>>} rows
 * @param {string[]} [columns]
 * @returns {string}
 */
export function table(rows, columns) {
  if (!rows.length) return '';
  const cols = columns ?? Object.keys(rows[0]).filter((k) => !Array.isArray(rows[0][k]));
  const cell = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v ?? ''));
  const body = rows.map((r) => cols.map((c) => cell(r[c])));
  const width = cols.map((c, i) => Math.max(c.length, ...body.map((b) => b[i].length)));
  const isNum = cols.map((c) => rows.every((r) => typeof r[c] === 'number'));
  const line = (cells) =>
    '| ' + cells.map((s, i) => (isNum[i] ? s.padStart(width[i]) : s.padEnd(width[i]))).join(' | ') + ' |';
  const sep = '| ' + width.map((w, i) => (isNum[i] ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ') + ' |';
  const out = [line(cols), sep, ...body.map(line)].join('\n');
  console.log(out);
  return out;
}
