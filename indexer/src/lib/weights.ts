import { electionConfig, group, groupMember } from "ponder:schema";
import { and, eq } from "ponder";
import type { Db } from "./activity.js";

/**
 * LeaderElection's weight rule (LeaderElection._weight): stake in weight units, 0 below the
 * group's minimum stake.
 */
export const weightOf = (stake: bigint, minStake: bigint, weightUnit: bigint) =>
  stake < minStake ? 0n : stake / weightUnit;

/**
 * Mirrors what StakeManager's listener call does on chain: every group the agent is a member of
 * gets its new weight, on the chain of the stake change. (LeaderElection emits no event for it; the
 * rule is deterministic.)
 */
export async function applyStake(db: Db, chainId: number, agentId: bigint, newStake: bigint): Promise<void> {
  const memberships = await db.sql
    .select({ groupId: groupMember.groupId })
    .from(groupMember)
    .where(and(eq(groupMember.chainId, chainId), eq(groupMember.agentId, agentId)));
  if (memberships.length === 0) return;
  const config = await db.find(electionConfig, { chainId, id: 1 });
  if (!config) return;
  for (const { groupId } of memberships) {
    const g = await db.find(group, { chainId, id: groupId });
    if (!g) continue;
    await db
      .update(groupMember, { chainId, groupId, agentId })
      .set({ weight: weightOf(newStake, g.minStake, config.weightUnit) });
  }
}
