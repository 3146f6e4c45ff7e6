/** Bind parameters collected while a statement is built: `add` returns the placeholder. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

/**
 * An array as PostgreSQL's text literal, for a parameter cast to an array of a custom type (an
 * enum): the server then reads it once at bind time, where a cast inside the statement would be
 * evaluated on every row and keep the condition out of the index.
 */
export const arrayLiteral = (values: readonly string[]) => `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

/** Quotes an output column alias (GraphQL field names are camelCase). */
export const alias = (name: string) => `"${name}"`;

/** An instant as ISO-8601 UTC text, formatted by PostgreSQL so Node parses nothing. */
export const isoTime = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** `a AND b …`, TRUE for none. */
export const and = (conditions: string[]) => (conditions.length === 0 ? 'TRUE' : conditions.map((c) => `(${c})`).join(' AND '));
