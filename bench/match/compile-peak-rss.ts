/**
 * Run in a child process by the match benchmark: compiles a generated cluster once and prints the process's
 * peak RSS, so that the figure is the agent's compile alone, not the benchmark's own heap.
 */
import { compileTable } from "../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../core/compile/compile-options.ts";
import { sealTable, serializeTable } from "../../core/table/hash-table.ts";
import { generateCluster } from "./generate-cluster.ts";

const ingresses = Number(process.argv[2] ?? "10000");
const nodes = Number(process.argv[3] ?? "1000");
const baseline = process.resourceUsage().maxRSS;
const cluster = generateCluster(ingresses, nodes);
const { content } = compileTable(cluster, defaultCompileOptions);
const bytes = serializeTable(await sealTable(content, 1)).length;
console.log(JSON.stringify({ ingresses, nodes, bytes, baselineRssMiB: baseline / 1024, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
