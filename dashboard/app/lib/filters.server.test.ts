import { describe, expect, it } from "vitest";
import { FilterError, parseGenerationFilter, parseUsdToNanos } from "./filters.server.ts";

const admin = { text: true, projectId: undefined, actor: "a" };
const finance = { text: false, projectId: "p1", actor: "f" };
const defaults = { limit: 50, maxLimit: 200 };

describe("parseGenerationFilter", () => {
  it("maps query parameters to the listGenerations filter", () => {
    const { filter, values } = parseGenerationFilter(
      new URLSearchParams(
        "user=u1&model=gpt-4o&status=error&function=f&tag=beta&minCost=0.05&maxCost=$2&sort=cost&limit=20&cursor=c1&q=refund",
      ),
      admin,
      defaults,
    );
    expect(filter).toEqual({
      userId: "u1",
      model: "gpt-4o",
      status: "error",
      functionId: "f",
      tag: "beta",
      minCostNanos: 50_000_000,
      maxCostNanos: 2_000_000_000,
      sort: "cost",
      limit: 20,
      cursor: "c1",
      text: "refund",
    });
    expect(values.minCost).toBe("0.05");
  });

  it("reads datetime-local values as UTC and ranges relative to now", () => {
    const { filter } = parseGenerationFilter(
      new URLSearchParams("from=2025-01-31T14:00&to=2025-02-01T00:00:30"),
      admin,
      defaults,
    );
    expect(filter.from?.toISOString()).toBe("2025-01-31T14:00:00.000Z");
    expect(filter.to?.toISOString()).toBe("2025-02-01T00:00:30.000Z");
    const before = Date.now();
    const ranged = parseGenerationFilter(new URLSearchParams("range=24h"), admin, defaults).filter;
    expect(before - (ranged.from?.getTime() ?? 0)).toBeGreaterThanOrEqual(86_400_000 - 5);
  });

  it("scopes to the reader's project and refuses text search to roles without text access", () => {
    expect(parseGenerationFilter(new URLSearchParams(), finance, defaults).filter.projectId).toBe("p1");
    expect(() => parseGenerationFilter(new URLSearchParams("q=secret"), finance, defaults)).toThrow(
      /q: your role cannot search/,
    );
  });

  it("names the bad parameter", () => {
    for (const [query, param] of [
      ["status=done", "status"],
      ["sort=random", "sort"],
      ["limit=0", "limit"],
      ["limit=500", "limit"],
      ["minCost=abc", "minCost"],
      ["from=yesterday", "from"],
      ["range=2y", "range"],
      ["from=2025-02-01T00:00&to=2025-01-01T00:00", "from"],
    ] as const) {
      try {
        parseGenerationFilter(new URLSearchParams(query), admin, defaults);
        expect.unreachable(query);
      } catch (error) {
        expect(error).toBeInstanceOf(FilterError);
        expect((error as FilterError).param).toBe(param);
      }
    }
  });
});

describe("parseUsdToNanos", () => {
  it("converts without floating point", () => {
    expect(parseUsdToNanos("x", "0.1")).toBe(100_000_000);
    expect(parseUsdToNanos("x", "0.000000001")).toBe(1);
    expect(parseUsdToNanos("x", "12")).toBe(12_000_000_000);
    expect(() => parseUsdToNanos("x", "0.0000000001")).toThrow(FilterError);
    expect(() => parseUsdToNanos("x", "-1")).toThrow(FilterError);
  });
});
