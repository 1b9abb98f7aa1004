// Lint rules: typescript-eslint's recommended type-aware set, plus a guard that keeps
// workflow code free of Node APIs and I/O (the Temporal sandbox would reject them at run time).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test registers tests synchronously; the promises it returns are the runner's.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
    },
  },
  {
    files: ['eslint.config.js', 'cli/netswim.mjs', 'workers/bundle-thread.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'crypto', 'http', 'https', 'net', 'child_process'], message: 'Workflow code must be deterministic: no Node APIs.' },
          { group: ['../activities/*', '../store/*', '../api/*', '../lab/*'], allowTypeImports: true, message: 'Workflows import only activity types and pure domain logic.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use workflow.sleep().' }],
    },
  },
);
