/**
 * A cluster written for ingress-nginx, as manifests: one IngressClass `nginx` of ingress-nginx's controller and
 * three Ingresses of that class — one the edge serves as is, one it serves without an annotation, one it refuses.
 */
export const nginxClusterYaml = `
kind: Node
metadata: { name: n1 }
status: { conditions: [{ type: Ready, status: "True" }], addresses: [{ type: ExternalIP, address: 127.0.0.2 }] }
---
kind: IngressClass
metadata: { name: nginx }
spec: { controller: k8s.io/ingress-nginx }
---
kind: Service
metadata: { name: web }
spec: { type: NodePort, ports: [{ port: 80, nodePort: 30080 }] }
---
kind: EndpointSlice
metadata: { name: web-1, labels: { kubernetes.io/service-name: web } }
ports: [{ port: 8080 }]
endpoints: [{ nodeName: n1, conditions: { ready: true } }]
---
kind: Ingress
metadata: { name: plain, annotations: { nginx.ingress.kubernetes.io/ssl-redirect: "false" } }
spec:
  ingressClassName: nginx
  rules: [{ host: plain.test, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]
---
kind: Ingress
metadata: { name: limited, annotations: { nginx.ingress.kubernetes.io/limit-rps: "10", nginx.ingress.kubernetes.io/proxy-buffering: "on" } }
spec:
  ingressClassName: nginx
  rules: [{ host: limited.test, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]
---
kind: Ingress
metadata: { name: admin, annotations: { nginx.ingress.kubernetes.io/auth-url: "http://auth.example/verify" } }
spec:
  ingressClassName: nginx
  rules: [{ host: admin.test, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]
`;
