import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The @alicloud packages are TS-compiled CJS; without this vitest hands back the class where
    // Node hands back module.exports, and code that works in the CLI breaks in tests (deps.md 1.3).
    deps: { interopDefault: false },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
