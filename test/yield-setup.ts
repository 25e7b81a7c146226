// test/yield-setup.ts — after every test, one turn of the event loop, so vitest's RPC replies are read on time.
//
// A file of synchronous tests (C++ compiles, child processes run with spawnSync) otherwise runs
// from test to test on microtasks alone: the worker's pending RPC calls to vitest (onTaskUpdate)
// have their replies waiting unread, and once a minute of such tests has passed, their 60 s timers
// fire first ("Timeout calling onTaskUpdate") although vitest answered long before.
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
