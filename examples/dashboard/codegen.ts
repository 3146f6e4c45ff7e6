import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Types every document in src/ from cdrql's schema.graphql (the repository's root): a change to
 * the schema that breaks a document fails `npm run check`, which CI runs.
 */
const config: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['src/**/*.ts', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      // Documents as strings with their types attached: the page sends them with fetch and needs
      // no GraphQL library at run time.
      config: { documentMode: 'string', useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', Decimal: 'string', JSON: 'unknown' } },
    },
  },
};

export default config;
