import { type Address, bytesToHex, type Hex, keccak256, stringToHex } from "viem";
import { type Context, eventOf, type Written, write } from "../../client/context.js";
import { InvalidInputError } from "../../errors/input.js";
import type { WriteErrorType } from "../../errors/types.js";
import { ValidationRequestExistsError } from "../../generated/errors.js";
import * as v from "../../validate.js";

export type RequestValidationParameters = {
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

export type RequestValidationReturnType = Written & {
  /** The request's key: what the validator answers and what reads take. */
  requestHash: Hex;
  requestURI: string;
  /** The serialised request file (document requests only). */
  file?: string;
};

export type RequestValidationErrorType = WriteErrorType<"ValidationRegistry">;

/** A fresh 32-byte salt. */
const salt = (): Hex => bytesToHex(crypto.getRandomValues(new Uint8Array(32)));

/** The file inline, byte for byte, for chains where nothing is hosted. */
const inline = (file: string) => `data:application/json;base64,${Buffer.from(file).toString("base64")}`;

/**
 * Asks `validator` to validate `agentId`'s work (ERC-8004) and returns the request's hash.
 *
 * A request is keyed by its `requestHash` (keccak256 of the request file), exactly as the ERC, and
 * hashes are global: someone who sees a pending request can land the same hash first. Requests
 * made from a document are therefore salted, and one that meets `ValidationRequestExists` is
 * salted afresh and sent once more.
 *
 * @example
 * const { requestHash } = await requestValidation(agent, {
 *   validator,
 *   agentId,
 *   request: { task: "ipfs://result", check: "tests pass" },
 * });
 */
export async function requestValidation(
  ctx: Context,
  p: RequestValidationParameters,
): Promise<RequestValidationReturnType> {
  const validator = v.address("validator", p.validator);
  const agentId = v.id("agentId", p.agentId);
  const send = (requestURI: string, requestHash: Hex) =>
    write(ctx, "ValidationRegistry", "validationRequest", [validator, agentId, requestURI, requestHash]);
  if (!("request" in p)) {
    const requestURI = v.uri("requestURI", p.requestURI);
    const requestHash =
      p.requestHash === undefined ? keccak256(stringToHex(requestURI)) : v.bytes32("requestHash", p.requestHash);
    const written = await send(requestURI, requestHash);
    return {
      ...written,
      requestHash: eventOf(ctx, written.receipt, "ValidationRegistry", "ValidationRequest").requestHash,
      requestURI,
    };
  }
  if (typeof p.request !== "object" || p.request === null || Array.isArray(p.request)) {
    throw new InvalidInputError("request", "must be a JSON object (the request file)", p.request);
  }
  const publish = p.publish ?? inline;
  const attempt = async () => {
    const file = JSON.stringify({ ...p.request, salt: salt() });
    const requestURI = v.uri("requestURI", await publish(file));
    const requestHash = keccak256(stringToHex(file));
    const written = await send(requestURI, requestHash);
    return { ...written, requestHash, requestURI, file };
  };
  try {
    return await attempt();
  } catch (error) {
    // Someone landed our hash first (a copied pending request): salt afresh and ask once more.
    if (!(error instanceof ValidationRequestExistsError)) throw error;
    return attempt();
  }
}
