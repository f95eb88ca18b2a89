import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/examples', '<rootDir>/bench', '<rootDir>/docs', '<rootDir>/scripts'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
    // h3 v2 and its dependencies ship ESM only: transpiled to CommonJS like the tests.
    '^.+\\.mjs$': '<rootDir>/scripts/jest-esm-to-cjs.mjs',
    // jose 6 (examples/realworld's JWTs) ships ESM only, as .js files.
    '/node_modules/\\.pnpm/jose@[^/]+/.+\\.js$': '<rootDir>/scripts/jest-esm-to-cjs.mjs',
  },
  transformIgnorePatterns: ['^(?!.*/node_modules/\\.pnpm/(h3|rou3|srvx|jose)@).*/node_modules/'],
  moduleNameMapper: {
    // Workspace packages resolve to their sources: tests need no build step.
    '^@tsgi/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    // Subpath exports: @tsgi/adapters/hono, @tsgi/core/gateway, @tsgi/server/gateway, ... (one source file each).
    '^@tsgi/([a-z-]+)/([a-z0-9-]+)$': '<rootDir>/packages/$1/src/$2.ts',
    // Sources are ESM and import siblings as './x.js'; jest resolves the .ts file.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 20_000,
};

export default config;
