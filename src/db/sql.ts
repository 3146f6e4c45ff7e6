import { Prisma } from './generated/client.js';

/*
 * Typed SQL for the read path: every statement is a tree of Prisma's `Sql` values, whose values are
 * always bound parameters. Text enters a statement only through `identifier` (names of our own
 * model, checked against the declarations' test), `integer` (a validated count), `schemaText`
 * (names of the GraphQL schema) and the keywords written in this package's source.
 */

export type Sql = Prisma.Sql;
export const sql = Prisma.sql;
export const join = Prisma.join;
export const empty = Prisma.empty;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A table or column name of the data model, or an alias the emitter generated. */
export function identifier(name: string): Sql {
  if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a plain SQL identifier`);
  return Prisma.raw(name);
}

/** A column of a row alias: `alias.column`. */
export const columnOf = (alias: Sql, column: string): Sql => sql`${alias}.${identifier(column)}`;

/**
 * A whole number written into the statement rather than bound: page limits. With a bound LIMIT
 * PostgreSQL planned every execution of a prepared page anew, as no generic plan was as cheap.
 */
export function integer(value: number): Sql {
  if (!Number.isSafeInteger(value)) throw new Error(`${value} is not an integer`);
  return Prisma.raw(String(value));
}

/** `a AND b …`, TRUE for none. */
export const and = (conditions: readonly Sql[]): Sql =>
  conditions.length === 0 ? sql`TRUE` : join(conditions.map((condition) => sql`(${condition})`), ' AND ');

/** An instant as ISO-8601 UTC text with milliseconds, formatted by PostgreSQL so Node parses nothing. */
export const isoTime = (value: Sql): Sql => sql`to_char(${value} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** json_build_object takes at most 100 arguments: objects with more keys are written in parts. */
const KEYS_PER_CALL = 50;

/**
 * A JSON object with these keys (text values: literals or bound) in this order. Objects of more
 * than 50 keys join the texts of their parts (`{"a" : 1}` and `{"b" : 2}` give
 * `{"a" : 1, "b" : 2}`), as jsonb would reorder the keys.
 */
export function jsonObject(entries: ReadonlyArray<readonly [key: Sql, value: Sql]>): Sql {
  const parts: Sql[] = [];
  for (let start = 0; start < entries.length; start += KEYS_PER_CALL) {
    const chunk = entries.slice(start, start + KEYS_PER_CALL);
    parts.push(sql`json_build_object(${join(chunk.map(([key, value]) => sql`${key}, ${value}`), ', ')})`);
  }
  if (parts.length === 0) return sql`'{}'::json`;
  if (parts.length === 1) return parts[0]!;
  const texts = parts.map((part, index) => {
    const text = sql`${part}::text`;
    if (index === 0) return sql`left(${text}, -1)`;
    if (index === parts.length - 1) return sql`right(${text}, -1)`;
    return sql`substr(${text}, 2, length(${text}) - 2)`;
  });
  return sql`(${join(texts, " || ', ' || ")})::json`;
}

/** The characters of `schemaText`: those of GraphQL names and the punctuation of the API's own formats, never a quote or backslash. */
const SCHEMA_TEXT = /^[A-Za-z0-9_$:,"[\]-]*$/;

/**
 * A text of the API's own making written into the statement as a literal: a name the GraphQL
 * schema defines, a type's global-id prefix, a cursor's head. These are few and fixed, so they
 * add no statement texts, and PostgreSQL reads no parameter for them at every execution. Text a
 * client sent (an alias) is never one: it is bound.
 */
export function schemaText(text: string): Sql {
  if (!SCHEMA_TEXT.test(text)) throw new Error(`"${text}" is not a text of the schema`);
  return Prisma.raw(`'${text}'::text`);
}

/** A type of the data model with a capitalised name (the enums Prisma creates), quoted. */
export function typeName(name: string): Sql {
  if (!/^[A-Z][A-Za-z]*$/.test(name)) throw new Error(`"${name}" is not a type name of the model`);
  return Prisma.raw(`"${name}"`);
}

/** Reads a column of a row alias. */
export type ColumnAccess = (column: string) => Sql;

/** The columns of the rows under `alias`. */
export const columnsOf = (alias: Sql): ColumnAccess => (column) => sql`${alias}.${identifier(column)}`;

/**
 * An array as PostgreSQL's text literal, for a parameter cast to an array of an enum: the server
 * reads it once at bind time, where a cast inside the statement would be evaluated on every row
 * and keep the condition out of the index (PGlite also serialises JavaScript arrays for text[] only).
 */
export const arrayLiteral = (values: readonly string[]) => `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
