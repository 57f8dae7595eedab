import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { catalogEntries, findPrice } from "./catalog.ts";
import { PricingError } from "./errors.ts";
import { createCatalog, loadPriceOverrides } from "./overrides.ts";
import { priceGeneration } from "./price-generation.ts";

const dir = mkdtempSync(join(tmpdir(), "genledger-prices-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function pricesFile(content: unknown): string {
  const path = join(dir, `prices-${files++}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

const negotiated = {
  id: "acme/gpt-4o-negotiated@2025-01-01",
  provider: "openai",
  match: ["gpt-4o"],
  input: "1.00",
  output: "2.00",
  effectiveFrom: "2025-01-01",
  note: "Enterprise agreement",
};

function thrown(fn: () => unknown): PricingError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PricingError);
    return error as PricingError;
  }
  throw new Error("expected a PricingError");
}

describe("overrides", () => {
  it("an override file wins over built-in entries, even more specific ones", () => {
    const catalog = createCatalog({ overridesFile: pricesFile([negotiated]), env: {} });
    // the built-in catalog has an exact gpt-4o-2024-08-06 entry; the override family still wins.
    // 1000 x 1000 ($1) = 1_000_000; 1000 x 2000 ($2) = 2_000_000
    const result = priceGeneration(
      {
        provider: "openai.chat",
        model: "gpt-4o-2024-08-06",
        at: new Date("2025-02-01"),
        usage: { inputTokens: 1000, outputTokens: 1000 },
      },
      catalog,
    );
    expect(result).toMatchObject({
      priced: true,
      priceEntryId: "acme/gpt-4o-negotiated@2025-01-01",
      cost: { inputNanos: 1_000_000, outputNanos: 2_000_000, totalNanos: 3_000_000 },
    });
    // before the override takes effect the built-in price applies
    expect(
      findPrice(catalog, { provider: "openai", model: "gpt-4o-2024-08-06", at: new Date("2024-12-31") })?.id,
    ).toBe("openai/gpt-4o-2024-08-06@2024-08-06");
    // other models keep their built-in price
    expect(
      findPrice(catalog, { provider: "openai", model: "gpt-4o-mini", at: new Date("2025-02-01") })?.id,
    ).toBe("openai/gpt-4o-mini@2024-07-18");
  });

  it("reads GENLEDGER_PRICES_FILE by default, and can price a provider the built-ins lack", () => {
    const path = pricesFile([
      {
        id: "local/any@2025-01-01",
        provider: "ollama",
        match: ["*"],
        input: "0.0375",
        output: "0",
        effectiveFrom: "2025-01-01",
      },
    ]);
    const catalog = createCatalog({ env: { GENLEDGER_PRICES_FILE: path } });
    const result = priceGeneration(
      {
        provider: "ollama.chat",
        model: "qwen3:8b",
        at: new Date("2025-06-01"),
        usage: { inputTokens: 1, outputTokens: 9 },
      },
      catalog,
    );
    // 1 x 37.5 -> 38; 9 x 0 = 0
    expect(result).toMatchObject({ priced: true, cost: { inputNanos: 38, outputNanos: 0, totalNanos: 38 } });
    expect(createCatalog({ env: {} }).overrides).toEqual([]);
    expect(createCatalog({ env: { GENLEDGER_PRICES_FILE: "" } }).overrides).toEqual([]);
  });

  it("lists overrides first, with their source, for the prices page", () => {
    const listing = catalogEntries(createCatalog({ overrides: [negotiated], env: {} }));
    expect(listing[0]).toEqual({ entry: negotiated, source: "override" });
    expect(listing.slice(1).every((item) => item.source === "built-in")).toBe(true);
    expect(listing.length).toBe(catalogEntries().length + 1);
  });

  it("a bad overrides file is refused, every bad field named with its index", () => {
    const path = pricesFile([
      negotiated,
      { ...negotiated, id: "bad-price", input: "1,50" },
      { ...negotiated, id: "no-match", match: [] },
      { ...negotiated, id: "bad-date", effectiveFrom: "yesterday" },
      { ...negotiated, id: "typo", inptu: "1.00" },
      { ...negotiated, id: "bad-tier", tiers: [{ aboveInputTokens: -5, output: "x" }] },
      { id: "nothing", provider: "openai", match: ["x"], effectiveFrom: "2025-01-01" },
    ]);
    const error = thrown(() => loadPriceOverrides(path));
    expect(error.code).toBe("invalid-catalog");
    expect(error.field).toBe("[1].input");
    expect(error.message).toContain(path);
    const text = error.issues.join("\n");
    expect(text).toMatch(/^\[1\]\.input: expected a decimal USD string/m);
    expect(text).toMatch(/^\[2\]\.match: /m);
    expect(text).toMatch(/^\[3\]\.effectiveFrom: expected an ISO date/m);
    expect(text).toMatch(/^\[4\]: .*inptu/m);
    expect(text).toMatch(/^\[5\]\.tiers\[0\]\.aboveInputTokens: /m);
    expect(text).toMatch(/^\[5\]\.tiers\[0\]\.output: /m);
    expect(text).toMatch(/^\[6\]\.input: an entry needs at least one price/m);
    expect(error.issues).toHaveLength(7);
    // createCatalog refuses it too
    expect(() => createCatalog({ overridesFile: path })).toThrowError(PricingError);
  });

  it("refuses a file that is missing, not JSON, not an array, or has duplicate ids", () => {
    expect(thrown(() => loadPriceOverrides(join(dir, "missing.json"))).message).toMatch(/cannot be read/);
    expect(thrown(() => loadPriceOverrides(pricesFile("[{"))).message).toMatch(/not valid JSON/);
    expect(thrown(() => loadPriceOverrides(pricesFile({ prices: [] }))).issues[0]).toMatch(/^\(root\): /);
    const duplicate = thrown(() => loadPriceOverrides(pricesFile([negotiated, negotiated])));
    expect(duplicate.issues).toEqual([`[1].id: duplicate id "${negotiated.id}" (also at [0])`]);
  });
});
