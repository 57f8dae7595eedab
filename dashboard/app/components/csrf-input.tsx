import { useRouteLoaderData } from "react-router";

/** The hidden `_csrf` field every form posts; actions refuse a form without the session's token. */
export function CsrfInput({ token }: { token?: string }) {
  const root = useRouteLoaderData("root") as { csrf?: string } | undefined;
  return <input type="hidden" name="_csrf" value={token ?? root?.csrf ?? ""} />;
}
