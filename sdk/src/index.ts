export * from "@stigmergy/contracts";
export * from "./generated/errors.js";
export { createAgent, type Agent, type CreateAgentParameters } from "./agent.js";
export { ethersSignerToAccount, type EthersSigner } from "./accounts/ethers.js";
export { ContractRevertError, decodeContractError, toStigmergyError } from "./errors/contract.js";
export { DrawTimeoutError, IndexerError, InvalidInputError, MissingConfigError, TransactionRevertedError } from "./errors/input.js";
export { createIndexerClient, type IndexerClient } from "./indexer/client.js";
export { type AgentRecord, type Leadership, type Message, type Schedule, type Task, TASK_STATUSES, type TaskStatus } from "./indexer/rows.js";
export {
  AGENT_WALLET_DOMAIN,
  AGENT_WALLET_MAX_DEADLINE_DELAY,
  agentWalletTypedData,
  agentWalletTypes,
  type AgentWalletTypedDataParameters,
} from "./identity/agentWallet.js";
export { agentCard, agentRegistryId, registrationFile, REGISTRATION_TYPE, toDataURI, type AgentService } from "./identity/registration.js";
export type { CreateGroupParameters, HeartbeatHandle } from "./modules/election.js";
export type { Lease } from "./modules/locks.js";
export { payloadText, type MessageFilter } from "./modules/messages.js";
export type { CreateScheduleParameters, DueRound } from "./modules/schedules.js";
export { claimOrder, score } from "./modules/spread.js";
export { lostRace, type Claim, type ClaimNextFilter, type PostTaskParameters, type TaskFilter, type WorkHandler } from "./modules/tasks.js";
export { DEFAULT_TERM_LIMITS, hostileTerms, type TermLimits } from "./modules/terms.js";
export { capability as capabilityId } from "./validate.js";
export type { Written } from "./client/context.js";
