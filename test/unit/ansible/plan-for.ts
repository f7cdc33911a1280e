// A plan (--check) built the way the CLI builds it, from a temporary project.
import { loadPlan } from '../../../src/cli/load-plan.js';
import type { CliOptions } from '../../../src/cli/options.js';
import { tmpTree } from '../inventory/tmp-tree.js';

const INVENTORY = '[stagesync-sourcedb]\ndb1\n[stagesync-destdb]\nstage1\n';

export function planFor(files: Record<string, string>, extra: string[] = ['@vars/pair.yml'], env: NodeJS.ProcessEnv = {}) {
  const cwd = tmpTree({ 'inventories/hosts': INVENTORY, ...files });
  const opts = { command: 'run', inventory: ['inventories/hosts'], extraVars: extra, tags: [], skipTags: [], check: true, verbosity: 0, vault: { vaultIds: [], vaultPasswordFiles: [], askVaultPass: false } } satisfies CliOptions;
  return loadPlan(opts, cwd, { HOME: cwd, ...env }).plan;
}
