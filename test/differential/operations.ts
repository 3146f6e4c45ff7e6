import { readFileSync } from 'node:fs';
import { buildSchema, getNamedType, isEnumType, isInputObjectType, isLeafType, type GraphQLInputObjectType, type GraphQLObjectType } from 'graphql';
import type { Call, CallRecord, Recording } from '../../src/db/generated/client.js';

/*
 * Operations over the call graph generated from schema.graphql with a fixed seed: random
 * selections of every field of the graph's types (aliases, fragments, inline fragments, @include /
 * @skip on literals and variables, __typename, relations nested four deep), filters over every
 * CallFilter and RecordingFilter field, every ordering, pages both ways from real cursors, variables
 * with defaults, and inputs that must be refused. Everything is text a client could send.
 */

export interface Operation {
  category: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Operations made from this one's (reference) answer: pages after / before its cursors. */
  next?: (data: any) => Operation[];
}

/** The rows of the account under test (and ids of another account's rows, which must stay invisible). */
export interface Facts {
  calls: Call[];
  records: CallRecord[];
  recordings: Recording[];
  foreign: { call: bigint; record: bigint; recording: bigint };
}

export const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

/** Fields with a scalar or enum value, per type of the call graph. */
const leavesOf = (type: string) =>
  Object.values((schema.getType(type) as GraphQLObjectType).getFields())
    .filter((field) => isLeafType(getNamedType(field.type)))
    .map((field) => field.name);

/** The call graph's object types and every field of each. */
export const GRAPH_TYPES = ['Call', 'CallRecord', 'Recording', 'Extension', 'Money', 'QualityRating', 'QuestionResponse', 'CallConnection', 'CallEdge', 'RecordingConnection', 'RecordingEdge', 'PageInfo'];
export const graphFields = () =>
  GRAPH_TYPES.flatMap((type) => Object.keys((schema.getType(type) as GraphQLObjectType).getFields()).map((field) => `${type}.${field}`));

const enumValues = (type: string) => (schema.getType(type) as unknown as { getValues(): Array<{ name: string }> }).getValues().map((v) => v.name);

/** A small fast PRNG with a 32-bit state (mulberry32). */
export function mulberry32(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float = () => this.next();
  chance = (p: number) => this.next() < p;
  int = (min: number, max: number) => min + Math.floor(this.next() * (max - min + 1));
  pick = <T>(items: readonly T[]): T => items[Math.floor(this.next() * items.length)]!;
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
  subset = <T>(items: readonly T[], min: number, max: number): T[] => this.shuffle(items).slice(0, this.int(min, Math.min(max, items.length)));
}

/** An enum value in a GraphQL literal (a bare name); a plain string in variables. */
export class EnumValue {
  constructor(readonly name: string) {}
}

export function literal(value: unknown): string {
  if (value instanceof EnumValue) return value.name;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{ ${Object.entries(value)
      .map(([key, inner]) => `${key}: ${literal(inner)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(value);
}

export function plain(value: unknown): unknown {
  if (value instanceof EnumValue) return value.name;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  return value;
}

export const gid = (typename: string, id: bigint) => Buffer.from(`${typename}:${id}`).toString('base64');

/** A field with a directive: after its name and arguments, before its selection set. */
function withDirective(field: string, directive: string): string {
  let depth = 0;
  for (let i = 0; i < field.length; i += 1) {
    if (field[i] === '(') depth += 1;
    if (field[i] === ')') depth -= 1;
    if (field[i] === '{' && depth === 0) return `${field.slice(0, i)}${directive} ${field.slice(i)}`;
  }
  return `${field} ${directive}`;
}

/** One document being written: its variables, its fragments, and the fields it selects. */
class Document {
  private readonly variables = new Map<string, { type: string; value?: unknown; defaultLiteral?: string }>();
  private readonly fragments: string[] = [];
  constructor(readonly covered: Set<string>) {}

  variable(type: string, value: unknown, defaultLiteral?: string): string {
    const name = `v${this.variables.size + 1}`;
    this.variables.set(name, { type, value, defaultLiteral });
    return `$${name}`;
  }

  fragment(on: string, body: string): string {
    const name = `F${this.fragments.length + 1}`;
    this.fragments.push(`fragment ${name} on ${on} { ${body} }`);
    return name;
  }

  /** The document with `root` as its operation's selection, an operation of `keyword`, with `extra` variables besides. */
  operation(category: string, root: string, keyword = 'query', extra: string[] = []): Operation {
    const definitions = [...extra, ...[...this.variables].map(([name, v]) => `$${name}: ${v.type}${v.defaultLiteral !== undefined ? ` = ${v.defaultLiteral}` : ''}`)];
    const header = definitions.length ? `${keyword}(${definitions.join(', ')})` : keyword;
    const variables = Object.fromEntries([...this.variables].filter(([, v]) => v.value !== undefined).map(([name, v]) => [name, plain(v.value)]));
    return { category, query: [`${header} { ${root} }`, ...this.fragments].join('\n'), variables };
  }
}

const CALL_ORDER_FIELDS = enumValues('CallOrderField');
const RECORDING_ORDER_FIELDS = enumValues('RecordingOrderField');

/**
 * A subscription to changed calls with a generated selection and filter, and its oracle: the same
 * selection of one call (`$callId`, a global id) and the calls the same filter finds, as a query.
 */
export interface SubscriptionCase {
  subscription: string;
  oracle: string;
  variables: Record<string, unknown>;
}

export function generateOperations(facts: Facts, seed: number): { operations: Operation[]; covered: Set<string>; subscriptions: SubscriptionCase[] } {
  const random = new Random(seed);
  const covered = new Set<string>();
  const operations: Operation[] = [];
  const calls = facts.calls;
  const parents = calls.filter((call) => calls.some((leg) => leg.parentId === call.id));
  const legs = calls.filter((call) => call.parentId !== null);
  const recorded = calls.filter((call) => facts.recordings.some((r) => r.callId === call.id));
  const attempted = calls.filter((call) => facts.records.some((r) => r.callId === call.id));
  const someCall = () => random.pick(random.chance(0.5) ? calls : random.pick([parents, legs, recorded, attempted]));

  // ---- selections ------------------------------------------------------------------------
  let aliasCount = 0;
  const alias = () => `a${++aliasCount}`;
  const see = (type: string, field: string) => covered.add(`${type}.${field}`);

  /** A directive, literal or variable, and whether it keeps the field. */
  function directive(doc: Document): { text: string; keeps: boolean } {
    const include = random.chance(0.5);
    const value = random.chance(0.5);
    const argument = random.chance(0.5) ? String(value) : doc.variable('Boolean!', value);
    return { text: `@${include ? 'include' : 'skip'}(if: ${argument})`, keeps: include === value };
  }

  function leaves(doc: Document, type: string, min: number, max: number): string[] {
    const picked = random.subset(leavesOf(type), min, max);
    picked.forEach((field) => see(type, field));
    return picked.map((field) => (random.chance(0.08) ? `${alias()}: ${field}` : field));
  }

  function small(type: string, field: string, target: string, doc: Document): string {
    see(type, field);
    return `${field} { ${leaves(doc, target, 1, 5).join(' ')}${random.chance(0.3) ? ' __typename' : ''} }`;
  }

  function pageArgs(doc: Document, orderType: string | undefined, fields: string[], max: number): string {
    const args: string[] = [];
    const size = random.int(0, max);
    if (random.chance(0.2)) args.push(`last: ${size}`);
    else if (random.chance(0.9)) args.push(`first: ${random.chance(0.15) ? doc.variable('Int', size) : size}`);
    if (orderType && random.chance(0.35)) {
      args.push(`orderBy: { field: ${random.pick(fields)}, direction: ${random.pick(['ASC', 'DESC'])} }`);
    }
    return args.length ? `(${args.join(', ')})` : '';
  }

  function connection(doc: Document, node: 'Call' | 'Recording', depth: number): string {
    const type = `${node}Connection`;
    const parts: string[] = [];
    if (random.chance(0.4)) (see(type, 'totalCount'), parts.push('totalCount'));
    if (random.chance(0.5)) (see(type, 'pageInfo'), parts.push(`pageInfo { ${leaves(doc, 'PageInfo', 1, 4).join(' ')} }`));
    if (random.chance(0.6)) {
      see(type, 'edges');
      see(`${node}Edge`, 'node');
      const cursor = random.chance(0.5);
      if (cursor) see(`${node}Edge`, 'cursor');
      parts.push(`edges { ${cursor ? 'cursor ' : ''}node { ${selection(doc, node, depth)} }${random.chance(0.2) ? ' __typename' : ''} }`);
    }
    if (parts.length === 0 || random.chance(0.5)) (see(type, 'nodes'), parts.push(`nodes { ${selection(doc, node, depth)} }`));
    if (random.chance(0.2)) parts.push('__typename');
    return random.shuffle(parts).join(' ');
  }

  function relation(doc: Document, type: string, depth: number, keys: Set<string>): string | undefined {
    const key = (field: string) => {
      if (!keys.has(field) && random.chance(0.7)) return (keys.add(field), field);
      return `${alias()}: ${field}`;
    };
    const next = depth - 1;
    switch (type) {
      case 'Call': {
        const field = random.pick(['parent', 'legs', 'records', 'recordings']);
        see('Call', field);
        if (field === 'parent') return `${key('parent')} { ${selection(doc, 'Call', next)} }`;
        if (field === 'records') return `${key('records')} { ${selection(doc, 'CallRecord', next)} }`;
        if (field === 'legs') return `${key('legs')}${pageArgs(doc, 'CallOrder', CALL_ORDER_FIELDS, 3)} { ${connection(doc, 'Call', next)} }`;
        return `${key('recordings')}${pageArgs(doc, 'RecordingOrder', RECORDING_ORDER_FIELDS, 3)} { ${connection(doc, 'Recording', next)} }`;
      }
      case 'CallRecord': {
        const field = random.pick(['call', 'recordings']);
        see('CallRecord', field);
        return `${key(field)} { ${selection(doc, field === 'call' ? 'Call' : 'Recording', next)} }`;
      }
      case 'Recording': {
        const field = random.pick(['call', 'callRecord']);
        see('Recording', field);
        return `${key(field)} { ${selection(doc, field === 'call' ? 'Call' : 'CallRecord', next)} }`;
      }
      default:
        return undefined;
    }
  }

  /** A selection set's content on a Call, CallRecord or Recording, with relations `depth` deep. */
  function selection(doc: Document, type: string, depth: number, keys = new Set<string>()): string {
    const parts = leaves(doc, type, 1, type === 'Call' ? 6 : 4);
    if (random.chance(0.3)) parts.push('__typename');
    if (type === 'Call') {
      for (const [field, target] of [['extension', 'Extension'], ['price', 'Money'], ['quality', 'QualityRating']] as const) {
        if (random.chance(0.2)) parts.push(small('Call', field, target, doc));
      }
    }
    if (type === 'CallRecord' && random.chance(0.3)) parts.push(small('CallRecord', 'questionResponses', 'QuestionResponse', doc));
    if (depth > 0) {
      const count = random.chance(0.6) ? 1 : random.int(0, 2);
      for (let i = 0; i < count; i += 1) {
        const part = relation(doc, type, depth, keys);
        if (part) parts.push(part);
      }
    }
    // Directives, fragments and inline fragments around some of the parts.
    const out = random.shuffle(parts).map((part) => {
      const roll = random.float();
      if (roll < 0.12) return withDirective(part, directive(doc).text);
      if (roll < 0.2) return `... on ${type}${random.chance(0.4) ? ` ${directive(doc).text}` : ''} { ${part} }`;
      if (roll < 0.25) return `...${random.chance(0.5) ? ` ${directive(doc).text}` : ''} { ${part} }`;
      if (roll < 0.32) {
        const name = doc.fragment(type, part);
        return random.chance(0.3) ? `...${name} ${directive(doc).text} ...${name}` : `...${name}${random.chance(0.3) ? ` ${directive(doc).text}` : ''}`;
      }
      return part;
    });
    return out.join(' ');
  }

  // ---- filters ---------------------------------------------------------------------------
  const present = <T>(values: Array<T | null>) => values.filter((value): value is T => value !== null);
  const valuesOf = <K extends keyof Call>(field: K) => present(calls.map((call) => call[field] as Call[K] | null));
  /** What a CallFilter field takes, read from schema.graphql: its input type's name. */
  const inputFields = (type: string) => (schema.getType(type) as GraphQLInputObjectType).getFields();
  const filterType = (field: string) => getNamedType(inputFields('CallFilter')[field]!.type).name;
  /** The enum an `{ in, notIn }` filter type lists. */
  const enumOf = (type: string) => getNamedType(inputFields(type).in!.type).name;

  /** A stored number as a person might type it: spaces, brackets, dashes, maybe no plus. */
  function typed(number: string): string {
    const digits = number.replace(/^\+/, '');
    let out = random.chance(0.7) ? '+' : '';
    for (const [i, digit] of [...digits].entries()) {
      if (i === 1 && random.chance(0.5)) out += ' (';
      out += digit;
      if (i === 3 && random.chance(0.5)) out += ') ';
      else if (i > 3 && random.chance(0.15)) out += random.pick(['-', ' ', '.']);
    }
    return out.replace(/\($/, '');
  }

  const isoNear = (date: Date) => {
    const shifted = new Date(date.getTime() + random.int(-3, 3) * 3_600_000 + (random.chance(0.5) ? 0 : random.int(-999, 999)));
    if (random.chance(0.3)) {
      // The same instant written with an offset.
      const local = new Date(shifted.getTime() + 2 * 3_600_000).toISOString().slice(0, 23);
      return `${local}+02:00`;
    }
    return shifted.toISOString();
  };

  /** Text, key and enum filters select by a missing value too: now and then alone, now and then beside other operators. */
  function fieldFilter(field: string): unknown {
    const out = operatorsOf(field);
    const type = filterType(field);
    const nullable = type === 'StringFilter' || type === 'PhoneNumberFilter' || type === 'KeyFilter' || (isInputObjectType(schema.getType(type)) && Boolean(inputFields(type).notIn));
    if (!nullable || !random.chance(0.2)) return out;
    return random.chance(0.5) ? { isNull: random.chance(0.5) } : { ...(out as object), isNull: random.chance(0.5) };
  }

  function operatorsOf(field: string): unknown {
    const type = filterType(field);
    if (type === 'StringFilter') {
      const values = valuesOf(field as keyof Call) as string[];
      const value = values.length && random.chance(0.85) ? random.pick(values) : 'no-such-value';
      const op = random.int(0, 3);
      if (op === 0) return { eq: value };
      if (op === 1) return { in: [value, values.length ? random.pick(values) : 'other'] };
      if (op === 2) return { startsWith: value.slice(0, random.int(1, Math.max(1, value.length))) };
      return { startsWith: value.slice(0, 2), in: values.length ? random.subset(values, 1, 4) : ['x'] };
    }
    if (type === 'PhoneNumberFilter') {
      const values = valuesOf(field as keyof Call) as string[];
      const value = values.length && random.chance(0.85) ? random.pick(values) : '+15550000000';
      const op = random.int(0, 2);
      if (op === 0) return { eq: typed(value) };
      if (op === 1) return { in: [typed(value), typed(values.length ? random.pick(values) : '+15550000001')] };
      return { startsWith: typed(value.slice(0, random.int(2, value.length))) };
    }
    if (type === 'KeyFilter') {
      const values = (valuesOf(field as keyof Call) as bigint[]).map(String);
      const value = values.length && random.chance(0.85) ? random.pick(values) : '987654321';
      return random.chance(0.5) ? { eq: value } : { in: [value, values.length ? random.pick(values) : '1'] };
    }
    if (isInputObjectType(schema.getType(type)) && inputFields(type).notIn && isEnumType(schema.getType(enumOf(type)))) {
      const all = enumValues(enumOf(type));
      const out: Record<string, unknown> = {};
      const op = random.int(0, 2);
      if (op !== 1) out.in = random.subset(all, 1, 3).map((v) => new EnumValue(v));
      if (op !== 0) out.notIn = random.subset(all, 0, 3).map((v) => new EnumValue(v));
      if (out.in && out.notIn && (out.in as EnumValue[]).every((v) => (out.notIn as EnumValue[]).some((n) => n.name === v.name))) delete out.notIn;
      return out;
    }
    if (type === 'DateTimeFilter') {
      const values = valuesOf(field as keyof Call) as Date[];
      const pivot = values.length ? random.pick(values) : new Date('2026-10-01T00:00:00Z');
      const op = random.int(0, 3);
      if (op === 0) return { gte: isoNear(pivot) };
      if (op === 1) return { lt: isoNear(pivot) };
      if (op === 2) return { gt: new Date(pivot.getTime() - 86_400_000).toISOString(), lte: new Date(pivot.getTime() + 86_400_000).toISOString() };
      return { gte: pivot.toISOString(), lte: pivot.toISOString() };
    }
    if (type === 'IntFilter') {
      const values = valuesOf(field as keyof Call) as number[];
      const pivot = values.length ? random.pick(values) : 30;
      const op = random.int(0, 4);
      if (op === 0) return { eq: pivot };
      if (op === 1) return { gt: pivot };
      if (op === 2) return { gte: pivot - 5, lt: pivot + 5 };
      if (op === 3) return { lte: pivot };
      return { gte: pivot, lte: pivot };
    }
    if (type === 'DecimalFilter') {
      const values = (valuesOf(field as keyof Call) as Array<{ toFixed(n: number): string }>).map((p) => p.toFixed(6));
      const pivot = values.length ? random.pick(values) : '0.010000';
      const trimmed = pivot.replace(/0+$/, '').replace(/\.$/, '');
      const op = random.int(0, 3);
      if (op === 0) return { eq: trimmed };
      if (op === 1) return { gte: trimmed };
      if (op === 2) return { lt: pivot };
      return { gt: '-1', lte: random.chance(0.5) ? trimmed : Number(trimmed) };
    }
    if (type === 'Boolean') return random.chance(0.5);
    if (type === 'ID') return random.chance(0.85) ? gid('Call', random.pick(parents).id) : gid('Recording', random.pick(facts.recordings).id);
    throw new Error(`no filter for ${field}`);
  }

  const FILTER_FIELDS = Object.keys(inputFields('CallFilter')).filter((field) => !['AND', 'OR', 'NOT'].includes(field));
  const filterFieldsSeen = new Set<string>();

  function callFilter(depth: number, width = random.int(1, 2)): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const field of random.subset(FILTER_FIELDS, 1, width)) {
      filterFieldsSeen.add(field);
      out[field] = fieldFilter(field);
    }
    if (depth > 0) {
      const roll = random.float();
      if (roll < 0.25) out.AND = [callFilter(depth - 1, 1), callFilter(depth - 1, 1)];
      else if (roll < 0.5) out.OR = [callFilter(depth - 1, 1), callFilter(depth - 1, 1), ...(random.chance(0.3) ? [callFilter(depth - 1, 1)] : [])];
      else if (roll < 0.7) out.NOT = callFilter(depth - 1, 1);
    }
    return out;
  }

  function recordingFilter(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const recordings = facts.recordings;
    const fields = random.subset(['callId', 'name', 'recordedAt', 'lengthSeconds'], 1, 2);
    for (const field of fields) {
      if (field === 'callId') out.callId = gid('Call', random.pick(recorded).id);
      if (field === 'name') {
        const names = present(recordings.map((r) => r.name));
        const name = names.length ? random.pick(names) : 'x';
        out.name = random.chance(0.5) ? { eq: name } : { startsWith: name.slice(0, 3) };
      }
      if (field === 'recordedAt') {
        const times = present(recordings.map((r) => r.recordedAt));
        const pivot = random.pick(times);
        out.recordedAt = random.chance(0.5) ? { gte: pivot.toISOString() } : { lt: isoNear(pivot) };
      }
      if (field === 'lengthSeconds') {
        const lengths = present(recordings.map((r) => r.lengthSeconds));
        const pivot = random.pick(lengths);
        out.lengthSeconds = random.chance(0.5) ? { eq: pivot } : { gte: pivot - 10, lte: pivot + 10 };
      }
    }
    return out;
  }

  /** A filter as a literal, or as one variable of its input type. */
  const filterArgument = (doc: Document, type: string, filter: Record<string, unknown>) =>
    random.chance(0.35) ? `filter: ${doc.variable(type, filter)}` : `filter: ${literal(filter)}`;

  // ---- root fields -----------------------------------------------------------------------
  function callsRoot(doc: Document, depth: number, extra: string[] = []): string {
    const args = [`first: ${random.int(1, 5)}`, ...extra];
    if (random.chance(0.3)) args.push(`orderBy: { field: ${random.pick(CALL_ORDER_FIELDS)}, direction: ${random.pick(['ASC', 'DESC'])} }`);
    see('Query', 'calls');
    return `calls(${args.join(', ')}) { ${connection(doc, 'Call', depth)} }`;
  }

  function nodeSelection(doc: Document, depth: number): string {
    const parts = ['__typename', 'id'];
    // One set of response keys for the three types: CallRecord.recordings and Call.recordings
    // under one key would not merge.
    const keys = new Set<string>();
    for (const type of random.subset(['Call', 'CallRecord', 'Recording'], 1, 3)) parts.push(`... on ${type} { ${selection(doc, type, depth, keys)} }`);
    return random.shuffle(parts).join(' ');
  }

  function anyGlobalId(): string {
    const roll = random.int(0, 6);
    if (roll <= 2) return gid('Call', someCall().id);
    if (roll === 3) return gid('CallRecord', random.pick(facts.records).id);
    if (roll === 4) return gid('Recording', random.pick(facts.recordings).id);
    if (roll === 5) return gid(random.pick(['Call', 'CallRecord', 'Recording']), random.pick([facts.foreign.call, facts.foreign.record, facts.foreign.recording]));
    return gid(random.pick(['Call', 'ApiKey', 'Recording']), 999_999n);
  }

  function root(doc: Document, depth: number): string {
    const roll = random.int(0, 9);
    if (roll <= 3) return callsRoot(doc, depth);
    if (roll === 4) {
      see('Query', 'recordings');
      return `recordings${pageArgs(doc, 'RecordingOrder', RECORDING_ORDER_FIELDS, 4)} { ${connection(doc, 'Recording', depth)} }`;
    }
    if (roll === 5) {
      see('Query', 'call');
      const id = random.chance(0.9) ? gid('Call', someCall().id) : anyGlobalId();
      return `call(id: ${random.chance(0.3) ? doc.variable('ID!', id) : JSON.stringify(id)}) { ${selection(doc, 'Call', depth)} }`;
    }
    if (roll === 6) {
      see('Query', 'callByExternalId');
      const call = someCall();
      const source = random.chance(0.9) ? call.source : random.pick(enumValues('CallSource'));
      return `callByExternalId(source: ${source}, externalId: ${JSON.stringify(call.externalId)}) { ${selection(doc, 'Call', depth)} }`;
    }
    if (roll === 7) {
      see('Query', 'node');
      return `node(id: ${JSON.stringify(anyGlobalId())}) { ${nodeSelection(doc, depth)} }`;
    }
    if (roll === 8) {
      see('Query', 'nodes');
      const ids = Array.from({ length: random.int(1, 5) }, anyGlobalId);
      return `nodes(ids: ${random.chance(0.3) ? doc.variable('[ID!]!', ids) : literal(ids)}) { ${nodeSelection(doc, depth)} }`;
    }
    return `${alias()}: ${callsRoot(doc, depth)} ${alias()}: ${callsRoot(doc, Math.max(0, depth - 1))}`;
  }

  const add = (operation: Operation) => operations.push(operation);
  const op = (category: string, build: (doc: Document) => string) => {
    const doc = new Document(covered);
    add(doc.operation(category, build(doc)));
  };
  const fixed = (category: string, query: string, variables?: Record<string, unknown>, next?: Operation['next']) =>
    add({ category, query, ...(variables ? { variables } : {}), ...(next ? { next } : {}) });

  // ---- the cases of issue 21, as written there ---------------------------------------------
  fixed('issue-21', '{ calls { edges { node { legs(first: 1) { nodes { id } } } } nodes { legs(first: 3) { nodes { id } } } } }');
  fixed('issue-21', '{ calls { edges { node { x: legs(first: 1) { nodes { id } } } } nodes { x: recordings(first: 3) { nodes { id } } } } }');
  fixed('issue-21', '{ calls(first: 5) { nodes { id legs(first: -1) @include(if: false) { totalCount } } } }');
  fixed('issue-21', '{ calls(first: 5) { nodes { id recordings(after: "bad") @skip(if: true) { totalCount } } } }');
  fixed('issue-21', 'query($v: Boolean!) { calls(first: 5) { nodes { id legs(first: 101) @include(if: $v) { totalCount } } } }', { v: false });
  fixed('issue-21', 'query($v: Boolean!) { calls(first: 3) { nodes { ...F @include(if: $v) } edges { node { ...F } } } }\nfragment F on Call { id startTime }', { v: false });
  fixed('issue-21', 'query($v: Boolean!) { calls(first: 3) { nodes { ...F @include(if: $v) ...F } } }\nfragment F on Call { id startTime status }', { v: false });
  fixed('issue-21', '{ calls(first: 3) { nodes { id ... @skip(if: true) { startTime } } } }');
  fixed('issue-21', 'query($s: Boolean!) { calls(first: 3) { nodes { id ... on Call @skip(if: $s) { startTime duration } } } }', { s: true });
  fixed('issue-21', '{ calls(first: 3) { nodes { startTime @include(if: false) id startTime } } }');
  fixed('issue-21', 'query($since: DateTime = "2026-09-01T00:00:00Z") { calls(first: 3, filter: { startTime: { gte: $since } }) { totalCount nodes { id startTime } } }');
  const nextPage = 'query($cursor: String) { calls(first: 2, after: $cursor) { pageInfo { hasNextPage endCursor } nodes { id } } }';
  fixed('issue-21', nextPage, {}, (data) => [{ category: 'issue-21', query: nextPage, variables: { cursor: data.calls.pageInfo.endCursor } }]);
  fixed(
    'issue-21',
    `{
  calls(first: 5, filter: { status: { in: [COMPLETED] }, direction: { in: [INBOUND] } }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id source externalId fromNumber toNumber startTime duration price { amount currency }
      parent { id }
      legs(first: 5) { nodes { id status } }
      records { attempt result questionResponses { question response } recordings { url } }
    }
  }
}`,
  );
  fixed('issue-21', `{ calls(first: 4) { nodes { ${leavesOf('Call').join(' ')} extension { id name type groupId externalNumber } quality { rate maxRate } payload } } }`);
  // The same cases with a field the one-statement answer does not write (price), so that they take
  // the path it falls back to.
  fixed('issue-21', '{ calls(first: 60, filter: { isLeg: false }) { edges { node { legs(first: 1) { nodes { id } } } } nodes { price { amount } legs(first: 3) { nodes { id } } } } }');
  fixed('issue-21', '{ calls(first: 60, filter: { isLeg: false }) { edges { node { x: legs(first: 1) { nodes { id } } } } nodes { price { amount } x: recordings(first: 3) { nodes { id } } } } }');
  fixed('issue-21', '{ calls(first: 5) { nodes { id price { amount } legs(first: -1) @include(if: false) { totalCount } } } }');
  fixed('issue-21', 'query($v: Boolean!) { calls(first: 3) { nodes { ...F @include(if: $v) } edges { node { ...F } } } }\nfragment F on Call { id startTime price { amount } }', { v: false });
  fixed('issue-21', '{ calls(first: 3) { nodes { id price { amount } ... @skip(if: true) { startTime } } } }');
  fixed('issue-21', '{ calls(first: 3) { nodes { startTime @include(if: false) id price { currency } startTime } } }');
  fixed('issue-21', 'query($since: DateTime = "2026-09-01T00:00:00Z") { calls(first: 3, filter: { startTime: { gte: $since } }) { nodes { id price { amount } } } }');
  const attempt = random.pick(attempted);
  fixed('issue-21', `{ call(id: "${gid('Call', attempt.id)}") { records { id attempt questionResponses { question response } recordings { id } } } }`);

  // ---- every field of every type, in chunks -------------------------------------------------
  for (const [type, reach] of [
    ['Call', (body: string) => `calls(first: 4, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { ${body} } }`],
    ['Call', (body: string) => `call(id: "${gid('Call', random.pick(parents).id)}") { legs(first: 8) { edges { node { ${body} } } } }`],
    ['CallRecord', (body: string) => `call(id: "${gid('Call', attempt.id)}") { records { ${body} } }`],
    ['Recording', (body: string) => `recordings(first: 6) { nodes { ${body} } }`],
  ] as const) {
    const fields = leavesOf(type);
    for (let i = 0; i < fields.length; i += 12) {
      fields.slice(i, i + 12).forEach((field) => see(type, field));
      fixed('fields', `{ ${reach(fields.slice(i, i + 12).join(' '))} }`);
    }
  }

  // ---- random selections, relations up to four deep -----------------------------------------
  for (let i = 0; i < 110; i += 1) op('selections', (doc) => root(doc, random.int(1, 4)));

  // ---- aliases of one field with different arguments ------------------------------------------
  for (let i = 0; i < 30; i += 1) {
    op('aliases', (doc) => {
      const relationField = random.pick(['legs', 'recordings']);
      const nodeOf = (field: string) => (field === 'legs' ? 'Call' : 'Recording');
      const argsOf = (field: string, max: number) =>
        field === 'legs' ? pageArgs(doc, 'CallOrder', CALL_ORDER_FIELDS, max) : pageArgs(doc, 'RecordingOrder', RECORDING_ORDER_FIELDS, max);
      if (random.chance(0.4)) {
        const parent = gid('Call', random.pick(random.chance(0.6) ? parents : recorded).id);
        const twin = () => `${alias()}: ${relationField}${argsOf(relationField, 4)} { ${connection(doc, nodeOf(relationField), random.int(0, 1))} }`;
        const inner = random.chance(0.5) ? `${twin()} ${twin()}` : `${relationField}${argsOf(relationField, 4)} { ${connection(doc, nodeOf(relationField), 0)} } ${twin()}`;
        return `call(id: "${parent}") { id ${inner}${random.chance(0.5) ? ' price { amount }' : ''} }`;
      }
      // One response key under edges { node } and under nodes: the same field with other
      // arguments, or another field (legs under one, recordings under the other), or two aliases.
      const other = random.chance(0.4) ? (relationField === 'legs' ? 'recordings' : 'legs') : relationField;
      const keys = random.pick([
        ['', ''],
        ['x: ', 'x: '],
        [`${alias()}: `, `${alias()}: `],
      ] as const);
      const a = `${keys[0]}${relationField}${argsOf(relationField, 3)} { ${connection(doc, nodeOf(relationField), 0)} }`;
      const b = `${keys[1]}${keys[1] === '' ? relationField : other}${argsOf(keys[1] === '' ? relationField : other, 3)} { ${connection(doc, nodeOf(keys[1] === '' ? relationField : other), 0)} }`;
      const owners = random.subset([...parents, ...recorded], 3, 6).map((call) => call.externalId);
      return `calls(first: 6, filter: { externalId: { in: ${literal(owners)} } }, orderBy: { field: START_TIME, direction: ASC }) { edges { node { id ${a} } } nodes { ${b} id${random.chance(0.5) ? ' price { amount }' : ''} } }`;
    });
  }

  // ---- fragments and directives -----------------------------------------------------------
  for (let i = 0; i < 40; i += 1) {
    op('directives', (doc) => {
      const field = random.pick(leavesOf('Call'));
      see('Call', field);
      const price = random.chance(0.5) ? ' price { amount }' : '';
      const spread = () => doc.fragment('Call', selection(doc, 'Call', 1));
      switch (random.int(0, 4)) {
        case 0: {
          const name = spread();
          return `calls(first: 3) { nodes { ...${name} ${directive(doc).text} ...${name} ${directive(doc).text}${price} } }`;
        }
        case 1:
          return `calls(first: 3, orderBy: { field: DURATION, direction: DESC }) { nodes { ${field} ${directive(doc).text} id ${field}${price} } }`;
        case 2:
          return `calls(first: 3) { nodes { id ... ${directive(doc).text} { ${field} } ...${spread()}${price} } }`;
        case 3:
          return `calls(first: 3, orderBy: { field: END_TIME, direction: ASC }) { nodes { ... on Call ${directive(doc).text} { ${field} legs(first: 2) ${directive(doc).text} { nodes { id } } } id${price} } }`;
        default: {
          const name = spread();
          return `calls(first: 3) { nodes { ...${name} ${directive(doc).text}${price} } edges { node { ...${name} } } }`;
        }
      }
    });
  }

  // ---- every filter field, and their combinations ---------------------------------------------
  for (const field of FILTER_FIELDS) {
    op('filters', (doc) => {
      filterFieldsSeen.add(field);
      return `calls(first: 6, ${filterArgument(doc, 'CallFilter', { [field]: fieldFilter(field) })}) { totalCount nodes { id ${field === 'parentId' ? 'parent { id }' : ''} } }`;
    });
  }
  for (let i = 0; i < 50; i += 1) {
    op('filters', (doc) => `calls(first: ${random.int(1, 8)}, ${filterArgument(doc, 'CallFilter', callFilter(2, random.int(1, 3)))}) { totalCount pageInfo { hasNextPage } nodes { id status } }`);
  }
  for (let i = 0; i < 12; i += 1) {
    op('filters', (doc) => `recordings(first: 5, ${filterArgument(doc, 'RecordingFilter', recordingFilter())}) { totalCount nodes { id name recordedAt lengthSeconds } }`);
  }

  // ---- every ordering ----------------------------------------------------------------------
  for (const field of CALL_ORDER_FIELDS) {
    for (const direction of ['ASC', 'DESC']) {
      fixed('orderings', `{ calls(first: 40, orderBy: { field: ${field}, direction: ${direction} }) { edges { cursor node { id } } } }`);
      fixed('orderings', `{ call(id: "${gid('Call', parents.reduce((a, b) => (calls.filter((c) => c.parentId === b.id).length > calls.filter((c) => c.parentId === a.id).length ? b : a)).id)}") { legs(orderBy: { field: ${field}, direction: ${direction} }) { edges { cursor node { id } } } } }`);
    }
  }
  for (const field of RECORDING_ORDER_FIELDS) {
    for (const direction of ['ASC', 'DESC']) {
      fixed('orderings', `{ recordings(first: 50, orderBy: { field: ${field}, direction: ${direction} }) { edges { cursor node { id } } } }`);
      fixed('orderings', `{ call(id: "${gid('Call', random.pick(recorded.filter((c) => c.externalId === 'edge-attempts')).id)}") { recordings(orderBy: { field: ${field}, direction: ${direction} }) { edges { cursor node { id } } } } }`);
    }
  }

  // ---- pages after and before real cursors -------------------------------------------------
  const pageInfo = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
  const followUps = (category: string, make: (args: string) => string, path: (data: any) => any) => (data: any) => {
    const connection = path(data);
    if (!connection?.edges?.length) return [];
    const cursors: string[] = connection.edges.map((edge: { cursor: string }) => edge.cursor);
    const middle = cursors[Math.floor(cursors.length / 2)]!;
    const out: Operation[] = [
      { category, query: `{ ${make(`first: 3, after: "${connection.pageInfo.endCursor}"`)} }` },
      { category, query: `{ ${make(`last: 2, before: "${connection.pageInfo.startCursor}"`)} }` },
      { category, query: `{ ${make(`last: 3, before: "${middle}"`)} }` },
      { category, query: `query($c: String) { ${make('after: $c, first: 2')} }`, variables: { c: middle } },
      { category, query: `{ ${make(`before: "${cursors.at(-1)}"`)} }` },
    ];
    return out;
  };
  for (let i = 0; i < 14; i += 1) {
    const order = random.chance(0.8) ? `, orderBy: { field: ${random.pick(CALL_ORDER_FIELDS)}, direction: ${random.pick(['ASC', 'DESC'])} }` : '';
    const filter = random.chance(0.3) ? `, filter: ${literal(callFilter(0, 1))}` : '';
    const make = (args: string) => `calls(${args}${order}${filter}) { totalCount ${pageInfo} edges { cursor node { id startTime duration } } }`;
    const first = random.chance(0.7) ? `first: ${random.int(2, 6)}` : `last: ${random.int(2, 6)}`;
    fixed('pagination', `{ ${make(first)} }`, undefined, followUps('pagination', make, (data) => data.calls));
  }
  for (const parent of random.subset(parents, 3, 3).concat(calls.filter((c) => c.externalId === 'edge-parent'))) {
    const order = random.chance(0.6) ? `, orderBy: { field: ${random.pick(CALL_ORDER_FIELDS)}, direction: ${random.pick(['ASC', 'DESC'])} }` : '';
    const make = (args: string) => `call(id: "${gid('Call', parent.id)}") { legs(${args}${order}) { totalCount ${pageInfo} edges { cursor node { id } } } }`;
    fixed('pagination', `{ ${make('first: 2')} }`, undefined, followUps('pagination', make, (data) => data.call?.legs));
  }
  for (const order of ['', ', orderBy: { field: LENGTH, direction: ASC }', ', orderBy: { field: RECORDED_AT, direction: DESC }']) {
    const make = (args: string) => `recordings(${args}${order}) { totalCount ${pageInfo} edges { cursor node { id } } }`;
    fixed('pagination', `{ ${make('first: 4')} }`, undefined, followUps('pagination', make, (data) => data.recordings));
    const call = calls.find((c) => c.externalId === 'edge-attempts')!;
    const makeOwn = (args: string) => `call(id: "${gid('Call', call.id)}") { recordings(${args}${order}) { ${pageInfo} edges { cursor node { id } } } }`;
    fixed('pagination', `{ ${makeOwn('first: 2')} }`, undefined, followUps('pagination', makeOwn, (data) => data.call?.recordings));
  }

  // ---- variables with defaults --------------------------------------------------------------
  const defaults: Array<[string, string, Record<string, unknown>?]> = [
    ['query($n: Int = 3, $o: CallOrder = { field: DURATION, direction: ASC }) { calls(first: $n, orderBy: $o) { nodes { id duration } } }', ''],
    ['query($n: Int = 3) { calls(first: $n) { nodes { id } } }', '', { n: 5 }],
    ['query($since: DateTime = "2026-10-01T00:00:00+02:00", $until: DateTime = "2026-10-20") { calls(first: 10, filter: { startTime: { gte: $since, lt: $until } }) { totalCount nodes { id startTime } } }', ''],
    ['query($since: DateTime = "2026-10-01T00:00:00Z") { recordings(first: 5, filter: { recordedAt: { gte: $since } }) { totalCount nodes { id recordedAt } } }', ''],
    ['query($f: CallFilter = { status: { in: [COMPLETED, NO_ANSWER] }, isLeg: true }) { calls(first: 5, filter: $f) { totalCount nodes { id status isLeg } } }', ''],
    ['query($f: CallFilter = { status: { in: [COMPLETED] } }) { calls(first: 5, filter: $f) { totalCount nodes { id status } } }', '', { f: { status: { notIn: ['COMPLETED'] } } }],
    ['query($yes: Boolean = true, $no: Boolean = false) { calls(first: 3) { nodes { id startTime @include(if: $yes) endTime @include(if: $no) duration @skip(if: $no) } } }', ''],
    ['query($d: OrderDirection = DESC) { recordings(first: 4, orderBy: { field: LENGTH, direction: $d }) { nodes { id lengthSeconds } } }', ''],
    ['query($p: Decimal = "0.01") { calls(first: 5, filter: { price: { gte: $p } }) { totalCount nodes { price { amount } } } }', ''],
    ['query($p: Decimal = 0.01) { calls(first: 5, filter: { price: { lt: $p } }) { totalCount nodes { price { amount } } } }', ''],
    ['query($s: CallSource = NATIVE, $e: String = "edge-parent") { callByExternalId(source: $s, externalId: $e) { id externalId legs { totalCount } } }', ''],
    ['query($n: Int = 2, $inc: Boolean = true) { calls(first: $n) { edges @include(if: $inc) { cursor } nodes @skip(if: $inc) { id } } }', ''],
    ['query($t: DateTime = "2026-10-15T12:00:00Z") { calls(first: 5, filter: { createdAt: { lte: $t }, isLeg: true }) { totalCount nodes { id } } }', ''],
    ['query($n: Int) { calls(first: $n) { totalCount pageInfo { hasNextPage } } }', ''],
    ['query($ids: [ID!]! = ["Q2FsbDox"]) { nodes(ids: $ids) { id __typename } }', ''],
  ];
  for (const [query, , variables] of defaults) fixed('variables', query, variables);

  // ---- inputs that must be refused -----------------------------------------------------------
  const aParent = gid('Call', random.pick(parents).id);
  const errors: Array<[string, Record<string, unknown>?]> = [
    ['{ calls(first: 2, after: "not-a-cursor") { nodes { id } } }'],
    ['{ calls(first: 2, after: "WyJjYWxscyJd") { nodes { id } } }'],
    [`{ calls(first: 2, after: "${Buffer.from('["legs","START_TIME_ASC",null,"1"]').toString('base64url')}") { nodes { id } } }`],
    [`{ calls(first: 2, orderBy: { field: DURATION, direction: ASC }, after: "${Buffer.from('["calls","START_TIME_DESC",null,"1"]').toString('base64url')}") { nodes { id } } }`],
    [`{ call(id: "${aParent}") { id legs(after: "${Buffer.from('["calls","START_TIME_ASC",null,"1"]').toString('base64url')}") { nodes { id } } } }`],
    [`{ recordings(before: "${Buffer.from('["call-recordings","RECORDED_AT_DESC",null,"1"]').toString('base64url')}") { nodes { id } } }`],
    ['{ calls(first: 101) { totalCount } }'],
    ['{ calls(last: 101) { totalCount } }'],
    ['{ calls(first: 100) { totalCount } }'],
    ['{ calls(first: 2, last: 2) { totalCount } }'],
    ['{ calls(first: -1) { totalCount } }'],
    ['{ calls(last: -3) { totalCount } }'],
    ['{ calls(first: 0) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }'],
    ['{ calls(first: 2, before: "x") { totalCount } }'],
    ['{ recordings(last: 2, after: "x") { totalCount } }'],
    [`{ call(id: "${aParent}") { id legs(first: 101) { totalCount } } }`],
    [`{ call(id: "${aParent}") { id recordings(first: 1, last: 1) { totalCount } } }`],
    ['{ calls(first: 3) { nodes { id legs(first: -1) { totalCount } } } }'],
    ['{ node(id: "not base64!") { id } }'],
    ['{ node(id: "Q2FsbDphYmM=") { id } }'],
    ['{ node(id: "Q2FsbDox") { id } }'],
    [`{ node(id: "${gid('Call', 999_999n)}") { id } }`],
    [`{ node(id: "${gid('Nope', 1n)}") { id } }`],
    [`{ call(id: "${gid('Recording', facts.recordings[0]!.id)}") { id } }`],
    [`{ call(id: "${gid('Call', facts.foreign.call)}") { id } }`],
    ['{ call(id: "") { id } }'],
    [`{ nodes(ids: ["${gid('Call', calls[0]!.id)}", "bad"]) { id } }`],
    [`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array.from({ length: 101 }, (_, i) => gid('Call', BigInt(i + 1))) }],
    [`{ nodes(ids: ["${gid('Call', 999_999n)}", "${gid('Call', calls[1]!.id)}"]) { id } }`],
    ['{ callByExternalId(source: PBX, externalId: "no-such-call") { id } }'],
    ['{ calls(filter: { OR: [] }) { totalCount } }'],
    ['{ calls(filter: { status: { in: [] } }) { totalCount } }'],
    ['{ calls(filter: { status: { in: [COMPLETED], notIn: [COMPLETED, BUSY] } }) { totalCount } }'],
    ['{ calls(filter: { duration: { gt: 10, lt: 5 } }) { totalCount } }'],
    ['{ calls(filter: { duration: { gte: 10, lt: 10 } }) { totalCount } }'],
    ['{ calls(filter: { duration: { gte: 10, lte: 10 } }) { totalCount } }'],
    ['{ calls(filter: { startTime: { gt: "2026-10-02T00:00:00Z", lt: "2026-10-01T00:00:00Z" } }) { totalCount } }'],
    ['{ calls(filter: { price: { gte: "1", lte: "0.5" } }) { totalCount } }'],
    ['{ calls(filter: { fromNumber: { eq: "call me" } }) { totalCount } }'],
    ['{ calls(filter: { toNumber: { startsWith: "" } }) { totalCount } }'],
    ['{ calls(filter: { extensionId: { eq: "12a" } }) { totalCount } }'],
    ['{ calls(filter: { externalId: { in: [] } }) { totalCount } }'],
    ['{ calls(filter: { parentId: "garbage" }) { totalCount } }'],
    ['{ calls(filter: { NOT: { OR: [] } }) { totalCount } }'],
    ['{ calls(filter: { AND: [{ duration: { gt: 3, lte: 2 } }] }) { totalCount } }'],
    ['{ recordings(filter: { callId: "bad" }) { totalCount } }'],
    ['{ recordings(filter: { lengthSeconds: { gt: 5, lt: 3 } }) { totalCount } }'],
    ['{ recordings(filter: { name: { in: [] } }) { totalCount } }'],
    ['{ calls(filter: { startTime: { gte: "yesterday" } }) { totalCount } }'],
    ['query($t: DateTime!) { calls(filter: { startTime: { gte: $t } }) { totalCount } }', { t: '2026-13-45' }],
    ['{ calls(filter: { price: { gte: "1e3" } }) { totalCount } }'],
    ['{ a: calls(first: 2) { totalCount } b: calls(first: -2) { totalCount } }'],
    ['{ call(id: "bad") { id } calls(first: 1) { nodes { id } } }'],
    [`{ call(id: "${aParent}") { id parent { id } legs(first: 1) { nodes { id } } recordings(first: 2, before: "x") { totalCount } } }`],
  ];
  for (const [query, variables] of errors) fixed('errors', query, variables);

  for (const field of FILTER_FIELDS) if (!filterFieldsSeen.has(field)) throw new Error(`no generated filter reads ${field}`);

  // ---- subscriptions, last so that the operations above do not depend on them ---------------
  const subscriptions: SubscriptionCase[] = [];
  for (let i = 0; i < 16; i += 1) {
    const doc = new Document(covered);
    const selected = selection(doc, 'Call', random.int(0, 2));
    const filter = random.chance(0.75) ? filterArgument(doc, 'CallFilter', callFilter(1, random.int(1, 2))) : undefined;
    const subscription = doc.operation('subscriptions', `callChanged${filter ? `(${filter})` : ''} { ${selected} }`, 'subscription');
    const oracle = doc.operation('subscriptions', `callChanged: call(id: $callId) { ${selected} } matches: calls(first: 100${filter ? `, ${filter}` : ''}) { totalCount nodes { id } }`, 'query', ['$callId: ID!']);
    subscriptions.push({ subscription: subscription.query, oracle: oracle.query, variables: subscription.variables ?? {} });
  }
  return { operations, covered, subscriptions };
}
