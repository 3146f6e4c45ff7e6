import type { ArgBuilder, EnumRef, ObjectRef } from '@pothos/core';
import { builder, type AppTypes as Types } from '../builder.js';
import type { Connection } from '../connection.js';
import { OrderDirectionEnum } from './enums.js';

/** Relay's paging arguments: first / after forwards, last / before backwards. */
export const pageArgs = (arg: ArgBuilder<Types>) => ({
  first: arg.int({ required: false, description: 'Page forwards: this many items after `after`.' }),
  after: arg.string({ required: false, description: 'The cursor of the item the page starts after.' }),
  last: arg.int({ required: false, description: 'Page backwards: this many items before `before`.' }),
  before: arg.string({ required: false, description: 'The cursor of the item the page ends before.' }),
});

/** `<Name>Connection` with `<Name>Edge`, nodes, pageInfo and a totalCount counted only on demand. */
export function connectionType<Shape extends object>(node: ObjectRef<Types, Shape>, name: string, noun: string) {
  return builder.connectionObject(
    {
      type: node,
      name: `${name}Connection`,
      description: `A page of ${noun}.`,
      fields: (t) => ({
        totalCount: t.int({
          description: `${noun[0]!.toUpperCase()}${noun.slice(1)} in the whole list, counted only when this field is selected.`,
          resolve: (connection) => (connection as unknown as Connection<unknown>).totalCount ?? 0,
        }),
      }),
    },
    { name: `${name}Edge` },
  );
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
