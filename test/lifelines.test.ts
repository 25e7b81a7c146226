// test/lifelines.test.ts — views into an object (fields, container elements, casts) keep it alive, and die with its delete().
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import cppyy from '../esm/index.mjs';
import { collectGarbage, fixture } from './helpers';

let life: any;
let std: any;
beforeAll(() => {
  cppyy.include(fixture('lifelines.h'));
  life = cppyy.gbl.life;
  std = cppyy.gbl.std;
});
beforeEach(async () => {
  await collectGarbage();
});

describe('a view keeps its owner alive', () => {
  it('a nested field outlives every other reference to the object', async () => {
    const before = life.count();
    let car: any = new life.Car();
    const rim = car.front.rim;
    car = null;
    await collectGarbage();
    expect(rim.v).toBe(9);
    expect(life.count()).toBe(before + 5); // hub, rim, 3 spares: the car was not destroyed
  });

  it('a container element outlives every other reference to the container', async () => {
    let v: any = new std.vector[life.Part]();
    v.push_back(new life.Part(4));
    const first = v[0];
    v = null;
    await collectGarbage();
    expect(first.v).toBe(4);
  });
});

describe("an owner's delete() ends its views", () => {
  it('a field, and a field of that field, throw after the owner is deleted', () => {
    const before = life.count();
    const car = new life.Car();
    const wheel = car.front;
    const hub = wheel.hub;
    expect(hub.v).toBe(7);
    car.delete();
    expect(life.count()).toBe(before);
    expect(() => wheel.rim).toThrow(/deleted/);
    expect(() => hub.v).toThrow(/deleted/);
    expect(() => {
      hub.v = 3;
    }).toThrow(/deleted/);
  });

  it('a std::vector element throws after the vector is deleted; the vector stays usable before', () => {
    const v = new std.vector[life.Part]();
    v.push_back(new life.Part(5));
    v.push_back(new life.Part(6));
    const second = v[1];
    expect(second.v).toBe(6);
    second.v = 60;
    expect(v[1].v).toBe(60);
    v.delete();
    expect(() => second.v).toThrow(/deleted/);
  });

  it('std::string fields and const std::string& results are read as JS strings: copies that outlive the owner', () => {
    const car = new life.Car();
    const name = car.name;
    const got = car.getName();
    car.delete();
    expect([name, String(got)]).toEqual(Array(2).fill('a car whose name does not fit in the small-string buffer'));
    expect(() => car.name).toThrow(/deleted/);
  });

  it('Symbol.dispose ends the views too, and a view whose owner lives on is unaffected', () => {
    const kept = new life.Car();
    const keptHub = kept.front.hub;
    const car = new life.Car();
    const hub = car.front.hub;
    expect(hub.v).toBe(7);
    car[Symbol.dispose]();
    expect(() => hub.v).toThrow(/deleted/);
    expect(keptHub.v).toBe(7);
    kept.delete();
  });

  it('views made and dropped in a loop do not pile up on a long-lived owner', async () => {
    const car = new life.Car();
    for (let i = 0; i < 5000; i++) expect(car.spares[i % 3].v).toBe(7);
    await collectGarbage();
    car.front.hub.v = 8;
    expect(car.front.hub.v).toBe(8);
    car.delete();
  });
});

describe('garbage collection frees what a synchronous loop drops', () => {
  it('1,000,000 objects made and dropped with gc() calls: RSS grows < 20%, destructors keep up', () => {
    // In a child of its own: the RSS of this worker holds everything the other tests made.
    const script = `
      const cppyy = require(${JSON.stringify(fileURLToPath(new URL('..', import.meta.url)))}).default;
      cppyy.include(${JSON.stringify(fixture('lifelines.h'))});
      const { Soak } = cppyy.gbl.life;
      for (let i = 0; i < 20000; i++) new Soak(i);
      gc();
      const base = process.memoryUsage().rss;
      for (let i = 0; i < 1000000; i++) { new Soak(i); if (i % 10000 === 0) gc(); }
      gc();
      new Soak(0);  // the first call after a GC runs the destructors of what it collected
      const growth = process.memoryUsage().rss / base - 1;
      console.log(JSON.stringify({ growth, constructed: Number(Soak.constructed), destroyed: Number(Soak.destroyed) }));
    `;
    const child = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(child.stderr).toBe('');
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!);
    expect(r.constructed).toBe(1020001);
    // Everything but the objects still reachable or made since the last gc() is destroyed, synchronously.
    expect(r.destroyed).toBeGreaterThan(1020001 - 10000);
    expect(r.growth).toBeLessThan(0.2);
  }, 120_000);
});

describe('a standard container ends the views of elements it may destroy or move', () => {
  it('std::map: a value view ends at erase and clear, a fresh lookup works', () => {
    const m = new std.map['std::string,life::Part']();
    m['operator[]']('a').v = 1;
    m['operator[]']('b').v = 2;
    const a = m.at('a');
    expect(a.v).toBe(1);
    m.erase('b');
    expect(() => a.v).toThrow(/deleted/);
    const again = m.at('a');
    expect(again.v).toBe(1);
    m.clear();
    expect(() => again.v).toThrow(/deleted/);
    expect(m.size()).toBe(0);
    m.delete();
  });

  it('std::vector: push_back and emplace_back (reallocation) end element views; the result of emplace_back is a live view', () => {
    const v = new std.vector['life::Part']();
    v.push_back(new life.Part(5));
    const first = v.at(0);
    const front = v.front();
    expect(first.v).toBe(5);
    const made = v.emplace_back(6);
    expect(made.v).toBe(6);
    expect(() => first.v).toThrow(/deleted/);
    expect(() => front.v).toThrow(/deleted/);
    expect(v.at(0).v).toBe(5);
    expect(v.at(1).v).toBe(6);
    // A call that throws changes nothing: views stay.
    const kept = v.at(1);
    expect(() => v.at(10)).toThrow();
    expect(kept.v).toBe(6);
    v.delete();
  });

  it('std::unique_ptr and std::optional: reset ends the views of what they held', () => {
    const u = std.make_unique['life::Part'](9);
    const held = u.get();
    expect(held.v).toBe(9);
    u.reset();
    expect(() => held.v).toThrow(/deleted/);
    const o = new std.optional['life::Part'](new life.Part(4));
    const value = o.value();
    expect(value.v).toBe(4);
    o.reset();
    expect(() => value.v).toThrow(/deleted/);
  });
});
