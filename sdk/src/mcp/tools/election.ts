/** Leader election (the `election` primitive): `current_leader`. */
import { chainNow } from "../../utils/watch.js";
import * as v from "../../validate.js";
import { integerInput } from "../inputs.js";
import { defineTool } from "../tool.js";

export const currentLeader = defineTool({
  name: "current_leader",
  title: "Current leader of a group",
  description:
    "Shows who currently leads an election group: the leader's agent id (0 when there is none yet), its term and " +
    "epoch, its last heartbeat and the heartbeatDeadline after which it may be failed over (unix seconds; compare " +
    "with `now`). isMe says whether you are the leader.",
  inputSchema: {
    group_id: integerInput("The group's id."),
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(agent, input) {
    const leadership = await agent.election.leader(v.id("group_id", input.group_id));
    return {
      ...leadership,
      hasLeader: leadership.leader !== 0n,
      isMe: agent.agentId !== undefined && leadership.leader === agent.agentId,
      now: await chainNow(agent),
    };
  },
});
