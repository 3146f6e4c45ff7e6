import { resolveArrayConnection } from '@pothos/plugin-relay';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyInfo } from '../../auth/api-keys.js';
import { ApiKeyScope } from '../../db/generated/enums.js';
import { builder } from '../builder.js';
import { enumType } from './enums.js';
import { pageArgs } from './lists.js';

const ApiKeyScopeEnum = enumType('ApiKeyScope', ApiKeyScope, 'What an API key may do.', {
  READ: 'Query the account’s data.',
  WRITE: 'Import and change call records.',
  ADMIN: 'Manage the account’s API keys.',
});

const ApiKeyRef = builder.objectRef<ApiKeyInfo>('ApiKey').implement({
  description: 'A credential of the account. Its secret is shown once, when it is created; cdrql keeps only a hash.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The key’s public id: the part after cdrql_ and before the secret.' }),
    prefix: t.string({ description: 'How the key begins, to recognise it: cdrql_<id>_.', resolve: (key) => `cdrql_${key.id}_` }),
    name: t.exposeString('name'),
    scopes: t.field({ type: [ApiKeyScopeEnum], resolve: (key) => key.scopes }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked; a revoked key is refused.' }),
  }),
});

const ApiKeyConnection = builder.connectionObject({ type: ApiKeyRef, name: 'ApiKeyConnection', description: 'A page of API keys.' }, { name: 'ApiKeyEdge' });

/** A problem with one input of a mutation, for the client to show beside that input. */
const InputProblem = builder.objectRef<{ path: string[]; message: string }>('InputProblem').implement({
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'The input field at fault.' }),
    message: t.exposeString('message'),
  }),
});

const MAX_KEYS_LISTED = 1000;

builder.queryField('apiKeys', (t) =>
  t.field({
    type: ApiKeyConnection,
    authScopes: { admin: true },
    description: 'The account’s API keys, oldest first (needs the ADMIN scope).',
    args: pageArgs(t.arg),
    resolve: async (_root, args, ctx) =>
      resolveArrayConnection({ args, maxSize: ctx.pages.maxSize, defaultSize: ctx.pages.defaultSize }, (await listApiKeys(ctx.db.prisma, ctx.accountId)).slice(0, MAX_KEYS_LISTED)),
  }),
);

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'What the key is for, such as “dashboard” or “nightly import”.' }),
    scopes: t.field({ type: [ApiKeyScopeEnum], required: true }),
  }),
});

const CreateApiKeyPayload = builder
  .objectRef<{ key: string | null; apiKey: ApiKeyInfo | null; problems: Array<{ path: string[]; message: string }> }>('CreateApiKeyPayload')
  .implement({
    fields: (t) => ({
      key: t.exposeString('key', { nullable: true, description: 'The whole key, to send as Authorization: Bearer <key>. Shown only this once.' }),
      apiKey: t.expose('apiKey', { type: ApiKeyRef, nullable: true }),
      problems: t.expose('problems', { type: [InputProblem], description: 'Why no key was created; empty on success.' }),
    }),
  });

const RevokeApiKeyPayload = builder.objectRef<{ apiKey: ApiKeyInfo | null; problems: Array<{ path: string[]; message: string }> }>('RevokeApiKeyPayload').implement({
  fields: (t) => ({
    apiKey: t.expose('apiKey', { type: ApiKeyRef, nullable: true }),
    problems: t.expose('problems', { type: [InputProblem] }),
  }),
});

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeyPayload,
    authScopes: { admin: true },
    description: 'Creates an API key for the caller’s account (needs the ADMIN scope).',
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const problems = [
        ...(input.name.trim() === '' ? [{ path: ['input', 'name'], message: 'A key needs a name.' }] : []),
        ...(input.scopes.length === 0 ? [{ path: ['input', 'scopes'], message: 'A key needs at least one scope.' }] : []),
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
    description: 'Revokes one of the account’s API keys; requests with it are refused from then on (needs the ADMIN scope).',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const revoked = await revokeApiKey(ctx.db.prisma, ctx.accountId, String(id), { apiKeyId: ctx.credentials.keyId });
      if (!revoked) return { apiKey: null, problems: [{ path: ['id'], message: `The account has no API key ${id}.` }] };
      ctx.authenticator.forget(revoked.id);
      return { apiKey: revoked, problems: [] };
    },
  }),
}));
