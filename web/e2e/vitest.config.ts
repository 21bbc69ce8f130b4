import { defineConfig } from "vitest/config";

// The end-to-end suite: Debian's Chromium, driven by playwright-core, against a real
// service on a fresh embedded PostgreSQL (started by globalSetup.ts).
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.test.ts"],
    environment: "node",
    globalSetup: ["e2e/globalSetup.ts"],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    fileParallelism: false,
    // The flows build on one another's data in one database: in order, one at a time.
    sequence: { concurrent: false, shuffle: false },
  },
});
