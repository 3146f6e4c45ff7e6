import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $last: Int, $before: String, $filter: CallFilter, $orderBy: CallOrder) {
    calls(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

const dbId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

describe('the call graph', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp();
    // Twelve calls that start at the same instant, to page across ties.
    await test.db.sql.query(
      `INSERT INTO calls (account_id, source, external_id, status, start_time, payload)
       SELECT 'acme', 'NATIVE', 'tie-' || n, 'COMPLETED', '2026-09-01T12:00:00Z', '{}' FROM generate_series(1, 12) n`,
    );
  });
  afterAll(() => test.drop());

  /** Every call id the API lists for a filter and order, page by page. */
  async function listAll(variables: Record<string, unknown>, pageSize = 100): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { data, errors } = await test.gql(PAGE, { ...variables, first: pageSize, after });
      expect(errors).toBeUndefined();
      ids.push(...data!.calls.edges.map((edge: any) => dbId(edge.node.id)));
      if (!data!.calls.pageInfo.hasNextPage) return ids;
      after = data!.calls.pageInfo.endCursor;
    }
  }

  async function sqlIds(where: string, orderBy = 'start_time DESC, id DESC', params: unknown[] = []): Promise<string[]> {
    const rows = await test.db.sql.query<{ call_id: string }>(
      `SELECT id::text AS call_id FROM calls c WHERE account_id = 'acme' AND (${where}) ORDER BY ${orderBy}`,
      params,
    );
    return rows.map((row) => row.call_id);
  }

  describe('objects', () => {
    it('expose every column under GraphQL names, with exact money, UTC times and the original payload', async () => {
      const [row] = await test.db.sql.query<Record<string, any>>(
        `SELECT id::text, external_id, price::text AS price, currency, to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS start,
                payload, status::text, source::text FROM calls WHERE account_id = 'acme' AND source = 'RESTCOMM' AND price IS NOT NULL ORDER BY id LIMIT 1`,
      );
      const { data } = await test.gql(
        `query($id: ID!) { call(id: $id) { id externalId source status startTime price { amount currency } payload isLeg answered revision } }`,
        { id: encodeGlobalID('Call', row!.id) },
      );
      expect(data!.call).toEqual({
        id: encodeGlobalID('Call', row!.id),
        externalId: row!.external_id,
        source: 'RESTCOMM',
        status: row!.status,
        startTime: row!.start,
        price: { amount: row!.price, currency: 'USD' },
        payload: row!.payload,
        isLeg: expect.any(Boolean),
        answered: expect.any(Boolean),
        revision: 1,
      });
      expect(data!.call.price.amount).toMatch(/^-0\.\d{6}$/);
    });

    it('find a call by the vendor’s id, and give null for unknown ids', async () => {
      const [row] = await test.db.sql.query<{ id: string; external_id: string }>(`SELECT id::text, external_id FROM calls WHERE account_id = 'acme' AND source = 'PBX' LIMIT 1`);
      const { data } = await test.gql(
        `query($x: String!) { found: callByExternalId(source: PBX, externalId: $x) { id } missing: callByExternalId(source: JAMBONZ, externalId: $x) { id } }`,
        { x: row!.external_id },
      );
      expect(data).toEqual({ found: { id: encodeGlobalID('Call', row!.id) }, missing: null });
    });

    it('resolve node(id) and nodes(ids) for every type, in order, with null for unknown ids', async () => {
      const [ids] = await test.db.sql.query<{ call: string; record: string; recording: string }>(
        `SELECT (SELECT min(id)::text FROM calls WHERE account_id = 'acme') AS call, (SELECT min(id)::text FROM call_records WHERE account_id = 'acme') AS record, (SELECT min(id)::text FROM recordings WHERE account_id = 'acme') AS recording`,
      );
      const wanted = [encodeGlobalID('Recording', ids!.recording), encodeGlobalID('Call', '999999999'), encodeGlobalID('CallRecord', ids!.record), encodeGlobalID('Call', ids!.call)];
      const { data, errors } = await test.gql(
        `query($ids: [ID!]!, $one: ID!) {
          nodes(ids: $ids) { __typename id ... on Call { externalId } ... on CallRecord { attempt } ... on Recording { url } }
          node(id: $one) { id }
          wrongType: call(id: $ids0) { id }
        }`.replace('$ids0', JSON.stringify(wanted[0])),
        { ids: wanted, one: encodeGlobalID('Call', '888888888') },
      );
      expect(errors).toBeUndefined();
      expect(data!.nodes.map((node: any) => node && node.__typename)).toEqual(['Recording', null, 'CallRecord', 'Call']);
      expect(data!.nodes[0].url).toEqual(expect.any(String));
      expect(data!.nodes[2].attempt).toBe(1);
      expect(data!.node).toBeNull();
      expect(data!.wrongType).toBeNull();
    });

    it('reject an id that is not one this API issued, and more than 100 ids', async () => {
      const { errors } = await test.gql(`{ node(id: "bm9wZQ") { id } }`);
      expect(errors?.[0]).toMatchObject({ message: 'id: "bm9wZQ" is not an id this API issued.', extensions: { code: 'BAD_USER_INPUT' } });
      const many = await test.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array.from({ length: 101 }, (_, i) => encodeGlobalID('Call', String(i + 1))) });
      expect(many.errors?.[0]).toMatchObject({ message: 'ids: at most 100 ids per request; got 101.', extensions: { code: 'BAD_USER_INPUT' } });
    });

    it('link parents, legs, attempts and recordings both ways', async () => {
      const [leg] = await test.db.sql.query<{ id: string; parent_id: string }>(
        `SELECT id::text, parent_id::text FROM calls WHERE account_id = 'acme' AND parent_id IN (SELECT parent_id FROM calls GROUP BY parent_id HAVING count(*) = 3) ORDER BY id LIMIT 1`,
      );
      const { data } = await test.gql(
        `query($id: ID!) { call(id: $id) { parent { id legs { totalCount nodes { id parent { id } } } } } }`,
        { id: encodeGlobalID('Call', leg!.id) },
      );
      expect(data!.call.parent.id).toBe(encodeGlobalID('Call', leg!.parent_id));
      expect(data!.call.parent.legs.totalCount).toBe(3);
      expect(data!.call.parent.legs.nodes.map((n: any) => n.parent.id)).toEqual(Array(3).fill(encodeGlobalID('Call', leg!.parent_id)));

      const [recording] = await test.db.sql.query<{ id: string; call_id: string; call_record_id: string }>(
        `SELECT id::text, call_id::text, call_record_id::text FROM recordings WHERE account_id = 'acme' AND call_record_id IS NOT NULL ORDER BY id LIMIT 1`,
      );
      const back = await test.gql(
        `query($id: ID!) { node(id: $id) { ... on Recording { call { id records { id recordings { id } } recordings { nodes { id } } } callRecord { id call { id } } } } }`,
        { id: encodeGlobalID('Recording', recording!.id) },
      );
      const node = back.data!.node;
      expect(node.call.id).toBe(encodeGlobalID('Call', recording!.call_id));
      expect(node.callRecord.id).toBe(encodeGlobalID('CallRecord', recording!.call_record_id));
      expect(node.callRecord.call.id).toBe(node.call.id);
      expect(node.call.recordings.nodes.map((n: any) => n.id)).toContain(encodeGlobalID('Recording', recording!.id));
      const attempt = node.call.records.find((r: any) => r.id === node.callRecord.id);
      expect(attempt.recordings.map((r: any) => r.id)).toContain(encodeGlobalID('Recording', recording!.id));
    });

    it('order attempts by attempt number and expose IVR answers', async () => {
      const [call] = await test.db.sql.query<{ call_id: string }>(
        `SELECT call_id::text FROM call_records WHERE account_id = 'acme' GROUP BY call_id HAVING count(*) = 3 AND bool_or(jsonb_array_length(question_responses) > 0) ORDER BY call_id LIMIT 1`,
      );
      const { data } = await test.gql(`query($id: ID!) { call(id: $id) { records { attempt result questionResponses { question response } } } }`, {
        id: encodeGlobalID('Call', call!.call_id),
      });
      expect(data!.call.records.map((r: any) => r.attempt)).toEqual([1, 2, 3]);
      expect(data!.call.records.at(-1).questionResponses[0]).toEqual({ question: 'satisfaction', response: expect.any(String) });
    });
  });

  describe('filters', () => {
    const cases: Array<[string, Record<string, unknown>, string, unknown[]?]> = [
      ['status in', { status: { in: ['BUSY', 'FAILED'] } }, `status IN ('BUSY', 'FAILED')`],
      ['status notIn', { status: { notIn: ['COMPLETED'] } }, `status <> 'COMPLETED'`],
      ['direction notIn keeps calls without a direction', { direction: { notIn: ['INBOUND'] } }, `direction IS DISTINCT FROM 'INBOUND'`],
      ['source and answeredBy', { source: { in: ['RESTCOMM'] }, answeredBy: { in: ['MACHINE'] } }, `source = 'RESTCOMM' AND answered_by = 'MACHINE'`],
      ['hangup disposition', { hangupDisposition: { in: ['UNDETERMINED', 'CALLER_CANCEL'] } }, `hangup_disposition IN ('UNDETERMINED', 'CALLER_CANCEL')`],
      ['pbx result and callfire final result', { OR: [{ pbxResult: { in: ['BRIDGED'] } }, { callfireFinalResult: { in: ['LA'] } }] }, `pbx_result = 'BRIDGED' OR callfire_final_result = 'LA'`],
      ['fromAddress eq', { fromAddress: { eq: '101' } }, `from_address = '101'`],
      ['fromAddress startsWith', { fromAddress: { startsWith: '1' } }, `from_address LIKE '1%'`],
      ['externalId in', { externalId: { in: ['tie-1', 'tie-2', 'nope'] } }, `external_id IN ('tie-1', 'tie-2')`],
      ['callerName startsWith', { callerName: { startsWith: 'ALICE' } }, `caller_name LIKE 'ALICE%'`],
      ['extensionId in', { extensionId: { in: ['101', '300'] } }, `extension_id IN (101, 300)`],
      ['startTime range', { startTime: { gte: '2026-09-01T00:00:00Z', lt: '2026-09-08T00:00:00Z' } }, `start_time >= '2026-09-01' AND start_time < '2026-09-08'`],
      ['duration range', { duration: { gte: 60, lte: 300 } }, `duration BETWEEN 60 AND 300`],
      ['bridgedDuration gt', { bridgedDuration: { gt: 100 } }, `bridged_duration > 100`],
      ['price lt', { price: { lt: '-0.02' } }, `price < -0.02`],
      ['sipStatus eq', { sipStatus: { eq: 486 } }, `sip_status = 486`],
      ['isLeg', { isLeg: true }, `parent_id IS NOT NULL OR parent_external_id IS NOT NULL`],
      ['hasRecording false', { hasRecording: false }, `NOT EXISTS (SELECT 1 FROM recordings r WHERE r.call_id = c.id)`],
      ['answered', { answered: true }, `answer_time IS NOT NULL OR status IN ('COMPLETED', 'IN_PROGRESS')`],
      ['NOT', { NOT: { source: { in: ['PBX', 'CALLFIRE'] } } }, `source NOT IN ('PBX', 'CALLFIRE')`],
      ['AND of ORs', { AND: [{ OR: [{ status: { in: ['BUSY'] } }, { duration: { gt: 500 } }] }, { direction: { in: ['INBOUND'] } }] }, `(status = 'BUSY' OR duration > 500) AND direction = 'INBOUND'`],
    ];

    it.each(cases)('%s matches the same calls as SQL', async (_name, filter, where) => {
      const expected = await sqlIds(where);
      expect(expected.length).toBeGreaterThan(0);
      expect(await listAll({ filter })).toEqual(expected);
    });

    it('matches phone numbers however they are written', async () => {
      const [sample] = await test.db.sql.query<{ from_number: string }>(`SELECT from_number FROM calls WHERE account_id = 'acme' AND from_number LIKE '+1%' ORDER BY id LIMIT 1`);
      const number = sample!.from_number;
      const typed = `+1 (${number.slice(2, 5)}) ${number.slice(5, 8)}-`;
      expect(await listAll({ filter: { fromNumber: { startsWith: typed } } })).toEqual(await sqlIds(`from_number LIKE $1`, undefined, [`${number.slice(0, 8)}%`]));
      const spaced = `${number.slice(1, 2)} ${number.slice(2, 5)} ${number.slice(5, 8)} ${number.slice(8)}`;
      expect(await listAll({ filter: { fromNumber: { eq: spaced } } })).toEqual(await sqlIds(`from_number = $1`, undefined, [number]));
      expect(await listAll({ filter: { toNumber: { in: [number, '+10000000000'] } } })).toEqual(await sqlIds(`to_number = $1`, undefined, [number]));
    });

    it('reads a number prefix as a range of the number index, whatever the collation', async () => {
      const { statements } = await test.recordQueries(() => test.gql(`{ calls(first: 5, filter: { fromNumber: { startsWith: "+1 646" } }) { nodes { id } } }`));
      const page = statements.find((statement) => statement.query.includes('from_number'))!;
      const plan = await test.db.sql.transaction(async (tx) => {
        // The page could also scan the account's calls in start-time order; this asks for the other plan.
        await tx.query('SET LOCAL enable_seqscan = off');
        await tx.query('SET LOCAL enable_indexscan = off');
        // Planned as a prepared statement run often is: without the values of its parameters.
        await tx.query('SET LOCAL plan_cache_mode = force_generic_plan');
        await tx.exec(`PREPARE prefix_page AS ${page.query}`);
        // EXECUTE takes no bound parameters: the values (an account id and numbers) as literals.
        const literals = page.params.map((value) => `'${String(value).replaceAll("'", "''")}'`);
        const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE prefix_page(${literals.join(', ')})`);
        await tx.exec('DEALLOCATE prefix_page');
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
      // The prefix is in the Index Cond: LIKE put only the account there, under every collation but C
      // (C.UTF-8 included), and in generic plans under any.
      expect(plan).toMatch(/Bitmap Index Scan on calls_account_id_from_number_idx\b[^\n]*\n\s+Index Cond: \(\(account_id = \$\d+\) AND \(from_number ~>=~ \$\d+\) AND \(from_number ~<~ \$\d+\)\)/);
    });

    it('finds the legs of a parent given by its global id', async () => {
      const [parent] = await test.db.sql.query<{ parent_id: string }>(`SELECT parent_id::text FROM calls WHERE account_id = 'acme' AND parent_id IS NOT NULL ORDER BY id LIMIT 1`);
      expect(await listAll({ filter: { parentId: encodeGlobalID('Call', parent!.parent_id) } })).toEqual(await sqlIds(`parent_id = ${parent!.parent_id}`));
    });

    it.each([
      [{ duration: { gt: 300, lt: 60 } }, 'filter.duration: the range is empty (its lower bound is not below its upper bound).'],
      [{ startTime: { gte: '2026-10-01T00:00:00Z', lt: '2026-10-01T00:00:00Z' } }, 'filter.startTime: the range is empty'],
      [{ price: { gt: '1', lte: '0.5' } }, 'filter.price: the range is empty'],
      [{ status: { in: [] } }, 'filter.status.in: an empty list matches nothing'],
      [{ status: { in: ['BUSY'], notIn: ['BUSY'] } }, 'filter.status: every value in "in" is also in "notIn"'],
      [{ fromNumber: { startsWith: 'alice' } }, 'filter.fromNumber.startsWith: "alice" is not a phone number'],
      [{ extensionId: { eq: '10x' } }, 'filter.extensionId: "10x" is not a numeric id.'],
      [{ OR: [] }, 'filter.OR: an empty OR matches nothing.'],
      [{ AND: [{ NOT: { duration: { gte: 9, lt: 3 } } }] }, 'filter.AND[0].NOT.duration: the range is empty'],
      [{ startTime: { gte: 'yesterday' } }, 'DateTime must be an ISO-8601 string'],
      [{ price: { gt: 'cheap' } }, 'Decimal must be a number'],
    ])('refuses %j with a clear error instead of an empty page', async (filter, message) => {
      const { data, errors } = await test.gql(PAGE, { filter });
      expect(data?.calls ?? null).toBeNull();
      expect(errors?.[0]?.message).toContain(message);
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('refuses an unknown enum value through GraphQL validation', async () => {
      const { errors } = await test.gql(PAGE, { filter: { status: { in: ['SLEEPING'] } } });
      expect(errors?.[0]?.message).toContain('Value "SLEEPING" does not exist in "CallStatus" enum');
    });
  });

  describe('ordering and paging', () => {
    it.each([
      ['START_TIME', 'DESC', 'start_time DESC, id DESC'],
      ['START_TIME', 'ASC', 'start_time ASC, id ASC'],
      ['END_TIME', 'DESC', 'end_time DESC, id DESC'],
      ['DURATION', 'ASC', 'duration ASC, id ASC'],
      ['DURATION', 'DESC', 'duration DESC, id DESC'],
      ['PRICE', 'ASC', 'price ASC, id ASC'],
      ['CREATED_AT', 'DESC', 'created_at DESC, id DESC'],
    ])('orders by %s %s with the id breaking ties, across pages', async (field, direction, sql) => {
      expect(await listAll({ orderBy: { field, direction } }, 37)).toEqual(await sqlIds('TRUE', sql));
    });

    it('pages forwards and backwards across calls that start at the same instant', async () => {
      const filter = { startTime: { gte: '2026-09-01T12:00:00Z', lte: '2026-09-01T12:00:00Z' } };
      const expected = await sqlIds(`start_time = '2026-09-01T12:00:00Z'`);
      expect(expected.length).toBeGreaterThanOrEqual(12);
      expect(await listAll({ filter }, 5)).toEqual(expected);

      const backwards: string[] = [];
      let before: string | undefined;
      let hasPrevious = true;
      while (hasPrevious) {
        const { data } = await test.gql(PAGE, { filter, last: 5, before });
        backwards.unshift(...data!.calls.edges.map((edge: any) => dbId(edge.node.id)));
        hasPrevious = data!.calls.pageInfo.hasPreviousPage;
        expect(data!.calls.pageInfo.hasNextPage).toBe(before !== undefined);
        before = data!.calls.pageInfo.startCursor;
      }
      expect(backwards).toEqual(expected);
    });

    it.each([
      ['START_TIME', 'ASC'],
      ['START_TIME', 'DESC'],
      ['END_TIME', 'ASC'],
      ['END_TIME', 'DESC'],
    ])('knows on every page by %s %s whether rows lie behind its cursor, calls without the value included', async (field, direction) => {
      const orderBy = { field, direction };
      const column = field === 'START_TIME' ? 'start_time' : 'end_time';
      const [nulls] = await test.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls WHERE account_id = 'acme' AND ${column} IS NULL`);
      expect(nulls!.n).toBeGreaterThan(0);
      let after: string | undefined;
      for (let page = 0; ; page += 1) {
        const { data } = await test.gql(PAGE, { orderBy, first: 100, after });
        expect(data!.calls.pageInfo.hasPreviousPage).toBe(page > 0);
        if (!data!.calls.pageInfo.hasNextPage) break;
        after = data!.calls.pageInfo.endCursor;
      }
      let before: string | undefined;
      for (let page = 0; ; page += 1) {
        const { data } = await test.gql(PAGE, { orderBy, last: 100, before });
        expect(data!.calls.pageInfo.hasNextPage).toBe(page > 0);
        if (!data!.calls.pageInfo.hasPreviousPage) break;
        before = data!.calls.pageInfo.startCursor;
      }
    });

    it('gives a correct pageInfo in both directions', async () => {
      const first = await test.gql(PAGE, { first: 3 });
      expect(first.data!.calls.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
      const second = await test.gql(PAGE, { first: 3, after: first.data!.calls.pageInfo.endCursor });
      expect(second.data!.calls.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
      const back = await test.gql(PAGE, { last: 3, before: second.data!.calls.pageInfo.startCursor });
      expect(back.data!.calls.edges).toEqual(first.data!.calls.edges);
      expect(back.data!.calls.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
      const end = await test.gql(PAGE, { last: 2 });
      expect(end.data!.calls.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
      const all = await sqlIds('TRUE');
      expect(end.data!.calls.edges.map((e: any) => dbId(e.node.id))).toEqual(all.slice(-2));
    });

    it('refuses malformed cursors, and cursors of another list or ordering', async () => {
      const { data } = await test.gql(PAGE, { first: 1 });
      const cursor = data!.calls.pageInfo.endCursor;
      const foreign = await test.gql(PAGE, { first: 1, after: cursor, orderBy: { field: 'DURATION', direction: 'ASC' } });
      expect(foreign.errors?.[0]?.message).toBe('after: this cursor belongs to another list or ordering (calls by START_TIME_DESC).');
      const forged = Buffer.from(JSON.stringify(['calls', 'START_TIME_DESC', null, 'DROP TABLE'])).toString('base64url');
      expect((await test.gql(PAGE, { after: forged })).errors?.[0]?.message).toBe('after: not a cursor this API issued.');
      expect((await test.gql(PAGE, { before: '%%%' , last: 1})).errors?.[0]?.message).toBe('before: not a cursor this API issued.');
      const legsCursor = await test.gql(`{ calls(first: 1, filter: { isLeg: false }) { nodes { legs(first: 1, after: ${JSON.stringify(cursor)}) { totalCount } } } }`);
      expect(legsCursor.errors?.[0]?.message).toContain('this cursor belongs to another list or ordering');
    });

    it('bounds page sizes: 20 by default, at most 100', async () => {
      expect((await test.gql(PAGE, {})).data!.calls.edges).toHaveLength(20);
      expect((await test.gql(PAGE, { first: 100 })).data!.calls.edges).toHaveLength(100);
      expect((await test.gql(PAGE, { first: 101 })).errors?.[0]).toMatchObject({ message: 'first must be between 0 and 100; got 101.', extensions: { code: 'BAD_USER_INPUT' } });
      expect((await test.gql(PAGE, { last: -1 })).errors?.[0]?.message).toBe('last must be between 0 and 100; got -1.');
      expect((await test.gql(PAGE, { first: 1, last: 1 })).errors?.[0]?.message).toBe('Give first or last, not both.');
      const legs = await test.gql(`{ calls(first: 1) { nodes { legs(first: 500) { totalCount } } } }`);
      expect(legs.errors?.[0]?.message).toBe('first must be between 0 and 100; got 500.');
    });

    it('pages a call’s legs by their cursors, read through edges or pageInfo, and renders no cursor when none is read', async () => {
      const [parent] = await test.db.sql.query<{ id: string; legs: string[] }>(
        `SELECT p.id::text AS id, array_agg(l.id::text ORDER BY l.start_time, l.id) AS legs
           FROM calls p JOIN calls l ON l.parent_id = p.id WHERE p.account_id = 'acme'
          GROUP BY p.id HAVING count(*) >= 3 ORDER BY p.id LIMIT 1`,
      );
      expect(parent).toBeDefined();
      const LEGS = /* GraphQL */ `
        query Legs($id: ID!, $after: String) {
          call(id: $id) { legs(first: 1, after: $after) { ...LegPage } }
        }
        fragment LegPage on CallConnection { edges { ...LegEdge } pageInfo { hasNextPage endCursor } }
        fragment LegEdge on CallEdge { cursor node { id } }
      `;
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const { data, errors } = await test.gql(LEGS, { id: encodeGlobalID('Call', parent!.id), after });
        expect(errors).toBeUndefined();
        const page = data!.call.legs;
        expect(page.edges[0].cursor).toBe(page.pageInfo.endCursor);
        seen.push(...page.edges.map((edge: any) => dbId(edge.node.id)));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual(parent!.legs);
      const withoutCursors = await test.recordQueries(() => test.gql(`{ calls(first: 3) { nodes { legs(first: 2) { nodes { id } } } } }`));
      expect(withoutCursors.queries.join('\n')).not.toContain('_cursor');
    });

    it('counts the total only when totalCount is selected', async () => {
      const without = await test.recordQueries(() => test.gql(PAGE, { first: 5 }));
      expect(without.queries.join('\n')).not.toContain('count(*)::int');
      const withTotal = await test.recordQueries(() => test.gql(`{ calls(first: 5, filter: { status: { in: [BUSY] } }) { totalCount } }`));
      expect(withTotal.queries.join('\n')).toContain('count(*)::int');
      expect(withTotal.result.data!.calls.totalCount).toBe((await sqlIds(`status = 'BUSY'`)).length);
    });
  });

  describe('batching', () => {
    const NESTED = /* GraphQL */ `
      query Nested($first: Int) {
        calls(first: $first) {
          totalCount
          nodes {
            id externalId status startTime
            parent { id externalId }
            legs(first: 5) { totalCount nodes { id externalId } }
            records { attempt recordings { id url } }
          }
        }
      }
    `;

    // 100 rows: the newest calls start with those never dialled (no start time), and only CallFire attempts have recordings.
    it('reads a page with its count, parents, legs, attempts and recordings in one SQL statement, for 10 rows as for 100', async () => {
      const small = await test.recordQueries(() => test.gql(NESTED, { first: 10 }));
      const large = await test.recordQueries(() => test.gql(NESTED, { first: 100 }));
      expect(small.result.errors).toBeUndefined();
      expect(large.result.errors).toBeUndefined();
      const nodes = large.result.data!.calls.nodes;
      expect(nodes.some((n: any) => n.parent)).toBe(true);
      expect(nodes.some((n: any) => n.legs.nodes.length > 0)).toBe(true);
      expect(nodes.some((n: any) => n.records.some((r: any) => r.recordings.length > 0))).toBe(true);
      expect(large.queries).toHaveLength(1);
      expect(small.queries).toHaveLength(1);
    });

    it('answers nested lists exactly as SQL does', async () => {
      const { data } = await test.gql(NESTED, { first: 50 });
      for (const node of data!.calls.nodes) {
        const legs = await sqlIds(`parent_id = ${dbId(node.id)}`, 'start_time ASC, id ASC');
        expect(node.legs.totalCount).toBe(legs.length);
        expect(node.legs.nodes.map((leg: any) => dbId(leg.id))).toEqual(legs.slice(0, 5));
      }
    });
  });
});

describe('scoped to one account', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp();
  });
  afterAll(() => test.drop());

  it('reads a deep page with the same index range scan as the first page', async () => {
    await test.gql(PAGE, { first: 1 }); // the key is verified once, then remembered
    const first = await test.recordQueries(() => test.gql(PAGE, { first: 20 }));
    let after: string | undefined;
    for (let page = 0; page < 5; page += 1) {
      const { data } = await test.gql(PAGE, { first: 20, after });
      after = data!.calls.pageInfo.endCursor;
    }
    const deep = await test.recordQueries(() => test.gql(PAGE, { first: 20, after }));
    for (const { queries } of [first, deep]) {
      expect(queries).toHaveLength(1);
      expect(queries[0]).not.toMatch(/OFFSET/i);
    }
    for (const { statements } of [first, deep]) {
      const plan = await test.explain(statements[0]!);
      expect(plan).toMatch(/Index (Only )?Scan Backward using calls_account_id_start_time_id_status_direction_idx on calls t\d+(_\d+)?\b/);
      expect(plan).not.toMatch(/->\s+Sort\b/);
    }
    expect(deep.statements[0]!.query).toContain('(t0.start_time, t0.id) < ($');
  });
});
