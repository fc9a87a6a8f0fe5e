/** Activity — the audit log (one row per contract event), filterable by agent, task, contract and event. */
import { type ActivityFilter, readActivity } from "../data/indexer.ts";
import { clock, short } from "../format.ts";
import { describe } from "../model.ts";
import { AgentLink, Empty, GroupLink, Panel, TaskLink, useLive, useRead } from "../ui.tsx";

const CONTRACTS = [
  "IdentityRegistry",
  "ReputationRegistry",
  "ValidationRegistry",
  "StakeManager",
  "LeaderElection",
  "Governance",
  "LockManager",
  "TaskBoard",
  "MessageBus",
];

const uintOrUndefined = (v: string | null) => (v && /^\d+$/.test(v) ? BigInt(v) : undefined);

export function Activity({ params }: { params: URLSearchParams }) {
  const { state, snapshot, href } = useLive();
  const filter: ActivityFilter = {
    ...(uintOrUndefined(params.get("agent")) !== undefined ? { agentId: uintOrUndefined(params.get("agent"))! } : {}),
    ...(uintOrUndefined(params.get("task")) !== undefined ? { taskId: uintOrUndefined(params.get("task"))! } : {}),
    ...(params.get("contract") ? { contract: params.get("contract")! } : {}),
    ...(params.get("event") ? { event: params.get("event")! } : {}),
  };
  const key = params.toString();
  const { data: result, error } = useRead(() => readActivity(state, filter, 300), [key, state.revision, state.base]);
  const go = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const [k, v] of data) if (typeof v === "string" && v.trim()) next.set(k, v.trim());
    location.hash = href(`activity${next.size ? `?${next}` : ""}`);
  };
  return (
    <Panel
      title="Activity"
      note={result ? `${result.rows.length} of ${result.total} matching events, newest first` : undefined}
    >
      <form
        class="filters"
        key={key}
        onSubmit={(e) => {
          e.preventDefault();
          go(e.currentTarget);
        }}
      >
        <label>
          Agent id{" "}
          <input name="agent" inputMode="numeric" pattern="\d*" size={6} defaultValue={params.get("agent") ?? ""} />
        </label>
        <label>
          Task id{" "}
          <input name="task" inputMode="numeric" pattern="\d*" size={6} defaultValue={params.get("task") ?? ""} />
        </label>
        <label>
          Contract{" "}
          <select name="contract" defaultValue={params.get("contract") ?? ""}>
            <option value="">any</option>
            {CONTRACTS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Event <input name="event" size={16} placeholder="e.g. TaskClaimed" defaultValue={params.get("event") ?? ""} />
        </label>
        <button type="submit">Filter</button>
        <a href={href("activity")}>Clear</a>
      </form>
      {error ? <Empty>Could not read the log: {error}</Empty> : null}
      {result && result.rows.length === 0 ? <Empty>No event matches.</Empty> : null}
      {result ? (
        <div class="scroll">
          <table class="grid log" data-testid="activity">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col" class="num">
                  Block
                </th>
                <th scope="col">Contract</th>
                <th scope="col">Event</th>
                <th scope="col">What</th>
                <th scope="col">Refs</th>
                <th scope="col">Tx</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((r) => (
                <tr key={r.id}>
                  <td>{clock(r.timestamp)}</td>
                  <td class="num">{r.blockNumber.toString()}</td>
                  <td>
                    <a href={href(`activity?contract=${r.contract}`)}>{r.contract}</a>
                  </td>
                  <td>
                    <a href={href(`activity?event=${r.event}`)}>{r.event}</a>
                  </td>
                  <td>{describe(snapshot, r)}</td>
                  <td>
                    {r.agentId !== null ? <AgentLink id={r.agentId} plain /> : null}{" "}
                    {r.taskId !== null ? <TaskLink id={r.taskId} /> : null}{" "}
                    {r.groupId !== null ? <GroupLink id={r.groupId} /> : null}
                  </td>
                  <td class="mono small">{short(r.txHash)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Panel>
  );
}
