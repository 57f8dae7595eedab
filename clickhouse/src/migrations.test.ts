import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { SchemaNewerThanCodeError } from "./errors.ts";
import { insertGenerations } from "./generations.ts";
import { appliedMigrations, loadMigrations, migrate, migrateDown } from "./migrations.ts";
import { applyRetention, currentRetention } from "./retention.ts";
import { spendRollup } from "./rollups.ts";
import { execute, queryRows } from "./sql.ts";
import { makeGeneration, openTempStore } from "./test-store.ts";

const Table = z.object({ name: z.string() });
const CreateRow = z.object({ q: z.string() });

let ctx: Awaited<ReturnType<typeof openTempStore>>;
beforeAll(async () => {
  ctx = await openTempStore();
});
afterAll(async () => {
  await ctx?.cleanup();
});

async function tables(): Promise<string[]> {
  const rows = await queryRows(
    ctx.store,
    "SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name",
    Table,
  );
  return rows.map((r) => r.name);
}

async function createQuery(table: string): Promise<string> {
  const [row] = await queryRows(
    ctx.store,
    "SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = {t:String}",
    CreateRow,
    { t: table },
  );
  return row?.q ?? "";
}

describe("migrations", () => {
  const known = loadMigrations().map((m) => m.version);

  it("applies every migration at start and records it", async () => {
    expect(await appliedMigrations(ctx.store)).toEqual(known);
    expect(await tables()).toEqual(
      expect.arrayContaining([
        "generations",
        "generation_ids",
        "generation_rollups_hourly",
        "generation_rollups_daily",
        "spans",
        "api_keys",
        "schema_migrations",
      ]),
    );
  });

  it("does nothing when run again", async () => {
    expect(await migrate(ctx.store)).toEqual([]);
    expect(await appliedMigrations(ctx.store)).toEqual(known);
  });

  it("goes down to a version, then all the way, then up again", async () => {
    const reverted = await migrateDown(ctx.store, 2);
    expect(reverted).toEqual(known.filter((v) => v > 2).reverse());
    expect(await appliedMigrations(ctx.store)).toEqual([1, 2]);
    expect(await tables()).not.toContain("spans");
    expect(await tables()).toContain("generation_rollups_hourly");

    await migrateDown(ctx.store, 0);
    expect(await appliedMigrations(ctx.store)).toEqual([]);
    expect(await tables()).not.toContain("generations");

    expect(await migrate(ctx.store)).toEqual(known);
    expect(await tables()).toEqual(expect.arrayContaining(["generations", "spans", "api_keys"]));
  });

  it("backfills the user x model daily rollup from what the main daily rollup already holds (0025)", async () => {
    await migrateDown(ctx.store, 24);
    expect(await tables()).not.toContain("generation_rollups_user_model_daily");
    const day = new Date("2026-09-14T00:00:00Z");
    const g = (userId: string, model: string, provider: string, minutes: number, total: number) =>
      makeGeneration({
        projectId: "proj_backfill",
        userId,
        model,
        provider,
        functionId: minutes % 2 ? "chat" : "search",
        startedAt: new Date(day.getTime() + minutes * 60_000),
        cost: { total },
      });
    // Two providers and functions for one user x model: two main rollup rows, one answer.
    await insertGenerations(ctx.store, [
      g("ana", "llama-3", "groq", 1, 5),
      g("ana", "llama-3", "together", 2, 7),
      g("bo", "llama-3", "groq", 3, 11),
    ]);
    await migrate(ctx.store);
    const query = { projectId: "proj_backfill", from: day, to: new Date(day.getTime() + 86_400_000) };
    const rows = await spendRollup(ctx.store, { ...query, bucket: "day", groupBy: ["user", "model"] });
    expect(rows.map((r) => [r.user, r.model, r.requests, r.costNanos]).sort()).toEqual([
      ["ana", "llama-3", 2, 12n],
      ["bo", "llama-3", 1, 11n],
    ]);
    // New generations reach it through its view, added to the backfilled rows.
    await insertGenerations(ctx.store, [g("ana", "llama-3", "groq", 4, 100)]);
    const after = await spendRollup(ctx.store, { ...query, bucket: "day", groupBy: ["user"] });
    expect(after.map((r) => [r.user, r.requests, r.costNanos]).sort()).toEqual([
      ["ana", 3, 112n],
      ["bo", 1, 11n],
    ]);
  });

  it("backfills the calls without usage from the latest version of each generation (0026)", async () => {
    await migrateDown(ctx.store, 25);
    expect(await tables()).not.toContain("generation_no_usage_hourly");
    const startedAt = new Date("2026-09-15T10:20:00Z");
    const aborted = makeGeneration({
      projectId: "proj_no_usage",
      status: "aborted",
      startedAt,
      usage: {},
      cost: null,
      unpriced: true,
    });
    // Pending first, then the final record; and a priced call that must not count.
    await insertGenerations(ctx.store, [{ ...aborted, status: "pending", unpriced: false }]);
    await insertGenerations(ctx.store, [aborted, makeGeneration({ projectId: "proj_no_usage", startedAt })]);
    await migrate(ctx.store);
    const count = async () =>
      (
        await queryRows(
          ctx.store,
          "SELECT toString(sum(requests)) AS n FROM generation_no_usage_hourly WHERE project_id = 'proj_no_usage'",
          z.object({ n: z.string() }),
        )
      )[0]?.n;
    expect(await count()).toBe("1");
    // And its view counts the next one.
    await insertGenerations(ctx.store, [{ ...aborted, id: `${aborted.id}_2` }]);
    expect(await count()).toBe("2");
  });

  it("refuses a database migrated by a newer genledger", async () => {
    await execute(
      ctx.store,
      "INSERT INTO schema_migrations (version, name, applied, checksum, at) VALUES (9999, 'from_the_future', 1, '', now64(6))",
    );
    await expect(ctx.reopen()).rejects.toThrow(SchemaNewerThanCodeError);
    await expect(ctx.reopen()).rejects.toThrow(
      /9999 applied, but this genledger only knows migrations up to/,
    );
    // Without migrating the store opens, and reverting the unknown row makes it usable again.
    const store = await ctx.reopen({ migrate: false });
    await execute(
      store,
      "INSERT INTO schema_migrations (version, name, applied, checksum, at) VALUES (9999, 'from_the_future', 0, '', now64(6) + 1)",
    );
    await ctx.reopen();
    expect(await appliedMigrations(ctx.store)).toEqual(known);
  });
});

describe("retention", () => {
  it("creates tables without TTL when retention is 0", async () => {
    expect(await createQuery("generations")).not.toMatch(/TTL/);
    expect(await currentRetention(ctx.store)).toEqual({ rawDays: 0, textDays: 0, rollupDays: 0 });
  });

  it("changes row and column TTLs with applyRetention, and removes them with 0", async () => {
    await applyRetention(ctx.store, { rawDays: 90, textDays: 30, rollupDays: 400 });
    const generations = await createQuery("generations");
    expect(generations).toMatch(
      /`prompt` String CODEC\(ZSTD\(3\)\) TTL toDateTime\(started_at\) \+ toIntervalDay\(30\)/,
    );
    expect(generations).toMatch(
      /`output_preview` String .*TTL toDateTime\(started_at\) \+ toIntervalDay\(30\)/,
    );
    expect(generations).toMatch(/\) ENGINE = .*TTL toDateTime\(started_at\) \+ toIntervalDay\(90\)/s);
    expect(await createQuery("spans")).toMatch(/TTL toDateTime\(start_time\) \+ toIntervalDay\(90\)/);
    for (const [table, column] of [
      ["generation_rollups_daily", "day"],
      ["generation_rollups_user_model_daily", "day"],
      ["generation_rollups_users_daily", "day"],
      ["generation_rollups_dims_hourly", "hour"],
      ["generation_rollups_tags_hourly", "hour"],
      ["generation_no_usage_hourly", "hour"],
    ]) {
      expect(await createQuery(table as string)).toMatch(
        new RegExp(`TTL toDateTime\\(${column}\\) \\+ toIntervalDay\\(400\\)`),
      );
    }
    expect(await currentRetention(ctx.store)).toEqual({ rawDays: 90, textDays: 30, rollupDays: 400 });

    await applyRetention(ctx.store, { textDays: 0 });
    expect(await createQuery("generations")).not.toMatch(/`prompt` String CODEC\(ZSTD\(3\)\) TTL/);
    expect(await createQuery("generations")).toMatch(/toIntervalDay\(90\)/);
  });

  it("applies the configured retention on start when it differs, and bakes it into new tables", async () => {
    const store = await ctx.reopen({ retention: { rawDays: 7, textDays: 3, rollupDays: 0 } });
    expect(await currentRetention(store)).toEqual({ rawDays: 7, textDays: 3, rollupDays: 0 });
    expect(await createQuery("generations")).toMatch(/toIntervalDay\(7\)/);
    expect(await createQuery("generation_rollups_hourly")).not.toMatch(/TTL/);
    await migrateDown(store, 0);
    await migrate(store);
    const fresh = await createQuery("generations");
    expect(fresh).toMatch(
      /`prompt_text` String CODEC\(ZSTD\(3\)\) TTL toDateTime\(started_at\) \+ toIntervalDay\(3\)/,
    );
    expect(fresh).toMatch(/TTL toDateTime\(started_at\) \+ toIntervalDay\(7\)/);
  });
});
