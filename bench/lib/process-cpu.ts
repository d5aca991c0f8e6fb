/**
 * CPU time of process trees, from /proc (Linux): a group's figure is its root processes' plus every descendant's
 * (an API primary's node:cluster children, PostgreSQL's backends). Read before and after a measured run; a process
 * that exited in between is not counted.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcStat {
  ppid: number;
  cpuMs: number;
  rssMiB: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name, which is parenthesised and may hold spaces
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    return { ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_SECOND, rssMiB: (Number(fields[21]) * 4096) / 1024 / 1024 };
  } catch {
    return undefined; // gone
  }
}

function allProcesses(): Map<number, ProcStat> {
  const processes = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) processes.set(Number(entry), stat);
  }
  return processes;
}

function tree(roots: number[], processes: Map<number, ProcStat>): number[] {
  const members = new Set(roots.filter((pid) => processes.has(pid)));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, stat] of processes) {
      if (!members.has(pid) && members.has(stat.ppid)) {
        members.add(pid);
        grew = true;
      }
    }
  }
  return [...members];
}

export interface GroupUsage {
  cpuMs: number;
  rssMiB: number;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/**
 * CPU ms and resident MiB of each group's process trees now. `split` names a group whose members go to
 * sub-groups by their command line (e.g. PostgreSQL backends titled `postgres: <user> <database> …`).
 */
export function snapshot(groups: Record<string, number[]>, split: Record<string, (commandLine: string) => string> = {}): Record<string, GroupUsage> {
  const processes = allProcesses();
  const usage: Record<string, GroupUsage> = {};
  for (const [name, roots] of Object.entries(groups)) {
    for (const pid of tree(roots, processes)) {
      const group = split[name]?.(commandLine(pid)) ?? name;
      const stat = processes.get(pid)!;
      usage[group] ??= { cpuMs: 0, rssMiB: 0 };
      usage[group].cpuMs += stat.cpuMs;
      usage[group].rssMiB += stat.rssMiB;
    }
  }
  return usage;
}

/** Per-group CPU ms spent between two snapshots, divided by `units` (e.g. jobs). */
export function cpuPer(before: Record<string, GroupUsage>, after: Record<string, GroupUsage>, units: number): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((name) => [name, (after[name]!.cpuMs - (before[name]?.cpuMs ?? 0)) / units]));
}
