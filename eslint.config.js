// @ts-check
// Lint rules that catch what the type checker does not (ADR 0017 and issue 15): promises nobody awaits,
// switches that miss a case, unused code. Formatting is prettier's job (.prettierrc.json), not eslint's.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/', 'bench/.tmp/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        // Each file is checked with its own tsconfig (console/ has one for the browser); files no tsconfig includes use defaults.
        projectService: { allowDefaultProject: ['*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A promise nobody awaits loses its failure: a job without a recorded outcome, an unhandled rejection.
      '@typescript-eslint/no-floating-promises': 'error',
      // A promise where a plain callback is expected (e.g. an event emitter) fails unseen; JSX handlers are left out,
      // since the console's handlers report their own failures (useAction).
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      // Every switch over a union handles every member; a `default` with a `never` check (the codebase's rule) counts.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false }],
      // Type-only imports say so, and vanish from the built JavaScript (the domain ships to browsers).
      // `typeof import('…')` stays allowed: it types a module loaded at run time.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // Header, name and log rules match control characters on purpose, to refuse them.
      'no-control-regex': 'off',
      // `_name` marks a value left out on purpose (destructuring it away, an unused parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  // Plain JavaScript (this file, dependency-cruiser's config, examples) has no types to check against.
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    // Node's globals, named here: TypeScript knows them from @types/node, plain JavaScript does not.
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  // Tests read parsed JSON bodies and assert on them with expect: typing every body would only restate the assertion.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
