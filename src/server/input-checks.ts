import { Kind, type DocumentNode, type SelectionSetNode, type ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { UserInputError } from '../errors.js';
import { DocumentMemo } from '../graphql/document-memo.js';

/** NUL, which PostgreSQL text cannot hold, or a UTF-16 surrogate, which may be unpaired. */
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const UNPAIRED = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL could not store `text`, or undefined when it can. */
function textProblem(text: string): string | undefined {
  if (!SUSPECT.test(text)) return undefined;
  if (text.includes('\u0000')) return 'holds a NUL character (U+0000)';
  return UNPAIRED.test(text) ? 'holds an unpaired UTF-16 surrogate' : undefined;
}

type Refusal = { message: string; argumentPath: (string | number)[]; code?: string };
/** How many values the checks looked at: bounded by the input's size, and by maxDepth per value. */
type Walk = { visited: number };

/**
 * Checks a variable's JSON value: no deeper than `maxDepth` objects and lists, no string
 * PostgreSQL could not store. Stops descending at the limit, so its recursion is bounded. `path`
 * is one stack, pushed and popped on the way down and copied only into a refusal: variables are
 * checked on every request, and most of their values are list elements (a page of ids).
 */
function checkJson(value: unknown, path: (string | number)[], depth: number, maxDepth: number, walk: Walk): Refusal | undefined {
  walk.visited += 1;
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { message: problem, argumentPath: [...path] } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= maxDepth) return { message: `nests objects and lists more than ${maxDepth} deep`, argumentPath: [...path], code: 'NESTING_TOO_DEEP' };
  const keys = Array.isArray(value) ? undefined : Object.keys(value);
  const count = keys ? keys.length : (value as unknown[]).length;
  for (let i = 0; i < count; i += 1) {
    const key = keys ? keys[i]! : i;
    path.push(key);
    const refusal = checkJson((value as Record<string | number, unknown>)[key], path, depth + 1, maxDepth, walk);
    path.pop();
    if (refusal) return refusal;
  }
  return undefined;
}

/** The same checks on an argument's literal value in the document. */
function checkLiteral(value: ValueNode, path: (string | number)[], depth: number, maxDepth: number, walk: Walk): Refusal | undefined {
  walk.visited += 1;
  if (value.kind === Kind.STRING) {
    const problem = textProblem(value.value);
    return problem ? { message: problem, argumentPath: path } : undefined;
  }
  if (value.kind !== Kind.LIST && value.kind !== Kind.OBJECT) return undefined;
  if (depth >= maxDepth) return { message: `nests objects and lists more than ${maxDepth} deep`, argumentPath: path, code: 'NESTING_TOO_DEEP' };
  if (value.kind === Kind.LIST) {
    for (let i = 0; i < value.values.length; i += 1) {
      const refusal = checkLiteral(value.values[i]!, [...path, i], depth + 1, maxDepth, walk);
      if (refusal) return refusal;
    }
    return undefined;
  }
  for (const field of value.fields) {
    const refusal = checkLiteral(field.value, [...path, field.name.value], depth + 1, maxDepth, walk);
    if (refusal) return refusal;
  }
  return undefined;
}

/** Every argument of every field and directive in a selection set, fragments walked where defined. */
function checkSelections(set: SelectionSetNode, path: string[], maxDepth: number, walk: Walk): Refusal | undefined {
  for (const selection of set.selections) {
    const here = selection.kind === Kind.FIELD ? [...path, (selection.alias ?? selection.name).value] : path;
    const args = [...(selection.kind === Kind.FIELD ? (selection.arguments ?? []) : []), ...(selection.directives ?? []).flatMap((d) => d.arguments ?? [])];
    for (const argument of args) {
      const refusal = checkLiteral(argument.value, [...here, argument.name.value], 0, maxDepth, walk);
      if (refusal) return refusal;
    }
    if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) {
      const refusal = checkSelections(selection.selectionSet, here, maxDepth, walk);
      if (refusal) return refusal;
    }
  }
  return undefined;
}

function checkVariables(variables: Record<string, unknown>, maxDepth: number, walk: Walk): Refusal | undefined {
  for (const [name, value] of Object.entries(variables)) {
    const refusal = checkJson(value, ['$' + name], 0, maxDepth, walk);
    if (refusal) return refusal;
  }
  return undefined;
}

/** The document's own values: its arguments, input fields and variables' defaults. */
function checkLiterals(document: DocumentNode, maxDepth: number, walk: Walk): Refusal | undefined {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    for (const variable of definition.kind === Kind.OPERATION_DEFINITION ? (definition.variableDefinitions ?? []) : []) {
      if (!variable.defaultValue) continue;
      const refusal = checkLiteral(variable.defaultValue, ['$' + variable.variable.name.value], 0, maxDepth, walk);
      if (refusal) return refusal;
    }
    const refusal = checkSelections(definition.selectionSet, definition.kind === Kind.FRAGMENT_DEFINITION ? [`...${definition.name.value}`] : [], maxDepth, walk);
    if (refusal) return refusal;
  }
  return undefined;
}

/**
 * One check over every input of an operation, before graphql-js coerces its variables: no value
 * nests objects and lists more than `maxDepth` deep (coercion recurses per level), and no string,
 * in any argument, input field or variable, holds what PostgreSQL's text cannot (NUL) or what is
 * not text (an unpaired surrogate). Such input is refused as BAD_USER_INPUT naming where it is
 * (`argumentPath`: response keys, then the argument and its fields, or `$variable` and its fields),
 * instead of failing in the database as an unexplained internal error.
 */
export function useInputChecks(maxDepth: number): Plugin {
  // A document's literals are checked once per document; variables, on every request.
  const literals = new DocumentMemo<{ refusal: Refusal | undefined; visited: number }>(256, 1);
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const walk: Walk = { visited: 0 };
      let refusal = checkVariables((args.variableValues ?? {}) as Record<string, unknown>, maxDepth, walk);
      if (!refusal) {
        const checked = literals.get(args.document, '', () => {
          const own: Walk = { visited: 0 };
          return { refusal: checkLiterals(args.document, maxDepth, own), visited: own.visited };
        });
        refusal = checked.refusal;
        walk.visited += checked.visited;
      }
      if (!refusal) return;
      const where = refusal.argumentPath.join('.');
      setResultAndStopExecution({
        errors: [
          new UserInputError(`${where} ${refusal.message}.`, {
            argumentPath: refusal.argumentPath,
            visited: walk.visited,
            ...(refusal.code ? { code: refusal.code, maxInputDepth: maxDepth } : {}),
          }),
        ],
      });
    },
  };
}
