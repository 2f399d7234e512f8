import type { HostRedirect } from "../../table/route-policy.ts";
import type { Rule } from "../../table/schema.ts";

/**
 * ingress-nginx's BuildRedirects (pkg/util/ingress): for each host an Ingress with `from-to-www-redirect: "true"`
 * serves, the same name with `www.` added (or taken off) redirects to it — unless some Ingress serves that name
 * itself (reported), and once per target host. `askers` are in Ingress age order. Pure.
 */
export function collectHostRedirects(
  askers: readonly { readonly ingress: string; readonly hosts: readonly string[] }[],
  served: ReadonlyMap<string, ReadonlyMap<string, Rule>>,
  report: (ingress: string, reason: string) => void,
): HostRedirect[] {
  const redirects = new Map<string, HostRedirect>();
  for (const { ingress, hosts } of askers) {
    for (const to of hosts) {
      if (to === "" || to.startsWith("*.")) continue;
      const from = to.startsWith("www.") ? to.slice(4) : `www.${to}`;
      if (!from.includes(".") || redirects.has(from)) continue;
      if (served.has(from)) {
        report(ingress, `from-to-www-redirect: an Ingress already serves ${from}, so it is not redirected to ${to}`);
        continue;
      }
      redirects.set(from, { from, to, ingress });
    }
  }
  return [...redirects.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}
