import { brandWithType, type ObjectRef } from '@pothos/core';
import { callEntity } from '../../db/read/calls.js';
import { callRecordEntity } from '../../db/read/call-records.js';
import type { Entity } from '../../db/read/entity.js';
import { recordingEntity } from '../../db/read/recordings.js';
import { UserInputError } from '../../errors.js';
import { builder, type AppTypes } from '../builder.js';
import type { Context } from '../context.js';
import { rowById } from '../loaders.js';
import { selectionOf } from '../preload.js';
import type { FieldInfo } from '../selection.js';
import { CallRef } from './call.js';
import { CallRecordRef } from './call-record.js';
import { parseNodeId } from './node-id.js';
import { RecordingRef } from './recording.js';

const NODE_TYPES: Record<string, { entity: Entity; ref: ObjectRef<AppTypes, object> }> = {
  Call: { entity: callEntity, ref: CallRef },
  CallRecord: { entity: callRecordEntity, ref: CallRecordRef },
  Recording: { entity: recordingEntity, ref: RecordingRef },
};

const MAX_NODES = 100;

async function loadNode(ctx: Context, info: FieldInfo, globalId: string, argument: string) {
  const { typename, id } = parseNodeId(globalId, argument);
  const type = NODE_TYPES[typename];
  if (!type) return null;
  const row = await rowById(ctx, type.entity, selectionOf(ctx, info, typename)).load(id);
  if (row) brandWithType(row, type.ref);
  return row;
}

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: 'Any object by its global id; null when no such object is visible.',
    args: { id: t.arg.id({ required: true, description: 'A global id, as any object’s id field gives it.' }) },
    resolve: (_root, args, ctx, info) => loadNode(ctx, info, args.id, 'id'),
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: `Objects by their global ids, in the order given; null for each id with no visible object. At most ${MAX_NODES} ids.`,
    args: { ids: t.arg.idList({ required: true, description: 'Global ids, as objects’ id fields give them.' }) },
    resolve: (_root, args, ctx, info) => {
      if (args.ids.length > MAX_NODES) throw new UserInputError(`ids: at most ${MAX_NODES} ids per request; got ${args.ids.length}.`, { argument: 'ids' });
      return Promise.all(args.ids.map((id, index) => loadNode(ctx, info, id, `ids[${index}]`)));
    },
  }),
}));
