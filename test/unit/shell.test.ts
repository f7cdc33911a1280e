import { expect } from 'chai';
import { quote, commandLine } from '../../src/util/shell.js';

describe('shell quoting', () => {
  it('leaves safe words bare and quotes the empty word', () => {
    expect(quote('pg_dump')).to.equal('pg_dump');
    expect(quote('/opt/backups/x.dump')).to.equal('/opt/backups/x.dump');
    expect(quote('')).to.equal("''");
  });
  it('single-quotes anything else, escaping single quotes', () => {
    expect(quote('a b')).to.equal("'a b'");
    expect(quote("it's")).to.equal(`'it'"'"'s'`);
    expect(quote('$(rm -rf /)')).to.equal("'$(rm -rf /)'");
  });
  it('joins argv', () => {
    expect(commandLine(['echo', 'a b', '$HOME'])).to.equal("echo 'a b' '$HOME'");
  });
});
