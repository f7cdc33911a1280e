import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { BecomeHandshake, splitFlags, wrapBecome } from '../../../src/transport/become.js';
import { buildCommand, envPrefix } from '../../../src/transport/command.js';

const sh = (line: string, input?: string): string => execFileSync('/bin/sh', ['-c', line], { input, encoding: 'utf8' });

describe('become (sudo as Ansible)', () => {
  it('builds Ansible\'s sudo line without a password', () => {
    const w = wrapBecome('id -un', { user: 'postgres' }, 'abc');
    expect(w.line).to.equal("sudo -H -S -n -u postgres /bin/sh -c 'echo BECOME-SUCCESS-abc ; cd / ; id -un'");
    expect(w.marker).to.equal('BECOME-SUCCESS-abc');
    expect(w.prompt).to.equal(undefined);
  });

  it('with a password: drops -n, adds the keyed prompt, never puts the password in the line', () => {
    const w = wrapBecome('true', { user: 'root', password: 's3cret' }, 'k1');
    expect(w.line).to.equal("sudo -H -S -p '[sudo via ansible, key=k1] password:' -u root /bin/sh -c 'echo BECOME-SUCCESS-k1 ; cd / ; true'");
    expect(w.line).to.not.include('s3cret');
    expect(w.prompt).to.equal('[sudo via ansible, key=k1] password:');
  });

  it('honours become_flags and refuses other methods', () => {
    expect(wrapBecome('x', { user: 'u', flags: '-H -S -n -E' }, 'r').line).to.match(/^sudo -H -S -n -E -u u /);
    expect(splitFlags(`-H "-p a b" 'c d'`)).to.deep.equal(['-H', '-p a b', 'c d']);
    expect(() => wrapBecome('x', { user: 'u', method: 'su' as 'sudo' })).to.throw(/not supported/);
  });

  it('uses a fresh random marker each time', () => {
    expect(wrapBecome('x', { user: 'u' }).marker).to.not.equal(wrapBecome('x', { user: 'u' }).marker);
  });

  describe('handshake', () => {
    const w = wrapBecome('x', { user: 'u', password: 'pw' }, 'r');

    it('strips the marker line, even split across chunks, and passes the rest on', () => {
      const hs = new BecomeHandshake(w);
      expect(hs.stdout(Buffer.from('BECOME-SUCC')).length).to.equal(0);
      expect(hs.state).to.equal('waiting');
      expect(hs.stdout(Buffer.from('ESS-r\nhello ')).toString()).to.equal('hello ');
      expect(hs.state).to.equal('ok');
      expect(hs.stdout(Buffer.from('world')).toString()).to.equal('world');
    });

    it('fails when the first stdout line is not the marker', () => {
      const hs = new BecomeHandshake(w);
      hs.stdout(Buffer.from('something else\n'));
      expect(hs.state).to.equal('failed');
    });

    it('asks for the password once at the prompt, strips it, and calls a second prompt a wrong password', () => {
      const hs = new BecomeHandshake(w);
      expect(hs.stderr(Buffer.from('[sudo via ansible, key=r] password:'))).to.deep.include({ sendPassword: true });
      expect(hs.state).to.equal('waiting');
      const again = hs.stderr(Buffer.from('Sorry, try again.\n[sudo via ansible, key=r] password:'));
      expect(again.sendPassword).to.equal(false);
      expect(hs.state).to.equal('failed');
      expect(hs.failureMessage()).to.equal('become failed: incorrect sudo password');
    });

    it('explains a refusal with sudo\'s own words', () => {
      const hs = new BecomeHandshake(wrapBecome('x', { user: 'u' }, 'r'));
      hs.stderr(Buffer.from('sudo: a password is required\n'));
      expect(hs.failureMessage()).to.equal('become failed: sudo: a password is required');
    });
  });
});

describe('command lines', () => {
  it('quotes argv words and runs scripts under /bin/sh -c', () => {
    expect(buildCommand({ argv: ['echo', 'a b', '$HOME'] }).line).to.equal("echo 'a b' '$HOME'");
    expect(buildCommand({ script: 'echo $((1+1)) | cat' }).line).to.equal("/bin/sh -c 'echo $((1+1)) | cat'");
    expect(() => buildCommand({ argv: [] })).to.throw(/empty/);
  });

  it('passes env inline with quoted values and refuses bad names', () => {
    expect(envPrefix({ A: "x'y", B: '1' })).to.equal(`env 'A=x'"'"'y' B=1 `);
    expect(() => envPrefix({ 'A;rm': 'x' })).to.throw(/invalid environment variable name/);
  });

  it('produces lines a real shell runs to the intended words', () => {
    const hostile = `it's "$(echo pwned)" \`x\` ; & | \\`;
    expect(sh(buildCommand({ argv: ['printf', '%s', hostile] }).line)).to.equal(hostile);
    expect(sh(buildCommand({ script: 'printf %s "$V"' }, { env: { V: hostile } }).line)).to.equal(hostile);
    expect(sh(buildCommand({ argv: ['cat'] }).line, 'in')).to.equal('in');
  });

  it('wraps become around the env and the command (sudo resets env)', () => {
    const b = buildCommand({ argv: ['psql', '-c', 'select 1'] }, { env: { PGDATABASE: 'x' }, become: { user: 'postgres' } });
    expect(b.line).to.match(/^sudo -H -S -n -u postgres \/bin\/sh -c 'echo BECOME-SUCCESS-[0-9a-f]+ ; cd \/ ; env PGDATABASE=x psql -c '"'"'select 1'"'"''$/);
    expect(b.become?.marker).to.match(/^BECOME-SUCCESS-/);
  });
});
