import type { EdgeEnv } from "../../../worker/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends EdgeEnv {
      /** Test-only binding: the private half of the push key pair the worker trusts. */
      readonly TEST_PUSH_PRIVATE_JWK: string;
    }
    interface GlobalProps {
      mainModule: typeof import("../../../worker/index.ts");
    }
  }
}
