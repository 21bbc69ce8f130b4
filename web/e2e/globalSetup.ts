// Starts `helpdesk serve` through the launcher the Python suite and the benchmarks use
// (tests/support/server.py): on a free port, with its own embedded PostgreSQL in a temp dir
// (so every run starts from an empty database with the demo accounts), rate limits off,
// serving the built app from web/dist. The launcher prints the address once the service
// answers, and stops the service (and its PostgreSQL) on SIGTERM.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { TestProject } from "vitest/node";

const WEB = resolve(import.meta.dirname, "..");
const REPO = resolve(WEB, "..");
const PYTHON = process.env.HELPDESK_PYTHON ?? join(REPO, ".venv", "bin", "python");
// The service's log, for a failure's server side (errors carry their traceback).
const LOG = join(WEB, "test-results", "e2e-server.log");
const STOP_TIMEOUT_MS = 60_000;

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}

export default async function setup(project: TestProject) {
  if (!existsSync(join(WEB, "dist", "index.html"))) {
    throw new Error("web/dist is not built: run `npm run build` in web/ (or `make web`) first");
  }
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: run \`make install\` first`);

  const launcher = spawn(PYTHON, ["-m", "tests.support.server", "--log", LOG], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((done) => launcher.once("exit", done));
  const log = () => (existsSync(LOG) ? readFileSync(LOG, "utf8") : "");

  async function stop() {
    if (launcher.exitCode === null) {
      launcher.kill("SIGTERM");
      // unref: a timer still pending must not keep the test run alive after the exit.
      await Promise.race([exited, new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS).unref())]);
      if (launcher.exitCode === null) launcher.kill("SIGKILL");
    }
  }

  const lines = createInterface({ input: launcher.stdout });
  const baseURL = await new Promise<string | null>((done) => {
    lines.once("line", (line) => done(line.trim()));
    void exited.then(() => done(null));
  });
  if (!baseURL?.startsWith("http")) {
    await stop();
    throw new Error(`helpdesk serve did not start:\n${log()}`);
  }
  if (!log().includes("demo accounts")) console.warn("helpdesk serve did not report demo accounts:\n" + log());
  project.provide("baseURL", baseURL);
  return stop;
}
