import type { FormatName } from '../../importers/import.js';
import { createWebhookEndpoint, endpointProblem, listWebhookEndpoints, revokeWebhookEndpoint, WEBHOOK_FORMATS, type WebhookEndpointInfo } from '../../webhooks/endpoints.js';
import { builder } from '../builder.js';
import { InputProblem } from './api-key.js';

const MAX_ENDPOINTS_LISTED = 1000;

const WebhookEndpointRef = builder.objectRef<WebhookEndpointInfo>('WebhookEndpoint').implement({
  description: 'A URL a telephony platform posts the account’s call progress to: POST /webhooks/<format>/<id>. See docs/webhooks.md for how each format is signed.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The endpoint’s id: the last segment of its URL.' }),
    format: t.exposeString('format', { description: `What the platform posts: ${WEBHOOK_FORMATS.join(', ')}.` }),
    path: t.string({ description: 'The path to configure at the platform, after cdrql’s origin.', resolve: (endpoint) => `/webhooks/${endpoint.format}/${endpoint.id}` }),
    name: t.exposeString('name', { description: 'What the endpoint is for.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked; a revoked endpoint refuses every request.' }),
  }),
});

builder.queryField('webhookEndpoints', (t) =>
  t.field({
    type: [WebhookEndpointRef],
    authScopes: { admin: true },
    description: `The account’s webhook endpoints, oldest first, at most ${MAX_ENDPOINTS_LISTED} (needs the ADMIN scope).`,
    resolve: async (_root, _args, ctx) => (await listWebhookEndpoints(ctx.db.prisma, ctx.accountId)).slice(0, MAX_ENDPOINTS_LISTED),
  }),
);

const CreateWebhookEndpointInput = builder.inputType('CreateWebhookEndpointInput', {
  description: 'A new webhook endpoint of the caller’s account.',
  fields: (t) => ({
    format: t.string({ required: true, description: `What the platform posts: ${WEBHOOK_FORMATS.join(', ')}.` }),
    name: t.string({ required: true, description: 'What the endpoint is for, such as “FreeClimb production”.' }),
    secret: t.string({
      required: false,
      description: 'The platform’s signing secret: required for freeclimb (signing secret), jambonz (webhook secret) and restcomm (auth token); for the others cdrql makes one.',
    }),
  }),
});

const CreateWebhookEndpointPayload = builder
  .objectRef<{ secret: string | null; endpoint: WebhookEndpointInfo | null; problems: Array<{ path: string[]; message: string }> }>('CreateWebhookEndpointPayload')
  .implement({
    description: 'The created endpoint, or why none was created.',
    fields: (t) => ({
      secret: t.exposeString('secret', { nullable: true, description: 'The secret cdrql made, to sign requests with (cdrql-signature). Shown only this once; null when the platform’s own was given.' }),
      endpoint: t.expose('endpoint', { type: WebhookEndpointRef, nullable: true, description: 'The created endpoint.' }),
      problems: t.expose('problems', { type: [InputProblem], description: 'Why no endpoint was created; empty on success.' }),
    }),
  });

const RevokeWebhookEndpointPayload = builder
  .objectRef<{ endpoint: WebhookEndpointInfo | null; problems: Array<{ path: string[]; message: string }> }>('RevokeWebhookEndpointPayload')
  .implement({
    description: 'The revoked endpoint, or why none was revoked.',
    fields: (t) => ({
      endpoint: t.expose('endpoint', { type: WebhookEndpointRef, nullable: true, description: 'The endpoint, now revoked.' }),
      problems: t.expose('problems', { type: [InputProblem], description: 'Why nothing was revoked; empty on success.' }),
    }),
  });

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: CreateWebhookEndpointPayload,
    authScopes: { admin: true },
    description: 'Creates a webhook endpoint for the caller’s account (needs the ADMIN scope).',
    args: { input: t.arg({ type: CreateWebhookEndpointInput, required: true, description: 'The endpoint to create.' }) },
    resolve: async (_root, { input }, ctx) => {
      const secret = input.secret ?? undefined;
      const problem = endpointProblem(input.format, secret);
      const problems = [
        ...(input.name.trim() === '' ? [{ path: ['input', 'name'], message: 'An endpoint needs a name.' }] : []),
        ...(problem ? [{ path: ['input', problem.startsWith('the format') ? 'format' : 'secret'], message: problem }] : []),
      ];
      if (problems.length > 0) return { secret: null, endpoint: null, problems };
      const created = await createWebhookEndpoint(
        ctx.db.prisma,
        { accountId: ctx.accountId, format: input.format as FormatName, name: input.name.trim(), secret },
        { apiKeyId: ctx.credentials.keyId },
      );
      return { secret: secret === undefined ? created.secret : null, endpoint: created.endpoint, problems: [] };
    },
  }),
  revokeWebhookEndpoint: t.field({
    type: RevokeWebhookEndpointPayload,
    authScopes: { admin: true },
    description: 'Revokes one of the account’s webhook endpoints: every request to it is refused from then on (needs the ADMIN scope).',
    args: { id: t.arg.id({ required: true, description: 'The endpoint’s id (WebhookEndpoint.id).' }) },
    resolve: async (_root, { id }, ctx) => {
      const revoked = await revokeWebhookEndpoint(ctx.db.prisma, ctx.accountId, String(id), { apiKeyId: ctx.credentials.keyId });
      if (!revoked) return { endpoint: null, problems: [{ path: ['id'], message: `The account has no webhook endpoint ${id}.` }] };
      return { endpoint: revoked, problems: [] };
    },
  }),
}));
