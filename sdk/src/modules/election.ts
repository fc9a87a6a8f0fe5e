/**
 * Stake-weighted leader election, bound to an agent: groups, membership, elections, heartbeats and
 * failover, the group's members and terms, and the watchers `onLeaderChange`, `watchLeadership` and
 * `runHeartbeat`. Each method calls the action of the same concern in `actions/election/`.
 */
import { type CreateGroupParameters, createGroup } from "../actions/election/createGroup.js";
import { electLeader } from "../actions/election/electLeader.js";
import { failoverLeader } from "../actions/election/failoverLeader.js";
import { getAgentGroups } from "../actions/election/getAgentGroups.js";
import { getGroupMembers } from "../actions/election/getGroupMembers.js";
import { getLeader } from "../actions/election/getLeader.js";
import { getPendingDraw } from "../actions/election/getPendingDraw.js";
import { isGroupMember } from "../actions/election/isGroupMember.js";
import { joinGroup } from "../actions/election/joinGroup.js";
import { leaveGroup } from "../actions/election/leaveGroup.js";
import { listTerms } from "../actions/election/listTerms.js";
import { type RunHeartbeatParameters, runHeartbeat } from "../actions/election/runHeartbeat.js";
import { sendHeartbeat } from "../actions/election/sendHeartbeat.js";
import { watchLeaderChanges } from "../actions/election/watchLeaderChanges.js";
import { watchLeadership } from "../actions/election/watchLeadership.js";
import type { Context } from "../client/context.js";
import type { Leadership } from "../indexer/rows.js";

export function electionModule(ctx: Context) {
  return {
    /** Creates a group. See {@link createGroup}. */
    createGroup: (params: CreateGroupParameters) => createGroup(ctx, params),
    /** Joins a group with the agent's stake as its weight. See {@link joinGroup}. */
    join: (groupId: bigint | number, agentId?: bigint) => joinGroup(ctx, { groupId, agentId }),
    /** Leaves a group. See {@link leaveGroup}. */
    leave: (groupId: bigint | number, agentId?: bigint) => leaveGroup(ctx, { groupId, agentId }),
    /**
     * Draws the epoch's leader, stake-weighted, and returns it. See {@link electLeader}.
     *
     * @example
     * const { leader, term } = await agent.election.elect(groupId);
     */
    elect: (groupId: bigint | number, options: { timeoutMs?: number } = {}) =>
      electLeader(ctx, { ...options, groupId }),
    /** Replaces a leader whose heartbeat timed out (anyone). See {@link failoverLeader}. */
    failover: (groupId: bigint | number, options: { timeoutMs?: number } = {}) =>
      failoverLeader(ctx, { ...options, groupId }),
    /** Proves the leader is alive. See {@link sendHeartbeat}. */
    heartbeat: (groupId: bigint | number, agentId?: bigint) => sendHeartbeat(ctx, { groupId, agentId }),
    /** The group's pending draw, or `null`. See {@link getPendingDraw}. */
    pendingDraw: (groupId: bigint | number) => getPendingDraw(ctx, { groupId }),
    /** The current leader, term, epoch and heartbeat deadline. See {@link getLeader}. */
    leader: (groupId: bigint | number | string) => getLeader(ctx, { groupId }),
    /** Whether the agent is a member. See {@link isGroupMember}. */
    isMember: (groupId: bigint | number, agentId?: bigint) => isGroupMember(ctx, { groupId, agentId }),
    /** The groups an agent is a member of. See {@link getAgentGroups}. */
    groupsOf: (agentId?: bigint) => getAgentGroups(ctx, { agentId }),
    /** The group's members with their weight and capabilities. See {@link getGroupMembers}. */
    members: (groupId: bigint | number) => getGroupMembers(ctx, { groupId }),
    /** The group's leader terms, oldest first, with failovers. See {@link listTerms}. */
    terms: (groupId: bigint | number) => listTerms(ctx, { groupId }),
    /** Pushes the leadership whenever the leader or term changes. See {@link watchLeaderChanges}. */
    onLeaderChange: (
      groupId: bigint | number,
      onChange: (leadership: Leadership) => void,
      onError?: (error: Error) => void,
    ) => watchLeaderChanges(ctx, { groupId, onChange, onError }),
    /** Pushes the leadership after every change, heartbeats included. See {@link watchLeadership}. */
    watchLeadership: (
      groupId: bigint | number,
      onLeadership: (leadership: Leadership) => void,
      onError?: (error: Error) => void,
    ) => watchLeadership(ctx, { groupId, onLeadership, onError }),
    /** Heartbeats while the agent leads the group. See {@link runHeartbeat}. */
    runHeartbeat: (
      groupId: bigint | number,
      agentId?: bigint,
      options: Omit<RunHeartbeatParameters, "groupId" | "agentId"> = {},
    ) => runHeartbeat(ctx, { ...options, groupId, agentId }),
  };
}

export type ElectionModule = ReturnType<typeof electionModule>;
