import { readFileSync } from 'node:fs';
import { getDMMF } from '@prisma/get-dmmf';
import {
  getNamedType,
  GraphQLObjectType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLNamedType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldRead, typeRead, type FieldRead, type TableRead } from '../src/graphql/read/declarations.js';
import { schema } from '../src/graphql/schema.js';
import { createTestApp, type TestApp } from './helpers/app.js';

type Dmmf = Exclude<ReturnType<typeof getDMMF>, { type: string; reason: string }>;
type Model = Dmmf['datamodel']['models'][number];

const dmmf = getDMMF({ datamodel: readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8') }) as Dmmf;
const models = dmmf.datamodel.models;
const enums = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.values.map((v) => v.name)]));

/** Object types the planner reads from a table. */
const tables = Object.values(schema.getTypeMap()).filter((type): type is GraphQLObjectType => isObjectType(type) && typeRead(type)?.kind === 'table');

const modelOf = (table: TableRead): Model => {
  const model = models.find((m) => m.name === table.model);
  if (!model) throw new Error(`no model ${table.model}`);
  return model;
};
const fieldOfColumn = (model: Model, column: string) => model.fields.find((f) => f.kind !== 'object' && (f.dbName ?? f.name) === column);

/** The GraphQL scalar names a column of each Prisma type may be exposed as. */
const GRAPHQL_TYPES: Record<string, string[]> = {
  String: ['String', 'ID'],
  Int: ['Int'],
  Boolean: ['Boolean'],
  DateTime: ['DateTime'],
  BigInt: ['String', 'ID'],
  Decimal: ['Decimal'],
  Json: ['JSON'],
};

/** Fields of embedded types that are non-null although their column is nullable: the embedded object exists only when that column has a value. */
const PRESENT_WHEN_SET = new Set(['QualityRating.rate']);

/** Every column a type's fields read, with the type that reads it, embedded types included. */
function columnFields(type: GraphQLObjectType, owner = type.name): Array<{ owner: string; type: GraphQLObjectType; field: GraphQLField<unknown, unknown>; read: FieldRead }> {
  return Object.values(type.getFields()).flatMap((field) => {
    const read = fieldRead(field) as FieldRead | undefined;
    if (!read) return [];
    if (read.kind === 'embedded') return columnFields(getNamedType(field.type) as GraphQLObjectType, owner);
    return [{ owner, type, field, read }];
  });
}

describe('read declarations', () => {
  it('name only tables, columns and types of the Prisma model, with its nullability', () => {
    expect(tables.map((t) => t.name).sort()).toEqual(['ApiKey', 'Call', 'CallRecord', 'Recording']);
    const problems: string[] = [];
    for (const type of tables) {
      const table = typeRead(type) as TableRead;
      const model = modelOf(table);
      if ((model.dbName ?? model.name) !== table.table) problems.push(`${type.name}: table ${table.table} is not ${model.name}'s`);
      for (const [name, order] of Object.entries(table.orders)) {
        if (!fieldOfColumn(model, order.column)) problems.push(`${type.name} order ${name}: no column ${order.column}`);
      }
      for (const { type: holder, field, read } of columnFields(type)) {
        const where = `${holder.name}.${field.name}`;
        if (read.kind === 'column') {
          const column = fieldOfColumn(model, read.column);
          if (!column) {
            problems.push(`${where}: ${model.name} has no column ${read.column}`);
            continue;
          }
          const prismaType = column.kind === 'enum' ? 'Enum' : column.type;
          if (prismaType !== read.type) problems.push(`${where}: declared ${read.type}, the model says ${prismaType}`);
          if (read.nullable !== !column.isRequired) problems.push(`${where}: declared nullable ${read.nullable}, the model says ${!column.isRequired}`);
          const graphqlNullable = !isNonNullType(field.type);
          if (graphqlNullable !== read.nullable && !PRESENT_WHEN_SET.has(where)) problems.push(`${where}: GraphQL nullability ${graphqlNullable} differs from the column's`);
          const named = getNamedType(field.type);
          if (column.isList !== isListType(isNonNullType(field.type) ? field.type.ofType : field.type)) problems.push(`${where}: list shape differs from the column's`);
          if (column.kind === 'enum') {
            const values = isEnumType(named) ? named.getValues().map((v) => v.value as string) : [];
            if (JSON.stringify(values.sort()) !== JSON.stringify([...enums.get(column.type)!].sort())) problems.push(`${where}: enum values differ from ${column.type}`);
          } else if (!isScalarType(named) || !GRAPHQL_TYPES[column.type]?.includes(named.name)) {
            problems.push(`${where}: GraphQL ${named.name} cannot carry a ${column.type} column`);
          }
        } else if (read.kind === 'relation') {
          const target = typeRead(getNamedType(field.type) as GraphQLNamedType);
          const targetTable = target?.kind === 'connection' ? (typeRead(getNamedType((getNamedType(field.type) as GraphQLObjectType).getFields().nodes!.type)) as TableRead) : (target as TableRead);
          if (!fieldOfColumn(model, read.column)) problems.push(`${where}: ${model.name} has no column ${read.column}`);
          if (!fieldOfColumn(modelOf(targetTable), read.targetColumn)) problems.push(`${where}: ${targetTable.model} has no column ${read.targetColumn}`);
          if (read.order && !fieldOfColumn(modelOf(targetTable), read.order)) problems.push(`${where}: ${targetTable.model} has no column ${read.order}`);
        } else if (read.kind === 'exists') {
          if (!fieldOfColumn(model, read.column) || !fieldOfColumn(modelOf(read.table()), read.targetColumn)) problems.push(`${where}: a column of the relation is missing`);
        } else if (read.kind === 'elements') {
          if (fieldOfColumn(model, read.column)?.type !== 'Json') problems.push(`${where}: ${read.column} is not a JSON column`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('declare every field of every type the call graph reaches', () => {
    const unplanned: string[] = [];
    const seen = new Set<string>();
    const visit = (type: GraphQLNamedType) => {
      if (seen.has(type.name) || !(isObjectType(type) || isInterfaceType(type))) return;
      seen.add(type.name);
      if (isInterfaceType(type)) {
        schema.getPossibleTypes(type).forEach(visit);
        return;
      }
      for (const field of Object.values(type.getFields())) {
        const structural = typeRead(type)?.kind === 'connection' || type.name === 'PageInfo' || type.name.endsWith('Edge');
        if (!fieldRead(field) && !structural) unplanned.push(`${type.name}.${field.name}`);
        visit(getNamedType(field.type));
      }
    };
    for (const name of ['calls', 'call', 'callByExternalId', 'node', 'nodes', 'recordings', 'apiKeys']) {
      const field = schema.getQueryType()!.getFields()[name]!;
      if (!fieldRead(field)) unplanned.push(`Query.${name}`);
      visit(getNamedType(field.type));
    }
    expect(unplanned).toEqual([]);
    expect([...seen].sort()).toEqual(
      ['ApiKey', 'ApiKeyConnection', 'ApiKeyEdge', 'Call', 'CallConnection', 'CallEdge', 'CallRecord', 'Extension', 'Money', 'Node', 'PageInfo', 'QualityRating', 'QuestionResponse', 'Recording', 'RecordingConnection', 'RecordingEdge'].sort(),
    );
  });
});

/** A selection of every field of `type`, relations `depth` levels deep, with their default arguments. */
function everyField(type: GraphQLObjectType, depth: number): string {
  return Object.values(type.getFields())
    .map((field) => {
      const named = getNamedType(field.type);
      if (!isObjectType(named)) return field.name;
      if (depth === 0) return typeRead(named)?.kind === 'table' || typeRead(named)?.kind === 'connection' ? '' : `${field.name} { ${everyField(named, 0)} }`;
      return `${field.name} { ${everyField(named, depth - 1)} }`;
    })
    .filter(Boolean)
    .join(' ');
}

describe('a selection of every field', () => {
  let test: TestApp;
  let executed: TestApp;

  beforeAll(async () => {
    test = await createTestApp();
    executed = await createTestApp({ database: test, env: { SQL_RESPONSES: 'false' } });
    // Keys are verified once and then remembered: no key lookup among the statements counted.
    await test.gql('{ __typename }');
    await executed.gql('{ __typename }');
  });
  afterAll(async () => {
    await executed?.drop();
    await test?.drop();
  });

  it('is one statement per root field, and answers as graphql-js executing the planned root fields does', async () => {
    const type = (name: string) => schema.getType(name) as GraphQLObjectType;
    const queries = [
      `{ calls(first: 5) { ${everyField(type('CallConnection'), 3)} } }`,
      `{ recordings(first: 5) { ${everyField(type('RecordingConnection'), 3)} } }`,
      `{ apiKeys(first: 5) { ${everyField(type('ApiKeyConnection'), 2)} } }`,
    ];
    for (const query of queries) {
      const { result, statements } = await test.recordQueries(async () => (await test.post({ query })).text());
      const response = JSON.parse(result);
      expect(response.errors).toBeUndefined();
      expect(statements).toHaveLength(1);
      expect(JSON.stringify(response)).toBe(await (await executed.post({ query })).text());
      const executedRun = await executed.recordQueries(() => executed.gql(query));
      expect(executedRun.statements).toHaveLength(1);
    }
  });
});
