// The app's layout, as bulletproof-react's: imports flow one way, shared (components/,
// lib/, hooks/, api/, test/) -> features/ -> app/, and a feature never reaches into
// another's files (what two features need is shared). Read from the sources themselves.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname);
const SHARED = ["components", "lib", "hooks", "api", "test"];
// import ... from "x"; import "x"; export ... from "x"; import("x")
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|tsx|css)$/.test(entry.name) ? [path] : [];
  });
}

/** Where a path under src/ belongs: "features/queue", "app", "lib", ... */
function area(path: string): string {
  const [top, name] = relative(SRC, path).split(/[\\/]/);
  return top === "features" ? `features/${name}` : top!;
}

/** What `file` (whose text is `text`) imports from src/ (packages left out), as paths. */
function imports(file: string, text: string): string[] {
  const found: string[] = [];
  for (const [, specifier] of text.matchAll(SPECIFIER)) {
    if (specifier!.startsWith("@/")) found.push(join(SRC, specifier!.slice(2)));
    else if (specifier!.startsWith(".")) found.push(resolve(dirname(file), specifier!));
  }
  return found;
}

/** Every import of `file` that breaks the flow, as "from -> to". */
function breaches(file: string, text = readFileSync(file, "utf8")): string[] {
  const from = area(file);
  return imports(file, text)
    .filter((target) => {
      const to = area(target);
      const crossFeature = from.startsWith("features/") && to.startsWith("features/") && from !== to;
      const upward = (SHARED.includes(from) && (to.startsWith("features/") || to === "app")) || (from.startsWith("features/") && to === "app");
      return crossFeature || upward;
    })
    .map((target) => `${posix.normalize(relative(SRC, file))} -> ${posix.normalize(relative(SRC, target))}`);
}

describe("the app's layout", () => {
  it("has no feature importing another, and nothing shared importing a feature or the app", () => {
    const files = sources(SRC);
    expect(files.some((file) => area(file) === "features/queue")).toBe(true);
    expect(files.flatMap((file) => breaches(file))).toEqual([]);
  });

  it("catches a feature reaching into another, by alias or by path, and shared code reaching up", () => {
    const queueFile = join(SRC, "features", "queue", "components", "Example.tsx");
    expect(breaches(queueFile, 'import { STATUS_LABELS } from "@/features/tickets";')).toEqual(["features/queue/components/Example.tsx -> features/tickets"]);
    expect(breaches(queueFile, 'import "../../tickets/styles.css";')).toHaveLength(1);
    expect(breaches(queueFile, 'import { isChangeable } from "../bulk";\nimport { call } from "@/lib/api/client";')).toEqual([]);
    expect(breaches(join(SRC, "lib", "Example.ts"), 'export { QueuePage } from "@/features/queue";')).toHaveLength(1);
    expect(breaches(queueFile, 'const page = import("@/app/App");')).toHaveLength(1);
  });
});
