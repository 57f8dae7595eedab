import { redirect } from "react-router";
import type { Route } from "./+types/go";

/** Pulls a generation ID out of what was pasted: the ID itself or a link to its page. */
function extractGenerationId(pasted: string): string {
  const text = pasted.trim();
  const fromLink = /\/generation\/([A-Za-z0-9_-]{1,128})/.exec(text);
  return fromLink?.[1] ?? text;
}

/** The paste-an-ID box submits here (GET `?id=`), which works without JavaScript. */
export async function loader({ url }: Route.LoaderArgs) {
  const id = extractGenerationId(url.searchParams.get("id") ?? "");
  if (!id) throw redirect("/generations");
  throw redirect(`/generation/${encodeURIComponent(id)}`);
}

export default function Go() {
  return null;
}
