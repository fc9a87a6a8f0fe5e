/**
 * Plain-language messages for the contracts' custom errors: what went wrong, with the values that
 * show it, so a user (or an agent) can act on it. Sentences start lower-case and have no final
 * period, so a caller can embed them ("claim failed: task 12 was already claimed by …").
 */
import { formatUnits, keccak256, toHex, zeroAddress, zeroHash } from "viem";
import type { ContractErrorArgs, ContractErrorName } from "../generated/errors.js";

/** A message for each error that has one, from its decoded arguments. */
export type ContractErrorMessages = {
  readonly [Name in ContractErrorName]?: (args: ContractErrorArgs[Name]) => string;
};

// ------------------------------------------------------------------------------------- formatting

/** An 18-decimal token amount. The token's symbol is not known here (it is set at deployment). */
const tokens = (amount: bigint) => `${formatUnits(amount, 18)} tokens`;
const eth = (amount: bigint) => `${formatUnits(amount, 18)} ETH`;
const seconds = (n: bigint | number) => `${n} second${n === 1 || n === 1n ? "" : "s"}`;
/** Largest |unix seconds| a `Date` holds (±100,000,000 days). */
const MAX_DATE_SECONDS = 8_640_000_000_000;

/** Unix seconds as ISO 8601 UTC without milliseconds (e.g. 2025-01-31T12:00:00Z). */
function formatTimestamp(unixSeconds: bigint | number): string {
  const n = Number(unixSeconds);
  if (!Number.isFinite(n) || Math.abs(n) > MAX_DATE_SECONDS) return `unix time ${unixSeconds}`;
  return new Date(n * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
const at = formatTimestamp;

/** TaskBoard status numbers (ITaskBoard.TaskStatus), as words. */
const TASK_STATUS = ["none", "open", "claimed", "submitted", "escalated", "accepted", "cancelled", "expired"] as const;
const taskStatus = (status: number) => TASK_STATUS[status] ?? `in status ${status}`;

/** TaskBoard's bounded terms (ITaskBoard.Term), as the spec or schedule field names. */
const TERMS = [
  "the task's maxReward",
  "the task's claimBond",
  "the task's minStake",
  "the task's abandonSlash",
  "the task's leaseDuration (seconds)",
  "the task's reviewWindow (seconds)",
  "the task's deadline",
  "the schedule's count of rounds",
  "the schedule's interval (seconds)",
  "the schedule's round window, its template's deadline (seconds)",
  "the schedule's firstAt",
] as const;
const termName = (term: number) => TERMS[term] ?? `term ${term}`;

/** Role hashes the contracts define, by name. */
const ROLE_NAMES: ReadonlyMap<string, string> = new Map([
  [zeroHash, "DEFAULT_ADMIN_ROLE"],
  [keccak256(toHex("SLASHER_ROLE")), "SLASHER_ROLE"],
]);
const role = (hash: string) => ROLE_NAMES.get(hash) ?? `role ${hash}`;

/** An ERC-20 by address, or ETH for the zero address (how TaskBoard names ETH). */
const asset = (token: string) => (token === zeroAddress ? "ETH" : `token ${token}`);

/** One decoded argument as Solidity would print it: numbers in decimal, strings quoted. */
function formatArgValue(value: unknown): string {
  if (typeof value === "string") return value.startsWith("0x") ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(formatArgValue).join(", ")}]`;
  return String(value);
}

const formatArgs = (args: Record<string, unknown>) =>
  Object.entries(args).map(([name, value]) => `${name}=${formatArgValue(value)}`);

/** The raw error, e.g. `TaskNotOpen(taskId=12, status=2, claimant=4, attempt=2)`. */
export function formatErrorCall(errorName: string, args: Record<string, unknown>): string {
  return `${errorName}(${formatArgs(args).join(", ")})`;
}

// --------------------------------------------------------------------------------------- messages

/** TaskNotOpen: why a task cannot be claimed, by its status. */
function taskNotOpen({ taskId, status, claimant, attempt }: ContractErrorArgs["TaskNotOpen"]): string {
  const task = `task ${taskId}`;
  const holder = `agent ${claimant} (attempt ${attempt})`;
  switch (TASK_STATUS[status]) {
    case "claimed":
      return `${task} was already claimed by ${holder}`;
    case "submitted":
      return `${task} is no longer open: ${holder} already submitted its result, which awaits review`;
    case "escalated":
      return `${task} is no longer open: it is claimed by ${holder}, which is waiting for an answer to an escalation`;
    case "accepted":
      return `${task} is closed: the result of ${holder} was accepted`;
    case "cancelled":
      return `${task} was cancelled by its poster`;
    case "expired":
      return `${task} expired: its deadline passed before anyone claimed it`;
    default:
      return `${task} is not open (it is ${taskStatus(status)})`;
  }
}

/**
 * Hand-written messages, by Solidity error name: every error declared by the Stigmergy contracts
 * and the OpenZeppelin ones a user can cause. Errors missing here get {@link contractErrorMessage}'s
 * generic `Name: arg=value, …`.
 */
export const contractErrorMessages: ContractErrorMessages = {
  // ---------------------------------------------------------------- shared (IAgentErrors)
  AgentNotFound: ({ agentId }) => `agent ${agentId} does not exist: no identity with this id is registered`,
  NotAuthorizedForAgent: ({ caller, agentId }) =>
    `${caller} may not act for agent ${agentId}: it is not the agent's owner, an approved operator or its agent wallet`,

  // ---------------------------------------------------------------- TaskBoard
  TaskNotFound: ({ taskId }) => `task ${taskId} does not exist`,
  RewardAboveMax: ({ reward, maxReward }) =>
    `the task's reward (${reward}) is above its maxReward (${maxReward}); the reward can only rise towards maxReward`,
  DeadlineTooEarly: ({ deadline, earliest }) =>
    `the task's deadline, ${at(deadline)}, must be after ${at(earliest)} (now, or its notBefore when that is later)`,
  TermOutOfRange: ({ term, value, min, max }) => `${termName(term)} is ${value}, outside ${min} to ${max}`,
  WrongPayment: ({ expected, received }) =>
    expected === 0n
      ? `this call must not send ETH (nothing is due in ETH: the task pays in an ERC-20, or no bond is required), ` +
        `but ${eth(received)} was sent`
      : `this call must send exactly ${eth(expected)}, but ${eth(received)} was sent`,
  UnsupportedToken: ({ token, expected, received }) =>
    `token ${token} delivered ${tokens(received)} instead of ${tokens(expected)}: ` +
    `fee-on-transfer tokens cannot pay rewards or bonds`,
  TaskNotOpen: taskNotOpen,
  TaskNotYetClaimable: ({ taskId, notBefore }) => `task ${taskId} cannot be claimed before ${at(notBefore)}`,
  TaskPastDeadline: ({ taskId, deadline }) =>
    `task ${taskId} can no longer be claimed: its deadline passed at ${at(deadline)}`,
  MissingCapability: ({ taskId, agentId, capability }) =>
    `agent ${agentId} lacks capability ${capability}, which task ${taskId} requires; declare it with setCapabilities`,
  StakeTooLow: ({ taskId, agentId, stake, minStake }) =>
    `agent ${agentId} has ${tokens(stake)} staked but task ${taskId} needs ${tokens(minStake)}`,
  AgentOfPoster: ({ taskId, agentId, poster }) =>
    `agent ${agentId} cannot claim task ${taskId}: its poster ${poster} is the agent's owner, an operator or its ` +
    `agent wallet, ` +
    `and nobody works for itself`,
  EscalationActive: ({ taskId, answerBy }) =>
    `the escalation of task ${taskId} can still be answered by its approver until ${at(answerBy)}; ` +
    `it can be expired after that`,
  FeedbackOutOfGas: ({ taskId }) =>
    `settling task ${taskId} needs more gas: too little was left for its reputation feedback, ` +
    `which a settlement cannot skip; send more gas`,
  ZeroTreasury: () => `TaskBoard needs a treasury address to receive abandonment slashes`,
  StaleAttempt: ({ taskId, attempt, currentAttempt }) =>
    `attempt ${attempt} on task ${taskId} is stale: the task is on attempt ${currentAttempt} ` +
    `(the claim was reclaimed, handed off or released)`,
  WrongStatus: ({ taskId, current, expected }) =>
    `task ${taskId} is ${taskStatus(current)}, but this action needs it ${taskStatus(expected)}`,
  LeaseExpired: ({ taskId, leaseExpiry }) =>
    `the lease on task ${taskId} expired at ${at(leaseExpiry)}; ` +
    `the claim can no longer act and the task can be reclaimed`,
  LeaseActive: ({ taskId, leaseExpiry }) =>
    `task ${taskId} cannot be reclaimed yet: its lease runs until ${at(leaseExpiry)}`,
  RenewalPastDeadline: ({ taskId, deadline }) =>
    `the lease on task ${taskId} cannot be renewed: the task's deadline passed at ${at(deadline)}; ` +
    `submit the result instead`,
  NotPoster: ({ taskId, caller }) => `only the poster of task ${taskId} can do this, and ${caller} is not it`,
  NotApprover: ({ taskId, caller }) =>
    `only the approver of task ${taskId} can answer its escalation, and ${caller} is not it`,
  ReviewWindowOpen: ({ taskId, reviewDeadline }) =>
    `only the poster can accept task ${taskId} before its review window ends at ${at(reviewDeadline)}; ` +
    `anyone can after that`,
  ReviewWindowClosed: ({ taskId, reviewDeadline }) =>
    `task ${taskId} can no longer be rejected: its review window closed at ${at(reviewDeadline)}, ` +
    `and silence means acceptance`,
  DeadlineNotReached: ({ taskId, deadline }) => `task ${taskId} cannot be expired before its deadline, ${at(deadline)}`,
  HandoffNotOffered: ({ taskId, agentId, offeredTo }) =>
    offeredTo === 0n
      ? `task ${taskId} has no handoff pending for agent ${agentId}`
      : `task ${taskId} is not offered to agent ${agentId} for the current attempt ` +
        `(the pending handoff is to agent ${offeredTo})`,
  HandoffToSelf: ({ taskId, agentId }) =>
    `agent ${agentId} already holds task ${taskId} and cannot hand it off to itself`,
  ScheduleNotFound: ({ scheduleId }) => `schedule ${scheduleId} does not exist`,
  RoundOutOfRange: ({ scheduleId, round, count }) =>
    `schedule ${scheduleId} has ${count} round${count === 1 ? "" : "s"}, numbered from 0; ` +
    `round ${round} does not exist`,
  RoundNotDue: ({ scheduleId, round, dueAt }) =>
    `round ${round} of schedule ${scheduleId} is not due until ${at(dueAt)}`,
  RoundAlreadySpawned: ({ scheduleId, round, taskId }) =>
    `round ${round} of schedule ${scheduleId} was already spawned as task ${taskId}; claim that task instead`,
  ScheduleIsCancelled: ({ scheduleId }) => `schedule ${scheduleId} was cancelled`,
  NothingToWithdraw: (args) =>
    "agentId" in args
      ? `agent ${args.agentId} has no unbonding stake to withdraw; request an unstake first`
      : `${args.account} has no credit in ${asset(args.token)} to withdraw from the TaskBoard`,
  EthTransferFailed: ({ to, amount }) => `sending ${eth(amount)} to ${to} failed: the recipient rejected the payment`,

  // ---------------------------------------------------------------- LeaderElection
  GroupNotFound: ({ groupId }) => `group ${groupId} does not exist`,
  ZeroWeightUnit: () => `LeaderElection needs a non-zero weightUnit (stake per unit of weight)`,
  EpochDurationOutOfRange: ({ epochDuration, max }) =>
    `the group's epochDuration is ${seconds(epochDuration)}; it must be 1 to ${seconds(max)}`,
  HeartbeatTimeoutOutOfRange: ({ heartbeatTimeout, unbondingPeriod }) =>
    `the group's heartbeatTimeout is ${seconds(heartbeatTimeout)}; it must be at least 1 second ` +
    `and shorter than the unbonding period (${seconds(unbondingPeriod)}), ` +
    `so that a silent leader is failed over before it can withdraw`,
  JoinClosedUntilNextEpoch: ({ groupId, nextEpochStart }) =>
    `group ${groupId} already drew (or is drawing) its leader for this epoch; joining reopens at ${at(nextEpochStart)}`,
  AlreadyMember: ({ groupId, agentId }) => `agent ${agentId} is already a member of group ${groupId}`,
  NotMember: ({ groupId, agentId }) => `agent ${agentId} is not a member of group ${groupId}`,
  TooManyGroups: ({ agentId, max }) =>
    `agent ${agentId} is already in ${max} groups, the most allowed; leave one first`,
  StakeBelowMinimum: ({ groupId, agentId, stake, minStake }) =>
    `agent ${agentId} has ${tokens(stake)} staked but group ${groupId} needs ${tokens(minStake)} to join`,
  LeaderCannotLeave: ({ groupId, agentId }) =>
    `agent ${agentId} leads group ${groupId} and cannot leave while it is the leader (it would dodge a failover slash)`,
  LeaderStakeLocked: ({ agentId, stakeAfter, owed }) =>
    `agent ${agentId} holds a leader's seat and owes ${tokens(owed)} in failover slashes, ` +
    `so it cannot unstake down to ${tokens(stakeAfter)}; unstake less, or wait until it no longer leads`,
  AlreadyElected: ({ groupId, epoch }) => `group ${groupId} already elected its leader for epoch ${epoch}`,
  NoEligibleMembers: ({ groupId }) => `no member of group ${groupId} has stake, so no leader can be elected`,
  NotLeader: ({ groupId, agentId, leader }) =>
    `agent ${agentId} is not the leader of group ${groupId} ` +
    `(${leader === 0n ? "the group has no leader" : `the leader is agent ${leader}`})`,
  NoLeader: ({ groupId }) => `group ${groupId} has no leader to fail over`,
  LeaderAlive: ({ groupId, leader, deadline }) =>
    `the leader of group ${groupId} (agent ${leader}) is alive until ${at(deadline)}; failover is possible after that`,
  OnlyStakeManager: ({ caller }) => `only the StakeManager can call this, and ${caller} is not it`,
  FutureTimepoint: ({ timepoint, now_ }) =>
    `second ${timepoint} is not over yet (chain time is ${now_}); ask about a past second`,
  WeightHistoryUnavailable: ({ groupId, timepoint, oldest }) =>
    `group ${groupId} keeps its total weight only from second ${oldest} on, not for second ${timepoint}`,
  WeightOverflow: ({ leaf }) => `the weight at leaf ${leaf} would exceed 2^64 - 1 weight units`,

  // ---------------------------------------------------------------- LockManager
  InvalidTtl: ({ ttl, maxTtl }) => `a lock's ttl must be 1 to ${seconds(maxTtl)}, not ${seconds(ttl)}`,
  LockHeld: ({ key, holder, fencingToken, expiresAt }) =>
    `lock ${key} is held by agent ${holder} (fencing token ${fencingToken}) until ${at(expiresAt)}`,
  StaleFencingToken: ({ key, fencingToken, currentToken }) =>
    `fencing token ${fencingToken} of lock ${key} is stale: the current token is ${currentToken}, ` +
    `so this holding already ended`,
  LockNotHeld: ({ key }) => `lock ${key} is not held by anyone`,

  // ---------------------------------------------------------------- MessageBus
  NotChannelMember: ({ channel, groupId, agentId }) =>
    `agent ${agentId} cannot post to channel ${channel}: it is reserved for members of group ${groupId}`,
  ChannelInUse: ({ channel, seq }) =>
    `channel ${channel} already carries messages (last sequence number ${seq}), ` +
    `so it can no longer be reserved for a group`,
  UnknownGroup: ({ groupId }) => `group ${groupId} does not exist`,
  PayloadTooLarge: ({ length, max }) => `the payload is ${length} bytes; the most a message may carry is ${max}`,

  // ---------------------------------------------------------------- Governance
  ProposalNotFound: ({ proposalId }) => `proposal ${proposalId} does not exist`,
  InvalidOptionCount: ({ options }) => `a proposal must offer from 2 to MAX_OPTIONS options, not ${options}`,
  InvalidQuorum: ({ quorumBps }) => `a quorum of ${quorumBps} basis points is more than 100% (10000)`,
  InvalidVotingPeriod: ({ votingPeriod }) =>
    `the voting period must be 1 second to MAX_VOTING_PERIOD, not ${seconds(votingPeriod)}`,
  VotingClosed: ({ proposalId, voteEnd }) => `voting on proposal ${proposalId} closed at ${at(voteEnd)}`,
  VotingOpen: ({ proposalId, voteEnd }) =>
    `proposal ${proposalId} cannot be finalized before its vote ends at ${at(voteEnd)}`,
  AlreadyVoted: ({ proposalId, agentId }) => `agent ${agentId} already voted on proposal ${proposalId}`,
  InvalidOption: ({ option, options }) =>
    `option ${option} does not exist: the proposal has options 0 to ${options - 1}`,
  NotMemberAtSnapshot: ({ proposalId, agentId, snapshot }) =>
    `agent ${agentId} cannot vote on proposal ${proposalId}: ` +
    `it was not a member of the group at the proposal's snapshot (${at(snapshot)})`,
  NoVotingWeight: ({ proposalId, agentId }) =>
    `agent ${agentId} weighed nothing in the group at the snapshot of proposal ${proposalId} ` +
    `(no stake, or less than the group's minimum), so it has no voting weight`,
  AlreadyFinalized: ({ proposalId }) => `proposal ${proposalId} was already finalized`,

  // ---------------------------------------------------------------- StakeManager
  ZeroAmount: () => `the amount must be more than zero`,
  InsufficientStake: ({ agentId, stake, requested }) =>
    `agent ${agentId} has ${tokens(stake)} of active stake and cannot unstake ${tokens(requested)}`,
  StakeIsLocked: ({ agentId, active, locked, requested }) =>
    `agent ${agentId} has ${tokens(active)} of active stake, ` +
    `${tokens(locked)} of it locked for tasks it holds (a slash it may still owe), ` +
    `so ${tokens(requested)} cannot be unstaken, withdrawn or locked; finish or release those tasks first`,
  StillUnbonding: ({ agentId, releaseAt }) =>
    `the unbonding stake of agent ${agentId} can be withdrawn from ${at(releaseAt)}, not before`,
  UnsupportedStakeToken: ({ expected, received }) =>
    `the stake token delivered ${tokens(received)} instead of ${tokens(expected)}: ` +
    `fee-on-transfer or rebasing tokens cannot be staked`,
  ZeroRecipient: () => `slashed stake cannot be sent to the zero address`,
  FutureLookup: ({ timepoint, now_ }) =>
    `stake history can only be read for past times: ${at(timepoint)} is not before the block time ${at(now_)}`,
  StakeOverflow: ({ amount }) => `a stake of ${tokens(amount)} is more than the stake accounting holds (2^104 - 1 wei)`,

  // ---------------------------------------------------------------- IdentityRegistry
  NotOwnerOrOperator: ({ caller, agentId }) =>
    `${caller} is neither the owner of agent ${agentId} nor an approved operator`,
  ReservedMetadataKey: ({ metadataKey }) =>
    `metadata key ${JSON.stringify(metadataKey)} is reserved; set the agent wallet with setAgentWallet`,
  ZeroAgentWallet: () => `the agent wallet cannot be the zero address; use unsetAgentWallet to remove it`,
  AgentWalletSignatureExpired: ({ deadline, timestamp }) =>
    `the agent wallet signature expired at ${at(deadline)} (block time ${at(timestamp)}); sign again`,
  AgentWalletDeadlineTooFar: ({ deadline, maxDeadline }) =>
    `the agent wallet signature's deadline ${at(deadline)} is too far ahead: ` +
    `the latest accepted now is ${at(maxDeadline)}`,
  InvalidAgentWalletSignature: ({ agentId, newWallet }) =>
    `the signature does not prove control of ${newWallet}: ` +
    `it must sign the AgentWallet typed data for agent ${agentId}`,
  ZeroCapability: ({ index }) => `the capability at index ${index} is zero, which means "any" and cannot be declared`,
  ProtocolContractNotAllowed: ({ account }) =>
    `${account} is a protocol contract (such as the TaskBoard) and can never be an agent's owner, operator or wallet`,

  // ---------------------------------------------------------------- ReputationRegistry
  InvalidValueDecimals: ({ valueDecimals }) => `feedback may have at most 18 decimals, not ${valueDecimals}`,
  FeedbackValueOutOfRange: ({ value }) =>
    `feedback value ${value} is out of range: its absolute value may be at most 1e38`,
  SelfFeedback: ({ agentId, client }) =>
    `${client} cannot give feedback to agent ${agentId}: it is the agent's owner, an operator or its agent wallet`,
  FeedbackNotFound: ({ agentId, client, feedbackIndex }) =>
    `feedback ${feedbackIndex} from ${client} to agent ${agentId} does not exist (indexes start at 1)`,
  FeedbackAlreadyRevoked: ({ agentId, client, feedbackIndex }) =>
    `feedback ${feedbackIndex} from ${client} to agent ${agentId} was already revoked`,
  EmptyResponseURI: () => `a response needs a non-empty responseURI`,
  ClientAddressesRequired: () =>
    `a summary needs at least one client address: an average over every client is open to Sybil feedback`,

  // ---------------------------------------------------------------- ValidationRegistry
  ZeroValidator: () => `the validator address cannot be zero`,
  SelfValidation: ({ agentId, validatorAddress }) =>
    `${validatorAddress} cannot validate agent ${agentId}: it is the agent's owner, an operator or its agent wallet`,
  ValidationRequestExists: ({ requestHash }) =>
    `a validation request with hash ${requestHash} exists already ` +
    `(hashes are global; ask again with a salted request file)`,
  ValidationRequestNotFound: ({ requestHash }) => `validation request ${requestHash} does not exist`,
  NotValidator: ({ caller, validatorAddress }) =>
    `only the request's validator ${validatorAddress} can respond, and ${caller} is not it`,
  InvalidResponse: ({ response }) => `a validation response must be 0 to 100, not ${response}`,

  // ---------------------------------------------------------------- OpenZeppelin
  ERC20InsufficientBalance: ({ sender, balance, needed }) =>
    `${sender} has ${tokens(balance)} but needs ${tokens(needed)}`,
  ERC20InsufficientAllowance: ({ spender, allowance, needed }) =>
    `${spender} may spend ${tokens(allowance)} of the owner's tokens but needs ${tokens(needed)}; approve it first`,
  ERC20InvalidApprover: ({ approver }) => `${approver} cannot approve token spending`,
  ERC20InvalidReceiver: ({ receiver }) => `${receiver} cannot receive tokens`,
  ERC20InvalidSender: ({ sender }) => `${sender} cannot send tokens`,
  ERC20InvalidSpender: ({ spender }) => `${spender} cannot be approved to spend tokens`,
  ERC721NonexistentToken: ({ tokenId }) => `agent ${tokenId} does not exist: no identity token has this id`,
  ERC721IncorrectOwner: ({ sender, tokenId, owner }) =>
    `${sender} does not own agent ${tokenId}; its owner is ${owner}`,
  ERC721InsufficientApproval: ({ operator, tokenId }) => `${operator} is not approved to transfer agent ${tokenId}`,
  ERC721InvalidApprover: ({ approver }) => `${approver} cannot approve transfers of this agent`,
  ERC721InvalidOperator: ({ operator }) => `${operator} cannot be an operator`,
  ERC721InvalidOwner: ({ owner }) => `${owner} cannot own agents`,
  ERC721InvalidReceiver: ({ receiver }) =>
    `${receiver} cannot receive agents (the zero address, or a contract without onERC721Received)`,
  ERC721InvalidSender: ({ sender }) => `${sender} cannot send this agent`,
  AccessControlUnauthorizedAccount: ({ account, neededRole }) => `${account} lacks ${role(neededRole)}`,
  AccessControlBadConfirmation: () => `an account can only renounce its own roles`,
  SafeERC20FailedOperation: ({ token }) => `a transfer of token ${token} failed; check the balance and the allowance`,
  ReentrancyGuardReentrantCall: () => `reentrant call rejected: the contract is already executing a call`,
  SafeCastOverflowedUintDowncast: ({ bits, value }) => `${value} does not fit in ${bits} bits`,
};

/** Generic message for an error without a hand-written one: `Name: arg=value, …`. */
function fallbackMessage(errorName: string, args: Record<string, unknown>): string {
  const formatted = formatArgs(args);
  return formatted.length ? `${errorName}: ${formatted.join(", ")}` : errorName;
}

/** The short message of a decoded custom error: hand-written when there is one, generic otherwise. */
export function contractErrorMessage(errorName: string, args: Record<string, unknown>): string {
  // The args were decoded with the ABI entry of `errorName`, so they have the shape its entry expects.
  const messages = contractErrorMessages as Readonly<
    Record<string, ((args: Record<string, unknown>) => string) | undefined>
  >;
  return messages[errorName]?.(args) ?? fallbackMessage(errorName, args);
}
