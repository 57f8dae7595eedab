import { describe, expect, it } from "vitest";
import { builtInCatalog, findPrice, lookupPrice, type PriceCatalog } from "./catalog.ts";
import { compilePattern, matchScore } from "./match.ts";
import { normalizeModel, normalizeProvider } from "./normalize.ts";
import type { PriceEntry } from "./schema.ts";

const at = new Date("2025-12-20T00:00:00Z");
const idOf = (provider: string | undefined, model: string, when = at) =>
  findPrice(builtInCatalog(), { provider, model, at: when })?.id;

describe("normalizeProvider", () => {
  it.each([
    ["openai.chat", "openai"],
    ["openai.responses", "openai"],
    ["OpenAI", "openai"],
    ["anthropic.messages", "anthropic"],
    ["google.generative-ai", "google"],
    ["google.vertex.chat", "vertex"],
    ["vertex.anthropic", "vertex"],
    ["vertex.anthropic.messages", "vertex"],
    ["gcp.vertex_ai", "vertex"],
    ["gcp.gemini", "google"],
    ["amazon-bedrock", "bedrock"],
    ["aws.bedrock", "bedrock"],
    ["az.ai.openai", "azure"],
    ["groq.chat", "groq"],
    ["xai.chat", "xai"],
    ["mistral.chat", "mistral"],
    ["deepseek.chat", "deepseek"],
    ["togetherai.chat", "together"],
    ["fireworks.chat", "fireworks"],
    ["my-proxy", "my-proxy"],
    ["ollama.chat", "ollama"],
    ["acme.proxy", "acme.proxy"],
  ])("%s -> %s", (raw, expected) => {
    expect(normalizeProvider(raw)).toBe(expected);
  });
});

describe("normalizeModel", () => {
  it.each([
    ["openai/gpt-4o", "gpt-4o", "openai"],
    ["models/gemini-2.5-pro", "gemini-2.5-pro", undefined],
    ["anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet-20241022", "anthropic"],
    ["us.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4-20250514", "anthropic"],
    ["meta.llama3-3-70b-instruct-v1:0", "llama3-3-70b-instruct", "meta"],
    ["openai.gpt-oss-120b-1:0", "gpt-oss-120b", "openai"],
    ["claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet-20241022", undefined],
    ["claude-sonnet-4@20250514", "claude-sonnet-4-20250514", undefined],
    ["anthropic/claude-sonnet-4.5", "claude-sonnet-4-5", "anthropic"],
    ["accounts/fireworks/models/llama-v3p3-70b-instruct", "llama-v3p3-70b-instruct", undefined],
    ["meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama-3.3-70b-instruct-turbo", "meta-llama"],
    ["deepseek-v3", "deepseek-v3", undefined],
  ])("%s -> %s", (raw, model, vendor) => {
    expect(normalizeModel(raw)).toEqual({ model, vendor });
  });
});

describe("pattern specificity", () => {
  it("a family matches its snapshots and aliases only", () => {
    const family = compilePattern("gpt-4o");
    for (const model of ["gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-latest"]) {
      expect(matchScore(family, model), model).toBeGreaterThan(0);
    }
    for (const model of [
      "gpt-4o-mini",
      "gpt-4o-mini-2024-07-18",
      "gpt-4o-audio-preview",
      "gpt-4",
      "chatgpt-4o",
    ]) {
      expect(matchScore(family, model), model).toBe(-1);
    }
  });

  it("exact beats family beats glob; longer beats shorter within a kind", () => {
    const model = "gpt-4o-2024-08-06";
    const exact = matchScore(compilePattern("gpt-4o-2024-08-06"), model);
    const family = matchScore(compilePattern("gpt-4o"), model);
    const longGlob = matchScore(compilePattern("gpt-4o-2024-*"), model);
    const shortGlob = matchScore(compilePattern("gpt-*"), model);
    expect(exact).toBeGreaterThan(family);
    expect(family).toBeGreaterThan(longGlob);
    expect(longGlob).toBeGreaterThan(shortGlob);
    expect(shortGlob).toBeGreaterThan(0);
  });
});

describe("findPrice on the built-in catalog", () => {
  it("never confuses a model with a longer-named sibling", () => {
    expect(idOf("openai", "gpt-4o-mini")).toBe("openai/gpt-4o-mini@2024-07-18");
    expect(idOf("openai", "gpt-4o-mini-2024-07-18")).toBe("openai/gpt-4o-mini@2024-07-18");
    expect(idOf("openai", "gpt-5-mini")).toBe("openai/gpt-5-mini@2025-08-07");
    expect(idOf("openai", "gpt-5.1")).toBe("openai/gpt-5.1@2025-11-13");
    expect(idOf("openai", "gpt-5-chat-latest")).toBe("openai/gpt-5@2025-08-07");
    expect(idOf("openai", "o3-mini-2025-01-31")).toBe("openai/o3-mini@2025-01-31");
    expect(idOf("openai", "gpt-4.1-nano-2025-04-14")).toBe("openai/gpt-4.1-nano@2025-04-14");
    expect(idOf("anthropic", "claude-opus-4-1-20250805")).toBe("anthropic/claude-opus-4-1@2025-08-05");
    expect(idOf("anthropic", "claude-opus-4-20250514")).toBe("anthropic/claude-opus-4@2025-05-22");
    expect(idOf("anthropic", "claude-opus-4-5")).toBe("anthropic/claude-opus-4-5@2025-11-24");
    expect(idOf("xai", "grok-3-mini")).toBe("xai/grok-3-mini@2025-04-09");
    expect(idOf("xai", "grok-4-fast-reasoning")).toBe("xai/grok-4-fast@2025-09-19");
    expect(idOf("google", "gemini-2.5-flash-lite")).toBe("google/gemini-2.5-flash-lite@2025-07-22");
    expect(idOf("google", "gemini-2.0-flash-001")).toBe("google/gemini-2.0-flash@2025-02-05");
  });

  it("does not price a preview or a fine-tune at the GA model's price", () => {
    expect(idOf("google", "gemini-2.5-flash-preview-05-20")).toBeUndefined();
    expect(idOf("openai", "ft:gpt-4o-mini-2024-07-18:acme::abc123")).toBeUndefined();
  });

  it("keeps providers apart, but resellers at list price share the vendor's entry", () => {
    expect(idOf("openai", "claude-3-5-sonnet-20241022")).toBeUndefined();
    expect(idOf("anthropic", "gpt-4o")).toBeUndefined();
    expect(idOf("groq", "gpt-4o")).toBeUndefined();
    expect(idOf("google.vertex.chat", "gemini-2.5-pro")).toBe("google/gemini-2.5-pro@2025-06-17");
    expect(idOf("azure.chat", "gpt-4.1")).toBe("openai/gpt-4.1@2025-04-14");
    expect(idOf("togetherai.chat", "openai/gpt-oss-120b")).toBe("together/gpt-oss-120b@2025-08-05");
    expect(idOf("fireworks", "accounts/fireworks/models/gpt-oss-120b")).toBe(
      "fireworks/gpt-oss-120b@2025-08-05",
    );
  });

  it("routing and unknown providers take the model's vendor / the first-party price", () => {
    expect(idOf("gateway", "anthropic/claude-sonnet-4.5")).toBe("anthropic/claude-sonnet-4-5@2025-09-29");
    expect(idOf(undefined, "xai/grok-4")).toBe("xai/grok-4@2025-07-09");
    expect(idOf("openai-compatible.chat", "gpt-4o")).toBe("openai/gpt-4o@2024-10-02");
    // an open-weight model has no first-party price: a host must be named
    expect(idOf("openai-compatible.chat", "gpt-oss-120b")).toBeUndefined();
  });

  it("every built-in entry is what its own first pattern finds at its effective date", () => {
    const catalog = builtInCatalog();
    const wrong = catalog.builtIn
      .map((entry) => ({
        entry,
        found: findPrice(catalog, {
          provider: entry.provider,
          model: entry.match[0]!,
          at: new Date(entry.effectiveFrom),
        })?.id,
      }))
      .filter(({ entry, found }) => found !== entry.id)
      .map(({ entry, found }) => `${entry.id} -> ${found}`);
    expect(wrong).toEqual([]);
  });

  it("explains a miss, and refuses a bad time or an empty model", () => {
    const miss = lookupPrice(builtInCatalog(), { provider: "mistral", model: "mistral-tiny-9", at });
    expect(miss).toEqual({
      found: false,
      reason: expect.stringMatching(/no price for model "mistral-tiny-9"/),
    });
    expect(() => findPrice(builtInCatalog(), { model: "gpt-4o", at: new Date("nope") })).toThrowError(
      /^at: /,
    );
    expect(() => findPrice(builtInCatalog(), { model: " ", at })).toThrowError(/^model: /);
  });
});

describe("findPrice on a small catalog", () => {
  const entry = (id: string, match: string[], effectiveFrom: string): PriceEntry => ({
    id,
    provider: "acme",
    match,
    input: "1",
    effectiveFrom,
  });
  const catalog: PriceCatalog = {
    builtIn: [
      entry("family-old", ["llama-3.3-70b"], "2024-01-01"),
      entry("family-new", ["llama-3.3-70b"], "2025-01-01"),
      entry("snapshot", ["llama-3.3-70b-2024-12-06"], "2024-12-06"),
      entry("glob", ["llama-*"], "2020-01-01"),
    ],
    overrides: [],
  };
  const find = (model: string, when: string) =>
    findPrice(catalog, { provider: "acme", model, at: new Date(when) })?.id;

  it("the latest effectiveFrom not after `at` wins among equal matches", () => {
    expect(find("llama-3.3-70b", "2024-06-01")).toBe("family-old");
    expect(find("llama-3.3-70b", "2025-06-01")).toBe("family-new");
    expect(find("llama-3.3-70b-2025-03-01", "2025-06-01")).toBe("family-new");
  });

  it("the most specific match effective at `at` wins; a glob is the last resort", () => {
    expect(find("llama-3.3-70b-2024-12-06", "2025-06-01")).toBe("snapshot");
    // before the snapshot's price existed, the family price applied
    expect(find("llama-3.3-70b-2024-12-06", "2024-06-01")).toBe("family-old");
    expect(find("llama-4-scout", "2025-06-01")).toBe("glob");
    expect(find("llama-3.3-70b", "2019-01-01")).toBeUndefined();
  });
});
