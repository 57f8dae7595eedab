import { ATTR } from "@genledger/core";
import { generateImage } from "ai";
import { MockImageModelV4 } from "ai/test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { newGeneration, withGeneration } from "./context.ts";
import { imageMediaType, instrumentImageModel } from "./image.ts";
import { markerSpans, onlyGeneration, startCapture } from "./test-helpers.ts";

const capture = startCapture();
afterAll(() => capture.stop());
beforeEach(() => capture.reset());

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9]).toString("base64");
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2]);

describe("image generation", () => {
  it("records one generation with the prompt, the images as blob parts, their count and cost", async () => {
    const model = instrumentImageModel(
      new MockImageModelV4({
        provider: "openai.image",
        modelId: "dall-e-3",
        maxImagesPerCall: 2,
        doGenerate: async () => ({
          images: [PNG, PNG],
          warnings: [],
          response: { timestamp: new Date(), modelId: "dall-e-3", headers: undefined },
        }),
      }),
    );
    const gen = newGeneration({ userId: "artist" });
    const result = await withGeneration(gen, () =>
      generateImage({ model, prompt: "a red fox", n: 2, size: "1024x1024" }),
    );
    expect(result.images).toHaveLength(2);

    const spans = await capture.spans();
    const span = onlyGeneration(spans);
    expect(span.name).toBe("generate_image dall-e-3");
    // Not the AI SDK's `gen_ai` scope: a collector must not take it for an SDK inner span.
    expect(span.instrumentationScope.name).toBe("genledger");
    expect(span.attributes["gen_ai.operation.name"]).toBe("generate_image");
    expect(span.attributes[ATTR.generationId]).toBe(gen.id);
    expect(span.attributes[ATTR.userId]).toBe("artist");
    expect(span.attributes[ATTR.operation]).toBe("generateImage");
    expect(span.attributes[ATTR.status]).toBe("complete");
    expect(span.attributes[ATTR.images]).toBe(2);
    // dall-e-3 standard 1024x1024: $0.04 per image.
    expect(span.attributes[ATTR.costImage]).toBe(80_000_000);
    expect(span.attributes[ATTR.costTotal]).toBe(80_000_000);
    expect(JSON.parse(String(span.attributes["gen_ai.input.messages"]))).toEqual([
      { role: "user", parts: [{ type: "text", content: "a red fox" }] },
    ]);
    const output = JSON.parse(String(span.attributes["gen_ai.output.messages"]));
    expect(output[0].parts).toEqual([
      { type: "blob", modality: "image", mime_type: "image/png", content: PNG },
      { type: "blob", modality: "image", mime_type: "image/png", content: PNG },
    ]);
    expect(markerSpans(spans, gen.id)).toHaveLength(1);
  });

  it("marks an image whose price needs an unknown size as unpriced", async () => {
    const model = instrumentImageModel(
      new MockImageModelV4({
        provider: "openai.image",
        modelId: "gpt-image-1",
        doGenerate: async () => ({
          images: [JPEG],
          warnings: [],
          response: { timestamp: new Date(), modelId: "gpt-image-1", headers: undefined },
        }),
      }),
    );
    await generateImage({ model, prompt: "x" });
    const span = onlyGeneration(await capture.spans());
    expect(span.attributes[ATTR.unpriced]).toBe(true);
    expect(span.attributes[ATTR.costTotal]).toBeUndefined();
    const part = JSON.parse(String(span.attributes["gen_ai.output.messages"]))[0].parts[0];
    expect(part.mime_type).toBe("image/jpeg");
    expect(part.content).toBe(Buffer.from(JPEG).toString("base64"));
  });

  it("records a failing image provider as an error and rethrows", async () => {
    const model = instrumentImageModel(
      new MockImageModelV4({
        provider: "openai.image",
        modelId: "dall-e-3",
        doGenerate: async () => {
          throw new Error("content policy violation");
        },
      }),
    );
    await expect(generateImage({ model, prompt: "x", maxRetries: 0 })).rejects.toThrow("content policy");
    const span = onlyGeneration(await capture.spans());
    expect(span.attributes[ATTR.status]).toBe("error");
    expect(span.attributes[ATTR.error]).toBe("content policy violation");
  });

  it("detects common image types", () => {
    expect(imageMediaType(Buffer.from(PNG, "base64"))).toBe("image/png");
    expect(imageMediaType(JPEG)).toBe("image/jpeg");
    expect(imageMediaType(Buffer.from("GIF89a"))).toBe("image/gif");
  });
});
