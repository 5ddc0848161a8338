import { defineConfig } from 'vitest/config';

// Three projects: `unit` (pure and real-bash tests, fast), `e2e` (real docker + kind clusters, in
// CI) and `versions` (labs/71 on the other Kubernetes versions: cold node-image builds of 20-40
// minutes each, so on request only: `npm run test:versions`).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.e2e.test.ts', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          exclude: ['test/e2e/versions.e2e.test.ts', 'node_modules/**'],
          testTimeout: 900_000,
          hookTimeout: 1_200_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'versions',
          include: ['test/e2e/versions.e2e.test.ts'],
          testTimeout: 3_600_000,
          hookTimeout: 3_600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
