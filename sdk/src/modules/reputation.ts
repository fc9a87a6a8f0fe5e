/** ERC-8004 reputation: feedback from clients, responses, summaries. */
import { type Address, type Hex, zeroHash } from "viem";
import { type Context, read, write } from "../client/context.js";
import { InvalidInputError } from "../errors/input.js";
import * as v from "../validate.js";

export type FeedbackParameters = {
  agentId: bigint;
  /** The score, as a fixed-point number with `decimals` decimals (e.g. 87 with 0, or 4250 with 2). */
  value: bigint | number;
  decimals?: number;
  tag1?: string;
  tag2?: string;
  endpoint?: string;
  feedbackURI?: string;
  feedbackHash?: Hex;
};

export function reputationModule(ctx: Context) {
  return {
    /** Leaves feedback on an agent (not one's own). */
    giveFeedback(p: FeedbackParameters) {
      if (typeof p.value === "number" && !Number.isSafeInteger(p.value)) throw new InvalidInputError("value", "expected a whole number (scale it with `decimals`)", p.value);
      const value = BigInt(p.value);
      const limit = (1n << 127n) - 1n;
      if (value > limit || value < -limit) throw new InvalidInputError("value", "must fit in an int128", p.value);
      return write(ctx, "ReputationRegistry", "giveFeedback", [
        v.id("agentId", p.agentId),
        value,
        Number(v.uint("decimals", p.decimals ?? 0, { bits: 8 })),
        p.tag1 ?? "",
        p.tag2 ?? "",
        p.endpoint ?? "",
        p.feedbackURI === undefined ? "" : v.uri("feedbackURI", p.feedbackURI),
        p.feedbackHash === undefined ? zeroHash : v.bytes32("feedbackHash", p.feedbackHash),
      ]);
    },
    revokeFeedback: (agentId: bigint, feedbackIndex: bigint) => write(ctx, "ReputationRegistry", "revokeFeedback", [v.id("agentId", agentId), v.uint("feedbackIndex", feedbackIndex, { bits: 64, min: 1n })]),
    appendResponse: (agentId: bigint, client: Address, feedbackIndex: bigint, responseURI: string, responseHash: Hex = zeroHash) =>
      write(ctx, "ReputationRegistry", "appendResponse", [v.id("agentId", agentId), v.address("client", client), v.uint("feedbackIndex", feedbackIndex, { bits: 64, min: 1n }), v.uri("responseURI", responseURI), v.bytes32("responseHash", responseHash)]),
    /** Count and average of the feedback from `clients` (required by ERC-8004, against Sybils), filtered by tags. */
    async summary(agentId: bigint, clients: Address[], tags: { tag1?: string; tag2?: string } = {}) {
      const [count, value, decimals] = await read(ctx, "ReputationRegistry", "getSummary", [v.id("agentId", agentId), clients.map((c, i) => v.address(`clients[${i}]`, c)), tags.tag1 ?? "", tags.tag2 ?? ""]);
      return { count, value, decimals };
    },
    clients: (agentId: bigint) => read(ctx, "ReputationRegistry", "getClients", [v.id("agentId", agentId)]),
  };
}

export type ReputationModule = ReturnType<typeof reputationModule>;
