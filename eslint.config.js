// Lint: a small rule set on top of typescript-eslint's recommended one, and the import
// boundaries of docs/architecture.md. Folder-level import loops between features are found
// by scripts/check-import-graph.mjs (run by `npm run lint` too): ESLint sees one file at a time.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** `no-restricted-imports` patterns: what a folder may not import (relative paths, any depth). */
const forbid = (...groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }],
});

const features = [
  'presses',
  'alarms',
  'supplies',
  'users',
  'notifications',
  'recording',
  'simulation',
  'health',
  'poller',
  'production',
  'integrations',
  'sparkplug',
  'metrics',
  'xjmf',
];
const anyFeature = features.flatMap((f) => [`**/src/${f}`, `**/src/${f}/**`, `../${f}/**`, `../../${f}/**`]);
const infrastructure = ['**/store/**', '**/http/**', '**/realtime/**', 'express', 'better-sqlite3', 'socket.io', 'pino'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'dashboard/dist/**', 'bench/results/**', 'test-artifacts/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        AbortController: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      'prefer-const': 'error',
      'no-console': 'off',
    },
  },
  {
    // tests read JSON bodies of many shapes
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    // module-level handles assigned for the afterEach/afterAll that closes them
    // and control characters in regular expressions that look for them
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-useless-assignment': 'off', 'no-control-regex': 'off' },
  },
  {
    // drivers/ is Modbus only: it imports nothing from the service.
    files: ['drivers/**/*.ts'],
    rules: forbid(
      [['**/src/**', '../src/**', '../../src/**'], 'drivers/ is Modbus only and imports nothing from src/ (docs/architecture.md)'],
      [['**/simulators/**'], 'drivers/ may not import the simulator'],
    ),
  },
  {
    // The press vocabulary is pure: no infrastructure, no feature; only the Modbus codec's value words.
    files: ['src/model/**/*.ts', 'src/lib/**/*.ts'],
    rules: forbid(
      [infrastructure, 'the model is pure: it imports no infrastructure (store, http, realtime, express, SQLite, socket.io, pino)'],
      [anyFeature, 'the model knows no feature'],
      [['**/drivers/master/**', '**/drivers/transport/**'], "the model may use the codec's value vocabulary, not the bus"],
    ),
  },
  {
    // Infrastructure knows no feature.
    files: ['src/store/**/*.ts', 'src/http/**/*.ts', 'src/realtime/**/*.ts'],
    rules: forbid([anyFeature, 'store/, http/ and realtime/ are infrastructure: they know no feature (the composition root wires features to them)']),
  },
  {
    // The simulator speaks Modbus over the press vocabulary; it knows no feature of the service.
    files: ['simulators/**/*.ts'],
    rules: forbid([[...anyFeature, '**/src/app.ts', '**/src/store/**', '**/src/http/**'], 'simulators/ may import drivers/ and src/model/ only']),
  },
  {
    files: ['dashboard/src/**/*.ts'],
    rules: forbid([['**/src/*/**', '!**/src/model/**'], 'the dashboard speaks HTTP and socket.io; its shared types come from src/model/ only']),
  },
);
