import { describe, expect, it } from "vitest";
import { safeHttpUrl } from "./markdown.tsx";

describe("safeHttpUrl", () => {
  it("keeps absolute http(s) links and drops every other scheme", () => {
    expect(safeHttpUrl("https://example.com/a?b=1")).toBe("https://example.com/a?b=1");
    expect(safeHttpUrl("http://example.com")).toBe("http://example.com/");
    for (const bad of [
      "javascript:alert(1)",
      " JavaScript:alert(1)",
      "data:text/html,<script>",
      "vbscript:x",
      "/relative",
      "//evil.example",
      "",
      null,
    ]) {
      expect(safeHttpUrl(bad)).toBeNull();
    }
  });
});
