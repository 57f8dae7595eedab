import { Generation } from "@genledger/core";
import { describe, expect, it } from "vitest";
import { parseRedactionConfig, policyFor } from "./policy.ts";
import { createRedactor, redactGeneration } from "./redactor.ts";
import { luhnValid } from "./rules.ts";

function redact(rules: string, text: string): { text: string; fired: string[] } {
  const policy = policyFor(parseRedactionConfig(rules), "p");
  if (policy === null) throw new Error("no policy");
  const fired = new Set<string>();
  return { text: createRedactor(policy).text(text, fired), fired: [...fired].sort() };
}

describe("PII redaction", () => {
  it("replaces emails, phone numbers and Luhn-valid card numbers", () => {
    const result = redact(
      "all",
      "Mail ada@example.co.uk or call +1 415 555 2671 / (415) 555-2671; card 4111 1111 1111 1111, order 4111 1111 1111 1112.",
    );
    expect(result.text).toBe(
      "Mail [REDACTED:email] or call [REDACTED:phone] / [REDACTED:phone]; card [REDACTED:card], order 4111 1111 1111 1112.",
    );
    expect(result.fired).toEqual(["card", "email", "phone"]);
  });

  it("leaves dates, versions and short numbers alone", () => {
    const text = "On 2024-01-15 we shipped v1.2.3 to 42 users at 10:30; invoice 12345.";
    expect(redact("all", text)).toEqual({ text, fired: [] });
  });

  it("replaces API keys and tokens", () => {
    const jwt =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    const text = [
      "key sk-proj-abcdefghijklmnopqrstuvwx",
      "aws AKIAIOSFODNN7EXAMPLE",
      "gh ghp_abcdefghijklmnopqrstuvwxyz0123456789",
      `jwt ${jwt}`,
      "Authorization: Bearer abc.def-ghi_jkl",
    ].join("\n");
    const result = redact("secrets", text);
    expect(result.text).toBe(
      [
        "key [REDACTED:api_key]",
        "aws [REDACTED:api_key]",
        "gh [REDACTED:api_key]",
        "jwt [REDACTED:jwt]",
        "Authorization: Bearer [REDACTED:bearer]",
      ].join("\n"),
    );
    expect(result.fired).toEqual(["api_key", "bearer", "jwt"]);
  });

  it("checks card numbers with Luhn", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("5500-0000-0000-0004")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("1234")).toBe(false);
  });

  it("applies per-project policies and custom patterns from JSON", () => {
    const config = parseRedactionConfig(
      JSON.stringify({
        default: ["emails"],
        projects: {
          acme: { rules: ["cards"], patterns: [{ name: "order", pattern: "ORD-\\d{4}", flags: "i" }] },
          internal: "off",
        },
      }),
    );
    expect(policyFor(config, "internal")).toBeNull();
    expect(policyFor(config, "other")?.rules).toEqual(["email"]);
    const acme = policyFor(config, "acme");
    if (acme === null) throw new Error("no policy");
    const fired = new Set<string>();
    expect(createRedactor(acme).text("ord-1234 by a@b.io", fired)).toBe("[REDACTED:order] by a@b.io");
    expect([...fired]).toEqual(["custom:order"]);
  });

  it("names every problem in a bad configuration", () => {
    expect(() => parseRedactionConfig("emails,faces")).toThrow(/default\.1: unknown rule/);
    expect(() =>
      parseRedactionConfig(JSON.stringify({ projects: { a: { patterns: [{ name: "x", pattern: "(" }] } } })),
    ).toThrow(/projects\.a\.patterns\.0\.pattern: not a valid regular expression/);
    expect(() => parseRedactionConfig("{nope")).toThrow(/not valid JSON/);
    expect(parseRedactionConfig("")).toEqual({ default: null, projects: {} });
  });

  it("redacts prompt and output text of a generation and records the rules", () => {
    const generation = Generation.parse({
      id: "g1",
      projectId: "p",
      status: "complete",
      startedAt: new Date(),
      prompt: {
        system: "Reply to ada@example.com",
        messages: [
          {
            role: "user",
            parts: [
              { type: "text", content: "my card is 4111111111111111" },
              { type: "file", modality: "image", mime_type: "image/png", file_id: "sha256:ab", size: 3 },
            ],
          },
        ],
      },
      output: {
        messages: [
          {
            role: "assistant",
            parts: [{ type: "tool_call", id: "c1", name: "mail", arguments: { to: "bob@example.com" } }],
          },
        ],
        object: { email: "carol@example.com" },
      },
    });
    const policy = policyFor(parseRedactionConfig("emails,cards"), "p");
    if (policy === null) throw new Error("no policy");
    redactGeneration(generation, createRedactor(policy));
    expect(generation.prompt.system).toBe("Reply to [REDACTED:email]");
    expect(generation.prompt.messages[0]?.parts[0]?.content).toBe("my card is [REDACTED:card]");
    expect(generation.prompt.messages[0]?.parts[1]?.file_id).toBe("sha256:ab");
    expect(generation.output.messages[0]?.parts[0]?.arguments).toEqual({ to: "[REDACTED:email]" });
    expect(generation.output.object).toEqual({ email: "[REDACTED:email]" });
    expect(generation.redactions.sort()).toEqual(["card", "email"]);
  });
});
