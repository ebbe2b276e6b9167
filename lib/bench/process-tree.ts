import { readdirSync, readFileSync } from 'node:fs';

/** One process as Linux reports it under /proc. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  /** Resident set size (VmRSS); 0 for kernel threads and zombies. */
  rssBytes: number;
  /** CPU time used so far, user and system. */
  cpuSeconds: number;
  /** argv joined with spaces; a process that set its title (`next-server (v16.4.6)`) shows the title. */
  command: string;
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // The process ended between listing /proc and reading it.
    return null;
  }
}

/** Clock ticks per second of /proc/<pid>/stat times: USER_HZ, 100 on every Linux architecture. */
const TICKS_PER_SECOND = 100;

/**
 * Reads `pid`, `ppid`, `pgrp` and the CPU time (utime + stime) from /proc/<pid>/stat, whose command name may itself
 * hold spaces and parentheses.
 */
export function parseStat(stat: string): { pid: number; ppid: number; pgrp: number; cpuSeconds: number } | null {
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  const pid = Number.parseInt(stat, 10);
  const ppid = Number(fields[1]);
  const pgrp = Number(fields[2]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (close < 0 || !Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isInteger(pgrp)) return null;
  return { pid, ppid, pgrp, cpuSeconds: Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : 0 };
}

/** CPU seconds a process has used so far; null when it is gone or unreadable (another user's process elsewhere). */
export function readCpuSeconds(pid: number): number | null {
  const stat = readOrNull(`/proc/${pid}/stat`);
  return stat === null ? null : (parseStat(stat)?.cpuSeconds ?? null);
}

/** VmRSS of a /proc/<pid>/status text, in bytes (0 when absent). */
export function parseVmRssBytes(status: string): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Every process in a process group (Linux /proc). */
export function readProcessGroup(pgid: number): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOrNull(`/proc/${name}/stat`);
    const ids = stat === null ? null : parseStat(stat);
    if (ids === null || ids.pgrp !== pgid) continue;
    const status = readOrNull(`/proc/${name}/status`);
    const cmdline = readOrNull(`/proc/${name}/cmdline`);
    if (status === null || cmdline === null) continue;
    found.push({ ...ids, rssBytes: parseVmRssBytes(status), command: cmdline.replace(/\0+$/, '').replace(/\0/g, ' ') });
  }
  return found;
}

/**
 * The processes matching `isRoot` that have no matching ancestor, plus all their descendants,
 * and their RSS and CPU time summed: the memory and work of one server however many workers it forks.
 */
export function treeRss(processes: readonly ProcessInfo[], isRoot: (p: ProcessInfo) => boolean): { pids: number[]; rssBytes: number; cpuSeconds: number } {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const inTree = (p: ProcessInfo): boolean => {
    for (let q: ProcessInfo | undefined = p, hops = 0; q !== undefined && hops <= processes.length; q = byPid.get(q.ppid), hops += 1) {
      if (isRoot(q)) return true;
    }
    return false;
  };
  const members = processes.filter(inTree);
  return {
    pids: members.map((p) => p.pid).sort((a, b) => a - b),
    rssBytes: members.reduce((sum, p) => sum + p.rssBytes, 0),
    cpuSeconds: members.reduce((sum, p) => sum + p.cpuSeconds, 0),
  };
}

/** The Next.js production server: `next start` before it renames itself, `next-server (vX)` after. */
export function isNextServer(p: ProcessInfo): boolean {
  return /^next-server\b/.test(p.command) || /(?:^|[\s/])next start(?:\s|$)/.test(p.command);
}
