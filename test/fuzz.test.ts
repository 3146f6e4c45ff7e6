import fc from 'fast-check';
import { getNamedType, getNullableType, isEnumType, isInputObjectType, isListType, isNonNullType, type GraphQLInputType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.js';
import { createTestApp, type TestApp } from './helpers/app.js';

const SEED = 26;
const RUNS = 150;

type Scalars = Record<string, fc.Arbitrary<unknown>>;

/** Values of each scalar a careful client sends. */
const WELL_FORMED: Scalars = {
  String: fc.oneof(fc.constantFrom('+15551234567', '+1555', '1234', 'CA', '%', '_', "'"), fc.stringMatching(/^[0-9]{1,6}$/)),
  /** Set to ids of the seeded calls once they exist. */
  ID: fc.constant(null),
  Int: fc.integer({ min: 0, max: 5000 }),
  Boolean: fc.boolean(),
  DateTime: fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  Decimal: fc.double({ min: -100, max: 100, noNaN: true }).map((n) => n.toFixed(4)),
};

/** Any value of each scalar, with the malformed ones a client might send. */
const ANY: Scalars = {
  String: fc.oneof(fc.constantFrom('+1555', 'CA', 'acme', '', '%', '_', "'", '\\'), fc.string({ maxLength: 20, unit: 'binary' })),
  ID: fc.oneof(fc.constantFrom('Call:1', 'Call:-1', 'x'), fc.string({ maxLength: 12 })),
  Int: fc.oneof(fc.integer({ min: -10, max: 5000 }), fc.integer(), fc.constantFrom(2 ** 31, 2 ** 40, 1.5)),
  Boolean: fc.oneof(fc.boolean(), fc.constant('true')),
  DateTime: fc.oneof(
    fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '2026-13-01', 'now', '2026-08-10T17:56:01+14:00'),
  ),
  Decimal: fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }).map(String), fc.constantFrom('1e400', 'NaN', '-0.0085', '123456789')),
};

/** Values of an input type, nesting input objects at most `depth` deep (CallFilter's AND / OR / NOT recurse). */
function valueOf(type: GraphQLInputType, depth: number, scalars: Scalars): fc.Arbitrary<unknown> {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return fc.array(valueOf(nullable.ofType as GraphQLInputType, depth, scalars), { minLength: scalars === ANY ? 0 : 1, maxLength: 3 });
  const named = getNamedType(type);
  if (isEnumType(named)) {
    const values = fc.constantFrom(...named.getValues().map((v) => v.name));
    return scalars === ANY ? fc.oneof({ weight: 9, arbitrary: values }, { weight: 1, arbitrary: fc.constant('NOPE') }) : values;
  }
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields()).filter((field) => depth > 0 || !isInputObjectType(getNamedType(field.type)) || isNonNullType(field.type));
    const required = fields.filter((field) => isNonNullType(field.type));
    const optional = fields.filter((field) => !isNonNullType(field.type)).map((field) => field.name);
    // A few fields at a time, as a client writes a filter.
    return fc.shuffledSubarray(optional, { minLength: Math.min(1, optional.length), maxLength: Math.min(2, optional.length) }).chain((names) =>
      fc.record(Object.fromEntries([...required.map((f) => f.name), ...names].map((name) => [name, valueOf(named.getFields()[name]!.type, depth - 1, scalars)]))),
    );
  }
  return scalars[named.name] ?? fc.constant(null);
}

describe('fuzzing the calls filter and pagination', () => {
  let test: TestApp;
  let cursors: string[];
  beforeAll(async () => {
    test = await createTestApp({ seed: { calls: 60 }, env: { RATE_LIMIT_REQUESTS: '1000000', RATE_LIMIT_ACCOUNT_REQUESTS: '1000000' } });
    const { data } = await test.gql('{ calls(first: 5) { edges { cursor node { id } } } }');
    cursors = data!.calls.edges.map((edge: { cursor: string }) => edge.cursor);
    WELL_FORMED.ID = fc.constantFrom(...data!.calls.edges.map((edge: { node: { id: string } }) => edge.node.id));
  });
  afterAll(() => test.drop());

  it(`answers every generated request with data or coded errors (seed ${SEED}, ${RUNS} runs)`, { timeout: 300_000 }, async () => {
    const callFilter = schema.getType('CallFilter') as GraphQLInputType;
    const callOrder = schema.getType('CallOrder') as GraphQLInputType;
    const anyPage = fc.record(
      {
        first: fc.oneof(fc.integer({ min: -2, max: 120 }), fc.constant(null)),
        last: fc.oneof(fc.integer({ min: -2, max: 120 }), fc.constant(null)),
        after: fc.oneof(fc.constantFrom(...cursors), fc.string({ maxLength: 16 }), fc.constant(null)),
        before: fc.oneof(fc.constantFrom(...cursors), fc.constant(null)),
        orderBy: fc.oneof(valueOf(callOrder, 1, ANY), fc.constant(null)),
      },
      { requiredKeys: [] },
    );
    // A cursor belongs to the ordering it was issued in (the default one here).
    const wellFormedPage = fc.oneof(
      fc.record({ first: fc.integer({ min: 0, max: 100 }), after: fc.constantFrom(...cursors) }, { requiredKeys: [] }),
      fc.record({ first: fc.integer({ min: 0, max: 100 }), orderBy: valueOf(callOrder, 1, WELL_FORMED) }, { requiredKeys: [] }),
    );
    // Three in four requests are well formed, so that the filters run and answer, not only fail.
    const request = fc.oneof(
      { weight: 3, arbitrary: fc.record({ filter: valueOf(callFilter, 2, WELL_FORMED), page: wellFormedPage }) },
      { weight: 1, arbitrary: fc.record({ filter: valueOf(callFilter, 2, ANY), page: anyPage }) },
    );
    const query = `query($filter: CallFilter, $first: Int, $last: Int, $after: String, $before: String, $orderBy: CallOrder) {
      calls(filter: $filter, first: $first, last: $last, after: $after, before: $before, orderBy: $orderBy) {
        totalCount nodes { id status startTime } pageInfo { hasNextPage hasPreviousPage }
      }
    }`;
    const answered = { data: 0, errors: 0 };
    await fc.assert(
      fc.asyncProperty(request, async ({ filter, page }) => {
        const response = await test.post({ query, variables: { filter, ...page } });
        expect(response.status).toBeLessThan(500);
        const body = (await response.json()) as { data?: { calls?: { totalCount: number; nodes: unknown[] } } | null; errors?: Array<{ extensions?: { code?: string } }> };
        answered[body.errors ? 'errors' : 'data'] += 1;
        if (!body.errors) {
          expect(body.data!.calls!.nodes.length).toBeLessThanOrEqual(body.data!.calls!.totalCount);
          return;
        }
        for (const error of body.errors) {
          expect(error.extensions?.code).toBeTruthy();
          expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // The well-formed three quarters mostly answer with data; a filter rarely picks an impossible value.
    expect(answered.data).toBeGreaterThan(RUNS / 3);
  });
});
