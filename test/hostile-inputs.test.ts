import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.js';
import { createTestApp, type TestApp } from './helpers/app.js';

/** A hostile value, and whether it must be refused (a long string may well be a fine filter). */
interface Hostile {
  label: string;
  value: unknown;
  refused: boolean;
}

const STRING_HOSTILES: Hostile[] = [
  { label: 'NUL', value: 'a\u0000b', refused: true },
  { label: 'lone surrogate', value: 'a\ud800b', refused: true },
  { label: 'lone low surrogate', value: '\udc00', refused: true },
  { label: '60 KB', value: 'x'.repeat(60_000), refused: false },
  { label: 'quote', value: "'; DROP TABLE calls; --", refused: false },
  { label: 'empty', value: '', refused: false },
  { label: 'a number', value: 7, refused: true },
];

/** Cursors and global ids: text a client copies from an answer, so also forged and foreign ones. */
const OPAQUE_HOSTILES: Hostile[] = [
  ...STRING_HOSTILES.filter((h) => h.label !== 'a number'),
  { label: 'a global id past bigint', value: 'Call:9999999999999999999', refused: true },
  { label: 'a cursor of the wrong type', value: Buffer.from(JSON.stringify(['x', { a: 1 }])).toString('base64url'), refused: true },
  // An id of no known form answers as one that does not exist (null), like another account's.
  { label: 'an id of no known form', value: Buffer.from('Nope:1').toString('base64'), refused: false },
];

const HOSTILES: Record<string, Hostile[]> = {
  String: STRING_HOSTILES,
  ID: OPAQUE_HOSTILES,
  Int: [
    { label: '2^40', value: 2 ** 40, refused: true },
    { label: '2^31', value: 2 ** 31, refused: true },
    { label: '-2^31', value: -(2 ** 31), refused: false },
    { label: '-1', value: -1, refused: false },
    { label: '1.5', value: 1.5, refused: true },
    { label: 'a string', value: '1', refused: true },
  ],
  Boolean: [{ label: 'a string', value: 'true', refused: true }],
  Float: [{ label: 'a string', value: 'x', refused: true }],
  DateTime: [
    { label: 'year 0', value: '0000-01-01T00:00:00Z', refused: true },
    { label: '30 February', value: '2026-02-30T00:00:00Z', refused: true },
    { label: 'hour 24', value: '2026-02-01T24:00:00Z', refused: true },
    { label: 'year 10000', value: '10000-01-01T00:00:00Z', refused: true },
    { label: 'year 1 less an offset', value: '0001-01-01T00:00:00+01:00', refused: true },
    { label: 'year 1', value: '0001-01-01T00:00:00Z', refused: false },
    { label: 'year 9999', value: '9999-12-31T23:59:59Z', refused: false },
    { label: 'not a date', value: 'yesterday', refused: true },
  ],
  Decimal: [
    { label: '1e400', value: '1e400', refused: true },
    { label: 'too many digits', value: '123456789.5', refused: true },
    { label: 'NaN', value: 'NaN', refused: true },
  ],
};

/** A value each type accepts, for the arguments and fields that are not under test. */
function sample(type: GraphQLInputType): unknown {
  const named = getNamedType(type);
  if (isListType(getNullableType(type))) return [sample((getNullableType(type) as { ofType: GraphQLInputType }).ofType)];
  if (isEnumType(named)) return named.getValues()[0]!.name;
  if (isInputObjectType(named)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(named.getFields())) if (isNonNullType(field.type)) value[field.name] = sample(field.type);
    return value;
  }
  const samples: Record<string, unknown> = { String: 'x', ID: 'x', Int: 1, Float: 1, Boolean: true, DateTime: '2026-01-01T00:00:00Z', Decimal: '1.5' };
  return samples[named.name];
}

/** Sets `value` at `path` inside `base` (a sample of the root argument), filling required fields on the way. */
function placed(type: GraphQLInputType, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [placed(nullable.ofType as GraphQLInputType, path, value)];
  const named = getNamedType(type);
  if (!isInputObjectType(named)) throw new Error(`cannot descend into ${named.name}`);
  const [head, ...rest] = path;
  const base = sample(type) as Record<string, unknown>;
  return { ...base, [head!]: placed(named.getFields()[head!]!.type, rest, value) };
}

interface Case {
  field: string;
  operation: 'query' | 'mutation';
  argument: string;
  path: string[];
  hostile: Hostile;
}

/** Every argument and input field of the schema, each input field once, with the hostile values of its type. */
function cases(): Case[] {
  const all: Case[] = [];
  const seen = new Set<string>();
  const walk = (field: string, operation: Case['operation'], argument: string, path: string[], type: GraphQLInputType, owner: string) => {
    const key = `${owner}.${path.at(-1) ?? argument}`;
    if (seen.has(key)) return;
    seen.add(key);
    const named = getNamedType(type);
    const nullable = getNullableType(type);
    const add = (hostile: Hostile) => all.push({ field, operation, argument, path, hostile });
    if (isListType(nullable)) {
      add({ label: 'null in the list', value: [null], refused: isNonNullType(nullable.ofType) });
      add({ label: 'lists nested 50 deep', value: JSON.parse('['.repeat(50) + ']'.repeat(50)), refused: true });
    }
    if (isInputObjectType(named)) {
      add({ label: 'a string for an object', value: 'x', refused: true });
      add({ label: 'an unknown field', value: { nope: 1 }, refused: true });
      for (const inner of Object.values(named.getFields()) as GraphQLInputField[]) walk(field, operation, argument, [...path, inner.name], inner.type, named.name);
      return;
    }
    if (isEnumType(named)) return add({ label: 'an unknown value', value: 'NOPE', refused: true });
    if (isScalarType(named)) {
      const opaque = path.length === 0 && ['after', 'before'].includes(argument);
      // revokeApiKey answers an id it does not know with a problem in its payload, not an error.
      const mutationId = named.name === 'ID' && operation === 'mutation';
      // An ID may be given as an Int (GraphQL coerces it to text).
      const idText = STRING_HOSTILES.filter((h) => h.label !== 'a number');
      for (const hostile of opaque ? OPAQUE_HOSTILES : mutationId ? idText : (HOSTILES[named.name] ?? [])) add(hostile);
    }
  };
  for (const [operation, root] of [['query', schema.getQueryType()], ['mutation', schema.getMutationType()]] as const) {
    for (const field of Object.values((root as GraphQLObjectType).getFields()) as GraphQLField<unknown, unknown>[]) {
      for (const argument of field.args as GraphQLArgument[]) walk(field.name, operation, argument.name, [], argument.type, `${root!.name}.${field.name}(`);
    }
  }
  return all;
}

/** What the data looks like: any change made by a hostile request shows here. */
const CHECKSUM = `SELECT (SELECT count(*) FROM calls)::text || '/' || (SELECT coalesce(max(revision), 0) FROM calls)::text || '/' ||
  (SELECT count(*) FROM call_records)::text || '/' || (SELECT count(*) FROM recordings)::text || '/' ||
  (SELECT count(*) FROM api_keys)::text || '/' || (SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL)::text AS sum`;

describe('every argument and input field of the schema, given hostile values', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp({ seed: { calls: 30 }, env: { NODE_ENV: 'production', RATE_LIMIT_REQUESTS: '1000000', RATE_LIMIT_ACCOUNT_REQUESTS: '1000000' } });
  });
  afterAll(() => test.drop());

  const checksum = async () => (await test.db.sql.query<{ sum: string }>(CHECKSUM))[0]!.sum;

  it('answers each with data or coded errors, never a 500 or an internal error, and changes nothing', { timeout: 600_000 }, async () => {
    const before = await checksum();
    const failures: string[] = [];
    const all = cases();
    expect(all.length).toBeGreaterThan(500);
    let lastField = '';
    for (const c of all) {
      const root = (c.operation === 'query' ? schema.getQueryType() : schema.getMutationType())!;
      const field = root.getFields()[c.field]!;
      // A mutation without a dry run keeps what it accepts (a key named "'; DROP TABLE calls; --"
      // is a key): only the values it must refuse are sent to it.
      if (c.operation === 'mutation' && !field.args.some((a) => a.name === 'dryRun') && !c.hostile.refused) continue;
      const variables: Record<string, unknown> = {};
      const declared = field.args.map((a) => `$${a.name}: ${String(a.type)}`);
      for (const arg of field.args) {
        if (arg.name === c.argument) variables[arg.name] = placed(arg.type, c.path, c.hostile.value);
        else if (arg.name === 'dryRun') variables[arg.name] = true;
        else if (isNonNullType(arg.type)) variables[arg.name] = sample(arg.type);
      }
      const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const selection = isScalarType(getNamedType(field.type)) ? '' : ' { __typename }';
      const query = `${c.operation}(${declared.join(', ')}) { ${c.field}(${args})${selection} }`;
      const where = `${c.field}(${[c.argument, ...c.path].join('.')}) ← ${c.hostile.label}`;
      const response = await test.post({ query, variables });
      const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
      const codes = (body.errors ?? []).map((e) => e.extensions?.code);
      if (response.status >= 500) failures.push(`${where}: HTTP ${response.status}`);
      if (codes.some((code) => !code)) failures.push(`${where}: an error without a code: ${body.errors!.find((e) => !e.extensions?.code)!.message.slice(0, 200)}`);
      if (codes.includes('INTERNAL_SERVER_ERROR')) failures.push(`${where}: INTERNAL_SERVER_ERROR`);
      if (c.hostile.refused && codes.length === 0) failures.push(`${where}: accepted`);
      if (c.field !== lastField) {
        lastField = c.field;
        const started = performance.now();
        const health = await Promise.race([test.app.fetch('http://test/health'), new Promise<null>((resolve) => setTimeout(() => resolve(null), 2000))]);
        if (health?.status !== 200) failures.push(`${where}: /health did not answer within 2 s (${Math.round(performance.now() - started)} ms)`);
      }
    }
    if (failures.length > 0) console.log(failures.join("\n"));
    expect(failures).toEqual([]);
    expect(await checksum()).toBe(before);
  });
});
