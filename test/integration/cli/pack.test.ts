// Install (README): `npm pack` → `npm install -g <tarball>` gives a working `orchestrate`, from any directory.
import { expect } from 'chai';
import { execa } from 'execa';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../../..');

describe('packaging', function () {
  this.timeout(300_000);
  let work: string;
  let bin: string;
  let files: string[];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'stagesync-pack-'));
    await execa('npm', ['pack', '--pack-destination', work, '--loglevel=error'], { cwd: repo });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    expect(tarball, 'npm pack made a tarball').to.be.a('string');
    files = (await execa('tar', ['-tzf', join(work, tarball!)])).stdout.split('\n').map((f) => f.replace(/^package\//, ''));
    const prefix = join(work, 'prefix');
    await execa('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(work, tarball!)], { cwd: work });
    bin = join(prefix, 'bin', 'orchestrate');
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('ships the product only: no lab, no tests, but the host scripts', () => {
    expect(files).to.include('dist/bin/orchestrate.js');
    for (const f of readdirSync(join(repo, 'scripts', 'host'))) expect(files).to.include(`scripts/host/${f}`);
    expect(files.filter((f) => /(^|\/)(lab|test|bench)(\/|$)|\.test\.|moto|seed/.test(f))).to.deep.equal([]);
  });

  it('installs orchestrate, whose --help lists the options and --version the version', async () => {
    const help = await execa(bin, ['--help'], { cwd: work });
    for (const flag of ['--inventory', '--extra-vars', '--limit', '--tags', '--skip-tags', '--check', '--forks', '--verbose', '--confirm', '--report', '--version']) {
      expect(help.stdout).to.contain(flag);
    }
    const version = await execa(bin, ['--version'], { cwd: work });
    expect(version.stdout.trim()).to.match(/^\d+\.\d+\.\d+/);
  });

  it('runs --check from an ops directory outside the repo, with the built-in templates', async () => {
    const ops = join(work, 'ops');
    for (const dir of ['inventories', 'vars']) cpSync(join(repo, dir), join(ops, dir), { recursive: true });
    const r = await execa(bin, ['--check', '--extra-vars', 'vars/prod-to-stage1.yml'], { cwd: ops, reject: false });
    expect(r.stderr).to.not.match(/at .*\.js:\d+/);
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('PLAN [prod-to-stage1]');
    expect(r.stdout).to.contain('stage1');
    expect(r.stdout).to.contain('CHECK MODE');
  });
});
