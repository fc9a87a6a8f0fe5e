import { ponder } from "ponder:registry";
import { proposal, vote } from "ponder:schema";
import { record } from "./lib/activity.js";

const C = "Governance";

ponder.on("Governance:ProposalCreated", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(proposal).values({
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
  await record(context.db, C, "ProposalCreated", event, { groupId: a.groupId });
});

ponder.on("Governance:VoteCast", async ({ event, context }) => {
  const { proposalId, agentId, option, weight } = event.args;
  await context.db.insert(vote).values({ proposalId, agentId, option, weight, timestamp: event.block.timestamp });
  const p = await context.db.update(proposal, { id: proposalId }).set((row) => ({ totalVotes: row.totalVotes + weight }));
  await record(context.db, C, "VoteCast", event, { agentId, groupId: p.groupId });
});

ponder.on("Governance:ProposalFinalized", async ({ event, context }) => {
  const { proposalId, outcome } = event.args;
  const p = await context.db.update(proposal, { id: proposalId }).set({ finalized: true, outcome });
  await record(context.db, C, "ProposalFinalized", event, { groupId: p.groupId });
});
