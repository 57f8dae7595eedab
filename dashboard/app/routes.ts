import { index, type RouteConfig, route } from "@react-router/dev/routes";

// Every route is a child of root.tsx, whose middleware requires a signed-in member (or, under /api/,
// a read-scoped key) everywhere except /login and /setup. test/dashboard-auth.test.ts walks this list.
export default [
  index("routes/overview.tsx"),
  route("login", "routes/login.tsx"),
  route("logout", "routes/logout.tsx"),
  route("setup", "routes/setup.tsx"),
  route("generations", "routes/generations.tsx"),
  route("go", "routes/go.tsx"),
  route("generation/:id", "routes/generation.tsx"),
  route("users", "routes/users.tsx"),
  route("users/:id", "routes/user.tsx"),
  route("settings", "routes/settings.tsx"),
  route("settings/members", "routes/settings-members.tsx"),
  route("settings/keys", "routes/settings-keys.tsx"),
  route("blobs/:id", "routes/blob.ts"),
  route("api/v1/generations", "routes/api-generations.ts"),
  route("api/v1/generations/:id", "routes/api-generation.ts"),
  route("*", "routes/not-found.tsx"),
  // Analytics pages (costs, abuse, budgets, alerts) go below this line.
  route("costs", "routes/costs.tsx"),
  route("costs/reprice", "routes/costs-reprice.tsx"),
  route("abuse", "routes/abuse.tsx"),
  route("budgets", "routes/budgets.tsx"),
  route("alerts", "routes/alerts.tsx"),
  route("api/v1/costs", "routes/api-costs.ts"),
  route("api/v1/costs.csv", "routes/api-costs-csv.ts"),
  route("api/v1/budgets", "routes/budgets-guard.ts"),
] satisfies RouteConfig;
