import { data } from "react-router";
import type { Route } from "./+types/not-found";

export async function loader({ url }: Route.LoaderArgs) {
  throw data(
    {
      title: "Page not found",
      message: `Nothing lives at ${url.pathname}.`,
      hints: ["Use the navigation on the left, or paste a generation ID on the Generations page."],
    },
    { status: 404 },
  );
}

export default function NotFound() {
  return null;
}
