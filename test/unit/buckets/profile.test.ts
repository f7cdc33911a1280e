import { expect } from 'chai';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSideSettings, sameAccount, type S3Side } from '../../../src/buckets/profile.js';

describe('buckets/profile', () => {
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'stagesync-aws-'));
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), '[prod]\naws_access_key_id = A\naws_secret_access_key = B\n[bare]\naws_access_key_id = C\naws_secret_access_key = D\n');
    writeFileSync(
      join(home, '.aws', 'config'),
      [
        '[profile prod]',
        'region = eu-west-1',
        'endpoint_url = http://127.0.0.1:9000',
        '[profile svc]',
        'services = local',
        '[services local]',
        's3 =',
        '  endpoint_url = http://127.0.0.1:9100',
        '[profile nested]',
        's3 =',
        '  addressing_style = path',
        '',
      ].join('\n'),
    );
  });
  after(() => rmSync(home, { recursive: true, force: true }));
  const env = (extra: Record<string, string> = {}) => ({ HOME: home, ...extra });

  it('reads region and endpoint_url of the named profile, path-style for custom endpoints', async () => {
    const s = await resolveSideSettings('prod', 'us-east-2', env());
    expect(s).to.include({ profile: 'prod', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
  });
  it('falls back to stagesync_aws_region and AWS endpoints', async () => {
    const s = await resolveSideSettings('bare', 'us-east-2', env());
    expect(s).to.include({ region: 'us-east-2', endpoint: undefined, forcePathStyle: false });
  });
  it('honours the services section and s3.addressing_style', async () => {
    expect((await resolveSideSettings('svc', undefined, env())).endpoint).to.equal('http://127.0.0.1:9100');
    expect((await resolveSideSettings('nested', undefined, env())).forcePathStyle).to.equal(true);
  });
  it('lets the SDK environment variables win, and ignores endpoints when told', async () => {
    const s = await resolveSideSettings('prod', undefined, env({ AWS_ENDPOINT_URL_S3: 'http://x:1', AWS_REGION: 'ap-south-1' }));
    expect(s).to.include({ endpoint: 'http://x:1', region: 'ap-south-1' });
    const t = await resolveSideSettings('prod', undefined, env({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }));
    expect(t.endpoint).to.equal(undefined);
  });
  it('finds files through AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE', async () => {
    const s = await resolveSideSettings('prod', undefined, {
      HOME: '/nonexistent',
      AWS_CONFIG_FILE: join(home, '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    });
    expect(s.endpoint).to.equal('http://127.0.0.1:9000');
  });
  it('names a missing profile and both files', async () => {
    const err = await resolveSideSettings('prdo', undefined, env()).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.match(/AWS profile "prdo" is in neither .*credentials nor .*config/);
  });
  it('uses AWS_PROFILE when the copy names none', async () => {
    expect((await resolveSideSettings(undefined, undefined, env({ AWS_PROFILE: 'prod' }))).region).to.equal('eu-west-1');
  });
});

describe('buckets/profile sameAccount', () => {
  const side = (endpoint: string | undefined, key: string, region = 'us-east-2') =>
    ({ endpoint, region, credentials: { accessKeyId: key, secretAccessKey: 'x' } }) as unknown as S3Side;
  it('copies server-side only with one endpoint and one access key', () => {
    expect(sameAccount(side('http://a:1', 'K'), side('http://a:1/', 'K'))).to.equal(true);
    expect(sameAccount(side('http://a:1', 'K'), side('http://a:1', 'L'))).to.equal(false);
    expect(sameAccount(side('http://a:1', 'K'), side('http://b:1', 'K'))).to.equal(false);
    expect(sameAccount(side(undefined, 'K'), side('http://a:1', 'K'))).to.equal(false);
  });
  it('treats AWS regions as one store (CopyObject works across regions)', () => {
    expect(sameAccount(side(undefined, 'K', 'us-east-1'), side(undefined, 'K', 'eu-west-1'))).to.equal(true);
  });
});
