// Starts `helpdesk serve` on a free port with its own embedded PostgreSQL in a temp dir
// (so every run starts from an empty database with the demo accounts), serving the built
// app from web/dist. Rate limits are off: the suite signs in many times a minute.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

const WEB = resolve(import.meta.dirname, "..");
const REPO = resolve(WEB, "..");
const HELPDESK = process.env.HELPDESK_BIN ?? join(REPO, ".venv", "bin", "helpdesk");
const START_TIMEOUT_MS = 180_000;

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

async function waitForHealth(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`helpdesk serve exited with ${server.exitCode}:\n${log()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`helpdesk serve did not answer within ${START_TIMEOUT_MS / 1000} s:\n${log()}`);
}

export default async function setup(project: TestProject) {
  if (!existsSync(join(WEB, "dist", "index.html"))) {
    throw new Error("web/dist is not built: run `npm run build` in web/ (or `make web`) first");
  }
  if (!existsSync(HELPDESK)) throw new Error(`${HELPDESK} not found: run \`make install\` first`);

  const dir = mkdtempSync(join(tmpdir(), "helpdesk-e2e-"));
  chmodSync(dir, 0o755); // as root, the embedded server runs as its own system user
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["DATABASE_URL", "TEST_DATABASE_URL", "JWT_SECRET", "REDIS_URL", "HELPDESK_EMBEDDED_DATABASE_URL"]) delete env[name];
  Object.assign(env, {
    HELPDESK_DATA_DIR: join(dir, "pg"),
    HOST: "127.0.0.1",
    PORT: String(port),
    RATE_LIMIT_API_PER_MINUTE: "0",
    RATE_LIMIT_AUTH_PER_MINUTE: "0",
    BCRYPT_ROUNDS: "4",
  });

  let output = "";
  // cwd: the temp dir, so a developer's .env (DATABASE_URL...) is not read.
  const server = spawn(HELPDESK, ["serve"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const baseURL = `http://127.0.0.1:${port}`;

  async function stop() {
    // The service's log, for a failure's server side (errors carry their traceback).
    mkdirSync(join(WEB, "test-results"), { recursive: true });
    writeFileSync(join(WEB, "test-results", "e2e-server.log"), output);
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      // SIGTERM stops uvicorn, then the embedded PostgreSQL.
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  }

  try {
    await waitForHealth(baseURL, server, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  if (!output.includes("demo accounts")) console.warn("helpdesk serve did not report demo accounts:\n" + output);
  project.provide("baseURL", baseURL);
  return stop;
}
