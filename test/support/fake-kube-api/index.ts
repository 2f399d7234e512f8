export { FakeKubeApi, type FakeKubeApiOptions } from "./fake-kube-api.ts";
export { describeRequest, type ApiRequest } from "./request-log.ts";
export { kubeconfigYaml, writeKubeconfig } from "./write-kubeconfig.ts";
export { RESOURCE_TYPES, type ResourceType } from "./resource-types.ts";
