import { readFileSync } from "node:fs";

const cache = new Map<string, string>();

/** The text of `src/queries/<name>.sql` (read once). Static SQL lives in files, not in TS strings. */
export function loadQuery(name: string): string {
  let sql = cache.get(name);
  if (sql === undefined) {
    sql = readFileSync(new URL(`./queries/${name}.sql`, import.meta.url), "utf8");
    cache.set(name, sql);
  }
  return sql;
}
