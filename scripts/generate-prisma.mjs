// Runs `prisma generate` without Prisma's schema engine binary, which the CLI would otherwise try
// to download (an unreachable host on locked-down networks). generate never executes that engine,
// so any existing file satisfies the CLI's check.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const result = spawnSync('npx', ['prisma', 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
