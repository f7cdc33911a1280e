// Normalises hook variables: plain strings run on the destination; mappings say where.
import type { HookCommand } from './types.js';

export function toHookCommands(value: unknown): HookCommand[] {
  if (!Array.isArray(value)) return [];
  return value.map((item): HookCommand => {
    if (typeof item === 'string') return { command: item, host: 'dest' };
    const o = item as { command: string; host?: 'dest' | 'localhost'; become_user?: string };
    return { command: o.command, host: o.host ?? 'dest', ...(o.become_user ? { becomeUser: o.become_user } : {}) };
  });
}
