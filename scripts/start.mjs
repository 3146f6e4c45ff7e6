// `npm start`: bundles the server's TypeScript with esbuild (types stripped, packages left to
// node_modules) and runs the bundle in this process, with source maps for stack traces. Loading
// the sources through tsx's loader hooks took 2 of the 4 s a restart took on the embedded
// database; the bundle takes ~80 ms to make, and a restart now takes 2-3 s (bench/RESULTS.md).
// The bundle is at .build/cli/, as deep as src/cli/, so that what the sources find from their
// own URL (prisma/migrations, schema.graphql) is found the same way.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}.build/cli/serve.mjs`;
const { outputFiles } = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/serve.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  sourcemap: 'inline',
  outfile: bundle,
  write: false,
  logLevel: 'warning',
});
// Written aside and renamed: servers started at once (the test suite's) never read a half-written bundle.
mkdirSync(dirname(bundle), { recursive: true });
const aside = `${bundle}.${process.pid}`;
writeFileSync(aside, outputFiles[0].contents);
renameSync(aside, bundle);
process.setSourceMapsEnabled(true);
await import(pathToFileURL(bundle).href);
