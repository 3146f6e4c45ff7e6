import { defineConfig } from 'prisma/config';

// Only Prisma's own CLI reads this file; cdrql's code connects through src/db/client.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/cdrql' },
});
