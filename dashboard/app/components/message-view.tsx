import type { Message, MessagePart } from "@genledger/core";
import { JsonView } from "./json-view.tsx";
import { SafeMarkdown, safeHttpUrl } from "./markdown.tsx";

const INLINE_IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"]);

function textOf(part: MessagePart): string {
  return typeof part.content === "string"
    ? part.content
    : part.content === undefined
      ? ""
      : JSON.stringify(part.content);
}

function FilePart({ part }: { part: MessagePart }) {
  const mime = part.mime_type ?? "application/octet-stream";
  const size = part.size !== undefined ? ` (${part.size.toLocaleString("en-US")} bytes)` : "";
  if (part.file_id) {
    const href = `/blobs/${encodeURIComponent(part.file_id)}`;
    return (
      <div className="attachment">
        {INLINE_IMAGE_TYPES.has(mime) ? (
          <a href={href} target="_blank" rel="noopener">
            <img src={href} alt={`${part.modality ?? "file"} ${mime}`} data-testid="blob-image" />
          </a>
        ) : null}
        <div className="muted">
          <a href={href} download>
            Download {mime}
          </a>
          {size} <span className="mono">{part.file_id.slice(0, 19)}...</span>
        </div>
      </div>
    );
  }
  if (part.uri) {
    const safe = safeHttpUrl(part.uri);
    return (
      <div className="attachment muted">
        {mime} at{" "}
        {safe ? (
          <a href={safe} rel="noopener nofollow noreferrer" target="_blank">
            {safe}
          </a>
        ) : (
          <span className="mono">{part.uri}</span>
        )}
      </div>
    );
  }
  return (
    <div className="attachment muted">
      Inline {part.modality ?? "file"} {mime}
      {size}, not moved to the blob store.
    </div>
  );
}

/** One part of a message: text, reasoning, a tool call or result, a file, or anything else as JSON. */
export function PartView({ part, markdown }: { part: MessagePart; markdown: boolean }) {
  switch (part.type) {
    case "text":
      return markdown ? (
        <SafeMarkdown text={textOf(part)} />
      ) : (
        <pre className="plain-text">{textOf(part)}</pre>
      );
    case "reasoning":
      return (
        <details className="reasoning">
          <summary>Reasoning</summary>
          <pre className="plain-text">{textOf(part)}</pre>
        </details>
      );
    case "tool_call":
      return (
        <div className="tool-part">
          <div>
            Tool call <strong className="mono">{part.name ?? "?"}</strong>{" "}
            {part.id ? <span className="muted mono">{part.id}</span> : null}
          </div>
          <JsonView value={part.arguments ?? {}} />
        </div>
      );
    case "tool_call_response":
      return (
        <div className="tool-part">
          <div>
            Tool result {part.name ? <strong className="mono">{part.name}</strong> : null}{" "}
            {part.id ? <span className="muted mono">{part.id}</span> : null}
          </div>
          <JsonView value={part.response ?? part.content ?? null} />
        </div>
      );
    case "file":
    case "blob":
    case "uri":
    case "image":
      return <FilePart part={part} />;
    default:
      return <JsonView value={part} />;
  }
}

/** A chat message with its role; output text is rendered as sanitized Markdown, prompt text as typed. */
export function MessageView({ message, markdown }: { message: Message; markdown: boolean }) {
  return (
    <div className="message" data-role={message.role}>
      <div className="role">
        {message.role}
        {message.finish_reason ? ` - finish: ${message.finish_reason}` : ""}
      </div>
      <div className="body">
        {message.parts.length === 0 ? <span className="muted">(empty)</span> : null}
        {message.parts.map((part, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts have no identity; their order is fixed.
          <PartView key={index} part={part} markdown={markdown} />
        ))}
      </div>
    </div>
  );
}
