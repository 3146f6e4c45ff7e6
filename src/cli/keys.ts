import { createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys.js';
import { loadConfig, StartupError } from '../config.js';
import { openDatabase } from '../db/client.js';
import { ApiKeyScope } from '../db/generated/enums.js';
import { parseCommand, runCli } from './run.js';

const USAGE = `usage:
  npm run keys -- create --account <id> --name <name> [--scopes read,write,admin]
  npm run keys -- list [--account <id>]
  npm run keys -- revoke <key id>`;

function parseScopes(text: string): ApiKeyScope[] {
  const scopes = text.split(',').map((scope) => scope.trim().toUpperCase()).filter(Boolean);
  const unknown = scopes.filter((scope) => !(scope in ApiKeyScope));
  if (scopes.length === 0 || unknown.length > 0) throw new StartupError(`--scopes takes read, write and admin, separated by commas; got "${text}"\n${USAGE}`);
  return [...new Set(scopes)] as ApiKeyScope[];
}

runCli(async () => {
  const { values, command, target } = parseCommand({ account: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'string', default: 'read' } }, ['create', 'list', 'revoke'], USAGE);
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    if (command === 'create') {
      if (!values.account || !values.name) throw new StartupError(`create needs --account and --name\n${USAGE}`);
      const account = await db.prisma.account.findUnique({ where: { id: values.account } });
      if (!account) throw new StartupError(`There is no account "${values.account}".`);
      const { key, apiKey } = await createApiKey(db.prisma, { accountId: values.account, name: values.name, scopes: parseScopes(values.scopes!) }, 'cli');
      process.stdout.write(`created ${apiKey.id} for ${apiKey.accountId} (${apiKey.scopes.join(', ').toLowerCase()})\n${key}\nThis is the only time the key is shown.\n`);
    } else if (command === 'list') {
      for (const key of await listApiKeys(db.prisma, values.account)) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
        process.stdout.write(`${key.id}\t${key.accountId}\t${key.name}\t${key.scopes.join(',').toLowerCase()}\t${key.createdAt.toISOString()}\t${state}\n`);
      }
    } else {
      if (!target) throw new StartupError(`revoke needs the key id\n${USAGE}`);
      const revoked = await revokeApiKey(db.prisma, null, target, 'cli');
      if (!revoked) throw new StartupError(`There is no API key "${target}".`);
      process.stdout.write(`revoked ${revoked.id} of ${revoked.accountId}\n`);
    }
  } finally {
    await db.close();
  }
});
