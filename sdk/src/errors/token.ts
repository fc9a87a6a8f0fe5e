/**
 * A task's ERC-20 that refuses what a claim needs. A poster chooses the token a task pays and bonds
 * in; one that reverts an outsider's `allowance`, `approve` or the bond's `transferFrom` makes the
 * task unclaimable for everyone, whatever they do.
 */
import { type Address, ContractFunctionRevertedError, ExecutionRevertedError, RawContractError } from "viem";
import { StigmergyError } from "./base.js";
import { ContractRevertError } from "./revert.js";
import { walkCauses } from "./walk.js";

/** The token call that reverted: the claimant's allowance read or approval, or TaskBoard pulling the bond. */
export type TokenOperation = "allowance" | "approve" | "transferFrom";

/**
 * The task's bond token reverted a call its claim needs. `claimNextTask` and
 * `claimNextTaskOnChains` skip such a task (and report it to `onTokenRefused`) instead of failing.
 */
export class TokenRefusedError extends StigmergyError {
  override name = "TokenRefusedError";
  /** The token that refused. */
  readonly token: Address;
  readonly operation: TokenOperation;
  constructor(token: Address, operation: TokenOperation, cause?: unknown) {
    super(`Token ${token} refused ${operation} (it reverted): a task bonded in it cannot be claimed.`, {
      code: "TOKEN_REFUSED",
      metaMessages: ["Claim another task; `claimNext` skips tasks whose token refuses their claimants."],
      cause,
    });
    this.token = token;
    this.operation = operation;
  }
}

/** Whether `error` is a revert the node reported (with or without data), not a transport or signing failure. */
const isRevert = (error: unknown): boolean =>
  walkCauses(
    error,
    (link) =>
      link instanceof ContractFunctionRevertedError ||
      link instanceof ExecutionRevertedError ||
      link instanceof RawContractError,
  ) !== null;

/**
 * `error` as a `TokenRefusedError` of `operation` on `token` when it is a revert no Stigmergy
 * contract declares (or OpenZeppelin's `SafeERC20FailedOperation`: the token returned false);
 * otherwise `error` itself. TaskBoard's own refusals are typed errors and pass through.
 */
export function tokenRefusal(error: unknown, token: Address, operation: TokenOperation): unknown {
  const typed = walkCauses(error, (link) => link instanceof ContractRevertError) as ContractRevertError | null;
  if (typed)
    return typed.errorName === "SafeERC20FailedOperation" ? new TokenRefusedError(token, operation, error) : error;
  return isRevert(error) ? new TokenRefusedError(token, operation, error) : error;
}
