import SchemaBuilder, { type SchemaTypes } from '@pothos/core';
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
  plugins: [ScopeAuthPlugin],
  scopeAuth: {
    authScopes: grantedScopes,
    unauthorizedError: (_parent, _ctx, info) =>
      new GraphQLError(`This API key may not use ${info.parentType.name}.${info.fieldName}: it lacks the scope it needs.`, {
        extensions: { code: 'FORBIDDEN' },
      }),
  },
  defaultFieldNullability: false,
});

/** The schema's type parameters, for helpers that take Pothos refs and builders. */
export type AppTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T extends SchemaTypes> ? T : never;

builder.queryType({ description: 'Call detail records of the caller’s account.', authScopes: { read: true } });
builder.mutationType({ description: 'Changes to the caller’s account.' });
