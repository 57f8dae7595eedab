import { useState } from "react";

/** Copies the page's address, for pasting into a ticket or a chat. */
export function CopyLinkButton() {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
    setTimeout(() => setCopied("idle"), 2000);
  };
  return (
    <button type="button" className="secondary" onClick={copy} data-testid="copy-link">
      {copied === "copied"
        ? "Link copied"
        : copied === "failed"
          ? "Copy failed: use the address bar"
          : "Copy link"}
    </button>
  );
}
