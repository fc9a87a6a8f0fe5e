/** Root hooks: stop the shared node and indexer after the last SDK test file. */
import { stopSdkStack } from "./helpers/stack.ts";

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopSdkStack();
  },
};
