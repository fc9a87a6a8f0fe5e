import { abis } from "@stigmergy/contracts";
import { addressOf, type Context } from "../../client/context.js";
import type { IndexedReadErrorType } from "../../errors/types.js";
import { type Term, toTerm } from "../../indexer/rows.js";
import * as v from "../../validate.js";

export type ListTermsParameters = { groupId: bigint | number | string };

/** The terms, oldest first. */
export type ListTermsReturnType = Term[];

export type ListTermsErrorType = IndexedReadErrorType<"LeaderElection">;

/** Rows the indexer's GraphQL returns per page (its maximum). */
const PAGE = 1000;
/** A list query's paging arguments: a page of {@link PAGE} rows after the `$after` cursor. */
const PAGING = `limit: ${PAGE}, after: $after`;

const TERMS = `query Terms($chainId: Int!, $groupId: BigInt!, $after: String) {
  terms(
    where: { chainId: $chainId, groupId: $groupId }, orderBy: "term", orderDirection: "asc", ${PAGING}
  ) {
    items { chainId groupId term epoch agentId startedAt heartbeats failedOverBy }
    pageInfo { hasNextPage endCursor }
  }
}`;

type Page = { items: Record<string, unknown>[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

/**
 * A group's leader terms, oldest first: who led, from when, how many heartbeats it sent, and who
 * failed it over if someone did. From the indexer; without one, from LeaderElection's logs (then
 * `startedAt` is 0).
 *
 * @example
 * const failedOver = (await listTerms(agent, { groupId: 1n })).filter((t) => t.failedOverBy !== null);
 */
export async function listTerms(ctx: Context, params: ListTermsParameters): Promise<ListTermsReturnType> {
  const groupId = v.id("groupId", params.groupId);
  const indexer = ctx.indexer;
  if (indexer) {
    const out: Term[] = [];
    for (let after: string | null = null; ; ) {
      const variables: Record<string, unknown> = { chainId: ctx.deployment.chainId, groupId, after };
      const { terms }: { terms: Page } = await indexer.graphql(TERMS, variables);
      out.push(...terms.items.map(toTerm));
      if (!terms.pageInfo.hasNextPage) return out;
      after = terms.pageInfo.endCursor;
    }
  }
  const base = {
    address: addressOf(ctx, "LeaderElection"),
    abi: abis.LeaderElection,
    fromBlock: BigInt(ctx.deployment.startBlock),
  } as const;
  const [elected, beats, failed] = await Promise.all([
    ctx.publicClient.getContractEvents({ ...base, eventName: "LeaderElected", args: { groupId } }),
    ctx.publicClient.getContractEvents({ ...base, eventName: "Heartbeat", args: { groupId } }),
    ctx.publicClient.getContractEvents({ ...base, eventName: "LeaderFailedOver", args: { groupId } }),
  ]);
  const at = (l: { blockNumber: bigint; logIndex: number }) => l.blockNumber * 1_000_000n + BigInt(l.logIndex);
  const terms = elected.map((e) => ({
    chainId: ctx.deployment.chainId,
    groupId,
    term: BigInt(e.args.term!),
    epoch: BigInt(e.args.epoch!),
    agentId: e.args.agentId!,
    startedAt: 0n,
    heartbeats: 0,
    failedOverBy: null as Term["failedOverBy"],
    from: at(e),
  }));
  // A heartbeat belongs to the latest term elected before it.
  for (const b of beats) {
    const term = terms.findLast((t) => t.from < at(b));
    if (term) term.heartbeats++;
  }
  for (const f of failed) {
    const term = terms.find((t) => t.term === BigInt(f.args.term!));
    // as the indexer keeps addresses
    if (term) term.failedOverBy = f.args.caller!.toLowerCase() as Term["failedOverBy"];
  }
  return terms.map(({ from: _, ...t }) => t);
}
