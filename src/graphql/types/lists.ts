import type { ArgBuilder, EnumRef, ObjectRef } from '@pothos/core';
import { builder, type AppTypes as Types } from '../builder.js';
import type { ConnectionRead, PlannedRow } from '../read/declarations.js';
import { fromResponse } from '../read/execute.js';
import { OrderDirectionEnum } from './enums.js';

/*
 * Relay's connection types. The planner writes their values (pageInfo, cursors, totalCount) in the
 * page's statement; every field here reads what the statement wrote.
 */

/** Relay's paging arguments: first / after forwards, last / before backwards. */
export const pageArgs = (arg: ArgBuilder<Types>) => ({
  first: arg.int({ required: false, description: 'Page forwards: this many items after `after`.' }),
  after: arg.string({ required: false, description: 'The cursor of the item the page starts after.' }),
  last: arg.int({ required: false, description: 'Page backwards: this many items before `before`.' }),
  before: arg.string({ required: false, description: 'The cursor of the item the page ends before.' }),
});

/** An object with a global id: `node(id)` finds it. Execution reads its type from `$type`, which the statement writes. */
export const NodeRef = builder.interfaceRef<PlannedRow>('Node').implement({
  description: 'An object with a global id, which node(id) and nodes(ids) find.',
  fields: (t) => ({
    id: t.id({ description: 'An opaque global id: node(id) finds the object again.', resolve: fromResponse }),
  }),
  resolveType: (row) => row.$type as string,
});

const PageInfoRef = builder.objectRef<PlannedRow>('PageInfo').implement({
  description: 'Where a page sits in its list, for fetching the next or previous one.',
  fields: (t) => ({
    hasNextPage: t.boolean({ description: 'Whether items follow this page.', resolve: fromResponse }),
    hasPreviousPage: t.boolean({ description: 'Whether items precede this page.', resolve: fromResponse }),
    startCursor: t.string({ nullable: true, description: 'The cursor of the page’s first item.', resolve: fromResponse }),
    endCursor: t.string({ nullable: true, description: 'The cursor of the page’s last item.', resolve: fromResponse }),
  }),
});

const CONNECTION: ConnectionRead = { kind: 'connection' };

/** `<Name>Connection` with `<Name>Edge`, nodes, pageInfo and a totalCount counted only when selected. */
export function connectionType(node: ObjectRef<Types, PlannedRow>, name: string, noun: string) {
  const edge = builder.objectRef<PlannedRow>(`${name}Edge`).implement({
    description: 'An item of a list, with its cursor.',
    fields: (t) => ({
      cursor: t.string({ description: 'An opaque position of this item in its list, for after / before.', resolve: fromResponse }),
      node: t.field({ type: node, description: 'The item.', resolve: fromResponse }),
    }),
  });
  return builder.objectRef<PlannedRow>(`${name}Connection`).implement({
    description: `A page of ${noun}.`,
    extensions: { read: CONNECTION },
    fields: (t) => ({
      edges: t.field({ type: [edge], description: 'The page’s items, each with its cursor.', resolve: fromResponse }),
      nodes: t.field({ type: [node], description: 'The page’s items, without cursors.', resolve: fromResponse }),
      pageInfo: t.field({ type: PageInfoRef, description: 'Where this page sits in the list.', resolve: fromResponse }),
      totalCount: t.int({ description: `${noun[0]!.toUpperCase()}${noun.slice(1)} in the whole list, counted only when this field is selected.`, resolve: fromResponse }),
    }),
  });
}

/** `<Name>Order { field, direction }`; the id always breaks ties. */
export function orderInput<Field extends string>(name: string, field: EnumRef<Types, Field, Field>, noun: string) {
  return builder.inputType(`${name}Order`, {
    description: `How a list of ${noun} is ordered; the id breaks ties, so the order is total.`,
    fields: (t) => ({
      field: t.field({ type: field, required: true, description: 'What to order by.' }),
      direction: t.field({ type: OrderDirectionEnum, required: true, description: 'Ascending or descending.' }),
    }),
  });
}
