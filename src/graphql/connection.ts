import type { PageLimits } from '../config.js';
import type { Keyset, PageRows } from '../db/read/page.js';
import { UserInputError } from '../errors.js';
import { selectedFields, type FieldInfo } from './selection.js';

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/** Where a page starts, how far it goes and which way. */
export interface PagePlan {
  size: number;
  backward: boolean;
  cursor: Keyset | undefined;
}

/**
 * Cursors name the list and the ordering they were made for, so one from another list or order
 * is refused instead of silently landing somewhere else.
 */
export function encodeCursor(list: string, order: string, row: { id: string; _cursor?: string | null }): string {
  // The JSON of [list, order, value, id], written out: list and order are names of ours and the id
  // is digits, so only the sort value needs quoting; a page makes one per edge.
  const value = row._cursor == null ? 'null' : JSON.stringify(row._cursor);
  return Buffer.from(`["${list}","${order}",${value},"${row.id}"]`).toString('base64url');
}

function decodeCursor(argument: string, cursor: string, list: string, order: string): Keyset {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    !(parsed[2] === null || typeof parsed[2] === 'string') ||
    typeof parsed[3] !== 'string' ||
    !/^\d{1,19}$/.test(parsed[3])
  ) {
    throw new UserInputError(`${argument}: not a cursor this API issued.`, { argument });
  }
  if (parsed[0] !== list || parsed[1] !== order) {
    throw new UserInputError(`${argument}: this cursor belongs to another list or ordering (${parsed[0]} by ${parsed[1]}).`, { argument });
  }
  return { value: parsed[2], id: parsed[3] };
}

export function planPage(args: ConnectionArgs, limits: PageLimits, list: string, order: string): PagePlan {
  if (args.first != null && args.last != null) throw new UserInputError('Give first or last, not both.');
  if (args.first != null && args.before != null) throw new UserInputError('Page forwards with first and after, or backwards with last and before.');
  if (args.last != null && args.after != null) throw new UserInputError('Page forwards with first and after, or backwards with last and before.');
  const backward = args.last != null || (args.first == null && args.before != null);
  const argument = backward ? 'last' : 'first';
  const size = (backward ? args.last : args.first) ?? limits.defaultSize;
  if (size < 0 || size > limits.maxSize) {
    throw new UserInputError(`${argument} must be between 0 and ${limits.maxSize}; got ${size}.`, { argument, max: limits.maxSize });
  }
  const cursorArgument = backward ? 'before' : 'after';
  const cursorText = backward ? args.before : args.after;
  return { size, backward, cursor: cursorText != null ? decodeCursor(cursorArgument, cursorText, list, order) : undefined };
}

export interface Connection<Node> {
  edges: Array<{ cursor: string; node: Node }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number | null;
}

type CursorRow = { id: string; _cursor?: string | null };

/**
 * Whether the operation reads a cursor of the connection the current field returns (an edge's
 * or pageInfo's): a page's statement renders each row's sort value for a cursor only then.
 */
export function cursorsSelected(info: FieldInfo, edgeType: string): boolean {
  const pageInfo = selectedFields(info, 'PageInfo', ['pageInfo']);
  return selectedFields(info, edgeType, ['edges']).has('cursor') || pageInfo.has('startCursor') || pageInfo.has('endCursor');
}

/**
 * An item of a page, whose cursor is made when it is read: a page of calls with their legs has
 * hundreds of items, and most operations select the cursors of none of them (`nodes`) or of a few.
 */
class Edge<Row extends CursorRow> {
  constructor(
    readonly node: Row,
    private readonly list: string,
    private readonly order: string,
  ) {}

  get cursor(): string {
    if (this.node._cursor === undefined) throw new Error(`${this.list}: a cursor was read of a page read without cursors`);
    return encodeCursor(this.list, this.order, this.node);
  }
}

class PageInfo<Row extends CursorRow> {
  constructor(
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
    private readonly edges: Array<Edge<Row>>,
  ) {}

  get startCursor(): string | null {
    return this.edges[0]?.cursor ?? null;
  }

  get endCursor(): string | null {
    return this.edges.at(-1)?.cursor ?? null;
  }
}

/** A Relay connection from a page read in the direction of travel, with one row too many if more exist. */
export function toConnection<Row extends CursorRow>(page: PageRows<Row>, plan: PagePlan, list: string, order: string): Connection<Row> {
  const more = page.rows.length > plan.size;
  const rows = more ? page.rows.slice(0, plan.size) : page.rows;
  if (plan.backward) rows.reverse();
  const edges = rows.map((node) => new Edge(node, list, order));
  return {
    edges,
    pageInfo: new PageInfo(plan.backward ? page.behind : more, plan.backward ? more : page.behind, edges),
    totalCount: page.total,
  };
}
