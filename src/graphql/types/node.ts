import { brandWithType, type ObjectRef } from '@pothos/core';
import { callEntity } from '../../db/read/calls.js';
import { callRecordEntity } from '../../db/read/call-records.js';
import type { Entity } from '../../db/read/entity.js';
import { recordingEntity } from '../../db/read/recordings.js';
import { renderedByIds, renderedRow } from '../../db/read/response.js';
import { UserInputError } from '../../errors.js';
import { builder, type AppTypes } from '../builder.js';
import type { Context } from '../context.js';
import { rowById, scoped } from '../loaders.js';
import { selectionOf } from '../preload.js';
import { renderField, type RenderedField, type Renderer } from '../sql-response.js';
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

/**
 * The objects behind global ids, in their order (null where none is visible): one loader call per
 * type, so that nodes(ids) with 100 ids is one statement per type and one promise, not 100.
 */
async function loadNodes(ctx: Context, info: FieldInfo, globalIds: readonly string[], argumentOf: (index: number) => string) {
  const parsed = globalIds.map((globalId, index) => parseNodeId(globalId, argumentOf(index)));
  const loaded = new Map<string, Map<string, object | null>>();
  await Promise.all(
    Object.entries(NODE_TYPES).map(async ([typename, type]) => {
      const ids = parsed.filter((id) => id.typename === typename).map((id) => id.id);
      if (ids.length === 0) return;
      const rows = await rowById(ctx, type.entity, selectionOf(ctx, info, typename)).loadMany(ids);
      const byId = new Map<string, object | null>();
      rows.forEach((row, index) => {
        if (row instanceof Error) throw row;
        if (row) brandWithType(row, type.ref);
        byId.set(ids[index]!, row);
      });
      loaded.set(typename, byId);
    }),
  );
  return parsed.map(({ typename, id }) => loaded.get(typename)?.get(id) ?? null);
}

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: 'Any object by its global id; null when no such object is visible.',
    args: { id: t.arg.id({ required: true, description: 'A global id, as any object’s id field gives it.' }) },
    resolve: async (_root, args, ctx, info) => (await loadNodes(ctx, info, [args.id], () => 'id'))[0] ?? null,
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: `Objects by their global ids, in the order given; null for each id with no visible object. At most ${MAX_NODES} ids.`,
    args: { ids: t.arg.idList({ required: true, description: 'Global ids, as objects’ id fields give them.' }) },
    resolve: (_root, args, ctx, info) => {
      if (args.ids.length > MAX_NODES) throw new UserInputError(`ids: at most ${MAX_NODES} ids per request; got ${args.ids.length}.`, { argument: 'ids' });
      return loadNodes(ctx, info, args.ids, (index) => `ids[${index}]`);
    },
  }),
}));

/* The same fields written in SQL (sql-response.ts), for operations answered by one statement. */
function renderNodes(renderer: Renderer, field: RenderedField, globalIds: readonly string[], argumentOf: (index: number) => string): string {
  const ids = globalIds.map((globalId, index) => parseNodeId(globalId, argumentOf(index)));
  const render = Object.fromEntries(
    Object.entries(NODE_TYPES)
      .filter(([typename]) => ids.some((id) => id.typename === typename))
      .map(([typename, type]) => [
        typename,
        (idColumn: string) => renderedRow(type.entity, idColumn, scoped(renderer.ctx, type.entity), renderer.params, renderer.object(typename, field.nodes)),
      ]),
  );
  return renderedByIds(ids, renderer.params, render);
}

renderField('Query', 'node', (renderer, field) => `(${renderNodes(renderer, field, [field.args.id as string], () => 'id')})->0`);

renderField('Query', 'nodes', (renderer, field) => {
  const ids = field.args.ids as string[];
  if (ids.length > MAX_NODES) throw new UserInputError(`ids: at most ${MAX_NODES} ids per request; got ${ids.length}.`, { argument: 'ids' });
  return renderNodes(renderer, field, ids, (index) => `ids[${index}]`);
});
