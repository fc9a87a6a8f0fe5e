/**
 * A task's ERC-20 that refuses what a claim needs. A poster chooses the token a task pays and bonds
 * in; one that reverts an outsider's `allowance`, `approve` or the bond's `transferFrom` makes the
 * task unclaimable for everyone, whatever they do.
 */
import { type Address, ContractFunctionRevertedError, ExecutionRevertedError, RawContractError } from "viem";
import { StigmergyError } from "./base.js";
import { isConnectionError } from "./connection.js";
import { revertData } from "./contract.js";
import { ContractRevertError } from "./revert.js";
import { walkCauses } from "./walk.js";

/** The token call that failed: the claimant's allowance read or approval, or TaskBoard pulling the bond. */
export type TokenOperation = "allowance" | "approve" | "transferFrom";

/**
 * The task's token refused a call: its `allowance` read failed, its `approve` reverted, or a claim
 * pulling an ERC-20 bond reverted in the token (`transferFrom`). `claimNextTask` and
 * `claimNextTaskOnChains` skip such a task, report it to `onTokenRefused` and leave the token's
 * other bonded tasks alone for a while, instead of failing.
 */
export class TokenRefusedError extends StigmergyError {
  override name = "TokenRefusedError";
  /** The token that refused. */
  readonly token: Address;
  readonly operation: TokenOperation;
  constructor(token: Address, operation: TokenOperation, cause?: unknown) {
    super(`Token ${token} refused ${operation} (it reverted or answered nothing usable).`, {
      code: "TOKEN_REFUSED",
      metaMessages: [
        "The token, not Stigmergy, refused: its contract may block this account, spender or amount. " +
          "`claimNext` skips tasks whose token refuses their claimants.",
      ],
      cause,
    });
    this.token = token;
    this.operation = operation;
  }
}

/**
 * Declared errors that mean the token failed the call: OpenZeppelin's ERC-20 and SafeERC20 errors,
 * TaskBoard's `UnsupportedToken` (the token delivered less than the bond).
 */
const TOKEN_ERRORS = /^(SafeERC20FailedOperation|UnsupportedToken|ERC20[A-Z]\w*)$/;

/** A node's own failures, which viem may also report as a revert: never the token's. */
const NOT_A_REVERT = /gas required exceeds allowance|insufficient funds|internal (json-rpc )?error/i;

/**
 * Whether `error` is a contract's revert: one carrying revert data, or one the node reported as a
 * revert that is none of its own failures (funds, an internal error).
 */
const isRevert = (error: unknown): boolean => {
  if (walkCauses(error, (link) => revertData(link) !== undefined) !== null) return true;
  if (error instanceof Error && NOT_A_REVERT.test(error.message)) return false;
  return (
    walkCauses(
      error,
      (link) =>
        link instanceof ContractFunctionRevertedError ||
        link instanceof ExecutionRevertedError ||
        link instanceof RawContractError,
    ) !== null
  );
};

/**
 * `error` as a `TokenRefusedError` of `operation` on `token` when the token failed it; otherwise
 * `error` itself (a node's failures stay as they are). A call to the token itself (`approve`) is the
 * token's whatever it reverts with; in a claim (`transferFrom`, through TaskBoard) only a revert no
 * Stigmergy contract declares or a declared token error (TOKEN_ERRORS) is: TaskBoard's own
 * refusals stay typed.
 */
export function tokenRefusal(error: unknown, token: Address, operation: TokenOperation): unknown {
  const typed = walkCauses(error, (link) => link instanceof ContractRevertError) as ContractRevertError | null;
  if (typed && operation === "transferFrom" && !TOKEN_ERRORS.test(typed.errorName)) return error;
  return typed || isRevert(error) ? new TokenRefusedError(token, operation, error) : error;
}

/**
 * `error`, from reading the token (its `allowance`), as a `TokenRefusedError` unless the node could
 * not be reached: a revert, no code, or an answer that does not decode are all the token's doing.
 */
export const tokenReadRefusal = (error: unknown, token: Address): unknown =>
  isConnectionError(error) ? error : new TokenRefusedError(token, "allowance", error);
