import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** What the checker reports; `registerHealthMetrics` backs it with Prometheus metrics. */
export interface HealthMetrics {
  checked(kind: "tcp" | "http", seconds: number, failure: string | null): void;
  /** How late a check started after it was due: above zero when concurrency is too low for the checks. */
  delayed(seconds: number): void;
  counted(checks: number, unhealthy: number): void;
}

export const noHealthMetrics: HealthMetrics = { checked() {}, delayed() {}, counted() {} };

/** Registers the health metrics in `registry`. Once per registry: prom-client refuses a name twice. */
export function registerHealthMetrics(registry: Registry): HealthMetrics {
  const registers = [registry];
  const runs = new Counter({ name: "edge_ingress_health_checks_total", help: "Health checks run, by kind.", labelNames: ["kind"], registers });
  const failures = new Counter({
    name: "edge_ingress_health_check_failures_total",
    help: "Health checks that failed, by kind and failure code.",
    labelNames: ["kind", "code"],
    registers,
  });
  const latency = new Histogram({
    name: "edge_ingress_health_check_duration_seconds",
    help: "Time from the start of a health check to its verdict, by kind.",
    labelNames: ["kind"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const delay = new Histogram({
    name: "edge_ingress_health_check_delay_seconds",
    help: "How late health checks start after they are due; a growing tail means --health-concurrency is too low.",
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const checks = new Gauge({ name: "edge_ingress_health_checks", help: "Distinct health checks (address, port, path) being run.", registers });
  const unhealthy = new Gauge({
    name: "edge_ingress_health_targets_unhealthy",
    help: "Health checks currently unhealthy: their targets are marked down in the table, unless every target of a backend is (then it fails open).",
    registers,
  });
  return {
    checked(kind, seconds, failure) {
      runs.inc({ kind });
      latency.observe({ kind }, seconds);
      if (failure !== null) failures.inc({ kind, code: failure.toLowerCase() });
    },
    delayed(seconds) {
      delay.observe(seconds);
    },
    counted(total, down) {
      checks.set(total);
      unhealthy.set(down);
    },
  };
}
