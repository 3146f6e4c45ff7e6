import { useGraphQlJit } from '@envelop/graphql-jit';
import {
  getNamedType,
  isInputObjectType,
  Kind,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type TypeNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';

/**
 * Input types from which a cycle can be reached (CallFilter's AND / OR / NOT, say). graphql-jit
 * unrolls a variable's type into generated code and never ends on these
 * (https://github.com/zalando-incubator/graphql-jit/issues/175).
 */
function recursiveInputTypes(schema: GraphQLSchema): Set<string> {
  const recursive = new Set<string>();
  const reaches = (type: GraphQLNamedType, path: string[]): boolean => {
    if (!isInputObjectType(type)) return false;
    if (path.includes(type.name) || recursive.has(type.name)) return true;
    const found = Object.values(type.getFields()).some((field) => reaches(getNamedType(field.type), [...path, type.name]));
    if (found) recursive.add(type.name);
    return found;
  };
  for (const type of Object.values(schema.getTypeMap())) reaches(type, []);
  return recursive;
}

const namedTypeOf = (node: TypeNode): string => (node.kind === Kind.NAMED_TYPE ? node.name.value : namedTypeOf(node.type));

/**
 * graphql-jit collects a selection set's own fields first and its fragments after them, the last
 * fragment first (collectFieldsImpl in its ast.js, 0.8.7); the spec orders a response's fields as
 * the document does. The two orders agree when no fragment is followed by another selection.
 */
function fragmentsComeLast(selectionSet: SelectionSetNode | undefined): boolean {
  if (!selectionSet) return true;
  const { selections } = selectionSet;
  return selections.every(
    (selection, i) =>
      (selection.kind === Kind.FIELD || i === selections.length - 1) &&
      (selection.kind === Kind.FRAGMENT_SPREAD || fragmentsComeLast(selection.selectionSet)),
  );
}

/** Per parsed document: yoga's parser cache hands every request of one query the same object. */
const inDocumentOrder = new WeakMap<DocumentNode, boolean>();

function keepsFieldOrder(document: DocumentNode): boolean {
  let keeps = inDocumentOrder.get(document);
  if (keeps === undefined) {
    keeps = document.definitions.every((definition) => !('selectionSet' in definition) || fragmentsComeLast(definition.selectionSet));
    inDocumentOrder.set(document, keeps);
  }
  return keeps;
}

/**
 * Executes operations with graphql-jit: a response of a few thousand fields costs graphql-js more
 * than the SQL behind it, and compiled once per document (cached) execution is plain property
 * reads. graphql-js runs what graphql-jit gets wrong: documents whose fields it would answer out
 * of order, operations with a variable of a recursive input type (a filter written inline is
 * compiled like any other argument), and variables that do not coerce, whose errors graphql-js
 * explains with the scalar's own message.
 */
export function useCompiledExecution(schema: GraphQLSchema) {
  const recursive = recursiveInputTypes(schema);
  return useGraphQlJit(
    {},
    {
      enableIf: ({ document, operationName, variableValues }) => {
        if (!keepsFieldOrder(document)) return false;
        const operation = document.definitions.find(
          (definition): definition is OperationDefinitionNode =>
            definition.kind === Kind.OPERATION_DEFINITION && (operationName == null || definition.name?.value === operationName),
        );
        const variables = operation?.variableDefinitions ?? [];
        if (variables.some((variable) => recursive.has(namedTypeOf(variable.type)))) return false;
        return variables.length === 0 || getVariableValues(schema, variables, variableValues ?? {}).errors === undefined;
      },
    },
  );
}
