/** Several chains in one client (`createAgents`): a chain it does not hold, or one held twice. */
import { StigmergyError } from "./base.js";

/** Thrown when a call names a chain the client holds no agent for. */
export class UnknownChainError extends StigmergyError {
  override name = "UnknownChainError";
  /** The chain asked for. */
  readonly chainId: number;
  /** The chains the client holds agents for. */
  readonly chainIds: readonly number[];

  constructor(chainId: number, chainIds: readonly number[]) {
    super(`This client has no agent on chain ${chainId}; it holds agents on chain ${chainIds.join(", ")}.`, {
      code: "UNKNOWN_CHAIN",
      metaMessages: ["Pass one of those chain ids, or give createAgents an agent for this chain."],
    });
    this.chainId = chainId;
    this.chainIds = chainIds;
  }
}

/** Thrown by `createAgents` when two of its agents are on the same chain. */
export class DuplicateChainError extends StigmergyError {
  override name = "DuplicateChainError";
  /** The chain given twice. */
  readonly chainId: number;

  constructor(chainId: number, positions: readonly [number, number]) {
    super(
      `agents[${positions[0]}] and agents[${positions[1]}] are both on chain ${chainId}: ` +
        `createAgents holds one agent per chain.`,
      {
        code: "DUPLICATE_CHAIN",
        metaMessages: [
          "Give each chain's deployment once; for several agents on one chain, call createAgent for each.",
        ],
      },
    );
    this.chainId = chainId;
  }
}
