import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Lint holds the architecture: workflow code stays deterministic (no Node built-ins, no I/O),
// floating promises are errors, packages log through the structured logger, not the console.
export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.data/**',
      'packages/db/src/generated/**',
      'apps/web/dist/**',
      'apps/trainer/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      // One program for the Node code and one for the browser code: a program per package would
      // load the workspace's sources once per package (over 4 GB of heap).
      parserOptions: {
        project: ['./tsconfig.eslint.json', './apps/web/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'max-len': [
        'error',
        {
          code: 100,
          ignoreUrls: true,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
        },
      ],
    },
  },
  {
    files: ['packages/**/src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: [
      'packages/orchestration/src/**/workflows.ts',
      'packages/orchestration/src/**/workflow-*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'child_process', 'crypto', 'os'],
              message: 'no Node built-ins in workflow code',
            },
            {
              group: ['@ttpgrid/db', '@ttpgrid/artifacts', '@ttpgrid/config', 'pg', '@prisma/*'],
              message: 'no I/O in workflow code',
            },
          ],
        },
      ],
    },
  },
);
