import { proposal, vote } from "ponder:schema";
import { handle } from "./lib/activity.js";

handle("Governance:ProposalCreated", async ({ event, context, chainId }) => {
  const a = event.args;
  await context.db.insert(proposal).values({
    chainId,
    id: a.proposalId,
    groupId: a.groupId,
    proposer: a.proposer,
    descriptionURI: a.descriptionURI,
    options: a.options,
    snapshot: BigInt(a.snapshot),
    voteEnd: a.voteEnd,
    quorumBps: a.quorumBps,
    quorumVotes: a.quorumVotes,
    totalVotes: 0n,
    finalized: false,
  });
  return { groupId: a.groupId };
});

handle("Governance:VoteCast", async ({ event, context, chainId }) => {
  const { proposalId, agentId, option, weight } = event.args;
  const timestamp = event.block.timestamp;
  await context.db.insert(vote).values({ chainId, proposalId, agentId, option, weight, timestamp });
  const p = await context.db
    .update(proposal, { chainId, id: proposalId })
    .set((row) => ({ totalVotes: row.totalVotes + weight }));
  return { agentId, groupId: p.groupId };
});

handle("Governance:ProposalFinalized", async ({ event, context, chainId }) => {
  const { proposalId, outcome } = event.args;
  const p = await context.db.update(proposal, { chainId, id: proposalId }).set({ finalized: true, outcome });
  return { groupId: p.groupId };
});
