/**
 * ERC-8004 validation: ask a validator to check an agent's work; validators answer 0..100.
 *
 * A request is keyed by its `requestHash` (keccak256 of the request file), exactly as the ERC, and
 * hashes are global: someone who sees a pending request can land the same hash first. Requests
 * made from a document are therefore salted, and one that meets `ValidationRequestExists` is
 * salted afresh and sent once more.
 */
import { type Address, bytesToHex, type Hex, keccak256, stringToHex, zeroHash } from "viem";
import { type Context, eventOf, read, write, type Written } from "../client/context.js";
import { InvalidInputError } from "../errors/input.js";
import { ValidationRequestExistsError } from "../generated/errors.js";
import * as v from "../validate.js";

export type ValidationRequestParameters = {
  /** Who is asked to validate. */
  validator: Address;
  /** Whose work. */
  agentId: bigint;
} & (
  | {
      /**
       * The request file (what the validator needs), as a JSON document. The SDK adds a random
       * `salt`, serialises it, hashes the bytes (the `requestHash`) and publishes it with `publish`.
       */
      request: Record<string, unknown>;
      /** Hosts the serialised file and returns its URI (default: an inline `data:` URI). */
      publish?: (file: string) => string | Promise<string>;
    }
  | {
      /** A request file published by the caller. */
      requestURI: string;
      /** keccak256 of that file (default: keccak256 of the URI string). Not salted, not retried. */
      requestHash?: Hex;
    }
);

export type ValidationRequestReturnType = Written & {
  /** The request's key: what the validator answers and what reads take. */
  requestHash: Hex;
  requestURI: string;
  /** The serialised request file (document requests only). */
  file?: string;
};

/** A fresh 32-byte salt. */
const salt = (): Hex => bytesToHex(crypto.getRandomValues(new Uint8Array(32)));

/** The file inline, byte for byte, for chains where nothing is hosted. */
const inline = (file: string) => `data:application/json;base64,${Buffer.from(file).toString("base64")}`;

export function validationModule(ctx: Context) {
  const send = (validator: Address, agentId: bigint, requestURI: string, requestHash: Hex) =>
    write(ctx, "ValidationRegistry", "validationRequest", [validator, agentId, requestURI, requestHash]);

  return {
    /**
     * Asks `validator` to validate `agentId`'s work and returns the request's hash.
     *
     * @example
     * const { requestHash } = await agent.validation.request({ validator, agentId, request: { task: "ipfs://result", check: "tests pass" } });
     */
    async request(p: ValidationRequestParameters): Promise<ValidationRequestReturnType> {
      const validator = v.address("validator", p.validator);
      const agentId = v.id("agentId", p.agentId);
      if (!("request" in p)) {
        const requestURI = v.uri("requestURI", p.requestURI);
        const requestHash = p.requestHash === undefined ? keccak256(stringToHex(requestURI)) : v.bytes32("requestHash", p.requestHash);
        const written = await send(validator, agentId, requestURI, requestHash);
        return { ...written, requestHash: eventOf(ctx, written.receipt, "ValidationRegistry", "ValidationRequest").requestHash, requestURI };
      }
      if (typeof p.request !== "object" || p.request === null || Array.isArray(p.request)) {
        throw new InvalidInputError("request", "must be a JSON object (the request file)", p.request);
      }
      const publish = p.publish ?? inline;
      const attempt = async () => {
        const file = JSON.stringify({ ...p.request, salt: salt() });
        const requestURI = v.uri("requestURI", await publish(file));
        const requestHash = keccak256(stringToHex(file));
        const written = await send(validator, agentId, requestURI, requestHash);
        return { ...written, requestHash, requestURI, file };
      };
      try {
        return await attempt();
      } catch (error) {
        // Someone landed our hash first (a copied pending request): salt afresh and ask once more.
        if (!(error instanceof ValidationRequestExistsError)) throw error;
        return attempt();
      }
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
