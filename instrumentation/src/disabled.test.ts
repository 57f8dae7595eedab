import { InMemorySpanExporter } from "@opentelemetry/sdk-trace";
import { generateText } from "ai";
import { afterAll, expect, it } from "vitest";
import { newGeneration } from "./context.ts";
import { init, shutdown, stats } from "./runtime.ts";
import { chatModel, textResult } from "./test-helpers.ts";

afterAll(() => shutdown());

it("records nothing when disabled, yet the helpers keep working", async () => {
  const exporter = new InMemorySpanExporter();
  init({ disabled: true, exporter, logLevel: "silent" });
  const result = await generateText({ model: chatModel({ doGenerate: textResult("plain") }), prompt: "hi" });
  expect(result.text).toBe("plain");
  expect(exporter.getFinishedSpans()).toHaveLength(0);
  expect(stats().generations).toBe(0);
  expect(newGeneration().id).toHaveLength(21);
});
