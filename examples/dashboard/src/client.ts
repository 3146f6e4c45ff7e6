import type { TypedDocumentString } from './gql/graphql';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** A cdrql endpoint and the API key every request sends. */
export interface Connection {
  url: string;
  key: string;
}

/** Runs one typed operation; GraphQL errors become an ApiError with the first one's message and code. */
export async function execute<Result, Variables>(connection: Connection, document: TypedDocumentString<Result, Variables>, variables: Variables): Promise<Result> {
  const response = await fetch(new URL('/graphql', connection.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${connection.key}` },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json()) as { data?: Result; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  const error = body.errors?.[0];
  if (error) throw new ApiError(error.message, error.extensions?.code);
  if (!body.data) throw new ApiError(`cdrql answered ${response.status} without data`, undefined);
  return body.data;
}
