import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SegmentInfo, SpoolRecord } from "./types.ts";

const SEGMENT_NAME = /^(\d{12})-([0-9a-z]{1,12})-([0-9a-f]{8})\.seg$/;

/**
 * A segment's file name: `<sequence, 12 digits>-<creation ms, base 36>-<8 random hex>.seg`.
 * Names sort by sequence, and the random part keeps a name unique even when the sequence starts
 * again in an emptied directory, so a dedup token built from it never repeats.
 */
export function segmentName(sequence: number, createdAt: number): string {
  return `${String(sequence).padStart(12, "0")}-${createdAt.toString(36)}-${randomBytes(4).toString("hex")}.seg`;
}

/** The sequence and creation time in a segment name, or null for any other file. */
export function parseSegmentName(name: string): { sequence: number; createdAt: number } | null {
  const match = SEGMENT_NAME.exec(name);
  if (!match) return null;
  return { sequence: Number(match[1]), createdAt: Number.parseInt(match[2] ?? "0", 36) };
}

/** The segments in `dir`, oldest first, and the next sequence number. */
export async function scanSegments(dir: string): Promise<{ segments: SegmentInfo[]; nextSequence: number }> {
  const found: Array<SegmentInfo & { sequence: number }> = [];
  for (const name of await readdir(dir)) {
    const parsed = parseSegmentName(name);
    if (!parsed) continue;
    const info = await stat(join(dir, name));
    found.push({ name, size: info.size, createdAt: parsed.createdAt, sequence: parsed.sequence });
  }
  found.sort((a, b) => a.sequence - b.sequence);
  const nextSequence = (found.at(-1)?.sequence ?? 0) + 1;
  return { segments: found.map(({ name, size, createdAt }) => ({ name, size, createdAt })), nextSequence };
}

/** fsync a directory, so that a created, renamed or deleted entry in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Deletes a segment file, or with `keep` moves it to `<dir>/dead/`. */
export async function deleteSegmentFile(dir: string, name: string, keep: boolean): Promise<void> {
  if (keep) {
    await mkdir(join(dir, "dead"), { recursive: true });
    await rename(join(dir, name), join(dir, "dead", name));
    await syncDir(join(dir, "dead"));
    return;
  }
  await unlink(join(dir, name)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
}

/** Writes one refused record, with the reason, to `<dir>/dead/<segment>.<index>.json` (fsync'd). */
export async function writeDeadRecord(
  dir: string,
  segment: string,
  index: number,
  record: SpoolRecord,
  reason: string,
): Promise<void> {
  const deadDir = join(dir, "dead");
  await mkdir(deadDir, { recursive: true });
  const body = JSON.stringify({ segment, index, reason, quarantinedAt: new Date().toISOString(), record });
  await writeFile(join(deadDir, `${segment}.${index}.json`), body, { flush: true });
  await syncDir(deadDir);
}
