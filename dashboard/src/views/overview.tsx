/** Overview — the swarm at a glance: tasks by status, who leads each group, the newest events. */
import { clock, stk } from "../format.ts";
import { describe } from "../model.ts";
import { AgentLink, Empty, Panel, TaskLink, useLive } from "../ui.tsx";
import { GroupCard } from "./groups.tsx";
import { TaskCounts } from "./tasks.tsx";

/** Bookkeeping that follows another event (a payment's credit, a task's feedback): left to the activity log. */
const QUIET = new Set(["Credited", "MetadataUpdate", "NewFeedback", "Transfer", "Approval"]);

export function Overview() {
  const { snapshot, now, href } = useLive();
  const staked = [...snapshot.stakes.values()].reduce((s, x) => s + x.active, 0n);
  const held = snapshot.locks.filter((l) => l.holder !== 0n && Number(l.expiresAt) > now).length;
  return (
    <div class="overview">
      <div>
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
        <Panel title="Swarm" note={<a href={href("agents")}>agents →</a>}>
          <p>
            <b>{snapshot.totals.agents}</b> agents registered, <b>{stk(staked)}</b> staked, <b>{held}</b> of{" "}
            {snapshot.locks.length} locks held, <b>{snapshot.proposals.length}</b> proposals,{" "}
            <b>{snapshot.totals.messages}</b> messages.
          </p>
        </Panel>
      </div>
      <Panel title="Latest events" note={<a href={href("activity")}>activity log →</a>}>
        <ol class="timeline" data-testid="latest">
          {snapshot.activity
            .filter((r) => !QUIET.has(r.event))
            .slice(0, 22)
            .map((r) => (
              <li key={r.id}>
                <time>{clock(r.timestamp)}</time> <span class="tag">{r.contract}</span>{" "}
                <span class="what">{describe(snapshot, r)}</span>
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
    </div>
  );
}
