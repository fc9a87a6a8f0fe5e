/**
 * Agents — who is in the swarm and what they are worth: name, capabilities, stake (active and
 * unbonding), TaskBoard-attested reputation, the work they hold and when they last acted; an
 * agent's page has its whole history.
 */
import { readActivity, type Snapshot } from "../data/indexer.ts";
import { clock, relative, short, stk } from "../format.ts";
import { describe, nameOf, profile, reputation, UNSETTLED } from "../model.ts";
import { AgentLink, Empty, GroupLink, Panel, Status, TaskLink, useLive, useRead } from "../ui.tsx";

/** The latest moment the snapshot saw the agent act. */
function lastSeen(snapshot: Snapshot, id: bigint): bigint {
  let at = snapshot.agents.find((a) => a.id === id)?.updatedAt ?? 0n;
  const s = snapshot.stakes.get(id);
  if (s && s.updatedAt > at) at = s.updatedAt;
  for (const r of snapshot.activity) if (r.agentId === id && r.timestamp > at) at = r.timestamp;
  for (const e of snapshot.taskEvents) if (e.agentId === id && e.timestamp > at) at = e.timestamp;
  return at;
}

function RepCell({ id }: { id: bigint }) {
  const { snapshot } = useLive();
  const r = reputation(snapshot, id);
  const n = r.accepted + r.rejected + r.abandoned;
  if (n === 0) return <span class="muted">no task feedback{r.others ? ` · ${r.others} other` : ""}</span>;
  return (
    <span title="TaskBoard-attested: accepted 100, rejected 0, abandoned 0">
      {r.score?.toFixed(0)}/100{" "}
      <span class="muted small">
        ({r.accepted}✓ {r.rejected}✕ {r.abandoned}◷)
      </span>
    </span>
  );
}

export function Agents() {
  const { snapshot, now } = useLive();
  if (snapshot.agents.length === 0) return <Empty>No agent has registered yet.</Empty>;
  return (
    <Panel title="Agents" note={`${snapshot.totals.agents} registered`}>
      <div class="scroll">
        <table class="grid" data-testid="agents">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Capabilities</th>
              <th scope="col" class="num">
                Stake
              </th>
              <th scope="col" class="num">
                Unbonding
              </th>
              <th scope="col">Reputation</th>
              <th scope="col">Holds</th>
              <th scope="col">Groups</th>
              <th scope="col">Last active</th>
            </tr>
          </thead>
          <tbody>
            {snapshot.agents.map((a) => {
              const p = profile(a)!;
              const s = snapshot.stakes.get(a.id);
              const holds = snapshot.tasks.filter(
                (t) => t.claimant === a.id && UNSETTLED.has(t.status) && t.status !== "open",
              );
              const groups = snapshot.members.filter((m) => m.agentId === a.id);
              const leads = snapshot.groups.filter((g) => g.leader === a.id);
              return (
                <tr key={a.id.toString()} data-testid={`agent-${a.id}`}>
                  <td>
                    <AgentLink id={a.id} /> {leads.length ? <span class="tag">leader</span> : null}
                    {p.description ? <div class="muted small">{p.description}</div> : null}
                  </td>
                  <td>
                    {p.capabilityNames.length ? (
                      p.capabilityNames.map((c) => (
                        <span class="tag" key={c}>
                          {c}
                        </span>
                      ))
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                  <td class="num" data-testid={`stake-${a.id}`} data-value={(s?.active ?? 0n).toString()}>
                    {stk(s?.active ?? 0n)}
                  </td>
                  <td class="num">{s?.unbonding ? stk(s.unbonding) : <span class="muted">—</span>}</td>
                  <td>
                    <RepCell id={a.id} />
                  </td>
                  <td>
                    {holds.length ? (
                      holds.map((t) => (
                        <span key={t.id.toString()}>
                          <TaskLink id={t.id} />{" "}
                        </span>
                      ))
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                  <td>
                    {groups.map((m) => (
                      <span key={m.groupId.toString()}>
                        <GroupLink id={m.groupId} />{" "}
                      </span>
                    ))}
                  </td>
                  <td>{relative(Number(lastSeen(snapshot, a.id)), now)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

export function AgentDetail({ id }: { id: bigint }) {
  const { state, snapshot, now, href } = useLive();
  const { data: history, error } = useRead(
    () => readActivity(state, { agentId: id }, 300),
    [id, state.revision, state.base],
  );
  const a = snapshot.agents.find((x) => x.id === id);
  if (!a) return <Empty>Agent {id.toString()} is not indexed (yet).</Empty>;
  const p = profile(a)!;
  const s = snapshot.stakes.get(id);
  const r = reputation(snapshot, id);
  const score = r.score === undefined ? "no TaskBoard feedback yet" : `${r.score.toFixed(1)}/100 from the TaskBoard`;
  const tasks = snapshot.tasks.filter((t) => t.claimant === id);
  const locks = snapshot.locks.filter((l) => l.holder === id && Number(l.expiresAt) > now);
  const slashes = snapshot.slashes.filter((x) => x.agentId === id);
  return (
    <>
      <p>
        <a href={href("agents")}>← all agents</a>
      </p>
      <Panel title={`${p.name} #${id}`} note={p.description}>
        <dl class="facts wide">
          <dt>Capabilities</dt>
          <dd>
            {p.capabilityNames.map((c) => (
              <span class="tag" key={c}>
                {c}
              </span>
            ))}
          </dd>
          <dt>Owner</dt>
          <dd class="mono">{short(a.owner, 6)}</dd>
          <dt>Wallet</dt>
          <dd class="mono">{a.wallet ? short(a.wallet, 6) : "none"}</dd>
          <dt>Registered</dt>
          <dd>{clock(a.registeredAt)}</dd>
          <dt>Stake</dt>
          <dd data-testid="agent-stake" data-value={(s?.active ?? 0n).toString()}>
            {stk(s?.active ?? 0n)} active
            {s?.unbonding ? ` · ${stk(s.unbonding)} unbonding until ${clock(s.releaseAt)}` : ""}
            {s?.slashed ? ` · ${stk(s.slashed)} slashed in all` : ""}
          </dd>
          <dt>Reputation</dt>
          <dd>
            {score} · {r.accepted} accepted, {r.rejected} rejected, {r.abandoned} abandoned
            {r.others ? ` · ${r.others} feedback from other clients` : ""}
          </dd>
          <dt>Groups</dt>
          <dd>
            {snapshot.members
              .filter((m) => m.agentId === id)
              .map((m) => (
                <span key={m.groupId.toString()}>
                  <GroupLink id={m.groupId} /> (weight {m.weight.toString()}
                  {snapshot.groups.find((g) => g.id === m.groupId)?.leader === id ? ", leader" : ""}){" "}
                </span>
              ))}
          </dd>
          <dt>Locks held</dt>
          <dd>{locks.length ? locks.map((l) => `${nameOf(l.key)} (token ${l.fencingToken})`).join(", ") : "none"}</dd>
          {slashes.length ? (
            <>
              <dt>Slashes</dt>
              <dd>
                {slashes.map((x) => `${stk(x.amount)} at ${clock(x.timestamp)} (${nameOf(x.reason)})`).join("; ")}
              </dd>
            </>
          ) : null}
        </dl>
      </Panel>
      <Panel title="Tasks it claimed" note={`${tasks.length}`}>
        {tasks.length ? (
          <ul class="inline">
            {tasks.map((t) => (
              <li key={t.id.toString()}>
                <TaskLink id={t.id} /> <Status status={t.status} />
              </li>
            ))}
          </ul>
        ) : (
          <Empty>None in the snapshot.</Empty>
        )}
      </Panel>
      <Panel title="History" note={history ? `${history.rows.length} of ${history.total} events` : undefined}>
        {error ? <Empty>Could not read the history: {error}</Empty> : null}
        {history ? (
          <ol class="timeline">
            {history.rows.map((row) => (
              <li key={row.id}>
                <time>{clock(row.timestamp)}</time> <span class="tag">{row.contract}</span>{" "}
                <span class="what">{describe(snapshot, row)}</span>
                {row.taskId !== null ? (
                  <>
                    {" "}
                    <TaskLink id={row.taskId} />
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        ) : (
          <Empty>Reading…</Empty>
        )}
        <p>
          <a href={href(`activity?agent=${id}`)}>Filter the activity log by this agent →</a>
        </p>
      </Panel>
      <p class="muted small">
        See also <AgentLink id={id} plain /> in the <a href={href("lanes")}>swimlanes</a>.
      </p>
    </>
  );
}
