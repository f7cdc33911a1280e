// Notifications against a local HTTP server: Slack-compatible JSON on success and failure,
// secrets masked, and every way a webhook can fail comes back as a one-line warning.
import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { notifyRun, webhookOrigin } from '../../../src/notify/send.js';
import { slackPayload, type RunSummary } from '../../../src/notify/payload.js';

const SECRET = 'pg-Secr3t-passw0rd';
const counters = (o: Partial<Record<'ok' | 'changed' | 'unreachable' | 'failed' | 'skipped', number>>) => ({ ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, ...o });

const success: RunSummary = {
  pair: 'prod-to-stage2',
  command: 'run',
  exitCode: 0,
  durationMs: 31_400,
  recap: { db1: counters({ ok: 4, changed: 2 }), stage2: counters({ ok: 7, changed: 4 }) },
  failures: [],
};
const failure: RunSummary = {
  ...success,
  exitCode: 2,
  recap: { db1: counters({ ok: 4, changed: 2 }), stage2: counters({ ok: 3, failed: 1, skipped: 2 }) },
  failures: [{ host: 'stage2', step: 'post_restore_sql', unreachable: false, message: `ERROR: bad value for $1 (was ${SECRET})\nline 2` }],
};

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  path: string;
}

async function server(status = 200, delayMs = 0): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const s: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body, path: req.url ?? '' });
      setTimeout(() => res.writeHead(status).end(status === 200 ? 'ok' : 'no'), delayMs);
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXXtoken`,
    received,
    close: () => new Promise((r) => { s.closeAllConnections(); s.close(() => r()); }),
  };
}

describe('notifications (Slack-compatible webhook)', () => {
  it('posts a success and a failure message, with pair, result, duration, per-host recap, failed step and error, no secrets', async () => {
    const srv = await server();
    try {
      expect(await notifyRun(srv.url, success, [SECRET])).to.deep.equal({ ok: true, status: 200 });
      expect(await notifyRun(srv.url, failure, [SECRET])).to.deep.equal({ ok: true, status: 200 });
      expect(srv.received).to.have.length(2);
      for (const r of srv.received) {
        expect(r.headers['content-type']).to.equal('application/json');
        expect(r.path).to.equal('/services/T000/B000/XXXXtoken');
        expect(r.body).to.not.include(SECRET);
      }
      const ok = JSON.parse(srv.received[0]!.body);
      expect(ok.text).to.equal('stagesync prod-to-stage2 succeeded in 31.4s');
      expect(ok.attachments[0].color).to.equal('good');
      const fields = Object.fromEntries(ok.attachments[0].fields.map((f: { title: string; value: string }) => [f.title, f.value]));
      expect(fields).to.include({ pair: 'prod-to-stage2', result: 'ok (exit 0)', duration: '31.4s', stage2: 'ok=7 changed=4 unreachable=0 failed=0 skipped=0' });

      const bad = JSON.parse(srv.received[1]!.body);
      expect(bad.text).to.equal('stagesync prod-to-stage2 FAILED in 31.4s: stage2 post_restore_sql: ERROR: bad value for $1 (was ********)');
      expect(bad.attachments[0].color).to.equal('danger');
      const bf = bad.attachments[0].fields.map((f: { title: string; value: string }) => `${f.title}=${f.value}`);
      expect(bf).to.include.members(['result=failed (exit 2)', 'failed step=stage2: post_restore_sql', 'error=ERROR: bad value for $1 (was ********)\nline 2', 'stage2=ok=3 changed=0 unreachable=0 failed=1 skipped=2']);
    } finally {
      await srv.close();
    }
  });

  it('names unreachable hosts and interrupted runs', () => {
    const p = slackPayload({ ...failure, exitCode: 4, failures: [{ host: 'stage2', step: 'preflight', unreachable: true, message: 'connect ECONNREFUSED' }] });
    expect(p.text).to.equal('stagesync prod-to-stage2 FAILED (host unreachable) in 31.4s: stage2 preflight: connect ECONNREFUSED');
    expect(slackPayload({ ...success, exitCode: 99, command: 'rollback' }).text).to.equal('stagesync prod-to-stage2 rollback was interrupted in 31.4s');
  });

  it('turns an HTTP error, a refused connection and a timeout into a warning without the webhook token', async () => {
    const srv = await server(500);
    const slow = await server(200, 3000);
    try {
      const r500 = await notifyRun(srv.url, success, []);
      expect(r500).to.include({ ok: false, status: 500 });
      expect(r500.error).to.match(/^notification to http:\/\/127\.0\.0\.1:\d+\/… failed: HTTP 500/);
      const timeout = await notifyRun(slow.url, success, [], 300);
      expect(timeout.ok).to.equal(false);
      expect(timeout.error).to.match(/failed: no answer within 0.3s$/);
    } finally {
      await srv.close();
      await slow.close();
    }
    const gone = await server();
    await gone.close();
    const refused = await notifyRun(gone.url, success, []);
    expect(refused.ok).to.equal(false);
    expect(refused.error).to.match(/failed: ECONNREFUSED$/, refused.error);
    expect(refused.error).to.not.include('XXXXtoken');
    expect(webhookOrigin(gone.url)).to.match(/^http:\/\/127\.0\.0\.1:\d+\/…$/);
  });
});
