import { readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SpoolLockedError } from "./errors.ts";

const heldHere = new Set<string>();

/**
 * Takes `<dir>/LOCK` for this process. A lock left by a process that no longer runs (a crash,
 * SIGKILL) is taken over; a live holder makes this throw {@link SpoolLockedError}.
 * Returns the release function.
 */
export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, "LOCK");
  // The pid file cannot tell two spools of the same process apart.
  if (heldHere.has(dir)) throw new SpoolLockedError(dir, process.pid);
  heldHere.add(dir);
  try {
    return await takeLock(dir, path);
  } catch (error) {
    heldHere.delete(dir);
    throw error;
  }
}

async function takeLock(dir: string, path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: "wx" });
      return async () => {
        heldHere.delete(dir);
        await unlink(path).catch(() => {});
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new SpoolLockedError(dir, holder);
    }
    await unlink(path).catch(() => {});
  }
  throw new Error(`could not take the spool lock ${path}: another process keeps recreating it`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
