// Test fixtures: a temporary directory filled from a { 'relative/path': 'content' } map.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const made: string[] = [];

/** Creates the files (a path ending in `/` is an empty directory); returns the root. */
export function tmpTree(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'stagesync-test-'));
  made.push(root);
  addFiles(root, files);
  return root;
}

export function addFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    if (rel.endsWith('/')) { mkdirSync(path, { recursive: true }); continue; }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

/** Removes every tree made so far (call from an after() hook). */
export function cleanTmpTrees(): void {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
}
