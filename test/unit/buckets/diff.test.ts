import { expect } from 'chai';
import { checksumMetadata, knownMd5, MD5_META, quickCompare, sameWithMetadata, SOURCE_ETAG_META } from '../../../src/buckets/diff.js';
import type { ObjectInfo } from '../../../src/buckets/types.js';

const md5a = '0cc175b9c0f1b6a831c399e269772661'; // md5('a')
const md5b = '92eb5ffee6ae2fec3ad71c777531578f'; // md5('b')
const o = (etag: string, size = 1): ObjectInfo => ({ key: 'k', rel: 'k', size, etag });

describe('buckets/diff', () => {
  it('decides from listings when both ETags are MD5s', () => {
    expect(quickCompare(o(md5a), o(md5a))).to.equal('same');
    expect(quickCompare(o(md5a), o(md5b))).to.equal('differ');
    expect(quickCompare(o(md5a, 1), o(md5a, 2))).to.equal('differ');
  });
  it('asks for metadata when one side has a multipart ETag', () => {
    expect(quickCompare(o(md5a), o('abc-2'))).to.equal('check');
    expect(quickCompare(o('abc-2'), o(md5a))).to.equal('check');
    expect(quickCompare(o('abc-2'), o('abc-2'))).to.equal('same');
    expect(quickCompare(o('abc-2', 5), o('abc-2', 6))).to.equal('differ');
  });
  it('compares an MD5 ETag with the md5chksum rclone/we keep in metadata', () => {
    const meta = checksumMetadata(o(md5a), undefined);
    expect(meta).to.deep.equal({ [MD5_META]: 'DMF1ucDxtqgxw5niaXcmYQ==' });
    expect(sameWithMetadata(o(md5a), undefined, o('ffff-2'), meta)).to.equal(true);
    expect(sameWithMetadata(o(md5b), undefined, o('ffff-2'), meta)).to.equal(false);
    expect(sameWithMetadata(o(md5a), undefined, o('ffff-2'), undefined)).to.equal(false);
  });
  it('falls back to the source ETag recorded on the copy when no MD5 is known', () => {
    const src = o('1234-3');
    const meta = checksumMetadata(src, {});
    expect(meta).to.deep.equal({ [SOURCE_ETAG_META]: '1234-3' });
    expect(sameWithMetadata(src, {}, o(md5a), meta)).to.equal(true);
    expect(sameWithMetadata(o('9999-3'), {}, o(md5a), meta)).to.equal(false);
  });
  it('ignores a malformed md5chksum', () => {
    expect(knownMd5('x-2', { [MD5_META]: 'not base64' })).to.equal(undefined);
    expect(knownMd5(md5a, {})).to.equal('DMF1ucDxtqgxw5niaXcmYQ==');
  });
});
