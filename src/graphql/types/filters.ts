import type { EnumRef } from '@pothos/core';
import { builder, type AppTypes } from '../builder.js';

const textMatches = (t: PothosSchemaTypes.InputFieldBuilder<AppTypes, 'InputObject'>) => ({
  eq: t.string({ required: false, description: 'Equal to this value.' }),
  in: t.stringList({ required: false, description: 'Equal to one of these values.' }),
  startsWith: t.string({ required: false, description: 'Beginning with this text.' }),
  isNull: t.boolean({ required: false, description: IS_NULL }),
});

/** Every filter of a column that can be missing selects the calls without a value the same way. */
const IS_NULL = 'true: only rows without a value; false: only rows with one.';

const RANGE = {
  eq: 'Equal to this value.',
  gt: 'Greater than this value.',
  gte: 'Greater than or equal to this value.',
  lt: 'Less than this value.',
  lte: 'Less than or equal to this value.',
} as const;

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
    eq: t.string({ required: false, description: RANGE.eq }),
    in: t.stringList({ required: false, description: 'Equal to one of these values.' }),
    isNull: t.boolean({ required: false, description: IS_NULL }),
  }),
});

export const IntFilter = builder.inputType('IntFilter', {
  description: 'A whole-number range; a range that nothing can satisfy is an error.',
  fields: (t) => ({
    eq: t.int({ required: false, description: RANGE.eq }),
    gt: t.int({ required: false, description: RANGE.gt }),
    gte: t.int({ required: false, description: RANGE.gte }),
    lt: t.int({ required: false, description: RANGE.lt }),
    lte: t.int({ required: false, description: RANGE.lte }),
  }),
});

export const DecimalFilter = builder.inputType('DecimalFilter', {
  description: 'An exact decimal range; a range that nothing can satisfy is an error.',
  fields: (t) => ({
    eq: t.field({ type: 'Decimal', required: false, description: RANGE.eq }),
    gt: t.field({ type: 'Decimal', required: false, description: RANGE.gt }),
    gte: t.field({ type: 'Decimal', required: false, description: RANGE.gte }),
    lt: t.field({ type: 'Decimal', required: false, description: RANGE.lt }),
    lte: t.field({ type: 'Decimal', required: false, description: RANGE.lte }),
  }),
});

export const DateTimeFilter = builder.inputType('DateTimeFilter', {
  description: 'A time range; a range that nothing can satisfy is an error.',
  fields: (t) => ({
    gt: t.field({ type: 'DateTime', required: false, description: RANGE.gt.replace('value', 'instant') }),
    gte: t.field({ type: 'DateTime', required: false, description: RANGE.gte.replace('value', 'instant') }),
    lt: t.field({ type: 'DateTime', required: false, description: RANGE.lt.replace('value', 'instant') }),
    lte: t.field({ type: 'DateTime', required: false, description: RANGE.lte.replace('value', 'instant') }),
  }),
});

/** `{ in, notIn }` over one enum. */
export function enumFilter<Value extends string>(name: string, values: EnumRef<AppTypes, Value, Value>) {
  return builder.inputType(name, {
    description: 'Matches any of the values in `in`, and none of those in `notIn` (a missing value is not in any list).',
    fields: (t) => ({
      in: t.field({ type: [values], required: false, description: 'One of these values.' }),
      notIn: t.field({ type: [values], required: false, description: 'None of these values; a missing value counts as none.' }),
      isNull: t.boolean({ required: false, description: IS_NULL }),
    }),
  });
}
