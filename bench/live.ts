/**
 * npm run bench:live: live call data under load, on a PostgreSQL server (DATABASE_URL names the
 * server; the benchmark makes a database of its own there and drops it at the end).
 *
 * Two cdrql processes (two instances behind one database) hold SUBSCRIPTIONS open SSE
 * subscriptions, split evenly over two accounts and the two instances, while jambonz webhooks,
 * signed, arrive at RATE events per second for SECONDS seconds, alternately at each instance and
 * for each account. Every webhook creates one call with a unique id; every subscriber of its
 * account should receive it once. Measured: from each webhook's 2xx (and from its send) to its
 * delivery at each subscriber, events lost (deliveries expected and not received, subscribers
 * ended), server RSS over the run and server CPU per event. Loopback only; the load is bounded by
 * the parameters.
 */
import http from 'node:http';
import { createApiKey } from '../src/auth/api-keys.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrator.js';
import { seedDatabase } from '../src/db/seed/index.js';
import { createWebhookEndpoint } from '../src/webhooks/endpoints.js';
import { timestampedSignature } from '../src/webhooks/signatures.js';
import { createServerDatabase } from '../test/helpers/database.js';
import { cpuMsOf, databaseCpu, nodeEntry, sampleRss, startProcess, type ServerProcess } from './processes.js';

const SUBSCRIPTIONS = Number(process.env.LIVE_BENCH_SUBSCRIPTIONS ?? 1000);
const RATE = Number(process.env.LIVE_BENCH_RATE ?? 500);
const SECONDS = Number(process.env.LIVE_BENCH_SECONDS ?? 60);
/** A directory to write each server's CPU profile to (node --cpu-prof), when set. */
const PROFILE_DIR = process.env.LIVE_BENCH_PROFILE_DIR;
/** Time after the last webhook for deliveries still on their way. */
const DRAIN_MS = 10_000;
const ACCOUNTS = ['acme', 'globex'] as const;
const SECRET = 'bench-jambonz-webhook-secret';


const quantile = (sorted: number[], q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);

interface Subscriber {
  account: string;
  received: Map<string, number>;
  ended: boolean;
  errors: number;
}

/** Opens one SSE subscription over plain node:http (lighter than fetch at a thousand streams). */
function openSubscription(base: URL, key: string, subscriber: Subscriber, agent: http.Agent): Promise<http.ClientRequest> {
  const body = JSON.stringify({ query: 'subscription { callChanged { externalId } }' });
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: base.hostname,
        port: base.port,
        path: '/graphql',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept: 'text/event-stream', authorization: `Bearer ${key}` },
      },
      (response) => {
        if (response.statusCode !== 200) reject(new Error(`subscription answered ${response.statusCode}`));
        response.setEncoding('utf8');
        let buffer = '';
        response.on('data', (chunk: string) => {
          const now = performance.now();
          buffer += chunk;
          let at: number;
          while ((at = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, at);
            buffer = buffer.slice(at + 2);
            const id = /"externalId":"([^"]+)"/.exec(block);
            if (id) subscriber.received.set(id[1]!, now);
            else if (block.includes('"errors"')) subscriber.errors += 1;
          }
        });
        response.on('end', () => (subscriber.ended = true));
        response.on('error', () => (subscriber.ended = true));
        resolve(request);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function main() {
  const database = await createServerDatabase();
  if (!database) throw new Error('Set DATABASE_URL to a PostgreSQL server: the benchmark makes and drops a database of its own there.');
  const url = new URL(database.url);
  const name = url.pathname.slice(1);
  const servers: Array<ServerProcess & { url: URL }> = [];
  try {
    const db = await openDatabase({ url: url.toString(), poolSize: 4, preparedStatements: 100, pgliteDir: 'memory://', statementTimeoutMs: 0 });
    await migrate(db.sql);
    await seedDatabase(db.sql, { calls: 200, accounts: 2 });
    const keys: Record<string, string> = {};
    const endpoints: Record<string, string> = {};
    for (const account of ACCOUNTS) {
      keys[account] = (await createApiKey(db.prisma, { accountId: account, name: 'bench:live', scopes: ['READ'] }, 'cli')).key;
      endpoints[account] = (await createWebhookEndpoint(db.prisma, { accountId: account, format: 'jambonz', name: 'bench:live', secret: SECRET }, 'cli')).endpoint.id;
    }
    await db.close();

    for (let i = 0; i < 2; i += 1) {
      const server = await startProcess(
        PROFILE_DIR ? [process.execPath, '--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, '--import', 'tsx', 'src/cli/serve.ts'] : nodeEntry('src/cli/serve.ts'),
        {
          DATABASE_URL: url.toString(),
          PORT: '0',
          HOST: '127.0.0.1',
          NODE_ENV: 'production',
          SEED_ON_START: 'false',
          LIVE_MAX_SUBSCRIPTIONS_PER_KEY: String(SUBSCRIPTIONS),
          RATE_LIMIT_REQUESTS: '1000000',
        },
        /GraphQL at (http:\/\/\S+)\/graphql/,
      );
      servers.push({ ...server, url: new URL(server.match[1]!) });
    }

    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
    const subscribers: Subscriber[] = [];
    const requests: http.ClientRequest[] = [];
    for (let i = 0; i < SUBSCRIPTIONS; i += 1) {
      const account = ACCOUNTS[i % 2]!;
      const subscriber: Subscriber = { account, received: new Map(), ended: false, errors: 0 };
      subscribers.push(subscriber);
      requests.push(await openSubscription(servers[Math.floor(i / 2) % 2]!.url, keys[account]!, subscriber, agent));
    }
    // Every subscription registered and listening before the first webhook: a probe call per account reaches all of them.
    const postAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const sent = new Map<string, { account: string; sentAt: number; okAt?: number; status?: number }>();
    const post = (server: URL, account: string, callSid: string) => {
      const body = JSON.stringify({ call_sid: callSid, account_sid: 'bench', direction: 'inbound', from: '+15083084809', to: '+15083728299', call_status: 'ringing' });
      const t = Math.floor(Date.now() / 1000);
      const record: { account: string; sentAt: number; okAt?: number; status?: number } = { account, sentAt: performance.now() };
      sent.set(callSid, record);
      return new Promise<void>((resolve) => {
        const request = http.request(
          {
            host: server.hostname,
            port: server.port,
            path: `/webhooks/jambonz/${endpoints[account]}`,
            method: 'POST',
            agent: postAgent,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'jambonz-signature': `t=${t},v1=${timestampedSignature(SECRET, t, body)}` },
          },
          (response) => {
            response.resume();
            response.on('end', () => {
              record.status = response.statusCode;
              if (response.statusCode === 200) record.okAt = performance.now();
              resolve();
            });
          },
        );
        request.on('error', () => {
          record.status = 0;
          resolve();
        });
        request.end(body);
      });
    };
    for (const account of ACCOUNTS) await post(servers[0]!.url, account, `probe-${account}`);
    for (let waited = 0; waited < 30_000; waited += 100) {
      if (subscribers.every((s) => s.received.has(`probe-${s.account}`))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ready = subscribers.filter((s) => s.received.has(`probe-${s.account}`)).length;
    sent.clear();

    const pids = servers.map((server) => server.child.pid!);
    const rss = pids.map((pid) => sampleRss(pid, 500));
    const cpuBefore = pids.map(cpuMsOf);
    const pgCpu = databaseCpu(name);
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    const total = RATE * SECONDS;
    for (let n = 0; n < total; n += 1) {
      const due = started + (n * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const account = ACCOUNTS[n % 2]!;
      inFlight.push(post(servers[Math.floor(n / 2) % 2]!.url, account, `bench-${n}`));
    }
    const sendSeconds = (performance.now() - started) / 1000;
    await Promise.all(inFlight);
    const lastOk = performance.now();
    const acceptedPerAccount = new Map<string, number>();
    for (const r of sent.values()) if (r.okAt !== undefined) acceptedPerAccount.set(r.account, (acceptedPerAccount.get(r.account) ?? 0) + 1);
    for (let waited = 0; waited < DRAIN_MS; waited += 200) {
      // Each subscriber also holds its account's probe call.
      const missing = subscribers.some((s) => !s.ended && s.received.size - 1 < (acceptedPerAccount.get(s.account) ?? 0));
      if (!missing) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const cpuMs = pids.map((pid, i) => cpuMsOf(pid) - cpuBefore[i]!);
    const postgresMs = pgCpu.stop();
    const rssSamples = rss.map((sampler) => sampler.stop());
    const drainedMs = performance.now() - lastOk;

    const fromOk: number[] = [];
    const fromSend: number[] = [];
    let expected = 0;
    let lost = 0;
    const accepted = [...sent].filter(([, r]) => r.okAt !== undefined);
    for (const s of subscribers) {
      for (const [id, r] of accepted) {
        if (r.account !== s.account) continue;
        expected += 1;
        const at = s.received.get(id);
        if (at === undefined) {
          lost += 1;
          continue;
        }
        fromOk.push(at - r.okAt!);
        fromSend.push(at - r.sentAt);
      }
    }
    const crossed = subscribers.filter((s) => [...s.received.keys()].some((id) => sent.get(id) && sent.get(id)!.account !== s.account)).length;
    fromOk.sort((x, y) => x - y);
    fromSend.sort((x, y) => x - y);
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    const thirds = (samples: number[]) => {
      const third = Math.max(1, Math.floor(samples.length / 3));
      const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
      return (mean(samples.slice(-third)) / mean(samples.slice(0, third))).toFixed(2);
    };
    const failed = [...sent.values()].filter((r) => r.status !== 200);
    // By status; 0 is a request that failed without an answer (a reset connection).
    const byStatus = new Map<number, number>();
    for (const r of failed) byStatus.set(r.status ?? 0, (byStatus.get(r.status ?? 0) ?? 0) + 1);
    const row = [
      `${SUBSCRIPTIONS} (${ready} ready)`,
      `${RATE} × ${SECONDS} s`,
      `${accepted.length} / ${total} (${(total / sendSeconds).toFixed(0)}/s sent)`,
      failed.length === 0 ? '0' : `${failed.length} (${[...byStatus].map(([status, n]) => `${status}: ${n}`).join(', ')})`,
      `${quantile(fromOk, 0.5).toFixed(0)} / ${quantile(fromOk, 0.99).toFixed(0)}`,
      `${quantile(fromSend, 0.5).toFixed(0)} / ${quantile(fromSend, 0.99).toFixed(0)}`,
      `${expected - lost} / ${expected}`,
      lost,
      subscribers.filter((s) => s.ended).length,
      crossed,
      rssSamples.map((samples) => `${mb(Math.max(...samples))} (${thirds(samples)})`).join(', '),
      cpuMs.map((ms) => (ms / Math.max(1, accepted.length)).toFixed(2)).join(' + '),
      (postgresMs / Math.max(1, accepted.length)).toFixed(2),
      (drainedMs / 1000).toFixed(1),
    ];
    process.stdout.write(
      [
        `Run on ${new Date().toISOString().slice(0, 16)}Z: two cdrql processes on one PostgreSQL database, subscriptions split over both and over two accounts, jambonz webhooks alternating between them.`,
        '',
        '| subscriptions | webhooks | accepted | refused | 2xx → delivery p50 / p99 ms | send → delivery p50 / p99 ms | deliveries | lost | subscribers ended | cross-account | server peak RSS MB (last/first third) | server CPU ms per event (A + B) | PostgreSQL CPU ms per event | drain s |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        `| ${row.join(' | ')} |`,
        '',
      ].join('\n'),
    );
    for (const request of requests) request.destroy();
    agent.destroy();
    postAgent.destroy();
  } finally {
    for (const server of servers) await server.stop().catch(() => {});
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
