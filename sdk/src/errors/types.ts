/**
 * What actions can throw, as the unions their `…ErrorType`s are built from. A contract call can
 * revert with the errors its contract declares and with those of the contracts it calls (a revert
 * bubbles up), so each contract is listed with the contracts it reaches.
 */
import type { ContractName } from "@stigmergy/contracts";
import type { HttpRequestErrorType, RpcRequestErrorType, TimeoutErrorType } from "viem";
import type { ContractRevertErrors } from "../generated/errors.js";
import type { MissingConfigError } from "./config.js";
import type { IndexerError } from "./indexer.js";
import type { InvalidInputError } from "./input.js";
import type { TransactionRevertedError, UnexpectedReceiptError } from "./transaction.js";

/** The contracts a call to each contract may reach (itself included): whose errors it may revert with. */
type Reaches = {
  Governance: "Governance" | "LeaderElection" | "IdentityRegistry";
  IdentityRegistry: "IdentityRegistry";
  LeaderElection: "LeaderElection" | "StakeManager" | "IdentityRegistry";
  LockManager: "LockManager" | "IdentityRegistry";
  MessageBus: "MessageBus" | "LeaderElection" | "IdentityRegistry";
  PrevrandaoRandomness: "PrevrandaoRandomness";
  ReputationRegistry: "ReputationRegistry" | "IdentityRegistry";
  StakeManager: "StakeManager" | "LeaderElection" | "StakeToken" | "IdentityRegistry";
  StakeToken: "StakeToken";
  TaskBoard: "TaskBoard" | "StakeManager" | "ReputationRegistry" | "IdentityRegistry";
  ValidationRegistry: "ValidationRegistry" | "IdentityRegistry";
};

/** The typed contract errors a call to `name` can revert with (see `ContractRevertError`). */
export type RevertErrorType<name extends ContractName> = ContractRevertErrors[Reaches[name]];

/** The node failed to answer (viem's transport errors). */
export type NodeErrorType = HttpRequestErrorType | RpcRequestErrorType | TimeoutErrorType;

/** What a view call on `name` can throw. */
export type ReadErrorType<name extends ContractName> = InvalidInputError | RevertErrorType<name> | NodeErrorType;

/** What a transaction to `name` can throw: bad input, no account, its reverts, an outcome it cannot use. */
export type WriteErrorType<name extends ContractName> =
  | InvalidInputError
  | MissingConfigError
  | RevertErrorType<name>
  | TransactionRevertedError
  | UnexpectedReceiptError
  | NodeErrorType;

/** What a read through the indexer (or, without one, from `name` on the chain) can throw. */
export type IndexedReadErrorType<name extends ContractName> = IndexerError | ReadErrorType<name>;
