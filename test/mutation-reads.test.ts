import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

/** `pairs` parents, each with one leg that names it, as upsertCalls takes them. */
const parentsWithLegs = (prefix: string, pairs: number) =>
  Array.from({ length: pairs }, (_, i) => [
    { externalId: `${prefix}-p${i}`, status: 'COMPLETED', startTime: `2026-10-01T10:${String(i).padStart(2, '0')}:00Z` },
    { externalId: `${prefix}-l${i}`, parentExternalId: `${prefix}-p${i}`, status: 'COMPLETED', startTime: `2026-10-01T10:${String(i).padStart(2, '0')}:30Z` },
  ]).flat();

const UPSERT = `mutation ($calls: [CallInput!]!) {
  upsertCalls(calls: $calls) {
    inserted
    calls { externalId parent { externalId } legs(first: 5) { totalCount nodes { externalId parent { externalId } } } }
  }
}`;

describe('objects a mutation returns', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp();
    await test.gql('{ __typename }');
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('are read with their parents and legs in one planned statement, however many there are', async () => {
    const counts: number[] = [];
    for (const [prefix, pairs] of [
      ['ten', 5],
      ['fifty', 25],
    ] as const) {
      const calls = parentsWithLegs(prefix, pairs);
      const { result, statements } = await test.recordQueries(() => test.gql(UPSERT, { calls }));
      expect(result.errors).toBeUndefined();
      const answered = result.data!.upsertCalls.calls as Array<{ externalId: string; parent: { externalId: string } | null; legs: { totalCount: number; nodes: unknown[] } }>;
      expect(answered.map((call) => call.externalId)).toEqual(calls.map((call) => call.externalId));
      for (const call of answered) {
        if (call.externalId.includes('-l')) {
          expect(call.parent?.externalId).toBe(call.externalId.replace('-l', '-p'));
          expect(call.legs.totalCount).toBe(0);
        } else {
          expect(call.parent).toBeNull();
          expect(call.legs.nodes).toEqual([{ externalId: call.externalId.replace('-p', '-l'), parent: { externalId: call.externalId } }]);
        }
      }
      // The answer's calls, parents and legs: one statement through the planner.
      expect(statements.filter((statement) => statement.query.includes('json_object_agg'))).toHaveLength(1);
      counts.push(statements.length);
    }
    // Writing and answering 50 calls takes the statements 10 take.
    expect(counts[1]).toBe(counts[0]);
  });

  it('are none for a dry run', async () => {
    const { data, errors } = await test.gql(UPSERT.replace('upsertCalls(calls: $calls)', 'upsertCalls(calls: $calls, dryRun: true)'), { calls: parentsWithLegs('dry', 2) });
    expect(errors).toBeUndefined();
    expect(data!.upsertCalls).toEqual({ inserted: 4, calls: [] });
  });
});
