/**
 * ERC-8004 validation, bound to an agent: ask a validator to check an agent's work; validators
 * answer 0..100. Each method calls the action of the same concern in `actions/validation/`.
 */
import type { Address, Hex } from "viem";
import { getValidationStatus } from "../actions/validation/getValidationStatus.js";
import { getValidationSummary } from "../actions/validation/getValidationSummary.js";
import { type RequestValidationParameters, requestValidation } from "../actions/validation/requestValidation.js";
import { type RespondToValidationParameters, respondToValidation } from "../actions/validation/respondToValidation.js";
import type { Context } from "../client/context.js";

export function validationModule(ctx: Context) {
  return {
    /**
     * Asks `validator` to validate `agentId`'s work and returns the request's hash. See {@link requestValidation}.
     *
     * @example
     * const { requestHash } = await agent.validation.request({
     *   validator,
     *   agentId,
     *   request: { task: "ipfs://result", check: "tests pass" },
     * });
     */
    request: (params: RequestValidationParameters) => requestValidation(ctx, params),
    /** The validator's answer: 0 (failed) to 100 (passed). See {@link respondToValidation}. */
    respond: (params: RespondToValidationParameters) => respondToValidation(ctx, params),
    /** A request's status. See {@link getValidationStatus}. */
    status: (requestHash: Hex) => getValidationStatus(ctx, { requestHash }),
    /** Count and average of an agent's validation responses. See {@link getValidationSummary}. */
    summary: (agentId: bigint, validators: Address[] = [], tag = "") =>
      getValidationSummary(ctx, { agentId, validators, tag }),
  };
}

export type ValidationModule = ReturnType<typeof validationModule>;
