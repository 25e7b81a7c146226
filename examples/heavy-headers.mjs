// examples/heavy-headers.mjs — nlohmann/json parsed once per machine: run it twice and compare the include time.
//
// The first run parses the header (1–3 s of CPU); at exit it records what it included first and a
// background process precompiles it. The next run of this script starts with it parsed (see
// docs/loading.md). `npx cppjit precompile nlohmann/json.hpp` does that ahead of time.
import cppyy from 'cppjit';

cppyy.info(); // the interpreter is up (info() does not end the speculation: see docs/loading.md)
const before = process.cpuUsage();
cppyy.include('nlohmann/json.hpp');
const used = process.cpuUsage(before);
const ms = (used.user + used.system) / 1000;

const { nlohmann } = cppyy.gbl;
const doc = nlohmann.json.parse('{"name": "cppjit", "tags": ["c++", "js"], "stars": 5}');
console.log(String(doc.dump(2)));
console.log(`first key: ${String(doc.begin().key())}, size ${doc.size()}`);

const cache = cppyy.info().headerCache;
console.log(`include('nlohmann/json.hpp'): ${ms.toFixed(1)} ms of CPU, ${cache.path ? 'from the precompiled header' : `parsed (${cache.status})`}`);
