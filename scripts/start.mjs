// `npm start`: bundles the server with esbuild and runs the bundle in this process. On a restart
// of the embedded database (bench/RESULTS.md), Node spent most of its time finding, reading and
// linking modules one by one: the sources through tsx's loader hooks took 2 of 4 s, the packages
// from node_modules ~0.5 s of what was left. The bundle holds both, but for the packages that load
// their WebAssembly from beside their own files (PGlite, Prisma's client runtime); it is made
// again only when what it is made of changed (a digest of that is kept beside it), because making
// it takes 1-2 s. Its source map is written beside it and used when Node is started with
// --enable-source-maps: reading it at every start cost ~0.2 s. The bundle is at .build/cli/, as
// deep as src/cli/, so that what the sources find from their own URL (prisma/migrations,
// schema.graphql) is found the same way.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}.build/cli/serve.mjs`;
const digestFile = `${bundle}.digest`;

const readOrNothing = (file, encoding) => {
  try {
    return readFileSync(file, encoding);
  } catch {
    return undefined;
  }
};

/**
 * A digest of what the bundle is made of: every file under src/, the TypeScript settings, this
 * script, and the packages as installed (npm rewrites node_modules/.package-lock.json on every
 * install that changes them).
 */
function sourcesDigest() {
  const sources = readdirSync(`${root}src`, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  const hash = createHash('sha256');
  for (const file of [fileURLToPath(import.meta.url), `${root}tsconfig.json`, `${root}node_modules/.package-lock.json`, ...sources.sort()]) {
    hash.update(file).update('\0').update(readOrNothing(file) ?? '').update('\0');
  }
  return hash.digest('hex');
}

/** Written aside and renamed: servers started at once (the test suite's) never read a half-written file. */
function replace(file, contents) {
  const aside = `${file}.${process.pid}`;
  writeFileSync(aside, contents);
  renameSync(aside, file);
}

async function makeBundle(digest) {
  const { build } = await import('esbuild');
  const { outputFiles } = await build({
    absWorkingDir: root,
    entryPoints: ['src/cli/serve.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    external: ['@electric-sql/pglite', '@prisma/client'],
    // The CommonJS packages' require(), in an ES module.
    banner: { js: "import { createRequire as createRequireOfBundle } from 'node:module'; const require = createRequireOfBundle(import.meta.url);" },
    sourcemap: 'linked',
    sourcesContent: false,
    outfile: bundle,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(dirname(bundle), { recursive: true });
  // The source map, then the bundle, then the digest: a digest that is read says its bundle is in place.
  for (const file of outputFiles.sort((a, b) => Number(a.path === bundle) - Number(b.path === bundle))) replace(file.path, file.contents);
  replace(digestFile, digest);
}

const digest = sourcesDigest();
if (readOrNothing(digestFile, 'utf8') !== digest) await makeBundle(digest);
await import(pathToFileURL(bundle).href);
