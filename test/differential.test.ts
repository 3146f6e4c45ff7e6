import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { addEdgeCases } from './differential/edge-cases.js';
import { Prisma } from '../src/db/generated/client.js';
import { generateOperations, gid, graphFields, type Facts, type Operation } from './differential/operations.js';
import { createTestApp, type GraphQLResponse, type TestApp } from './helpers/app.js';
import { createReference, type ReferenceResult } from './reference/schema.js';

/*
 * The read path against an independent oracle (issue 21, point 5): operations generated from
 * schema.graphql with a fixed seed run through the real server and through test/reference (plain
 * resolvers over Prisma Client, sharing no code with src/), and must answer alike: `data` as JSON
 * text, key order included, and errors by path and extensions.code. As shipped, every operation
 * is sent twice: the second time, one whose statement was kept is answered by it before it is
 * parsed (src/graphql/read/execute.ts), and must still answer as the reference does. Then every
 * ordering is walked page by page both ways and checked against the same order written in SQL.
 */

const SEED = 21;
const ACCOUNT = 'acme';
const PAGES = { defaultSize: 20, maxSize: 100 };
/** Limits that would refuse generated operations for their size, not their meaning, are lifted. */
const ENV = { MAX_COST: '100000000', MAX_ALIASES: '1000', MAX_DEPTH: '100', RATE_LIMIT_REQUESTS: '1000000', RATE_LIMIT_ACCOUNT_REQUESTS: '1000000' };
const CATEGORIES = ['issue-21', 'fields', 'selections', 'aliases', 'directives', 'filters', 'orderings', 'pagination', 'variables', 'errors'] as const;

interface Mismatch {
  category: string;
  query: string;
  variables: Record<string, unknown> | undefined;
  server: string;
  reference: string;
}

/** What two answers must share: data as JSON text (absent, null or a value), and each error's path and code. */
function observable(result: GraphQLResponse | ReferenceResult): { data: string; errors: string[]; messages: string } {
  return {
    data: result.data === undefined ? '(absent)' : JSON.stringify(result.data),
    errors: (result.errors ?? []).map((error) => `${JSON.stringify(error.path ?? null)} ${String(error.extensions?.code)}`).sort(),
    messages: (result.errors ?? []).map((error) => error.message).join(' | '),
  };
}

/** Both texts from a little before where they first differ. */
function divergence(a: string, b: string): [string, string] {
  let at = 0;
  while (at < a.length && a[at] === b[at]) at += 1;
  const from = Math.max(0, at - 120);
  const cut = (text: string) => `${from > 0 ? '…' : ''}${text.slice(from, at + 280)}${text.length > at + 280 ? '…' : ''}`;
  return [cut(a), cut(b)];
}

/**
 * The server's configurations that change how a read is executed (README's configuration table):
 * as shipped (a whole query written by one statement where it can be) and executed by graphql-js
 * with one planned statement per root field, so a difference points at the path it is on.
 */
const CONFIGURATIONS: Record<string, Record<string, string>> = {
  default: {},
  'SQL_RESPONSES=false': { SQL_RESPONSES: 'false' },
};
/** The configuration whose operations are each sent twice. */
const SENT_TWICE = 'default';

describe('the read path answers as an independent reference does', () => {
  const apps = new Map<string, TestApp>();
  let reference: ReturnType<typeof createReference>;
  const expected = new Map<string, Promise<ReferenceResult>>();
  /** The reference's answer, once per operation and variables, whichever configuration asks. */
  const answer = (operation: Operation) => {
    const key = JSON.stringify([operation.query, operation.variables ?? {}]);
    if (!expected.has(key)) expected.set(key, reference(operation.query, operation.variables));
    return expected.get(key)!;
  };
  let operations: Operation[];
  let covered: Set<string>;
  /** The call with the most legs (ties and missing values among them). */
  let legsParent: bigint;
  const counts = new Map<string, { compared: number; mismatched: number; reused: number }>();
  /** Requests of SENT_TWICE that a kept statement answered, from its request log. */
  let reused = 0;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) if (JSON.parse(line).reused === true) reused += 1;
        done();
      },
    });
    // The first configuration's app makes the database; the others share it.
    let first: TestApp | undefined;
    for (const [name, env] of Object.entries(CONFIGURATIONS)) {
      const logger = name === SENT_TWICE ? createLogger('info', { json: true, destination }) : createLogger('silent');
      const app = await createTestApp({ env: { ...ENV, ...env }, logger, ...(first ? { database: first } : {}) });
      first ??= app;
      apps.set(name, app);
    }
    const prisma = first!.db.prisma;
    await addEdgeCases(prisma, ACCOUNT);
    const facts: Facts = {
      calls: await prisma.call.findMany({ where: { accountId: ACCOUNT }, orderBy: { id: 'asc' } }),
      records: await prisma.callRecord.findMany({ where: { accountId: ACCOUNT }, orderBy: { id: 'asc' } }),
      recordings: await prisma.recording.findMany({ where: { accountId: ACCOUNT }, orderBy: { id: 'asc' } }),
      foreign: {
        call: (await prisma.call.findFirstOrThrow({ where: { accountId: { not: ACCOUNT } } })).id,
        record: (await prisma.callRecord.findFirstOrThrow({ where: { accountId: { not: ACCOUNT } } })).id,
        recording: (await prisma.recording.findFirstOrThrow({ where: { accountId: { not: ACCOUNT } } })).id,
      },
    };
    legsParent = (await prisma.call.findFirstOrThrow({ where: { accountId: ACCOUNT, externalId: 'edge-parent' } })).id;
    reference = createReference(prisma, ACCOUNT, PAGES);
    ({ operations, covered } = generateOperations(facts, SEED));
  });

  afterAll(async () => {
    const rows = [...counts].map(
      ([name, { compared, mismatched, reused: again }]) => `${name.padEnd(32)} ${String(compared).padStart(4)} compared ${String(mismatched).padStart(4)} mismatched ${String(again).padStart(4)} answered by a kept statement`,
    );
    console.info(`differential test, seed ${SEED}: ${operations?.length ?? 0} operations generated, ${expected.size} with follow-up pages\n${rows.join('\n')}`);
    for (const app of [...apps.values()].reverse()) await app.drop();
  });

  it('generates at least 300 operations that select every field of the call graph', () => {
    expect(operations.length).toBeGreaterThanOrEqual(300);
    expect(graphFields().filter((field) => !covered.has(field))).toEqual([]);
    for (const category of CATEGORIES) expect(operations.some((operation) => operation.category === category), category).toBe(true);
  });

  describe.each(Object.keys(CONFIGURATIONS))('%s', (configuration) => {
    it.each(CATEGORIES)('%s', async (category) => {
      const app = apps.get(configuration)!;
      const mismatches: Mismatch[] = [];
      const invalid: string[] = [];
      const queue = operations.filter((operation) => operation.category === category);
      let compared = 0;
      const reusedBefore = reused;
      while (queue.length > 0) {
        const operation = queue.shift()!;
        const oracle = observable(await answer(operation));
        // Generated documents are valid, but for the inputs meant to be refused.
        if (category !== 'errors' && oracle.data === '(absent)') invalid.push(`${operation.query}: ${oracle.messages}`);
        for (let send = configuration === SENT_TWICE ? 2 : 1; send > 0; send -= 1) {
          const server = observable(await app.gql(operation.query, operation.variables));
          compared += 1;
          if (server.data !== oracle.data || server.errors.join('\n') !== oracle.errors.join('\n')) {
            const [serverData, referenceData] = divergence(server.data, oracle.data);
            mismatches.push({
              category,
              query: operation.query,
              variables: operation.variables,
              server: `${serverData} errors: [${server.errors.join('; ')}] ${server.messages}`,
              reference: `${referenceData} errors: [${oracle.errors.join('; ')}] ${oracle.messages}`,
            });
          }
        }
        const data = (await answer(operation)).data;
        if (operation.next && data) queue.push(...operation.next(data));
      }
      counts.set(`${configuration} ${category}`, { compared, mismatched: mismatches.length, reused: reused - reusedBefore });
      expect(invalid, 'operations generated invalid').toEqual([]);
      // Every valid operation here is written whole by one statement, so each second send is
      // answered by the kept one; of the refused inputs, only those the planner accepts.
      if (configuration === SENT_TWICE && category !== 'errors') expect(reused - reusedBefore).toBeGreaterThanOrEqual(compared / 2);
      const shortest = [...mismatches].sort((a, b) => a.query.length - b.query.length).slice(0, 3);
      expect(
        shortest.map((m) => `${m.query}\nvariables: ${JSON.stringify(m.variables ?? {})}\nserver:    ${m.server}\nreference: ${m.reference}`),
        `${mismatches.length} of ${compared} ${category} operations answered unlike the reference; the shortest:`,
      ).toEqual([]);
    }, 120_000);
  });

  describe('every ordering, walked page by page both ways, is the order SQL gives', () => {
    type Run = (query: string, variables: Record<string, unknown>) => Promise<GraphQLResponse | ReferenceResult>;
    interface Walk {
      list: string;
      /** The connection field with its arguments ($after / $before, $first / $last, $order). */
      field: (order: string) => string;
      /** Where the connection is in the answer. */
      at: (data: any) => any;
      /** The ids in this order, by SQL written here. */
      sql: (column: string, direction: 'ASC' | 'DESC') => Prisma.Sql;
    }
    /**
     * The calls walked: the edge cases and two vendors, whose rows miss every sort value somewhere
     * (CallFire start and end times and durations, most prices) and tie on some; all of an
     * account's calls in pages of three, ten orderings, both ways, twice, would take minutes.
     */
    const WALKED_SOURCES = ['NATIVE', 'RESTCOMM', 'CALLFIRE'];
    const CALL_COLUMNS = { START_TIME: 'start_time', END_TIME: 'end_time', DURATION: 'duration', PRICE: 'price', CREATED_AT: 'created_at' };
    const RECORDING_COLUMNS = { RECORDED_AT: 'recorded_at', LENGTH: 'length_seconds' };
    const orderBy = (column: string, direction: 'ASC' | 'DESC') =>
      Prisma.raw(`${column} ${direction} NULLS ${direction === 'ASC' ? 'LAST' : 'FIRST'}, id ${direction}`);

    async function walk(run: Run, spec: Walk, order: { field: string; direction: string }, backward: boolean): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; ; page += 1) {
        const query = `query($cursor: String, $order: ${spec.list === 'recordings' ? 'RecordingOrder' : 'CallOrder'}) { ${spec.field(backward ? 'last: 3, before: $cursor' : 'first: 3, after: $cursor')} }`;
        const answer = await run(query, { cursor, order });
        expect(answer.errors, `${spec.list} ${JSON.stringify(order)} page ${page}`).toBeUndefined();
        const connection = spec.at(answer.data);
        const { pageInfo, edges } = connection;
        const pageIds = edges.map((edge: { node: { id: string } }) => edge.node.id);
        // The page's own cursors, and whether it says there is more on the side it came from.
        expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null);
        expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
        expect(backward ? pageInfo.hasNextPage : pageInfo.hasPreviousPage).toBe(page > 0);
        if (backward) ids.unshift(...pageIds);
        else ids.push(...pageIds);
        const more = backward ? pageInfo.hasPreviousPage : pageInfo.hasNextPage;
        if (!more) return ids;
        expect(edges).toHaveLength(3);
        cursor = backward ? pageInfo.startCursor : pageInfo.endCursor;
        expect(page).toBeLessThan(1000);
      }
    }

    const walks = (): Array<[string, Walk, Record<string, string>]> => {
      const parent = legsParent;
      return [
        [
          'calls',
          {
            list: 'calls',
            field: (args) => `calls(${args}, orderBy: $order, filter: { source: { in: [${WALKED_SOURCES.join(', ')}] } }) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } }`,
            at: (data) => data.calls,
            sql: (column, direction) => Prisma.sql`SELECT id::text AS key FROM calls WHERE account_id = ${ACCOUNT} AND source::text IN (${Prisma.join(WALKED_SOURCES)}) ORDER BY ${orderBy(column, direction)}`,
          },
          CALL_COLUMNS,
        ],
        [
          'legs',
          {
            list: 'legs',
            field: (args) => `call(id: "${gid('Call', parent)}") { legs(${args}, orderBy: $order) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`,
            at: (data) => data.call.legs,
            sql: (column, direction) => Prisma.sql`SELECT id::text AS key FROM calls WHERE account_id = ${ACCOUNT} AND parent_id = ${parent} ORDER BY ${orderBy(column, direction)}`,
          },
          CALL_COLUMNS,
        ],
        [
          'recordings',
          {
            list: 'recordings',
            field: (args) => `recordings(${args}, orderBy: $order) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } }`,
            at: (data) => data.recordings,
            sql: (column, direction) => Prisma.sql`SELECT id::text AS key FROM recordings WHERE account_id = ${ACCOUNT} ORDER BY ${orderBy(column, direction)}`,
          },
          RECORDING_COLUMNS,
        ],
      ];
    };

    it.each(['calls', 'legs', 'recordings'])('%s', async (name) => {
      const [, spec, columns] = walks().find(([list]) => list === name)!;
      const app = apps.get('default')!;
      const typename = name === 'recordings' ? 'Recording' : 'Call';
      for (const [field, column] of Object.entries(columns)) {
        for (const direction of ['ASC', 'DESC'] as const) {
          const statement = spec.sql(column, direction);
          const rows = await app.db.sql.query<{ key: string }>(statement.text, statement.values);
          const ids = rows.map((row) => gid(typename, BigInt(row.key)));
          const order = { field, direction };
          for (const [who, run] of [
            ['server', (query: string, variables: Record<string, unknown>) => app.gql(query, variables)],
            ['reference', (query: string, variables: Record<string, unknown>) => reference(query, variables)],
          ] as const) {
            expect(await walk(run, spec, order, false), `${who}: ${name} by ${field} ${direction}, forwards`).toEqual(ids);
            expect(await walk(run, spec, order, true), `${who}: ${name} by ${field} ${direction}, backwards`).toEqual(ids);
          }
        }
      }
    }, 300_000);
  });
});
