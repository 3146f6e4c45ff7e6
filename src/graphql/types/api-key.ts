import { createApiKey, revokeApiKey, type ApiKeyInfo } from '../../auth/api-keys.js';
import { ApiKeyScope } from '../../db/generated/enums.js';
import { builder } from '../builder.js';
import { enumType } from './enums.js';
import { sql } from '../../db/sql.js';
import type { PlannedRow } from '../read/declarations.js';
import { loadPlanned } from '../read/execute.js';
import { column, expression, rootPage, table } from '../read/fields.js';
import { connectionType, pageArgs } from './lists.js';

const ApiKeyScopeEnum = enumType('ApiKeyScope', ApiKeyScope, 'What an API key may do.', {
  READ: 'Query the account’s data.',
  WRITE: 'Import and change call records.',
  ADMIN: 'Manage the account’s API keys.',
});

const apiKeyTable = table({ table: 'api_keys', model: 'ApiKey', idType: 'text', orders: { CREATED_AT: { column: 'created_at', type: 'timestamptz' } } });

const ApiKeyRef = builder.objectRef<PlannedRow>('ApiKey').implement({
  description: 'A credential of the account. Its secret is shown once, when it is created; cdrql keeps only a hash.',
  extensions: { read: apiKeyTable },
  fields: (t) => ({
    id: t.id({ ...column('id', 'String'), description: 'The key’s public id: the part after cdrql_ and before the secret.' }),
    prefix: t.string({ ...expression((column) => sql`'cdrql_' || ${column('id')} || '_'`), description: 'How the key begins, to recognise it: cdrql_<id>_.' }),
    name: t.string({ ...column('name', 'String'), description: 'What the key is for.' }),
    scopes: t.field({ type: [ApiKeyScopeEnum], ...column('scopes', 'Enum'), description: 'What the key may do.' }),
    createdAt: t.field({ type: 'DateTime', ...column('created_at', 'DateTime'), description: 'When the key was created.' }),
    revokedAt: t.field({ type: 'DateTime', ...column('revoked_at', 'DateTime', { nullable: true }), description: 'When it was revoked; a revoked key is refused.' }),
  }),
});

const ApiKeyConnection = connectionType(ApiKeyRef, 'ApiKey', 'API keys');

/** A problem with one input of a mutation, for the client to show beside that input. */
export const InputProblem = builder.objectRef<{ path: string[]; message: string }>('InputProblem').implement({
  description: 'Why one input of a mutation was refused.',
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'The input field at fault.' }),
    message: t.exposeString('message', { description: 'What is wrong with it.' }),
  }),
});

const MAX_NAME_LENGTH = 100;

builder.queryField('apiKeys', (t) =>
  t.field({
    type: ApiKeyConnection,
    authScopes: { admin: true },
    ...rootPage({ list: 'api-keys', defaultOrder: { field: 'CREATED_AT', direction: 'ASC' } }),
    description: 'The account’s API keys, oldest first (needs the ADMIN scope).',
    args: pageArgs(t.arg),
  }),
);

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  description: 'A new API key of the caller’s account.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'What the key is for, such as “dashboard” or “nightly import”.' }),
    scopes: t.field({ type: [ApiKeyScopeEnum], required: true, description: 'What the key may do.' }),
  }),
});

const CreateApiKeyPayload = builder
  .objectRef<{ key: string | null; apiKey: ApiKeyInfo | null; problems: Array<{ path: string[]; message: string }> }>('CreateApiKeyPayload')
  .implement({
    description: 'The created key, or why none was created.',
    fields: (t) => ({
      key: t.exposeString('key', { nullable: true, description: 'The whole key, to send as Authorization: Bearer <key>. Shown only this once.' }),
      apiKey: t.field({
        type: ApiKeyRef,
        nullable: true,
        description: 'The created key’s details.',
        resolve: (payload, _args, ctx, info) => (payload.apiKey ? loadPlanned(ctx, info, 'ApiKey', payload.apiKey.id) : null),
      }),
      problems: t.expose('problems', { type: [InputProblem], description: 'Why no key was created; empty on success.' }),
    }),
  });

const RevokeApiKeyPayload = builder.objectRef<{ apiKey: ApiKeyInfo | null; problems: Array<{ path: string[]; message: string }> }>('RevokeApiKeyPayload').implement({
  description: 'The revoked key, or why none was revoked.',
  fields: (t) => ({
    apiKey: t.field({
      type: ApiKeyRef,
      nullable: true,
      description: 'The key, now revoked.',
      resolve: (payload, _args, ctx, info) => (payload.apiKey ? loadPlanned(ctx, info, 'ApiKey', payload.apiKey.id) : null),
    }),
    problems: t.expose('problems', { type: [InputProblem], description: 'Why nothing was revoked; empty on success.' }),
  }),
});

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeyPayload,
    authScopes: { admin: true },
    description:
      'Creates an API key for the caller’s account with at most the scopes of the key making it (needs the ADMIN scope). Revoking the making key revokes this one too.',
    args: { input: t.arg({ type: CreateApiKeyInput, required: true, description: 'The key to create.' }) },
    resolve: async (_root, { input }, ctx) => {
      const lacking = input.scopes.filter((scope) => !ctx.credentials.scopes.has(scope));
      const problems = [
        ...(input.name.trim() === '' ? [{ path: ['input', 'name'], message: 'A key needs a name.' }] : []),
        ...(input.name.length > MAX_NAME_LENGTH ? [{ path: ['input', 'name'], message: `A key's name has at most ${MAX_NAME_LENGTH} characters.` }] : []),
        ...(input.scopes.length === 0 ? [{ path: ['input', 'scopes'], message: 'A key needs at least one scope.' }] : []),
        ...(lacking.length > 0
          ? [{ path: ['input', 'scopes'], message: `The key making this one lacks ${[...new Set(lacking)].join(', ')}: a key can only give scopes it has.` }]
          : []),
      ];
      if (problems.length > 0) return { key: null, apiKey: null, problems };
      const created = await createApiKey(
        ctx.db.prisma,
        { accountId: ctx.accountId, name: input.name.trim(), scopes: [...new Set(input.scopes)] },
        { apiKeyId: ctx.credentials.keyId },
      );
      return { ...created, problems: [] };
    },
  }),
  revokeApiKey: t.field({
    type: RevokeApiKeyPayload,
    authScopes: { admin: true },
    description:
      'Revokes one of the account’s API keys, and the keys it created (and theirs in turn); requests with them are refused from then on (needs the ADMIN scope).',
    args: { id: t.arg.id({ required: true, description: 'The key’s id (ApiKey.id).' }) },
    resolve: async (_root, { id }, ctx) => {
      const revoked = await revokeApiKey(ctx.db.prisma, ctx.accountId, String(id), { apiKeyId: ctx.credentials.keyId });
      if (!revoked) return { apiKey: null, problems: [{ path: ['id'], message: `The account has no API key ${id}.` }] };
      for (const keyId of [revoked.id, ...revoked.revokedWith]) ctx.authenticator.forget(keyId);
      return { apiKey: revoked, problems: [] };
    },
  }),
}));
