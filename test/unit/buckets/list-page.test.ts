import { expect } from 'chai';
import { decodeXmlText, parseListPage } from '../../../src/buckets/list-page.js';

// A page as AWS documents it (ListObjectsV2, EncodingType=url), with the fields we skip around the ones we read.
const awsPage = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>media%2F</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>
  <EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
  <Contents>
    <Key>media/a+b%26c.txt</Key><LastModified>2026-12-04T10:00:00.000Z</LastModified>
    <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>4096</Size>
    <Owner><ID>x</ID><DisplayName>Key &lt;owner&gt;</DisplayName></Owner><StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents>
    <Key>media/z</Key><LastModified>2026-12-04T10:00:00.000Z</LastModified>
    <ETag>"d41d8cd98f00b204e9800998ecf8427e-3"</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass>
  </Contents>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <StartAfter/>
</ListBucketResult>`;

describe('buckets/list-page', () => {
  it('reads keys, sizes, ETags and the page fields of a ListObjectsV2 page', () => {
    expect(parseListPage(awsPage)).to.deep.equal({
      contents: [
        { key: 'media/a+b%26c.txt', size: 4096, etag: '"9b2cf535f27731c974343645a3985328"' },
        { key: 'media/z', size: 0, etag: '"d41d8cd98f00b204e9800998ecf8427e-3"' },
      ],
      truncated: true,
      nextToken: '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=',
      urlEncoded: true,
    });
  });

  it('reads a last page, an empty page and raw (not url-encoded) keys with entities', () => {
    const last = `<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a &amp; b &lt;c&gt; &#233;&#x1F600;&apos;&quot;</Key><Size>7</Size><ETag>e</ETag></Contents></ListBucketResult>`;
    expect(parseListPage(last)).to.deep.equal({ contents: [{ key: `a & b <c> é😀'"`, size: 7, etag: 'e' }], truncated: false, urlEncoded: false });
    expect(parseListPage('<ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>')).to.deep.equal({
      contents: [],
      truncated: false,
      urlEncoded: false,
    });
  });

  it('does not take a field of an object for the page (a key named like a page field)', () => {
    const xml = `<ListBucketResult><Contents><Key>IsTruncated</Key><Size>1</Size><ETag>x</ETag></Contents><IsTruncated>false</IsTruncated></ListBucketResult>`;
    expect(parseListPage(xml)?.truncated).to.equal(false);
  });

  it('gives up (the SDK reads it) on what it was not made for', () => {
    expect(parseListPage('<ListBucketResult><Contents><Key><![CDATA[a]]></Key></Contents></ListBucketResult>')).to.equal(undefined);
    expect(parseListPage('<Error><Code>NoSuchBucket</Code></Error>')).to.equal(undefined);
    expect(parseListPage('<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>')).to.equal(undefined);
    expect(parseListPage('<ListBucketResult><Contents><Key>a</Key>')).to.equal(undefined);
  });

  it('decodes XML text', () => {
    expect(decodeXmlText('plain')).to.equal('plain');
    expect(decodeXmlText('&amp;lt; &#38; &#x26;')).to.equal('&lt; & &');
  });
});
