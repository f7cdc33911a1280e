// Pid files and polite stopping: the lab only ever signals pids it recorded itself.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Start time of a process (clock ticks since boot; /proc/<pid>/stat field 22), or undefined. */
export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * The pid recorded in `file`, only if that very process still runs: the file also holds its start
 * time, so a pid reused by some unrelated process (after a reboot, say) is never taken for ours.
 */
export function readPid(file: string): number | undefined {
  try {
    const [p, start] = readFileSync(file, 'utf8').trim().split(/\s+/);
    const n = Number(p);
    if (!Number.isInteger(n) || n <= 0) return undefined;
    if (start && startTime(n) !== start) return undefined;
    return n;
  } catch {
    return undefined;
  }
}

export function writePid(file: string, pid: number): void {
  writeFileSync(file, `${pid} ${startTime(pid) ?? ''}\n`);
}

/** True when the pid exists and is not a zombie. */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie still answers kill(0); its state letter in /proc tells.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL; resolves once the pid is gone. */
export async function stopPid(pid: number | undefined, graceMs = 5000): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid!, 'SIGTERM');
  } catch {
    return;
  }
  const until = Date.now() + graceMs;
  while (alive(pid) && Date.now() < until) await sleep(50);
  if (alive(pid)) {
    try {
      process.kill(pid!, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
    const hard = Date.now() + 5000;
    while (alive(pid) && Date.now() < hard) await sleep(50);
  }
}

/** Stop the process recorded in `file` (if any) and remove the file. */
export async function stopPidFile(file: string, graceMs?: number): Promise<void> {
  await stopPid(readPid(file), graceMs);
  rmSync(file, { force: true });
}

/** Poll `check` until it is true or `ms` pass. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms: number, stepMs = 100): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`lab: timed out after ${ms} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}
