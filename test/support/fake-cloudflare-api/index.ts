export { API_PREFIX, type CloudflareRequest, FakeCloudflareApi, type FakeCloudflareApiOptions, type InjectedFault, type Permission } from "./fake-cloudflare-api.ts";
export type { DnsRecord } from "./dns-records.ts";
export type { CustomCertificate } from "./custom-certificates.ts";
export type { AccountZone, WorkerDomain, WorkerRoute } from "./workers-attachments.ts";
