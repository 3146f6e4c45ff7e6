import fc from 'fast-check';
import { getNamedType, getNullableType, isListType, isObjectType, Kind, parse, type FragmentDefinitionNode, type GraphQLNamedType, type SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { measureOperation, type CostOptions } from '../src/graphql/cost.js';
import { schema } from '../src/graphql/schema.js';

const OPTIONS: CostOptions = { defaultPageSize: 20, listSize: 5 };

/**
 * The oracle: the definitions of depth, aliases and cost applied literally, every fragment spread
 * expanded where it stands (exponential in nested spreads, so only for small documents).
 */
function expanded(document: string) {
  const ast = parse(document);
  const fragments = new Map(ast.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const walk = (set: SelectionSetNode, type: GraphQLNamedType, multiplier: number): { depth: number; aliases: number; cost: number } => {
    let depth = 0;
    let aliases = 0;
    let cost = 0;
    for (const selection of set.selections) {
      let inner = { depth: 0, aliases: 0, cost: 0 };
      let levels = 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases += 1;
        levels = 1;
        // Introspection fields (__typename) cost nothing.
        if (!selection.name.value.startsWith('__')) cost += multiplier;
        const field = isObjectType(type) ? type.getFields()[selection.name.value]! : undefined;
        if (selection.selectionSet && field) {
          const first = selection.arguments?.find((a) => a.name.value === 'first');
          const listed = isListType(getNullableType(field.type)) && !type.name.endsWith('Connection');
          const fan = first ? Number((first.value as { value: string }).value) : field.args.some((a) => a.name === 'first') ? OPTIONS.defaultPageSize : listed ? OPTIONS.listSize : 1;
          inner = walk(selection.selectionSet, getNamedType(field.type), multiplier * fan);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = walk(selection.selectionSet, type, multiplier);
      } else {
        inner = walk(fragments.get(selection.name.value)!.selectionSet, schema.getType('Call')!, multiplier);
      }
      depth = Math.max(depth, inner.depth + levels);
      aliases += inner.aliases;
      cost += inner.cost;
    }
    return { depth, aliases, cost };
  };
  const operation = ast.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
  return { ast, ...walk((operation as { selectionSet: SelectionSetNode }).selectionSet, schema.getQueryType()!, 1) };
}

/** A selection on Call that may spread the fragments before it (so there is no cycle). */
const callSelection = (spreadable: number, depth: number): fc.Arbitrary<string> => {
  const leaf = fc.constantFrom('id', 'externalId', 'status', 'a1: id', 'a2: status', '__typename');
  const options: fc.Arbitrary<string>[] = [leaf];
  if (spreadable > 0) options.push(fc.integer({ min: 0, max: spreadable - 1 }).map((i) => `...F${i}`));
  if (depth > 0) {
    const inner = callSelection(spreadable, depth - 1);
    options.push(
      inner.map((s) => `parent { ${s} }`),
      fc.tuple(fc.integer({ min: 0, max: 4 }), inner).map(([n, s]) => `legs(first: ${n}) { nodes { ${s} } }`),
      inner.map((s) => `p: parent { ${s} }`),
      inner.map((s) => `... on Call { ${s} }`),
      fc.constantFrom('records { attempt }', 'r: records { attempt duration }'),
    );
  }
  return fc.array(fc.oneof(...options), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(' '));
};

const documents = fc.integer({ min: 0, max: 6 }).chain((count) =>
  fc
    .tuple(
      fc.tuple(...Array.from({ length: count }, (_, i) => callSelection(i, 2))),
      callSelection(count, 2),
      fc.integer({ min: 0, max: 30 }),
    )
    .map(([fragments, top, first]) =>
      [`query { calls(first: ${first}) { nodes { ${top} } } }`, ...fragments.map((body, i) => `fragment F${i} on Call { ${body} }`)].join('\n'),
    ),
);

describe('operation measure', () => {
  it('equals the measure with every fragment expanded, on generated documents (seed 26, 300 runs)', () => {
    fc.assert(
      fc.property(documents, (document) => {
        const oracle = expanded(document);
        const measure = measureOperation(schema, oracle.ast, undefined, {}, OPTIONS);
        expect({ depth: measure.depth, aliases: measure.aliases, cost: measure.cost }).toEqual({ depth: oracle.depth, aliases: oracle.aliases, cost: oracle.cost });
        // Each selection of the document walked at most once, whatever the spreads.
        let selections = 0;
        JSON.stringify(oracle.ast, (key, value) => {
          if (key === 'selections') selections += (value as unknown[]).length;
          return value;
        });
        expect(measure.visited).toBeLessThanOrEqual(selections);
      }),
      { seed: 26, numRuns: 300 },
    );
  });
});
