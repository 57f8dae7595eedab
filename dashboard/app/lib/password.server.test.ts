import { describe, expect, it } from "vitest";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "./password.server.ts";

describe("password hashing", () => {
  it("verifies the right password only, with a fresh salt per hash", async () => {
    const a = await hashPassword("correct horse battery staple");
    const b = await hashPassword("correct horse battery staple");
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery staple", a)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", a)).toBe(false);
    expect(await verifyAgainstDummy("anything")).toBe(false);
  });

  it("rejects malformed or tampered hashes instead of throwing", async () => {
    const hash = await hashPassword("pw pw pw pw pw");
    expect(await verifyPassword("pw pw pw pw pw", "")).toBe(false);
    expect(await verifyPassword("pw pw pw pw pw", "plain$text")).toBe(false);
    expect(await verifyPassword("pw pw pw pw pw", hash.replace("$32768$", "$99999999$"))).toBe(false);
    expect(await verifyPassword("pw pw pw pw pw", `${hash.slice(0, -4)}AAA=`)).toBe(false);
  });
});
