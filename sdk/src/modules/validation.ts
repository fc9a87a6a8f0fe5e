/** ERC-8004 validation: ask a validator to check an agent's work; validators answer 0..100. */
import { type Address, type Hex, keccak256, stringToHex, zeroHash } from "viem";
import { type Context, eventOf, read, write, type Written } from "../client/context.js";
import * as v from "../validate.js";

export function validationModule(ctx: Context) {
  return {
    /** Requests validation of `agentId`'s work by `validator`; returns the request's id. */
    async request(p: { validator: Address; agentId: bigint; requestURI: string; requestHash?: Hex }): Promise<Written & { requestHash: Hex }> {
      const uri = v.uri("requestURI", p.requestURI);
      const commitment = p.requestHash === undefined ? keccak256(stringToHex(uri)) : v.bytes32("requestHash", p.requestHash);
      const written = await write(ctx, "ValidationRegistry", "validationRequest", [v.address("validator", p.validator), v.id("agentId", p.agentId), uri, commitment]);
      return { ...written, requestHash: eventOf(ctx, written.receipt, "ValidationRegistry", "ValidationRequest").requestHash };
    },
    /** The validator's answer: 0 (failed) to 100 (passed), with optional evidence and tag. */
    respond: (p: { requestHash: Hex; response: number; responseURI?: string; responseHash?: Hex; tag?: string }) =>
      write(ctx, "ValidationRegistry", "validationResponse", [
        v.bytes32("requestHash", p.requestHash),
        Number(v.uint("response", p.response, { bits: 8 })),
        p.responseURI === undefined ? "" : v.uri("responseURI", p.responseURI),
        p.responseHash === undefined ? zeroHash : v.bytes32("responseHash", p.responseHash),
        p.tag ?? "",
      ]),
    status: (requestHash: Hex) => read(ctx, "ValidationRegistry", "getValidationStatus", [v.bytes32("requestHash", requestHash)]),
    async summary(agentId: bigint, validators: Address[] = [], tag = "") {
      const [count, average] = await read(ctx, "ValidationRegistry", "getSummary", [v.id("agentId", agentId), validators.map((a, i) => v.address(`validators[${i}]`, a)), tag]);
      return { count, average };
    },
  };
}

export type ValidationModule = ReturnType<typeof validationModule>;
