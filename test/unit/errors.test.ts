import { expect } from 'chai';
import { UserError, ExitCode } from '../../src/errors.js';

describe('UserError', () => {
  it('formats file, line and variable path on one line', () => {
    const e = new UserError('must be a string', { file: 'vars/p.yml', line: 3, path: 'stagesync_copies[0].dest_bucket' });
    expect(e.oneLine()).to.equal('vars/p.yml:3: stagesync_copies[0].dest_bucket: must be a string');
    expect(e.exitCode).to.equal(ExitCode.badInput);
  });
  it('leaves out what is unknown', () => {
    expect(new UserError('bad').oneLine()).to.equal('bad');
  });
});
