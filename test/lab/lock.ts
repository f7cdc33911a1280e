// One lab command at a time per state dir: several test runs call `npm run lab -- up` at once, and
// two of them starting the same host would race for its address.
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabConfig } from './config.js';
import { alive, readPid, startTime } from './proc.js';

export async function withLabLock<T>(cfg: LabConfig, what: string, fn: () => Promise<T>, waitMs = 180000): Promise<T> {
  mkdirSync(cfg.stateDir, { recursive: true });
  const file = join(cfg.stateDir, 'lab.lock');
  const until = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid} ${startTime(process.pid) ?? ''}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        // `down` removed the state dir under us: recreate it and try again.
        mkdirSync(cfg.stateDir, { recursive: true });
        continue;
      }
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!alive(readPid(file))) {
        rmSync(file, { force: true }); // left by a lab command that died
        continue;
      }
      if (Date.now() > until) throw new Error(`lab: another lab command holds ${file} (pid ${readPid(file)}); gave up after ${waitMs} ms`);
      if (!told) {
        console.error(`lab: waiting for another lab command (pid ${readPid(file)}) to finish before ${what}`);
        told = true;
      }
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
