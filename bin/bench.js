#!/usr/bin/env node
// Benchmarks are TypeScript; tsx compiles them on the fly so `npm run bench` needs no build step.
import { register } from "tsx/esm/api";

register();
await import("../bench/run-bench.ts");
