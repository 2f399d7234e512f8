#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on load so that the package ships one source of truth.
import { register } from "tsx/esm/api";

register();
await import("../sync-agent/cli/entry.ts");
