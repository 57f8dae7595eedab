import Markdown, { type Components } from "react-markdown";

/** Only absolute http(s) URLs survive; everything else (javascript:, data:, relative) is dropped. */
export function safeHttpUrl(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

const components: Components = {
  a({ href, children }) {
    const safe = safeHttpUrl(href);
    if (!safe) return <span className="unsafe-link">{children}</span>;
    return (
      <a href={safe} rel="noopener nofollow noreferrer" target="_blank">
        {children}
      </a>
    );
  },
  // Model output must not make the reader's browser fetch third-party images (tracking, leaks).
  img({ src, alt }) {
    const safe = safeHttpUrl(typeof src === "string" ? src : null);
    const label = `[image${alt ? `: ${alt}` : ""}]`;
    return safe ? (
      <a href={safe} rel="noopener nofollow noreferrer" target="_blank">
        {label}
      </a>
    ) : (
      <span>{label}</span>
    );
  },
};

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
}

/** Remark plugin: raw HTML in the text is shown literally, as text, instead of being parsed or dropped. */
function htmlAsText() {
  const walk = (node: MdNode) => {
    if (node.type === "html") node.type = "text";
    node.children?.forEach(walk);
  };
  return (tree: MdNode) => walk(tree);
}

const remarkPlugins = [htmlAsText];

/**
 * Model text as Markdown, sanitized: raw HTML shows as literal text (never parsed), links are limited
 * to http(s) with `rel="noopener nofollow"`, and images become links.
 */
export function SafeMarkdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <Markdown
        skipHtml
        remarkPlugins={remarkPlugins}
        urlTransform={(url) => safeHttpUrl(url) ?? ""}
        components={components}
      >
        {text}
      </Markdown>
    </div>
  );
}
