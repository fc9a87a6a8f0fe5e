import { abis } from "@stigmergy/contracts";
import type { Hex } from "viem";
import { addressOf, type Context, read } from "../../client/context.js";
import type { IndexedReadErrorType } from "../../errors/types.js";
import type { GroupMember } from "../../indexer/rows.js";
import * as v from "../../validate.js";

export type GetGroupMembersParameters = { groupId: bigint | number | string };

/** The members by agent id, each with its weight and the capabilities it declares. */
export type GetGroupMembersReturnType = GroupMember[];

export type GetGroupMembersErrorType =
  | IndexedReadErrorType<"LeaderElection">
  | IndexedReadErrorType<"IdentityRegistry">;

/** Rows the indexer's GraphQL returns per page (its maximum). */
const PAGE = 1000;
/** A list query's paging arguments: a page of {@link PAGE} rows after the `$after` cursor. */
const PAGING = `limit: ${PAGE}, after: $after`;

type MemberRow = { agentId: string; weight: string; joinedAt: string };
type Page<T> = { items: T[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

const MEMBERS = `query Members($chainId: Int!, $groupId: BigInt!, $after: String) {
  groupMembers(
    where: { chainId: $chainId, groupId: $groupId }, orderBy: "agentId", orderDirection: "asc", ${PAGING}
  ) {
    items { agentId weight joinedAt }
    pageInfo { hasNextPage endCursor }
  }
}`;

const CAPABILITIES = `query Capabilities($chainId: Int!, $ids: [BigInt!]!) {
  agents(where: { chainId: $chainId, id_in: $ids }, limit: ${PAGE}) { items { id capabilities } }
}`;

/**
 * A group's members, by agent id, with their weight and the capabilities they declare: who can do
 * what in the group. From the indexer; without one, from LeaderElection's logs and the chain's views.
 *
 * @example
 * const reviewers = (await getGroupMembers(agent, { groupId: 1n })).filter((m) =>
 *   m.capabilities.includes(capabilityId("capability", "review")),
 * );
 */
export async function getGroupMembers(
  ctx: Context,
  params: GetGroupMembersParameters,
): Promise<GetGroupMembersReturnType> {
  const groupId = v.id("groupId", params.groupId);
  const chainId = ctx.deployment.chainId;
  const indexer = ctx.indexer;
  if (indexer) {
    const rows: MemberRow[] = [];
    for (let after: string | null = null; ; ) {
      const page: { groupMembers: Page<MemberRow> } = await indexer.graphql(MEMBERS, { chainId, groupId, after });
      const { groupMembers } = page;
      rows.push(...groupMembers.items);
      if (!groupMembers.pageInfo.hasNextPage) break;
      after = groupMembers.pageInfo.endCursor;
    }
    const capabilities = new Map<string, Hex[]>();
    for (let i = 0; i < rows.length; i += PAGE) {
      const ids = rows.slice(i, i + PAGE).map((r) => r.agentId);
      type Agents = { agents: { items: { id: string; capabilities: Hex[] }[] } };
      const { agents } = await indexer.graphql<Agents>(CAPABILITIES, { chainId, ids });
      for (const a of agents.items) capabilities.set(a.id, a.capabilities);
    }
    return rows.map((r) => ({
      chainId,
      groupId,
      agentId: BigInt(r.agentId),
      weight: BigInt(r.weight),
      joinedAt: BigInt(r.joinedAt),
      capabilities: capabilities.get(r.agentId) ?? [],
    }));
  }
  // From the chain: who joined and did not leave since, in log order.
  const base = {
    address: addressOf(ctx, "LeaderElection"),
    abi: abis.LeaderElection,
    fromBlock: BigInt(ctx.deployment.startBlock),
  } as const;
  const [joined, left] = await Promise.all([
    ctx.publicClient.getContractEvents({ ...base, eventName: "MemberJoined", args: { groupId } }),
    ctx.publicClient.getContractEvents({ ...base, eventName: "MemberLeft", args: { groupId } }),
  ]);
  const members = new Set<bigint>();
  const events = [...joined, ...left].sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
  for (const e of events) {
    if (e.eventName === "MemberJoined") members.add(e.args.agentId!);
    else members.delete(e.args.agentId!);
  }
  const ids = [...members].sort((a, b) => (a < b ? -1 : 1));
  return Promise.all(
    ids.map(async (agentId) => ({
      chainId,
      groupId,
      agentId,
      weight: await read(ctx, "LeaderElection", "weightOf", [groupId, agentId]),
      joinedAt: 0n,
      capabilities: [...(await read(ctx, "IdentityRegistry", "capabilitiesOf", [agentId]))],
    })),
  );
}
