import { z } from "zod";
import { parseIpRange } from "../policy/ip-range.ts";
import { POLICY_SYNTAX, splitRedirectLocation } from "./route-policy.ts";

const cidr = z.string().max(64).refine((text) => parseIpRange(text) !== null, "must be an IPv4 or IPv6 CIDR");

const headerEdits = z.strictObject({
  set: z.array(z.strictObject({ name: z.string().max(256).regex(POLICY_SYNTAX.headerName).regex(/^[^A-Z]*$/, "must be lower case"), value: z.string().max(4096).regex(POLICY_SYNTAX.headerValue, "must be visible ASCII") })).max(16).optional(),
  add: z.array(z.strictObject({ name: z.string().max(256).regex(POLICY_SYNTAX.headerName).regex(/^[^A-Z]*$/, "must be lower case"), value: z.string().max(4096).regex(POLICY_SYNTAX.headerValue, "must be visible ASCII") })).max(16).optional(),
  remove: z.array(z.string().max(256).regex(POLICY_SYNTAX.headerName).regex(/^[^A-Z]*$/, "must be lower case")).max(16).optional(),
});

const pathReplacement = z.union([
  z.strictObject({ full: z.string().max(1024).regex(POLICY_SYNTAX.replacementPath, "must be an absolute path") }),
  z.strictObject({ prefix: z.string().max(1024).regex(/^(\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*)?$/, "must be an absolute path or empty") }),
]);

/** A table's `policies`: every value as the compiler checked it, so a tampered or foreign table cannot smuggle one in. */
export const routePolicySchema = z.strictObject({
  ingress: z.string().min(1),
  appRoot: z.string().max(2048).regex(POLICY_SYNTAX.appRoot, "must be an absolute path").optional(),
  maxBodyBytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  cors: z.strictObject({
    origins: z.array(z.string().max(253).regex(POLICY_SYNTAX.corsOrigin, "must be * or an origin")).min(1),
    methods: z.string().max(256).regex(POLICY_SYNTAX.corsMethods, "must be a list of methods"),
    headers: z.string().max(4096).regex(POLICY_SYNTAX.corsHeaders, "must be a list of header names"),
    expose: z.string().max(4096).regex(POLICY_SYNTAX.corsExpose, "must be a list of header names").optional(),
    credentials: z.boolean(),
    maxAge: z.number().int().min(0).max(2_147_483_647),
  }).optional(),
  redirect: z.strictObject({
    status: z.number().int().min(300).max(308),
    location: z.string().max(2048).regex(POLICY_SYNTAX.redirectLocation, "must be an absolute http(s) URL")
      .refine((location) => splitRedirectLocation(location) !== null, "names a variable the edge does not fill in"),
  }).optional(),
  forceSslRedirect: z.literal(true).optional(),
  deny: z.array(cidr).min(1).optional(),
  allow: z.array(cidr).min(1).optional(),
  upstreamHost: z.string().max(259).regex(POLICY_SYNTAX.upstreamHost, "must be a host name, maybe with a port").optional(),
  responseTimeoutMs: z.number().int().min(1000).max(600_000).optional(),
  connectTimeoutMs: z.number().int().min(1000).max(600_000).optional(),
  rewriteTarget: z.string().min(1).max(1024).regex(POLICY_SYNTAX.rewriteTarget, "must be a path whose only variables are $1 to $9").optional(),
  forwardedPrefix: z.string().min(1).max(1024).regex(POLICY_SYNTAX.forwardedPrefix, "must be a path").optional(),
  requestHeaders: headerEdits.optional(),
  responseHeaders: headerEdits.optional(),
  routeRedirect: z.strictObject({
    status: z.union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)]),
    scheme: z.enum(["http", "https"]).optional(),
    hostname: z.string().max(253).regex(POLICY_SYNTAX.hostname, "must be a host name").optional(),
    port: z.number().int().min(1).max(65535).optional(),
    path: pathReplacement.optional(),
  }).optional(),
  rewriteHost: z.string().max(253).regex(POLICY_SYNTAX.hostname, "must be a host name").optional(),
  rewritePath: pathReplacement.optional(),
});
