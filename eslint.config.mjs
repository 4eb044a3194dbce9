// Workflow code runs in Temporal's deterministic sandbox: it must not reach Node built-ins, I/O clients or
// activity implementations (only their types), or a replay could diverge from history.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'mongodb',
  'ioredis',
  'stripe',
  'express',
  '@opensearch-project/opensearch',
  '@sendgrid/mail',
  'twilio',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-*/**',
      'node_modules/**',
      '.tools/**',
      '.data/**',
      '.run/**',
      'eslint.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'describe', 'it', 'suite'], package: 'node:test' },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflows are deterministic: no Node built-ins.' },
            {
              group: ['../activities/*', '../activities', '../integrations/*'],
              allowTypeImports: true,
              message: 'Workflows import activity types only.',
            },
          ],
          paths: [
            ...[
              'fs',
              'path',
              'crypto',
              'http',
              'https',
              'net',
              'os',
              'child_process',
              'dns',
              'timers',
              'worker_threads',
              'process',
            ].map((name) => ({ name, message: 'Workflows are deterministic: no Node built-ins.' })),
            ...ioModules.map((name) => ({ name, message: 'Workflows do no I/O; call an activity.' })),
          ],
        },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'fetch', 'process'],
    },
  },
  // Sizes a newcomer can hold in one screen: no function over 100 lines outside tests and tools, no route
  // file over 200 lines.
  {
    files: ['**/*.ts'],
    ignores: ['test/**', 'bench/**', 'scripts/**', 'client/**'],
    rules: { 'max-lines-per-function': ['error', { max: 100 }] },
  },
  {
    files: ['api/routes/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 200 }] },
  },
);
