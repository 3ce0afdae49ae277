import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      '.tools/',
      'coverage/',
      'node_modules/',
      'test/generated/',
      'examples/web/dist/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: [
      'src/main.ts',
      'src/emulator/main.ts',
      'test/bench/**',
      'test/federation/supergraph.ts',
      'test/soak/**',
      'test/tools/**',
      '.ci/**',
      'scripts/**',
    ],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
