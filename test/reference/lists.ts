import { badInput, makeCursor, parseCursor } from './ids.js';

/*
 * Relay connections over rows held in memory: sort, find the cursor, slice. The README's rules:
 * the id breaks ties, a missing value sorts last ascending and first descending, a page is 20
 * items unless first / last says otherwise and at most 100, and pageInfo is right both ways.
 */

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export interface PageLimits {
  defaultSize: number;
  maxSize: number;
}

/** What a list is ordered by: the row's sort value as an exact number (null when missing) and as the text a cursor holds. */
export interface SortKey<Row> {
  name: string;
  descending: boolean;
  value(row: Row): bigint | null;
  text(row: Row): string | null;
  /** The exact number a cursor's text stands for. */
  parse(text: string): bigint;
}

export interface Connection<Row> {
  edges: Array<{ cursor: string; node: Row }>;
  nodes: Row[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** Ascending order of (value, id) with a missing value above every value. */
function compareAscending(a: { value: bigint | null; id: bigint }, b: { value: bigint | null; id: bigint }): number {
  if (a.value !== b.value) {
    if (a.value === null) return 1;
    if (b.value === null) return -1;
    return a.value < b.value ? -1 : 1;
  }
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

/** Instants as milliseconds, decimals of at most 6 places as millionths, integers as they are. */
export const exact = {
  time: (text: string) => BigInt(Date.parse(text)),
  decimal(text: string): bigint {
    const match = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(text);
    if (!match) throw new Error(`not a decimal: ${text}`);
    const magnitude = BigInt(match[2]!) * 1_000_000n + BigInt((match[3] ?? '').padEnd(6, '0'));
    return match[1] ? -magnitude : magnitude;
  },
  integer: (text: string) => BigInt(text),
};

export function paginate<Row extends { id: bigint }>(rows: readonly Row[], key: SortKey<Row>, args: PageArgs, limits: PageLimits, list: string): Connection<Row> {
  if (args.first != null && args.last != null) throw badInput('first and last together');
  if (args.first != null && args.before != null) throw badInput('first with before');
  if (args.last != null && args.after != null) throw badInput('last with after');
  const backward = args.last != null || (args.first == null && args.before != null);
  const size = (backward ? args.last : args.first) ?? limits.defaultSize;
  if (size < 0 || size > limits.maxSize) throw badInput(`page size ${size}`);
  const cursorText = backward ? args.before : args.after;
  const cursor = cursorText != null ? parseCursor(cursorText, list, key.name) : undefined;
  const position = cursor && { value: cursor.value === null ? null : key.parse(cursor.value), id: cursor.id };

  const sign = key.descending ? -1 : 1;
  const keyOf = (row: Row) => ({ value: key.value(row), id: row.id });
  const inListOrder = (a: { value: bigint | null; id: bigint }, b: { value: bigint | null; id: bigint }) => sign * compareAscending(a, b);
  const sorted = [...rows].sort((a, b) => inListOrder(keyOf(a), keyOf(b)));

  let shown: Row[];
  let hasNextPage: boolean;
  let hasPreviousPage: boolean;
  if (!backward) {
    const after = position ? sorted.filter((row) => inListOrder(keyOf(row), position) > 0) : sorted;
    shown = after.slice(0, size);
    hasNextPage = after.length > size;
    hasPreviousPage = position ? sorted.some((row) => inListOrder(keyOf(row), position) <= 0) : false;
  } else {
    const before = position ? sorted.filter((row) => inListOrder(keyOf(row), position) < 0) : sorted;
    shown = before.slice(Math.max(0, before.length - size));
    hasPreviousPage = before.length > size;
    hasNextPage = position ? sorted.some((row) => inListOrder(keyOf(row), position) >= 0) : false;
  }
  const edges = shown.map((node) => ({ cursor: makeCursor(list, key.name, key.text(node), node.id), node }));
  return {
    edges,
    nodes: shown,
    pageInfo: { hasNextPage, hasPreviousPage, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: rows.length,
  };
}
