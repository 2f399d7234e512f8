/**
 * The manifest the convergence benchmark edits: one Ingress whose only host is renamed at each change, so that
 * each change brings a route that did not exist before, and the table does not grow from one change to the next.
 */
export const PROBE_FILE = "convergence-probe.yaml";

export function probeHost(change: number): string {
  return `probe-${change}.example.test`;
}

export function probeIngress(change: number): string {
  return `# Written by the convergence benchmark: change ${change}.
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: convergence-probe
  namespace: web
  creationTimestamp: "2026-03-01T00:00:00Z"
spec:
  ingressClassName: edge
  rules:
    - host: ${probeHost(change)}
      http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: blog, port: { number: 80 } } } }
`;
}
