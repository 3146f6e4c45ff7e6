import { GraphQLError, parse, type ParseOptions, type Source } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Brackets ({, [, () one document may nest. graphql-js parses (and validates, and coerces) by
 * recursion, a few stack frames per level: 5,000 levels overflowed the stack (an HTTP 500) before
 * any depth limit could look at the document. Selection depth and input depth have their own,
 * lower limits (MAX_DEPTH, MAX_INPUT_DEPTH) once parsed; this one only keeps recursion bounded.
 */
export const MAX_NESTING = 128;

/**
 * The deepest bracket nesting of a GraphQL document, stopping at the first bracket past `limit`,
 * with the characters it read. Brackets inside strings, block strings and comments do not count.
 * One pass, no recursion: it runs before the parser, on any text a client sends.
 */
export function bracketNesting(text: string, limit: number): { nesting: number; scanned: number } {
  let depth = 0;
  let deepest = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x23 /* # */) {
      while (i < n && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i += 1;
    } else if (c === 0x22 /* " */) {
      if (text.startsWith('"""', i)) {
        const end = findBlockStringEnd(text, i + 3);
        i = end;
      } else {
        i += 1;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d === 0x5c /* \ */) i += 2;
          else if (d === 0x22 || d === 0x0a || d === 0x0d) break;
          else i += 1;
        }
      }
    } else if (c === 0x7b || c === 0x5b || c === 0x28) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return { nesting: deepest, scanned: i + 1 };
      }
    } else if (c === 0x7d || c === 0x5d || c === 0x29) {
      depth = Math.max(0, depth - 1);
    }
    i += 1;
  }
  return { nesting: deepest, scanned: n };
}

/** The index of a block string's closing quotes (escaped \""" does not close it), or the text's end. */
function findBlockStringEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    const end = text.indexOf('"""', i);
    if (end === -1) return text.length;
    if (text.charCodeAt(end - 1) !== 0x5c) return end + 2;
    i = end + 3;
  }
}

/**
 * Bounds the parser's work by the document's size: a bracket pre-scan refuses nesting past
 * MAX_NESTING before graphql-js recurses into it, and graphql-js's `maxTokens` stops lexing past
 * `maxTokens`. A document the parser refuses for any reason answers with a code.
 */
export function useParseLimits(maxTokens: number): Plugin {
  const limitedParse = (source: string | Source, options?: ParseOptions) => {
    const text = typeof source === 'string' ? source : source.body;
    const { nesting, scanned } = bracketNesting(text, MAX_NESTING);
    if (nesting > MAX_NESTING) {
      throw new GraphQLError(`The document nests brackets more than ${MAX_NESTING} deep.`, {
        extensions: { code: 'NESTING_TOO_DEEP', maxNesting: MAX_NESTING, visited: scanned, http: { status: 400 } },
      });
    }
    try {
      return parse(source, { ...options, maxTokens });
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const tooMany = error.message.includes('tokens. Parsing aborted');
      throw new GraphQLError(
        tooMany ? `The document has more than ${maxTokens} tokens.` : error.message,
        {
          source: error.source,
          positions: error.positions,
          extensions: tooMany
            ? { code: 'TOO_MANY_TOKENS', maxTokens, visited: maxTokens, http: { status: 400 } }
            : { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } },
        },
      );
    }
  };
  return {
    onParse({ setParseFn }) {
      setParseFn(limitedParse);
    },
  };
}
