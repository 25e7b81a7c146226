// src/cache/resolution.ts — overload choice per argument-kinds key: a one-entry inline cache in front of an LRU.
import { LRUCache } from 'lru-cache';

const CAPACITY = 256;

/**
 * Most call sites pass the same kinds every time, so the last key is checked first without touching
 * the LRU; the LRU bounds memory for call sites that see many kind combinations.
 */
export class ResolutionCache<V extends object> {
  private lastKey: number | string | undefined;
  private lastValue: V | undefined;
  private readonly lru = new LRUCache<number | string, V>({ max: CAPACITY });

  get(key: number | string): V | undefined {
    if (key === this.lastKey) return this.lastValue;
    const v = this.lru.get(key);
    if (v !== undefined) {
      this.lastKey = key;
      this.lastValue = v;
    }
    return v;
  }

  set(key: number | string, value: V): void {
    this.lru.set(key, value);
    this.lastKey = key;
    this.lastValue = value;
  }

  clear(): void {
    this.lru.clear();
    this.lastKey = undefined;
    this.lastValue = undefined;
  }
}
