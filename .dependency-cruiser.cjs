/** Layer rules of the hexagon (see docs/adr/0001). `npm run lint` fails on any violation. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'src/domain imports only itself, zod, fp-ts and ipaddr.js: no I/O, no frameworks, no Node built-ins. ' +
        'ipaddr.js (IP parsing and special-purpose ranges) is pure and browser-safe, with no dependencies; ' +
        'the destination rule (src/domain/webhook/destination.ts) needs it in the domain so the console and embedders enforce it too.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', 'node_modules/(zod|fp-ts|ipaddr\\.js)/'] },
    },
    {
      name: 'domain-no-node-builtins',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'application-uses-domain-and-ports',
      comment: 'Use cases see the domain and the port interfaces, never adapters or the composition root.',
      severity: 'error',
      from: { path: '^src/application/' },
      to: { pathNot: ['^src/(application|domain|ports)/', 'node_modules/(zod|fp-ts)/'] },
    },
    {
      name: 'ports-are-interfaces',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { pathNot: ['^src/(ports|domain)/', 'node_modules/(zod|fp-ts)/'] },
    },
    {
      name: 'adapters-do-not-import-each-other',
      comment:
        'Each adapter folder (src/adapters/<kind>/<name>) stands alone but for src/adapters/shared (storage: rows, group commit, fair claims, the hash seal; outbound: SSRF-guarded HTTP, templates); the composition root combines them.',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+/[^/]+)/' },
      to: { path: '^src/adapters/', pathNot: ['^src/adapters/$1/', '^src/adapters/shared/'] },
    },
    {
      name: 'shared-adapter-code-stands-alone',
      severity: 'error',
      from: { path: '^src/adapters/shared/' },
      to: { path: '^src/adapters/', pathNot: '^src/adapters/shared/' },
    },
    {
      name: 'shared-storage-and-outbound-apart',
      comment: 'What stores share (src/adapters/shared/storage) and what outbound channels share (src/adapters/shared/outbound) know nothing of each other.',
      severity: 'error',
      from: { path: '^src/adapters/shared/(storage|outbound)/' },
      to: { path: '^src/adapters/shared/', pathNot: '^src/adapters/shared/$1/' },
    },
    {
      name: 'only-main-knows-the-container',
      severity: 'error',
      from: { pathNot: '^src/main/' },
      to: { path: 'node_modules/(inversify|reflect-metadata|@inversifyjs)/' },
    },
    {
      name: 'nothing-imports-main',
      severity: 'error',
      from: { pathNot: '^src/main/' },
      to: { path: '^src/main/' },
    },
    {
      name: 'client-knows-no-server',
      comment:
        'hookledger/client runs in the receiver’s and caller’s process: fetch, node:crypto and openapi-fetch only, nothing of src/adapters, application, domain or main.',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { pathNot: ['^src/client/', 'node_modules/openapi-fetch/', '^(node:)?crypto$'] },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
