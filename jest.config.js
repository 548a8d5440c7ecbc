// Jest runs in native ESM mode (see the "test" script): @actions/* ship ESM only.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
    // @actions/workflow-parser imports its JSON schemas without `with { type: 'json' }`: add it.
    '/node_modules/@actions/workflow-parser/dist/.+\\.js$':
      '<rootDir>/__tests__/workflows/json-import-attributes.cjs',
  },
  // node_modules stay untransformed except @actions/workflow-parser (see the transform above).
  transformIgnorePatterns: ['/node_modules/(?!@actions/workflow-parser/)'],
  testMatch: ['**/__tests__/**/*.test.ts', '**/sandbox/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 30000,
};
