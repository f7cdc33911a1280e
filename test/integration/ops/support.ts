// Throwaway ops directories (inventory + vars) for the CLI tests of test/integration/ops, and
// TCP listeners that count who connects (a host nobody may reach, or a closed port).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface OpsDir {
  dir: string;
  /** A HOME of its own: no ~/.ssh/config or ~/.aws of the machine leaks in. */
  env: Record<string, string>;
  write(path: string, text: string): void;
  remove(): void;
}

export function opsDir(files: Record<string, string>): OpsDir {
  const dir = mkdtempSync(join(tmpdir(), 'stagesync-ops-it-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  for (const [p, t] of Object.entries(files)) write(p, t);
  mkdirSync(join(dir, 'home'), { recursive: true });
  return {
    dir,
    env: { HOME: join(dir, 'home'), ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_TIMEOUT: '3', NO_COLOR: '1' },
    write,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** An INI inventory with a source and one destination at 127.0.0.1:<port> (the stagesync groups). */
export function inventory(port: number, dest = 'dst'): string {
  return [
    '[stagesync]',
    'localhost ansible_connection=local',
    '[stagesync:children]',
    'stagesync-sourcedb',
    'stagesync-destdb',
    '[stagesync-sourcedb]',
    `src ansible_host=127.0.0.1 ansible_port=${port} ansible_user=nobody`,
    '[stagesync-destdb]',
    `${dest} ansible_host=127.0.0.1 ansible_port=${port} ansible_user=nobody`,
    '',
  ].join('\n');
}

/** Listens on a free loopback port, counting connections (each is closed at once). */
export async function connectionRecorder(): Promise<{ port: number; count(): number; close(): Promise<void> }> {
  let n = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    n++;
    sockets.add(s);
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { port, count: () => n, close: () => new Promise((r) => server.close(() => r())) };
}

/** A loopback port nothing listens on (connections are refused at once). */
export async function closedPort(): Promise<number> {
  const rec = await connectionRecorder();
  await rec.close();
  return rec.port;
}
