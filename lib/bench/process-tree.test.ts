import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { isNextServer, parseStat, parseVmRssBytes, readCpuSeconds, readProcessGroup, treeRss, type ProcessInfo } from './process-tree';

const proc = (pid: number, ppid: number, command: string, rssMb: number, cpuSeconds = 0): ProcessInfo => ({ pid, ppid, pgrp: 100, rssBytes: rssMb * 1024 * 1024, cpuSeconds, command });

test('parseStat reads ids and CPU time (utime + stime, 1/100 s) after a command name holding spaces and parentheses', () => {
  expect(parseStat('4242 (next-server (v16.4.6)) S 4200 4100 4100 0 -1 4194560 123 0 0 0 250 37 0 0 20 0 11')).toEqual({ pid: 4242, ppid: 4200, pgrp: 4100, cpuSeconds: 2.87 });
  expect(parseStat('4242 (short) S 4200 4100 4100')).toEqual({ pid: 4242, ppid: 4200, pgrp: 4100, cpuSeconds: 0 });
  expect(parseStat('garbage')).toBeNull();
});

test('readCpuSeconds reads this process, and null for a pid that does not exist', () => {
  expect(readCpuSeconds(process.pid)).toBeGreaterThan(0);
  expect(readCpuSeconds(2 ** 31 - 2)).toBeNull();
});

test('parseVmRssBytes reads kB from /proc/<pid>/status, 0 without the line', () => {
  expect(parseVmRssBytes('Name:\tnode\nVmPeak:\t  900 kB\nVmRSS:\t  123456 kB\nRssAnon:\t 1 kB\n')).toBe(123456 * 1024);
  expect(parseVmRssBytes('Name:\tkworker\nState:\tI (idle)\n')).toBe(0);
});

test('treeRss sums the next server and its workers, not the npx/tsx launchers above it', () => {
  const group = [
    proc(10, 1, 'npm exec tsx scripts/start.ts', 60),
    proc(11, 10, 'node /work/main/node_modules/.bin/tsx scripts/start.ts', 45),
    proc(12, 11, '/usr/bin/node --require preflight.cjs scripts/start.ts', 80),
    proc(13, 12, 'next-server (v16.4.6)', 300, 12.5),
    proc(14, 13, '/usr/bin/node /work/main/node_modules/next/dist/server/lib/worker.js', 200, 2),
  ];
  expect(treeRss(group, isNextServer)).toEqual({ pids: [13, 14], rssBytes: 500 * 1024 * 1024, cpuSeconds: 14.5 });
  expect(treeRss(group.slice(0, 3), isNextServer)).toEqual({ pids: [], rssBytes: 0, cpuSeconds: 0 });
});

test('isNextServer knows `next start` before the rename and next-server after', () => {
  expect(isNextServer(proc(1, 0, 'node /work/main/node_modules/.bin/next start -p 4100', 1))).toBe(true);
  expect(isNextServer(proc(1, 0, 'next-server (v16.4.6)', 1))).toBe(true);
  expect(isNextServer(proc(1, 0, 'node /work/main/node_modules/.bin/next build', 1))).toBe(false);
  expect(isNextServer(proc(1, 0, 'tsx scripts/start.ts', 1))).toBe(false);
});

test('treeRss terminates on a parent cycle (pid reuse while reading /proc) and never throws', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ pid: fc.integer({ min: 1, max: 20 }), ppid: fc.integer({ min: 0, max: 20 }), named: fc.boolean() }), { maxLength: 30 }), (rows) => {
      const procs = rows.map((r) => proc(r.pid, r.ppid, r.named ? 'next-server (v16)' : 'node', 1));
      const { pids, rssBytes } = treeRss(procs, isNextServer);
      expect(rssBytes).toBeLessThanOrEqual(procs.length * 1024 * 1024);
      expect(pids.length).toBeLessThanOrEqual(procs.length);
    }),
  );
});

test('readProcessGroup finds a detached child by its process group, with its RSS', async () => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)', 'bench-probe'], { detached: true, stdio: 'ignore' });
  try {
    const pid = child.pid as number;
    // Between fork and exec the child still shows the parent's command line, and just after exec it has touched
    // little memory: wait (up to 10 s on a loaded machine) until it runs Node.
    const running = (g: ReturnType<typeof readProcessGroup>) => Boolean(g[0]?.command.includes('bench-probe') && g[0].rssBytes > 1024 * 1024);
    let group = readProcessGroup(pid);
    for (let i = 0; i < 500 && !running(group); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      group = readProcessGroup(pid);
    }
    expect(group.map((p) => p.pid)).toEqual([pid]);
    expect(group[0]?.ppid).toBe(process.pid);
    expect(group[0]?.command).toContain('bench-probe');
    expect(group[0]?.rssBytes).toBeGreaterThan(1024 * 1024);
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
});
