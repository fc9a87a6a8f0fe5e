/**
 * @stigmergy/sdk. `createAgent` gives an agent with a module per primitive (`agent.tasks.claim(…)`);
 * the same operations are exported as actions, one per file under `actions/<primitive>/`, taking
 * the agent first (`claimTask(agent, { taskId })`), each with its `…Parameters`, `…ReturnType` and
 * `…ErrorType`. Errors are classes on one base (`StigmergyError`, on viem's `BaseError`).
 */
export * from "@stigmergy/contracts";
export { type EthersSigner, ethersSignerToAccount } from "./accounts/ethers.js";
// several chains (createAgents)
export * from "./actions/chains/claimNextTaskOnChains.js";
export * from "./actions/chains/listTasksOnChains.js";
export * from "./actions/chains/watchOpenTasksOnChains.js";
// election
export * from "./actions/election/createGroup.js";
export * from "./actions/election/electLeader.js";
export * from "./actions/election/failoverLeader.js";
export * from "./actions/election/getAgentGroups.js";
export * from "./actions/election/getGroupMembers.js";
export * from "./actions/election/getLeader.js";
export * from "./actions/election/getPendingDraw.js";
export * from "./actions/election/isGroupMember.js";
export * from "./actions/election/joinGroup.js";
export * from "./actions/election/leaveGroup.js";
export * from "./actions/election/listTerms.js";
export * from "./actions/election/runHeartbeat.js";
export * from "./actions/election/sendHeartbeat.js";
export * from "./actions/election/watchLeaderChanges.js";
export * from "./actions/election/watchLeadership.js";
// governance
export * from "./actions/governance/castVote.js";
export * from "./actions/governance/createProposal.js";
export * from "./actions/governance/finalizeProposal.js";
export * from "./actions/governance/getProposal.js";
export * from "./actions/governance/getVotes.js";
// ---------------------------------------------------------------- actions, by primitive
// identity
export * from "./actions/identity/getAgent.js";
export * from "./actions/identity/getCapabilities.js";
export * from "./actions/identity/hasCapability.js";
export * from "./actions/identity/listAgents.js";
export * from "./actions/identity/registerAgent.js";
export * from "./actions/identity/setAgentURI.js";
export * from "./actions/identity/setAgentWallet.js";
export * from "./actions/identity/setCapabilities.js";
export * from "./actions/identity/setMetadata.js";
export * from "./actions/identity/unsetAgentWallet.js";
// locks
export * from "./actions/locks/acquireLock.js";
export * from "./actions/locks/getLockHolder.js";
export * from "./actions/locks/releaseLock.js";
export * from "./actions/locks/withLock.js";
// messages
export * from "./actions/messages/getGroupChannel.js";
export type { MessageFilter } from "./actions/messages/messageLogs.js";
export * from "./actions/messages/postMessage.js";
export * from "./actions/messages/readChannel.js";
export * from "./actions/messages/readInbox.js";
export * from "./actions/messages/restrictChannel.js";
export * from "./actions/messages/sendMessage.js";
export * from "./actions/messages/watchMessages.js";
// reputation
export * from "./actions/reputation/appendResponse.js";
export * from "./actions/reputation/getFeedbackClients.js";
export * from "./actions/reputation/getReputationSummary.js";
export * from "./actions/reputation/giveFeedback.js";
export * from "./actions/reputation/revokeFeedback.js";
// schedules
export * from "./actions/schedules/cancelSchedule.js";
export * from "./actions/schedules/claimScheduledRound.js";
export * from "./actions/schedules/createSchedule.js";
export * from "./actions/schedules/getRoundTerms.js";
export * from "./actions/schedules/getSchedule.js";
export * from "./actions/schedules/getScheduleRound.js";
export * from "./actions/schedules/listSchedules.js";
export * from "./actions/schedules/watchDueRounds.js";
// staking
export * from "./actions/staking/getLockedStake.js";
export * from "./actions/staking/getStake.js";
export * from "./actions/staking/getStakeTokenBalance.js";
export * from "./actions/staking/getUnbonding.js";
export * from "./actions/staking/mintFromFaucet.js";
export * from "./actions/staking/requestUnstake.js";
export * from "./actions/staking/stake.js";
export * from "./actions/staking/withdrawStake.js";
// tasks
export * from "./actions/tasks/acceptHandoff.js";
export * from "./actions/tasks/acceptTask.js";
export * from "./actions/tasks/cancelTask.js";
export * from "./actions/tasks/claimNextTask.js";
export * from "./actions/tasks/claimTask.js";
export * from "./actions/tasks/escalateTask.js";
export * from "./actions/tasks/estimateTaskFee.js";
export * from "./actions/tasks/expireEscalation.js";
export * from "./actions/tasks/expireTask.js";
export * from "./actions/tasks/getCredit.js";
export * from "./actions/tasks/getTask.js";
export * from "./actions/tasks/getTaskHistory.js";
export * from "./actions/tasks/handoffTask.js";
export * from "./actions/tasks/listTasks.js";
export * from "./actions/tasks/postTask.js";
export * from "./actions/tasks/reclaimTask.js";
export * from "./actions/tasks/rejectTask.js";
export * from "./actions/tasks/renewLease.js";
export * from "./actions/tasks/resolveEscalation.js";
export * from "./actions/tasks/submitTask.js";
export * from "./actions/tasks/watchOpenTasks.js";
export * from "./actions/tasks/watchTask.js";
export * from "./actions/tasks/watchTasks.js";
export * from "./actions/tasks/withdrawCredit.js";
export * from "./actions/tasks/workNextTask.js";
// validation
export * from "./actions/validation/getValidationStatus.js";
export * from "./actions/validation/getValidationSummary.js";
export * from "./actions/validation/requestValidation.js";
export * from "./actions/validation/respondToValidation.js";
export { type Agent, type CreateAgentParameters, createAgent } from "./agent.js";
export { type Agents, type CreateAgentsParameters, createAgents } from "./agents.js";
export type { ChainsContext } from "./client/chains.js";
export type { AgentWallet, Context, Written } from "./client/context.js";
// ---------------------------------------------------------------- errors (sdk/src/errors/, by domain)
export { DuplicateChainError, UnknownChainError } from "./errors/chains.js";
export { MissingConfigError, NoAccountError, NoAgentError, NoCheckoutError } from "./errors/config.js";
export { isConnectionError, NodeUnreachableError } from "./errors/connection.js";
export { ContractRevertError, decodeContractError, toStigmergyError } from "./errors/contract.js";
export { IndexerError } from "./errors/indexer.js";
export { InvalidInputError, UsageError } from "./errors/input.js";
export { NotFoundError } from "./errors/notFound.js";
export { ChildProcessError } from "./errors/process.js";
export { describeError, type ErrorReport } from "./errors/report.js";
export { type TokenOperation, TokenRefusedError } from "./errors/token.js";
export { DrawTimeoutError, TransactionRevertedError, UnexpectedReceiptError } from "./errors/transaction.js";
export type {
  IndexedReadErrorType,
  NodeErrorType,
  ReadErrorType,
  RevertErrorType,
  WriteErrorType,
} from "./errors/types.js";
export { walkCauses } from "./errors/walk.js";
export * from "./generated/errors.js";
// ---------------------------------------------------------------- helpers
export {
  AGENT_WALLET_DOMAIN,
  AGENT_WALLET_MAX_DEADLINE_DELAY,
  type AgentWalletTypedDataParameters,
  agentWalletTypedData,
  agentWalletTypes,
} from "./identity/agentWallet.js";
export {
  type AgentService,
  agentCard,
  agentRegistryId,
  REGISTRATION_TYPE,
  registrationFile,
  toDataURI,
} from "./identity/registration.js";
// ---------------------------------------------------------------- the indexer
export { createIndexerClient, type IndexerClient, type IndexerQuery, sqlChain } from "./indexer/client.js";
export {
  type AgentRecord,
  type GroupMember,
  type Leadership,
  type Message,
  type RoundTerms,
  type Schedule,
  TASK_STATUSES,
  type Task,
  type TaskEvent,
  type TaskStatus,
  type Term,
} from "./indexer/rows.js";
export { channelId, lockKey } from "./utils/keys.js";
export { GAS_PRICE_ORACLE, isOpStack } from "./utils/opStack.js";
export { MAX_PAYLOAD, payloadText } from "./utils/payload.js";
export { rewardAt } from "./utils/reward.js";
export { claimOrder, score } from "./utils/spread.js";
export { DEFAULT_TERM_LIMITS, hostileTerms, type TermLimits } from "./utils/terms.js";
export { chainNow } from "./utils/watch.js";
export { capability as capabilityId } from "./validate.js";
