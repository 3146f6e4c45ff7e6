import { GraphQLError } from 'graphql';

/** A request that cannot be answered as written; clients see the message and code BAD_USER_INPUT. */
export class UserInputError extends GraphQLError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, { extensions: { code: 'BAD_USER_INPUT', ...details } });
  }
}
