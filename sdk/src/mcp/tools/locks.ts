/** Locks on named resources (the `locks` primitive): `acquire_lock`, `release_lock`. */
import { z } from "zod";
import * as v from "../../validate.js";
import { agentIdOf, integerInput, signerOf } from "../inputs.js";
import { defineTool } from "../tool.js";

const keyInput = z
  .string()
  .describe(
    'The resource\'s name, e.g. "repo:main" or "report-2024-06" (or a bytes32 key). ' +
      "Every agent naming the same resource uses the same name.",
  );

export const acquireLock = defineTool({
  name: "acquire_lock",
  title: "Acquire a lock",
  description:
    "Takes an exclusive, expiring lock on a named resource for your agent, so agents sharing it do not step on each " +
    "other. Returns a fencingToken (pass it to whatever the lock guards, and to release_lock) and expiresAt (unix " +
    "seconds); acquiring a lock you hold extends it. Fails with LOCK_HELD, saying who holds it and until when, if " +
    "another agent holds it; try again after that.",
  inputSchema: {
    key: keyInput,
    ttl_seconds: integerInput("How long the lock lasts unless released, in seconds. Default 60.").optional(),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(agent, input) {
    signerOf(agent);
    const agentId = agentIdOf(agent);
    const ttl = v.duration("ttl_seconds", input.ttl_seconds ?? 60);
    const lease = await agent.locks.acquire(input.key, { ttl, agentId });
    return {
      key: lease.key,
      holder: agentId,
      fencingToken: lease.fencingToken,
      expiresAt: lease.expiresAt,
      txHash: lease.hash,
    };
  },
});

export const releaseLock = defineTool({
  name: "release_lock",
  title: "Release a lock",
  description:
    "Releases a lock your agent holds, so others can take it at once. " +
    "Give the same key and the fencingToken acquire_lock returned.",
  inputSchema: {
    key: keyInput,
    fencing_token: integerInput("The fencingToken acquire_lock returned."),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(agent, input) {
    signerOf(agent);
    const fencingToken = v.uint("fencing_token", input.fencing_token, { min: 1n, bits: 64 });
    const released = await agent.locks.release(input.key, fencingToken);
    return { key: agent.locks.keyOf(input.key), released: true, txHash: released.hash };
  },
});
