/**
 * The hostile request bodies of issue 26, each grown to just under a body limit: the test sends
 * them through the server and checks the refusal; bench/hostile.ts times them.
 */
export interface HostileShape {
  name: string;
  /** The JSON body, at most `bodyLimit` bytes. */
  body: string;
  /** What the server must answer with (extensions.code of the first error). */
  code: string;
}

/** Repeats `open` and `close` around `middle` as many times as fit in `budget` characters. */
function nest(open: string, middle: string, close: string, budget: number): string {
  const levels = Math.max(1, Math.floor((budget - middle.length) / (open.length + close.length)));
  return open.repeat(levels) + middle + close.repeat(levels);
}

/** `fragment F0 on Call { id }`, `F1 { ...F0 ...F0 }` … `F<levels>`: each level doubles an expanding walk. */
export function doublingFragments(levels: number, aliased = false): string {
  const parts = [aliased ? 'fragment F0 on Call { a: id }' : 'fragment F0 on Call { id }'];
  for (let i = 1; i <= levels; i += 1) parts.push(`fragment F${i} on Call { ...F${i - 1} ...F${i - 1} }`);
  return `query { calls(first: 1) { nodes { ...F${levels} } } } ${parts.join(' ')}`;
}

export function hostileShapes(bodyLimit: number): HostileShape[] {
  // Room for the JSON around the document and for escaping.
  const budget = bodyLimit - 200;
  const query = (document: string) => JSON.stringify({ query: document });
  // As many doubling fragments as fit: past the token limit long before the body limit.
  const fragmentLevels = Math.floor(budget / 50);
  // Written out as text: JSON.stringify recurses, and overflows long before the body limit.
  const notChain = (levels: number) => `${'{"NOT":'.repeat(levels)}{"isLeg":false}${'}'.repeat(levels)}`;
  const withFilter = (filter: string) =>
    `{"query":${JSON.stringify('query($f: CallFilter) { calls(filter: $f) { totalCount } }')},"variables":{"f":${filter}}}`;
  const shapes: HostileShape[] = [
    { name: 'doubling fragments, 21 levels (the 875-byte request)', body: query(doublingFragments(21)), code: 'QUERY_TOO_COSTLY' },
    { name: 'doubling fragments, 30 levels', body: query(doublingFragments(30)), code: 'QUERY_TOO_COSTLY' },
    { name: 'doubling aliased fragments, 30 levels', body: query(doublingFragments(30, true)), code: 'TOO_MANY_ALIASES' },
    { name: `doubling fragments, ${fragmentLevels} levels (body limit)`, body: query(doublingFragments(fragmentLevels)), code: 'TOO_MANY_TOKENS' },
    {
      name: 'NOT nested to the body limit, literal',
      body: query(`{ calls(filter: ${nest('{NOT: ', '{isLeg: false}', '}', budget - 60)}) { totalCount } }`),
      code: 'NESTING_TOO_DEEP',
    },
    {
      name: 'NOT nested 5,000 deep, in variables',
      body: withFilter(notChain(5000)),
      code: 'NESTING_TOO_DEEP',
    },
    {
      name: 'NOT nested to the body limit, in variables',
      body: withFilter(notChain(Math.floor((budget - 100) / 8))),
      code: 'NESTING_TOO_DEEP',
    },
    { name: 'parent { parent { … } } to the body limit', body: query(`{ calls(first: 1) { nodes { ${nest('parent { ', 'id', ' }', budget - 60)} } } }`), code: 'NESTING_TOO_DEEP' },
    { name: 'nodes(ids: [[[…]]]) to the body limit', body: query(`{ nodes(ids: ${nest('[', '"Call:1"', ']', budget - 40)}) { id } }`), code: 'NESTING_TOO_DEEP' },
    {
      name: 'nested undeclared variables to the body limit',
      body: query(`{ nodes(ids: ${nest('[$v ', '$v', ']', budget - 40)}) { id } }`),
      code: 'NESTING_TOO_DEEP',
    },
    {
      name: 'undeclared variables side by side to the body limit',
      body: query(`{ nodes(ids: [${Array.from({ length: Math.floor((budget - 40) / 9) }, (_, i) => `$v${i}`).join(' ')}]) { id } }`),
      code: 'TOO_MANY_TOKENS',
    },
    {
      name: 'aliases side by side to the body limit',
      body: query(`{ ${Array.from({ length: Math.floor((budget - 10) / 20) }, (_, i) => `a${i}: __typename`).join(' ')} }`),
      code: 'TOO_MANY_TOKENS',
    },
  ];
  for (const shape of shapes) if (Buffer.byteLength(shape.body) > bodyLimit) throw new Error(`${shape.name}: ${Buffer.byteLength(shape.body)} bytes`);
  return shapes;
}
