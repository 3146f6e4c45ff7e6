import type { EnumRef } from '@pothos/core';
import { builder, type AppTypes } from '../builder.js';

const textMatches = (t: PothosSchemaTypes.InputFieldBuilder<AppTypes, 'InputObject'>) => ({
  eq: t.string({ required: false }),
  in: t.stringList({ required: false }),
  startsWith: t.string({ required: false }),
});

export const StringFilter = builder.inputType('StringFilter', {
  description: 'Matches text exactly, against a list, or by its beginning. Operators combine with AND.',
  fields: textMatches,
});

export const PhoneNumberFilter = builder.inputType('PhoneNumberFilter', {
  description:
    'Matches a stored E.164 number. Inputs may be formatted as people write them: "+1 (415) 555-" matches every number starting +1415555; digits without a plus are read as E.164 digits.',
  fields: textMatches,
});

export const KeyFilter = builder.inputType('KeyFilter', {
  description: 'Matches a vendor’s numeric id (extension, broadcast, batch, contact), given as a string of digits.',
  fields: (t) => ({
    eq: t.string({ required: false }),
    in: t.stringList({ required: false }),
  }),
});

export const IntFilter = builder.inputType('IntFilter', {
  description: 'A whole-number range; a range that nothing can satisfy is an error.',
  fields: (t) => ({
    eq: t.int({ required: false }),
    gt: t.int({ required: false }),
    gte: t.int({ required: false }),
    lt: t.int({ required: false }),
    lte: t.int({ required: false }),
  }),
});

export const DecimalFilter = builder.inputType('DecimalFilter', {
  description: 'An exact decimal range; a range that nothing can satisfy is an error.',
  fields: (t) => ({
    eq: t.field({ type: 'Decimal', required: false }),
    gt: t.field({ type: 'Decimal', required: false }),
    gte: t.field({ type: 'Decimal', required: false }),
    lt: t.field({ type: 'Decimal', required: false }),
    lte: t.field({ type: 'Decimal', required: false }),
  }),
});

export const DateTimeFilter = builder.inputType('DateTimeFilter', {
  description: 'A time range; a range that nothing can satisfy is an error.',
  fields: (t) => ({
    gt: t.field({ type: 'DateTime', required: false }),
    gte: t.field({ type: 'DateTime', required: false }),
    lt: t.field({ type: 'DateTime', required: false }),
    lte: t.field({ type: 'DateTime', required: false }),
  }),
});

/** `{ in, notIn }` over one enum. */
export function enumFilter<Value extends string>(name: string, values: EnumRef<AppTypes, Value, Value>) {
  return builder.inputType(name, {
    description: 'Matches any of the values in `in`, and none of those in `notIn` (a missing value is not in any list).',
    fields: (t) => ({
      in: t.field({ type: [values], required: false }),
      notIn: t.field({ type: [values], required: false }),
    }),
  });
}
