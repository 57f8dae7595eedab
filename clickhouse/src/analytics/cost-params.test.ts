import { describe, expect, it } from "vitest";
import { CostParamError, costQueryParams, parseCostQuery } from "./cost-params.ts";

const now = new Date("2026-05-20T10:30:00Z");
const parse = (q: string) => parseCostQuery(new URLSearchParams(q), { now, projectId: "p1" });

describe("parseCostQuery", () => {
  it("defaults to the last 30 days by model, daily", () => {
    expect(parse("")).toEqual({
      projectId: "p1",
      from: new Date("2026-04-20T10:30:00Z"),
      to: now,
      granularity: "day",
      groupBy: "model",
      filter: {},
    });
    expect(parse("range=24h").granularity).toBe("hour");
  });

  it("reads dates as UTC, a bare `to` date including its day, and the filters", () => {
    const q = parse(
      "from=2026-05-01&to=2026-05-10&group_by=user&granularity=week&model=gpt-4o&function=chat&provider=openai",
    );
    expect(q.from).toEqual(new Date("2026-05-01T00:00:00Z"));
    expect(q.to).toEqual(new Date("2026-05-11T00:00:00Z"));
    expect(q.filter).toEqual({ model: "gpt-4o", functionId: "chat", provider: "openai" });
    expect(parse("from=2026-05-01T08:00&to=2026-05-01T12:00").to).toEqual(new Date("2026-05-01T12:00:00Z"));
    // Round trip through the link parameters.
    expect(parseCostQuery(costQueryParams(q), { now, projectId: "p1" })).toEqual(q);
  });

  it("names the bad parameter", () => {
    for (const [q, param] of [
      ["group_by=planet", "group_by"],
      ["granularity=fortnight", "granularity"],
      ["range=1y", "range"],
      ["from=yesterday", "from"],
      ["from=2026-05-10&to=2026-05-01", "from"],
      ["from=2025-01-01&to=2026-05-01", "from"],
      ["range=90d&granularity=hour", "granularity"],
      ["group_by=tag&user=ana", "tag"],
    ] as const) {
      const error = (() => {
        try {
          parse(q);
        } catch (e) {
          return e;
        }
      })();
      expect(error, q).toBeInstanceOf(CostParamError);
      expect((error as CostParamError).param, q).toBe(param);
    }
  });
});
