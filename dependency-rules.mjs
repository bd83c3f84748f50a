// The import rules of this repository, for dependency-cruiser (`npm run deps`, part of `npm test`).
// Direction, no cycles: content imports nothing; a lab folder imports only the lab kit; the kit
// and the curriculum import neither the server nor the site; the server never imports the site;
// the site imports only types from the server. dependency-rules.test.ts proves each rule fires.

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
export const forbidden = [
  {
    name: 'no-circular',
    comment: 'A cycle makes two modules one: split the shared part out.',
    severity: 'error',
    from: {},
    to: { circular: true },
  },
  {
    name: 'content-imports-nothing',
    comment: 'content/ is prose and data; code that renders it lives in src/.',
    severity: 'error',
    from: { path: '^content/' },
    to: { dependencyTypesNot: ['core'] },
  },
  {
    name: 'lab-imports-only-the-kit',
    comment: 'A lab folder is self-contained: it may use labs/_kit, its own files and npm packages, nothing else of the repository.',
    severity: 'error',
    from: { path: '^labs/([^_/][^/]*)/' },
    to: { dependencyTypesNot: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'core'], pathNot: ['^labs/_kit/', '^labs/$1/'] },
  },
  {
    name: 'kit-and-curriculum-stand-alone',
    comment: 'The lab kit and the curriculum are contracts the server and the site share; they import neither.',
    severity: 'error',
    from: { path: '^(labs/_kit|curriculum)/' },
    to: { path: '^(server|src|labs/[^_/][^/]*)/' },
  },
  {
    name: 'server-never-imports-the-site',
    comment: 'The server must build and run without the Astro site.',
    severity: 'error',
    from: { path: '^server/' },
    to: { path: '^src/' },
  },
  {
    name: 'site-imports-only-server-types',
    comment: 'The browser bundle must not pull in server code: import type { … } only (tests may use a real server).',
    severity: 'error',
    from: { path: '^src/', pathNot: '\\.test\\.ts$' },
    to: { path: '^server/', dependencyTypesNot: ['type-only'] },
  },
  {
    name: 'site-uses-no-lab-folder',
    comment: 'The site reads labs through the kit (schemas, types), never a lab folder’s code.',
    severity: 'error',
    from: { path: '^src/' },
    to: { path: '^labs/[^_/][^/]*/' },
  },
];

/** @type {import('dependency-cruiser').ICruiseOptions} */
export const options = {
  doNotFollow: { path: 'node_modules' },
  exclude: { path: '^(node_modules|dist|\\.cache|\\.astro)/' },
  tsPreCompilationDeps: true,
  tsConfig: { fileName: 'tsconfig.json' },
  enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.mjs', '.js', '.cjs', '.json'] },
};

export default { forbidden, options };
