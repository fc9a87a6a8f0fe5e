import { StigmergyError } from "./base.js";
import { contractErrorMessage, formatErrorCall } from "./messages.js";

/** Where a revert happened, as far as the caller knows, and what it was decoded from. */
export type ContractRevertErrorOptions = {
  /** The contract called, e.g. "TaskBoard". */
  contractName?: string | undefined;
  /** The function called, e.g. "claim". */
  functionName?: string | undefined;
  /** The error the revert was decoded from (a viem error, a JSON-RPC error, ...). */
  cause?: unknown;
};

/**
 * A contract call reverted with one of the Stigmergy contracts' custom errors. Every error has its
 * own subclass with typed `args` (`TaskNotOpenError`, ... generated from the ABIs into
 * `generated/errors.ts`); `shortMessage` says in plain words what went wrong, `metaMessages` show
 * the raw error and the call.
 *
 * It lives apart from `contract.ts` (which re-exports it) so that the generated subclasses can
 * extend it without an import cycle through the decoder.
 *
 * @example
 * try {
 *   await taskBoard.write.claim([taskId, agentId]);
 * } catch (error) {
 *   const reverted = decodeContractError(error, { contractName: "TaskBoard", functionName: "claim" });
 *   if (reverted instanceof TaskNotOpenError) console.log(`taken by agent ${reverted.args.claimant}`);
 *   throw reverted ?? error;
 * }
 */
export class ContractRevertError<
  Args extends Record<string, unknown> = Record<string, unknown>,
> extends StigmergyError {
  override name = "ContractRevertError";
  /** Solidity name of the error, e.g. "TaskNotOpen". */
  readonly errorName: string;
  /** Its arguments, by parameter name (as viem decodes them: bigint above 48 bits, number below). */
  readonly args: Args;
  /** The contract called, when the caller said. */
  readonly contractName: string | undefined;
  /** The function called, when known. */
  readonly functionName: string | undefined;

  constructor(error: { errorName: string; code: string; args: Args }, options: ContractRevertErrorOptions = {}) {
    const { contractName, functionName, cause } = options;
    const metaMessages = [`Error: ${formatErrorCall(error.errorName, error.args)}`];
    if (contractName) metaMessages.push(`Contract: ${contractName}`);
    if (functionName) metaMessages.push(`Function: ${functionName}`);
    super(contractErrorMessage(error.errorName, error.args), { code: error.code, metaMessages, cause });
    this.errorName = error.errorName;
    this.args = error.args;
    this.contractName = contractName;
    this.functionName = functionName;
  }
}
