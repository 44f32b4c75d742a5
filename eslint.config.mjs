// Lint rules for every TypeScript project in the repo (flat config).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_GLOBALS = Object.fromEntries([
  'require', 'module', 'exports', 'process', 'console', '__dirname', '__filename', 'Buffer', 'URL',
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
  'TextEncoder', 'TextDecoder', 'AbortController', 'performance', 'structuredClone', 'fetch', 'globalThis',
].map((name) => [name, name === 'module' || name === 'exports' ? 'writable' : 'readonly']));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'test/fixtures/**', 'test/e2e/out/**', 'test/bench/out/**', 'test/e2e/.cache/**', 'out/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.cjs', '**/*.mjs', '**/*.js'],
    languageOptions: { globals: NODE_GLOBALS },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
