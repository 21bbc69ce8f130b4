// Starts `helpdesk serve` on a free port with its own embedded PostgreSQL in a temp dir
// (so every run starts from an empty database with the demo accounts), serving the built
// app from web/dist. Rate limits are off: the suite signs in many times a minute.
// The server's settings are what tests/support/server.py gives the Python suite's server.
import { spawn } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

const WEB = resolve(import.meta.dirname, "..");
const HELPDESK = process.env.HELPDESK_BIN ?? join(WEB, "..", ".venv", "bin", "helpdesk");
// The service's log, for a failure's server side (errors carry their traceback).
const LOG = join(WEB, "test-results", "e2e-server.log");
const START_TIMEOUT_MS = 180_000;
// Settings of the caller's environment that would point the server at another database,
// secret, address or Redis (and every HELPDESK_* one, HELPDESK_ENV included).
const NOT_INHERITED = ["DATABASE_URL", "TEST_DATABASE_URL", "JWT_SECRET", "REDIS_URL", "HOST", "PORT"];

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

async function waitForHealth(url: string, exitCode: () => number | null): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitCode() !== null) throw new Error(`helpdesk serve exited with ${exitCode()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`helpdesk serve did not answer within ${START_TIMEOUT_MS / 1000} s`);
}

export default async function setup(project: TestProject) {
  if (!existsSync(join(WEB, "dist", "index.html"))) {
    throw new Error("web/dist is not built: run `npm run build` in web/ (or `make web`) first");
  }
  if (!existsSync(HELPDESK)) throw new Error(`${HELPDESK} not found: run \`make install\` first`);

  const dir = mkdtempSync(join(tmpdir(), "helpdesk-e2e-"));
  chmodSync(dir, 0o755); // as root, the embedded server runs as its own system user
  const port = await freePort();
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !NOT_INHERITED.includes(name) && !name.startsWith("HELPDESK_")),
  );
  Object.assign(env, {
    HELPDESK_DATA_DIR: join(dir, "pg"),
    RATE_LIMIT_API_PER_MINUTE: "0",
    RATE_LIMIT_AUTH_PER_MINUTE: "0",
    BCRYPT_ROUNDS: "4",
  });

  mkdirSync(join(WEB, "test-results"), { recursive: true });
  const logFile = openSync(LOG, "w");
  const log = () => readFileSync(LOG, "utf8");
  // cwd: the temp dir, so a developer's .env (DATABASE_URL...) is not read.
  const server = spawn(HELPDESK, ["serve", "--host", "127.0.0.1", "--port", String(port)], {
    cwd: dir,
    env,
    stdio: ["ignore", logFile, logFile],
  });
  closeSync(logFile); // the server has its own copy
  const baseURL = `http://127.0.0.1:${port}`;

  async function stop() {
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
    await waitForHealth(baseURL, () => server.exitCode);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}:\n${log()}`);
  }
  if (!log().includes("demo accounts")) console.warn("helpdesk serve did not report demo accounts:\n" + log());
  project.provide("baseURL", baseURL);
  return stop;
}
