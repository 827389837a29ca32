/**
 * The dependency rules of DESIGN.md "Layout": dependencies point inward, and nothing imports in a circle.
 * test/unit/architecture.test.ts runs them in `npm test`; `npx depcruise shared functions dev cli` prints them.
 */

// Node's modules that reach a file, a socket or another process.
const NODE_IO =
  '^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|dns/promises|child_process|cluster|worker_threads|readline|repl|inspector)$';
// Drivers and storage SDKs, as resolved to a node_modules folder.
const SDKS = '(^|/)node_modules/(@azure/|@databricks/|snowflake-sdk/|thrift/|azurite/)';
// The pure core: the planner, and the policy module but for its sources (which fetch and read files).
const PURE = '^shared/(plan/|policy/)';
const POLICY_SOURCES = '^shared/policy/(source|file-source|last-good-file|ranger-admin-source)\\.ts$';
// What does I/O inside shared/: the store, the HTTP API, and each warehouse's implementation.
const IO_IN_SHARED = '^shared/(store/|http/|connectors/[^/]+/)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other cannot be understood, tested or moved one at a time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-core-imports-no-io',
      comment:
        'plan/ and policy/ (but its sources) are data in, data out: no store, warehouse implementation, HTTP, entry point or I/O module.',
      severity: 'error',
      from: { path: PURE, pathNot: POLICY_SOURCES },
      to: { path: [IO_IN_SHARED, '^functions/', '^dev/', SDKS, NODE_IO] },
    },
    {
      name: 'plan-reaches-no-io',
      comment:
        'Nothing the planner imports, however indirectly, does I/O: loading plan/ loads no driver, store or file system.',
      severity: 'error',
      from: { path: '^shared/plan/' },
      to: { reachable: true, path: [IO_IN_SHARED, POLICY_SOURCES, '^functions/', '^dev/', SDKS, NODE_IO] },
    },
    {
      name: 'shared-not-outward',
      comment:
        'shared/ is used by functions/ and dev/, never the other way round, and knows nothing of Azure Functions.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: ['^dev/', '^functions/', '(^|/)node_modules/@azure/functions/'] },
    },
    {
      name: 'connectors-not-sync',
      comment:
        'A connector implements the contract in shared/connectors; the pipeline in sync/ drives it, not the other way round.',
      severity: 'error',
      from: { path: '^shared/connectors/' },
      to: { path: '^shared/sync/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a cycle or an inward type dependency is one whatever the compiler erases.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
