// One ListObjectsV2 page as plain data, read from the response's XML by a scanner made for this one
// document: S3's list result is flat (ListBucketResult > Contents > Key, Size, ETag...) and text
// never holds a raw `<`. The SDK's generic XML parse and schema walk took most of the controller's
// CPU on a listing of a million keys (and most of its garbage). Anything unexpected (CDATA, no
// ListBucketResult) returns undefined and the caller asks the SDK instead.

export interface ListedObject {
  /** As listed: URL-encoded when `urlEncoded`. */
  key: string;
  size: number;
  /** With S3's quotes, as listed. */
  etag: string;
}

export interface ListPage {
  contents: ListedObject[];
  truncated: boolean;
  nextToken?: string;
  urlEncoded: boolean;
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML character data → text: the five named entities and character references. */
export function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (_, hex: string | undefined, dec: string | undefined, name: string | undefined) =>
    name ? NAMED[name]! : String.fromCodePoint(hex ? parseInt(hex, 16) : Number(dec)),
  );
}

/** The text of the first `<tag>` in xml[from, to), or undefined; `<tag/>` is ''. */
function textOf(xml: string, tag: string, from: number, to: number): string | undefined {
  const open = xml.indexOf(`<${tag}`, from);
  if (open < 0 || open >= to) return undefined;
  const gt = xml.indexOf('>', open);
  const name = xml.slice(open + 1, gt).trimEnd();
  if (name === `${tag}/`) return '';
  if (name !== tag) return textOf(xml, tag, gt, to); // a longer name sharing the prefix (<KeyCount>)
  const close = xml.indexOf(`</${tag}>`, gt);
  if (close < 0 || close > to) return undefined;
  return decodeXmlText(xml.slice(gt + 1, close));
}

export function parseListPage(xml: string): ListPage | undefined {
  if (xml.includes('<![CDATA[') || !xml.includes('<ListBucketResult')) return undefined;
  const contents: ListedObject[] = [];
  let at = xml.indexOf('<Contents>');
  const firstContents = at < 0 ? xml.length : at;
  while (at >= 0) {
    const end = xml.indexOf('</Contents>', at);
    if (end < 0) return undefined;
    const key = textOf(xml, 'Key', at, end);
    if (key === undefined) return undefined;
    contents.push({ key, size: Number(textOf(xml, 'Size', at, end) ?? 0), etag: textOf(xml, 'ETag', at, end) ?? '' });
    at = xml.indexOf('<Contents>', end);
  }
  // The page's own fields sit outside every Contents element: look for them there only.
  const lastContents = xml.lastIndexOf('</Contents>');
  const outside = (tag: string) => textOf(xml, tag, 0, firstContents) ?? (lastContents < 0 ? undefined : textOf(xml, tag, lastContents, xml.length));
  const nextToken = outside('NextContinuationToken');
  return {
    contents,
    truncated: outside('IsTruncated') === 'true',
    ...(nextToken ? { nextToken } : {}),
    urlEncoded: outside('EncodingType') === 'url',
  };
}
