import react from "@vitejs/plugin-react";
import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

// `npm run dev`: the app on :5173, /api proxied to the service on :5000 (`make run`;
// HELPDESK_API_URL points it elsewhere).
const API_URL = process.env.HELPDESK_API_URL ?? "http://127.0.0.1:5000";
export default defineConfig({
  plugins: [react()],
  // "@/lib/api/client" is web/src/lib/api/client.ts (tsconfig.json's "paths" says the same).
  resolve: { alias: { "@": resolve(import.meta.dirname, "src") } },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { "/api": API_URL },
  },
  build: { outDir: "dist", emptyOutDir: true },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    restoreMocks: true,
  },
});
