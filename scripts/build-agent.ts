// `npm run build:agent`: writes the agent's self-contained bundle, dist/edge-ingress.mjs (what the image runs).
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { AGENT_BUNDLE, bundleAgent } from "./agent/bundle-agent.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const bundle = await bundleAgent(join(root, AGENT_BUNDLE));
process.stdout.write(`${relative(process.cwd(), bundle.outfile) || bundle.outfile}  ${(bundle.bytes / 1024 / 1024).toFixed(1)} MiB\n`);
