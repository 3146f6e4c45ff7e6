import { loadConfig, StartupError } from '../config.js';
import { openDatabase } from '../db/client.js';
import type { FormatName } from '../importers/import.js';
import { createWebhookEndpoint, endpointProblem, listWebhookEndpoints, revokeWebhookEndpoint, WEBHOOK_FORMATS } from '../webhooks/endpoints.js';
import { parseCommand, runCli } from './run.js';

const USAGE = `usage:
  npm run webhooks -- create --account <id> --format <${WEBHOOK_FORMATS.join('|')}> --name <name> [--secret <the platform's signing secret>]
  npm run webhooks -- list [--account <id>]
  npm run webhooks -- revoke <endpoint id>`;

runCli(async () => {
  const { values, command, target } = parseCommand({ account: { type: 'string' }, format: { type: 'string' }, name: { type: 'string' }, secret: { type: 'string' } }, ['create', 'list', 'revoke'], USAGE);
  if (command === 'create') {
    if (!values.account || !values.format || !values.name) throw new StartupError(`create needs --account, --format and --name\n${USAGE}`);
    const problem = endpointProblem(values.format, values.secret);
    if (problem) throw new StartupError(`${problem}\n${USAGE}`);
  }
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    if (command === 'create' && values.account && values.format && values.name) {
      const account = await db.prisma.account.findUnique({ where: { id: values.account } });
      if (!account) throw new StartupError(`There is no account "${values.account}".`);
      const { secret, endpoint } = await createWebhookEndpoint(
        db.prisma,
        { accountId: values.account, format: values.format as FormatName, name: values.name, secret: values.secret },
        'cli',
      );
      process.stdout.write(`created ${endpoint.id} for ${endpoint.accountId} (${endpoint.format}): POST /webhooks/${endpoint.format}/${endpoint.id}\n`);
      if (!values.secret) process.stdout.write(`${secret}\nThis is the only time the secret is shown.\n`);
    } else if (command === 'list') {
      for (const endpoint of await listWebhookEndpoints(db.prisma, values.account)) {
        const state = endpoint.revokedAt ? `revoked ${endpoint.revokedAt.toISOString()}` : 'active';
        process.stdout.write(`${endpoint.id}\t${endpoint.accountId}\t${endpoint.format}\t${endpoint.name}\t${endpoint.createdAt.toISOString()}\t${state}\n`);
      }
    } else {
      if (!target) throw new StartupError(`revoke needs the endpoint id\n${USAGE}`);
      const revoked = await revokeWebhookEndpoint(db.prisma, null, target, 'cli');
      if (!revoked) throw new StartupError(`There is no webhook endpoint "${target}".`);
      process.stdout.write(`revoked ${revoked.id} of ${revoked.accountId}\n`);
    }
  } finally {
    await db.close();
  }
});
