// ESLint for the whole workspace: neostandard (standard's rules for flat config, TypeScript
// included) with the few adjustments that match how cofl is already written. `npm run lint`.
import { neostandard, defaultFilePatterns } from 'neostandard'

export default [
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'tmp/**',
      // External vectors, copied unchanged (docs: never edited).
      'test/vectors/**',
      'test/browser/screenshots/**',
      // Written by `npm run gen:schemas`, not by hand.
      'packages/credentials/src/schema-validators.generated.ts',
      'node/web/dist/**',
      'coverage/**'
    ]
  },
  ...neostandard({ ts: true, env: ['node'] }),
  {
    // A disable comment that no longer disables anything is an error, so none outlives its reason.
    linterOptions: { reportUnusedDisableDirectives: 'error' }
  },
  {
    files: [...defaultFilePatterns.all],
    rules: {
      // Short objects keep several properties on one line: `{ verified: false, checks }`.
      '@stylistic/object-property-newline': 'off',
      // `void promise` marks a promise deliberately not awaited (a start-up, a fire-and-forget).
      'no-void': ['error', { allowAsStatement: true }],
      // Long lines are wrapped; strings, templates, URLs and regular expressions may run on.
      '@stylistic/max-len': ['error', {
        code: 180,
        ignoreStrings: true,
        ignoreTemplateLiterals: true,
        ignoreUrls: true,
        ignoreRegExpLiterals: true
      }]
    }
  },
  {
    files: [...defaultFilePatterns.ts, ...defaultFilePatterns.tsx],
    rules: {
      // `const X = ...` and `type X = ...` of the same name (a value and its type) is TypeScript's
      // own idiom; the type checker reports real redeclarations.
      'no-redeclare': 'off',
      '@typescript-eslint/no-redeclare': 'off',
      // standard's options, and `_` for a value deliberately unused: `for await (const _ of drain) {}`.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true, vars: 'all', varsIgnorePattern: '^_$' }]
    }
  }
]
