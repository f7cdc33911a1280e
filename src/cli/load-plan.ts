// Wires the inventory, vars, schema and template layers into the plan builder.
import { homedir } from 'node:os';
import { readAnsibleConfig, type AnsibleConfig } from '../config/ansible-cfg.js';
import { loadInventory, resolveInventorySources } from '../inventory/load.js';
import { hostsOfGroup, matchHosts } from '../inventory/patterns.js';
import { loadDefaults } from '../vars/defaults.js';
import { parseExtraVars } from '../vars/extra-vars.js';
import { createRunVars } from '../vars/host-vars.js';
import { knownVariables } from '../schema/schema.js';
import { validateVars } from '../schema/validate.js';
import { collectSecrets } from '../util/redact.js';
import { renderTemplate, toPlain } from '../template/index.js';
import { buildPlan } from '../plan/build.js';
import type { Plan } from '../plan/types.js';
import type { CliOptions } from './options.js';

export interface LoadedPlan {
  plan: Plan;
  config: AnsibleConfig;
}

export function loadPlan(opts: CliOptions, cwd = process.cwd(), env = process.env): LoadedPlan {
  const home = env.HOME ?? homedir();
  const config = readAnsibleConfig({ cwd, env, home });
  const sources = resolveInventorySources(opts.inventory, { cwd, env, home });
  const inventory = loadInventory(sources, { cwd, env });
  const extraVars = parseExtraVars(opts.extraVars, cwd);
  const defaults = loadDefaults();
  const runVars = createRunVars(inventory, { cwd, env, extraVars, defaults });
  const known = new Set(knownVariables());
  const planReads = (name: string) => name.startsWith('stagesync_') || known.has(name);
  const limitHosts = opts.limit ? new Set(matchHosts(inventory, opts.limit, { cwd })) : undefined;

  const plan = buildPlan(
    {
      // A scheduled run is a run (inventory never builds a plan).
      command: opts.command === 'rollback' || opts.command === 'cleanup' || opts.command === 'rehearse' ? opts.command : 'run',
      ...(opts.keep ? { keep: true } : {}),
      extraVarsArgs: opts.extraVars,
      ...(opts.limit ? { limit: opts.limit } : {}),
      tags: opts.tags,
      skipTags: opts.skipTags,
      ...(opts.forks ? { forks: opts.forks } : {}),
      defaultForks: config.forks,
    },
    {
      inventory,
      hostsOfGroup: (group) => (inventory.groups.has(group) ? hostsOfGroup(inventory, group) : []),
      ...(limitHosts ? { limitHosts } : {}),
      matchPattern: (pattern) => matchHosts(inventory, pattern, { cwd }),
      extraVars,
      playValue: (name) => toPlain(runVars.play().get(name)),
      varsOf: (host) => runVars.rendered(host, planReads),
      templateVars: (host) => runVars.lazy(host),
      validate: (vars, host) => validateVars(vars, { host }),
      render: (name, vars) => renderTemplate(name, vars, { cwd }),
      secretsOf: (vars) => collectSecrets(vars),
      renderedSecrets: () => runVars.secrets(),
    },
  );
  return { plan, config };
}
