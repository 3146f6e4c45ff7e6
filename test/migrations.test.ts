import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDMMF } from '@prisma/get-dmmf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { migrate, MIGRATIONS_DIR, readMigrations } from '../src/db/migrator.js';
import type { SqlDriver } from '../src/db/sql-driver.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

type Dmmf = Exclude<ReturnType<typeof getDMMF>, { type: string; reason: string }>;
type Model = Dmmf['datamodel']['models'][number];

const schemaText = readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8');
const dmmf = getDMMF({ datamodel: schemaText }) as Dmmf;
if (!('datamodel' in dmmf)) throw new Error('schema.prisma does not parse');

/** A predicate without its parentheses and extra spaces, as both Prisma and pg_get_expr may write it. */
const normalPredicate = (predicate: string | null) => predicate?.replace(/[()]/g, '').replace(/\s+/g, ' ').trim() ?? null;

/**
 * The WHERE of each partial index, by model and fields: Prisma's DMMF leaves the `where:
 * raw(...)` of the partialIndexes preview out, so it is read from the schema's text.
 */
const partialIndexes = new Map<string, string>();
let modelOfLine: string | undefined;
for (const line of schemaText.split('\n')) {
  modelOfLine = /^model (\w+)/.exec(line)?.[1] ?? modelOfLine;
  const partial = /@@index\(\[([^\]]+)\],\s*where:\s*raw\("([^"]+)"\)\)/.exec(line);
  // `didNumber(ops: raw("text_pattern_ops"))` is the field didNumber.
  const fields = partial?.[1]!.split(',').map((field) => field.replace(/\(.*$/, '').trim());
  if (partial) partialIndexes.set(`${modelOfLine}:${fields!.join(',')}`, normalPredicate(partial[2]!)!);
}

const columnName = (model: Model, field: string) => {
  const found = model.fields.find((f) => f.name === field)!;
  return found.dbName ?? found.name;
};
const tableName = (model: Model) => model.dbName ?? model.name;

/** The PostgreSQL type Prisma creates for a scalar field, as format_type() prints it. */
function expectedType(field: Model['fields'][number]): string {
  if (field.isList) return `${expectedType({ ...field, isList: false })}[]`;
  if (field.kind === 'enum') return /[A-Z]/.test(field.type) ? `"${field.type}"` : field.type;
  const [native, args = []] = (field.nativeType ?? []) as [string?, string[]?];
  // @db.Json is json; a Json field without a native type is jsonb.
  if (native === 'Json') return 'json';
  switch (native ?? field.type) {
    case 'Timestamptz':
      return `timestamp(${args[0] ?? 3}) with time zone`;
    case 'DateTime':
      return 'timestamp(3) without time zone';
    case 'VarChar':
      return `character varying(${args[0]})`;
    case 'Char':
      return `character(${args[0]})`;
    case 'Decimal':
      return `numeric(${args.length ? args.join(',') : '65,30'})`;
    case 'JsonB':
    case 'Json':
      return 'jsonb';
    case 'String':
      return 'text';
    case 'Int':
      return 'integer';
    case 'BigInt':
      return 'bigint';
    case 'Boolean':
      return 'boolean';
    default:
      throw new Error(`no mapping for ${field.name}: ${field.type} ${native}`);
  }
}

function expectedShape() {
  const models = dmmf.datamodel.models;
  const byName = new Map(models.map((m) => [m.name, m]));
  const columns = models.flatMap((model) =>
    model.fields
      .filter((f) => f.kind !== 'object')
      .map((f) => ({
        table: tableName(model),
        column: f.dbName ?? f.name,
        type: expectedType(f),
        // Prisma creates scalar list columns without NOT NULL, whatever the field says.
        nullable: f.isList || !f.isRequired,
        hasDefault: f.hasDefaultValue,
      })),
  );
  const indexes = dmmf.datamodel.indexes.map((index) => {
    const model = byName.get(index.model)!;
    return {
      table: tableName(model),
      columns: index.fields.map((f) => columnName(model, f.name)),
      kind: index.type === 'id' ? 'primary' : index.type === 'unique' ? 'unique' : 'index',
      // Null for a column's default operator class.
      opclasses: index.fields.map((f) => (f as { operatorClass?: string }).operatorClass ?? null),
      where: partialIndexes.get(`${model.name}:${index.fields.map((f) => f.name).join(',')}`) ?? null,
    };
  });
  const foreignKeys = models.flatMap((model) =>
    model.fields
      .filter((f) => f.kind === 'object' && (f.relationFromFields?.length ?? 0) > 0)
      .map((f) => ({
        table: tableName(model),
        columns: f.relationFromFields!.map((name) => columnName(model, name)),
        references: tableName(byName.get(f.type)!),
        referencedColumns: f.relationToFields!.map((name) => columnName(byName.get(f.type)!, name)),
        onDelete: (f.relationOnDelete ?? 'NoAction').toUpperCase().replace('SETNULL', 'SET NULL').replace('NOACTION', 'NO ACTION'),
      })),
  );
  const enums = dmmf.datamodel.enums.map((e) => ({ name: e.name, values: e.values.map((v) => v.dbName ?? v.name) }));
  return { tables: models.map(tableName), columns, indexes, foreignKeys, enums };
}

async function actualShape(sql: SqlDriver) {
  const tables = (
    await sql.query<{ table: string }>(
      `SELECT relname AS table FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname <> '_prisma_migrations'`,
    )
  ).map((row) => row.table);
  const columns = await sql.query<{ table: string; column: string; type: string; nullable: boolean; hasDefault: boolean }>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            NOT a.attnotnull AS nullable, a.atthasdef AS "hasDefault"
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace AND c.relname <> '_prisma_migrations'
        AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  const indexes = await sql.query<{ table: string; columns: string[]; opclasses: Array<string | null>; kind: string; where: string | null }>(
    `SELECT t.relname AS table, pg_get_expr(i.indpred, i.indrelid) AS where,
            ARRAY(SELECT CASE WHEN o.opcdefault THEN NULL ELSE o.opcname::text END FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(opclass, n)
                    JOIN pg_opclass o ON o.oid = k.opclass ORDER BY k.n) AS opclasses,
            ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n) AS columns,
            CASE WHEN i.indisprimary THEN 'primary' WHEN i.indisunique THEN 'unique' ELSE 'index' END AS kind
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
      WHERE t.relnamespace = 'public'::regnamespace AND t.relname <> '_prisma_migrations'`,
  );
  for (const index of indexes) index.where = normalPredicate(index.where);
  const foreignKeys = await sql.query<{ table: string; columns: string[]; references: string; referencedColumns: string[]; onDelete: string }>(
    `SELECT t.relname AS table, r.relname AS references,
            ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns,
            ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n) AS "referencedColumns",
            CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT'
                               WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS "onDelete"
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
      WHERE c.contype = 'f' AND t.relnamespace = 'public'::regnamespace`,
  );
  const enums = await sql.query<{ name: string; values: string[] }>(
    `SELECT t.typname AS name, ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS values
       FROM pg_type t WHERE t.typtype = 'e' AND t.typnamespace = 'public'::regnamespace`,
  );
  return { tables, columns, indexes, foreignKeys, enums };
}

/** Rows as canonical JSON strings (sorted keys), sorted: comparable whatever order they came in. */
const byKey = (rows: unknown[]) =>
  rows.map((row) => JSON.stringify(row, Object.keys(row as object).sort())).sort();

describe('migrations', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase({ migrate: false });
  });
  afterAll(() => test.drop());

  it('migrate an empty database to exactly what schema.prisma describes', async () => {
    const report = await migrate(test.db.sql);
    expect(report.applied).toEqual(readMigrations().map((m) => m.name));

    const expected = expectedShape();
    // Every partial index read from the schema's text is one of Prisma's indexes.
    expect(partialIndexes.size).toBeGreaterThan(0);
    expect(expected.indexes.filter((index) => index.where !== null)).toHaveLength(partialIndexes.size);
    const actual = await actualShape(test.db.sql);
    expect(byKey(actual.tables)).toEqual(byKey(expected.tables));
    expect(byKey(actual.columns)).toEqual(byKey(expected.columns));
    expect(byKey(actual.indexes)).toEqual(byKey(expected.indexes));
    expect(byKey(actual.foreignKeys)).toEqual(byKey(expected.foreignKeys));
    expect(byKey(actual.enums)).toEqual(byKey(expected.enums));
  });

  it('keeps an attempt and a recording in the account of their call, and deletes them with it', async () => {
    const { sql } = test.db;
    await sql.query(`INSERT INTO accounts (id, name) VALUES ('owner', 'Owner'), ('other', 'Other')`);
    const [call] = await sql.query<{ id: string }>(`INSERT INTO calls (account_id, source, external_id, status, payload) VALUES ('owner', 'NATIVE', 'c1', 'COMPLETED', '{}') RETURNING id::text`);
    const attempt = (account: string) => sql.query(`INSERT INTO call_records (account_id, call_id, attempt) VALUES ($1, $2, 1) RETURNING id::text`, [account, call!.id]);
    const recording = (account: string) => sql.query(`INSERT INTO recordings (account_id, call_id) VALUES ($1, $2)`, [account, call!.id]);
    await expect(attempt('other')).rejects.toMatchObject({ code: '23503' });
    await expect(recording('other')).rejects.toMatchObject({ code: '23503' });
    await attempt('owner');
    await recording('owner');
    await sql.query(`DELETE FROM accounts WHERE id = 'owner'`);
    expect(await sql.query(`SELECT 1 FROM call_records UNION ALL SELECT 1 FROM recordings`)).toHaveLength(0);
  });

  it('records each migration as Prisma does, with the sha256 of its file', async () => {
    const rows = await test.db.sql.query<Record<string, unknown>>(
      'SELECT id, checksum, migration_name, finished_at, rolled_back_at, logs, applied_steps_count FROM "_prisma_migrations"',
    );
    const files = readMigrations();
    expect(rows).toHaveLength(files.length);
    for (const file of files) {
      const row = rows.find((r) => r.migration_name === file.name)!;
      const sha = createHash('sha256').update(readFileSync(join(MIGRATIONS_DIR, file.name, 'migration.sql'))).digest('hex');
      expect(row.checksum).toBe(sha);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    const columns = await test.db.sql.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => `${c.column_name} ${c.data_type}`)).toEqual([
      'id character varying',
      'checksum character varying',
      'finished_at timestamp with time zone',
      'migration_name character varying',
      'logs text',
      'rolled_back_at timestamp with time zone',
      'started_at timestamp with time zone',
      'applied_steps_count integer',
    ]);
  });

  it('is a no-op the second time, also when two runs race', async () => {
    const again = await Promise.all([migrate(test.db.sql), migrate(test.db.sql)]);
    expect(again.map((r) => r.applied)).toEqual([[], []]);
    const [count] = await test.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM "_prisma_migrations"');
    expect(count!.n).toBe(readMigrations().length);
  });

  describe('with a copy of the migrations folder', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'cdrql-migrations-'));
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses to run when an applied migration was edited', async () => {
      const [first] = readMigrations(dir);
      writeFileSync(join(dir, first!.name, 'migration.sql'), `${first!.script}\n-- edited\n`);
      await expect(migrate(test.db.sql, dir)).rejects.toThrow(`Migration ${first!.name} was changed after it was applied`);
      writeFileSync(join(dir, first!.name, 'migration.sql'), first!.script);
    });

    it('applies a new migration in a transaction and rolls a failing one back whole', async () => {
      const good = join(dir, '29990101000000_add_note');
      cpSync(join(dir, readMigrations(dir)[0]!.name), good, { recursive: true });
      writeFileSync(join(good, 'migration.sql'), 'ALTER TABLE "accounts" ADD COLUMN "note" TEXT;');
      const bad = join(dir, '29990102000000_broken');
      cpSync(good, bad, { recursive: true });
      writeFileSync(join(bad, 'migration.sql'), 'ALTER TABLE "accounts" ADD COLUMN "other" TEXT;\nSELECT no_such_function();');

      await expect(migrate(test.db.sql, dir)).rejects.toThrow('Migration 29990102000000_broken failed and was rolled back');
      const names = await test.db.sql.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"');
      expect(names.map((n) => n.migration_name)).toContain('29990101000000_add_note');
      expect(names.map((n) => n.migration_name)).not.toContain('29990102000000_broken');
      const columns = await test.db.sql.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts' AND column_name IN ('note', 'other')`,
      );
      expect(columns.map((c) => c.column_name)).toEqual(['note']);
    });
  });
});

describe.runIf(process.env.DATABASE_URL)('migrations from two processes at once', () => {
  it('serialise on the advisory lock and apply each migration once', async () => {
    const server = await createTestDatabase({ migrate: false });
    const second = await openDatabase({ url: server.url, poolSize: 2, preparedStatements: 0, pgliteDir: 'memory://', statementTimeoutMs: 60_000 });
    try {
      const reports = await Promise.all([migrate(server.db.sql), migrate(second.sql)]);
      expect(reports.map((r) => r.applied.length).sort()).toEqual([0, readMigrations().length]);
      const [count] = await server.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM "_prisma_migrations"');
      expect(count!.n).toBe(readMigrations().length);
    } finally {
      await second.close();
      await server.drop();
    }
  });
});
