import { expect } from "chai";
import { type Agent, LockHeldError, StaleFencingTokenError } from "../../sdk/src/index.ts";
import { agentFor } from "./helpers/stack.ts";

describe("sdk: locks", () => {
  let a: Agent;
  let b: Agent;

  before(async function () {
    this.timeout(120_000);
    [a, b] = await Promise.all([agentFor(10), agentFor(11)]);
    await a.identity.register({ uri: "ipfs://locker-a" });
    await b.identity.register({ uri: "ipfs://locker-b" });
  });

  it("withLock passes the fencing token, refuses a second holder, and releases even when fn throws", async () => {
    let token = 0n;
    await a.locks.withLock("shared-db", async (t) => {
      token = t;
      const held = await b.locks.acquire("shared-db").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(held).to.be.instanceOf(LockHeldError);
      expect((held as LockHeldError).shortMessage).to.contain(`agent ${a.agentId}`);
      expect((await b.locks.holder("shared-db")).agentId).to.equal(a.agentId);
    });
    expect(token > 0n).to.equal(true);
    expect((await b.locks.holder("shared-db")).agentId).to.equal(0n, "released");
    await a.locks
      .withLock("shared-db", async () => {
        throw new Error("boom");
      })
      .catch(() => undefined);
    expect((await b.locks.holder("shared-db")).agentId).to.equal(0n, "released after a throw");
    const lease = await b.locks.acquire("shared-db", { ttl: 30 });
    expect(lease.fencingToken > token).to.equal(true, "fencing tokens only grow");
    expect(
      await b.locks.release("shared-db", token).then(
        () => undefined,
        (e: unknown) => e,
      ),
    ).to.be.instanceOf(StaleFencingTokenError);
    await b.locks.release("shared-db", lease.fencingToken);
  });
});
