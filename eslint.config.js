// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Workflow code is replayed deterministically inside Temporal's sandbox: no Node built-ins, no I/O clients.
const workflowForbiddenImports = {
  patterns: [
    { group: ['node:*'], message: 'Workflows must be deterministic: no Node built-ins.' },
    {
      group: [
        'fs', 'fs/*', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'stream', 'worker_threads',
        '@mikro-orm/*', 'pg', '@aws-sdk/*', 'sharp', 'onnxruntime-node', 'koa', '@koa/*', 'pino', 'argon2',
        '@temporalio/client', '@temporalio/worker', '@temporalio/activity',
        '../db/*', '../integrations/*', '../inference/*', '../api/*',
      ],
      message: 'Workflows must not import I/O code; call activities instead (import type only).',
      allowTypeImports: true,
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.local/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', workflowForbiddenImports] },
  },
  {
    // Test doubles implement async interfaces without awaiting anything, and HTTP tests read untyped JSON
    // bodies: their assertions are what check the shape.
    files: ['test/**/*.ts', 'fakes/**/*.ts'],
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
