import SchemaBuilder, { type SchemaTypes } from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type { Context } from './context.js';

/** The scopes a request's API key grants, by the names fields' `authScopes` use. */
export const grantedScopes = (ctx: Context) => ({
  read: ctx.credentials.scopes.has('READ'),
  write: ctx.credentials.scopes.has('WRITE'),
  admin: ctx.credentials.scopes.has('ADMIN'),
});

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: { read: boolean; write: boolean; admin: boolean };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    Decimal: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  plugins: [ScopeAuthPlugin, RelayPlugin],
  scopeAuth: {
    authScopes: grantedScopes,
    unauthorizedError: (_parent, _ctx, info) =>
      new GraphQLError(`This API key may not use ${info.parentType.name}.${info.fieldName}: it lacks the scope it needs.`, {
        extensions: { code: 'FORBIDDEN' },
      }),
  },
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    idFieldOptions: { description: 'An opaque global id: node(id) finds the object again.' },
    nodeTypeOptions: { description: 'An object with a global id, which node(id) and nodes(ids) find.' },
    edgesFieldOptions: { nullable: false, description: 'The page’s items, each with its cursor.' },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    cursorFieldOptions: { description: 'An opaque position of this item in its list, for after / before.' },
    nodesOnConnection: { description: 'The page’s items, without cursors.' },
    pageInfoFieldOptions: { description: 'Where this page sits in the list.' },
    hasNextPageFieldOptions: { description: 'Whether items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page.' },
    startCursorFieldOptions: { description: 'The cursor of the page’s first item.' },
    endCursorFieldOptions: { description: 'The cursor of the page’s last item.' },
    defaultEdgeTypeOptions: { description: 'An item of a list, with its cursor.' },
    // node(id) and nodes(ids) are defined in types/node.ts so they load only the selected fields.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    pageInfoTypeOptions: { description: 'Where a page sits in its list, for fetching the next or previous one.' },
  },
});

/** The schema's type parameters, for helpers that take Pothos refs and builders. */
export type AppTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T extends SchemaTypes> ? T : never;

builder.queryType({ description: 'Call detail records of the caller’s account.', authScopes: { read: true } });
builder.mutationType({ description: 'Changes to the caller’s account.' });
