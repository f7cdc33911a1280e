// `orchestrate cleanup`: parsed as a subcommand; its plan looks at the pair's source and
// destinations only (no bucket copies, no sync steps).
import { expect } from 'chai';
import { parseCli } from '../../../src/cli/options.js';
import { orderSteps } from '../../../src/plan/steps.js';
import type { DbDestinationPlan, DbSourcePlan } from '../../../src/plan/types.js';

describe('orchestrate cleanup: command line and plan', () => {
  it('is a subcommand taking the shared options, --check included', () => {
    const o = parseCli(['cleanup', '--check', '-e', 'vars/p.yml', '-l', 'stage1'], '0.0.0')!;
    expect(o.command).to.equal('cleanup');
    expect(o.check).to.equal(true);
    expect(o.limit).to.equal('stage1');
  });

  it('plans preflight and leftovers on the source and each destination, nothing else', () => {
    const source = { host: 'db1', database: 'production', backupsDir: '/opt/backups/postgres', backupUser: 'postgres' } as DbSourcePlan;
    const dest = (host: string) => ({ host, database: 'stage', backupUser: 'postgres', tmpDir: '/tmp/stagesync' }) as DbDestinationPlan;
    const steps = orderSteps({ command: 'cleanup', source, destinations: [dest('stage1'), dest('stage2')], copies: [] });
    expect(steps.map((s) => `${s.host} ${s.action}`)).to.deep.equal([
      'db1 preflight',
      'stage1 preflight',
      'stage2 preflight',
      'db1 leftovers',
      'stage1 leftovers',
      'stage2 leftovers',
    ]);
  });
});
