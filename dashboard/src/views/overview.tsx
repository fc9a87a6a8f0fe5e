/** Overview — the swarm at a glance: who leads each group, tasks by status, the newest events. */
import { clock, stk } from "../format.ts";
import { describe } from "../model.ts";
import { AgentLink, Empty, href, Panel, TaskLink, useLive } from "../ui.tsx";
import { GroupCard } from "./groups.tsx";
import { TaskCounts } from "./tasks.tsx";

export function Overview() {
  const { snapshot } = useLive();
  const staked = [...snapshot.stakes.values()].reduce((s, x) => s + x.active, 0n);
  return (
    <>
      <Panel title="Tasks" note={<a href={href("tasks")}>board →</a>}>
        <TaskCounts />
      </Panel>
      <Panel title="Leaders" note={<a href={href("groups")}>groups →</a>}>
        {snapshot.groups.length ? (
          <div class="cards">
            {snapshot.groups.map((g) => (
              <GroupCard key={g.id.toString()} g={g} />
            ))}
          </div>
        ) : (
          <Empty>No group yet.</Empty>
        )}
      </Panel>
      <Panel title="Agents" note={<a href={href("agents")}>all agents →</a>}>
        <p>
          <b>{snapshot.totals.agents}</b> registered, <b>{stk(staked)}</b> staked in all, <b>{snapshot.locks.filter((l) => l.holder !== 0n).length}</b> locks taken,{" "}
          <b>{snapshot.proposals.length}</b> proposals, <b>{snapshot.totals.messages}</b> messages.
        </p>
      </Panel>
      <Panel title="Latest events" note={<a href={href("activity")}>activity log →</a>}>
        <ol class="timeline" data-testid="latest">
          {snapshot.activity
            .filter((r) => r.event !== "Credited" && r.event !== "MetadataUpdate")
            .slice(0, 14)
            .map((r) => (
              <li key={r.id}>
                <time>{clock(r.timestamp)}</time> <span class="tag">{r.contract}</span> <span class="what">{describe(snapshot, r)}</span>
                {r.taskId !== null ? (
                  <>
                    {" "}
                    <TaskLink id={r.taskId} />
                  </>
                ) : null}
                {r.agentId !== null && r.event !== "Heartbeat" ? (
                  <>
                    {" "}
                    <AgentLink id={r.agentId} plain />
                  </>
                ) : null}
              </li>
            ))}
        </ol>
      </Panel>
    </>
  );
}
