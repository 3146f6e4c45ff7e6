import type { SqlExecutor } from '../sql-driver.js';

const known = new WeakMap<SqlExecutor, Promise<ReadonlyMap<string, string>>>();

/**
 * PostgreSQL's time zone names by their lower-case form, read once per database: ICU (which Intl
 * uses) and PostgreSQL's tz database disagree at the edges (ICU knows US/Pacific-New, PostgreSQL 15
 * does not), and PostgreSQL is the one that buckets the series. A failed read is not kept.
 */
export function timeZoneNames(sql: SqlExecutor): Promise<ReadonlyMap<string, string>> {
  let names = known.get(sql);
  if (!names) {
    names = sql
      .query<{ name: string }>('SELECT name FROM pg_timezone_names')
      .then((rows) => new Map(rows.map((row) => [row.name.toLowerCase(), row.name])));
    known.set(sql, names);
    names.catch(() => known.delete(sql));
  }
  return names;
}
