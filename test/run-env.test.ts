import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { configurationDocIsCurrent, ENV, type EnvVar } from "@genledger/core/env";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SKIP_DIRS = new Set([
  "node_modules",
  ".git",
  "build",
  ".react-router",
  ".genledger",
  "artifacts",
  "dist",
]);
const SOURCE = /\.(ts|tsx|mts|js|mjs)$/;
const PREFIX = "(?:GENLEDGER|OTEL|UPSTASH|BLOB|AWS)_[A-Z0-9_]+";
/** `process.env.X`, `process.env["X"]`, `env.X` on a passed-in environment, `{ X } = process.env`. */
const READS = [
  new RegExp(`\\benv\\??\\.(${PREFIX})\\b`, "g"),
  new RegExp(`\\benv\\[\\s*["'\`](${PREFIX})["'\`]\\s*\\]`, "g"),
];
/** A variable named in a string: `readEnv("GENLEDGER_X")`, docs in backticks. Test files are exempt. */
const NAMED = new RegExp(`["'\`](${PREFIX})["'\`]`, "g");

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") && entry.name !== ".ci") continue;
    if (SKIP_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (SOURCE.test(entry.name)) out.push(path);
  }
  return out;
}

function variablesReadIn(files: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const note = (name: string, where: string) => found.set(name, [...(found.get(name) ?? []), where]);
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const where = relative(ROOT, file);
    const isTest = /\.test\.tsx?$/.test(file);
    for (const pattern of isTest ? READS : [...READS, NAMED]) {
      for (const match of text.matchAll(pattern)) note(match[1]!, where);
    }
    for (const match of text.matchAll(/\{([^{}]*)\}\s*=\s*process\.env\b/g)) {
      for (const name of match[1]!.match(new RegExp(PREFIX, "g")) ?? []) note(name, where);
    }
  }
  return found;
}

const REGISTERED = new Map(Object.values(ENV as Record<string, EnvVar>).map((spec) => [spec.name, spec]));
const FILES = sourceFiles(ROOT);

describe("the environment registry", () => {
  it("declares every variable the source reads", () => {
    const unknown = [...variablesReadIn(FILES)]
      .filter(([name]) => !REGISTERED.has(name))
      .map(([name, files]) => `${name} (read in ${[...new Set(files)].join(", ")})`);
    expect(unknown, "add these to core/src/env/registry.ts").toEqual([]);
  });

  it("finds the reads it is meant to find", () => {
    // Guards the scanner itself: the grep the brief names must agree with it on this repository.
    const grep = spawnSync(
      "grep",
      ["-rhoE", "--include=*.ts", `process\\.env\\.${PREFIX}`, "--exclude-dir=node_modules", "."],
      { cwd: ROOT, encoding: "utf8" },
    );
    const grepped = new Set(
      grep.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => line.replace("process.env.", "")),
    );
    const scanned = variablesReadIn(FILES);
    for (const name of grepped) expect(scanned.has(name), name).toBe(true);
    expect(grepped.size).toBeGreaterThan(0);
  });

  it("has no entry that nothing reads", () => {
    // An entry is read when its name appears outside the registry, or the CLI uses its key.
    const registryDir = join(ROOT, "core/src/env");
    const texts = FILES.filter((file) => !file.startsWith(registryDir) && !/\.test\.tsx?$/.test(file)).map(
      (file) => readFileSync(file, "utf8"),
    );
    const unread = Object.entries(ENV as Record<string, EnvVar>)
      .filter(([, spec]) => spec.readBy === undefined)
      .filter(
        ([key, spec]) =>
          !texts.some((text) => text.includes(spec.name) || new RegExp(`\\bconfig\\.${key}\\b`).test(text)),
      )
      .map(([, spec]) => spec.name);
    expect(unread, "remove these from the registry or read them").toEqual([]);
  });

  it("matches the committed docs/configuration.md (run `npm run docs:config`)", () => {
    expect(configurationDocIsCurrent()).toBe(true);
  });
});
