import { UserInputError } from '../../errors.js';
import { builder } from '../builder.js';
import { nodes } from '../read/fields.js';
import { parseGlobalId } from '../read/global-id.js';
import { NodeRef } from './lists.js';

const MAX_NODES = 100;

builder.queryFields((t) => ({
  node: t.field({
    type: NodeRef,
    nullable: true,
    ...nodes({ single: true, ids: (args) => [parseGlobalId(args.id as string, 'id')] }),
    description: 'Any object by its global id; null when no such object is visible.',
    args: { id: t.arg.id({ required: true, description: 'A global id, as any object’s id field gives it.' }) },
  }),
  nodes: t.field({
    type: [NodeRef],
    nullable: { list: false, items: true },
    ...nodes({
      single: false,
      ids: (args) => {
        const ids = args.ids as string[];
        if (ids.length > MAX_NODES) throw new UserInputError(`ids: at most ${MAX_NODES} ids per request; got ${ids.length}.`, { argument: 'ids' });
        return ids.map((id, index) => parseGlobalId(id, `ids[${index}]`));
      },
    }),
    description: `Objects by their global ids, in the order given; null for each id with no visible object. At most ${MAX_NODES} ids.`,
    args: { ids: t.arg.idList({ required: true, description: 'Global ids, as objects’ id fields give them.' }) },
  }),
}));
