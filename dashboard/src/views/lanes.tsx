/**
 * Swimlanes — what each agent did, over time, and how work moved between them: one lane per agent
 * with its claims (bars until the work was submitted, handed on or lost), submissions, escalations,
 * messages, lock holds and leadership, and an arrow for every handoff from one lane to another.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type ActivityRow, type Hex, readActivity } from "../data/indexer.ts";
import { clock, duration } from "../format.ts";
import { agentName, channelName, nameOf } from "../model.ts";
import { AgentLink, Empty, Panel, TaskLink, useLive } from "../ui.tsx";

const EVENTS = [
  "TaskClaimed",
  "TaskSubmitted",
  "TaskAccepted",
  "TaskRejected",
  "TaskReclaimed",
  "TaskHandedOff",
  "TaskEscalated",
  "EscalationResolved",
  "ChannelMessage",
  "DirectMessage",
  "LockAcquired",
  "LockReleased",
  "LeaderElected",
  "LeaderFailedOver",
];

const WINDOWS = [
  [120, "2 min"],
  [300, "5 min"],
  [900, "15 min"],
  [0, "all loaded"],
] as const;

type Span = {
  agent: bigint;
  from: number;
  to: number;
  open: boolean;
  label: string;
  kind: "work" | "lock" | "lead";
  taskId?: bigint;
};
type Mark = { agent: bigint; at: number; kind: string; label: string; taskId?: bigint };
type Arrow = { from: bigint; to: bigint; at: number; until: number; label: string; taskId: bigint };

const arg = (r: ActivityRow, k: string) => r.args[k] as string | undefined;
const ts = (r: ActivityRow) => Number(r.timestamp);

/** Turns the audit log (oldest first) into lanes: spans, point marks and handoff arrows. */
function layout(rows: ActivityRow[], now: number, channel: (id: Hex) => string) {
  const spans: Span[] = [];
  const marks: Mark[] = [];
  const arrows: Arrow[] = [];
  const work = new Map<string, Span>(); // open claim per task
  const locks = new Map<string, Span>(); // open hold per lock key
  const leads = new Map<string, Span>(); // open term per group
  const offers = new Map<string, { from: bigint; to: bigint; at: number }>();
  const close = (s: Span | undefined, at: number) => {
    if (!s) return;
    s.to = at;
    s.open = false;
  };
  for (const r of rows) {
    const taskId = arg(r, "taskId");
    switch (r.event) {
      case "TaskClaimed": {
        const agent = BigInt(arg(r, "agentId")!);
        close(work.get(taskId!), ts(r));
        const s: Span = {
          agent,
          from: ts(r),
          to: now,
          open: true,
          label: `task ${taskId} (attempt ${arg(r, "attempt")})`,
          kind: "work",
          taskId: BigInt(taskId!),
        };
        spans.push(s);
        work.set(taskId!, s);
        const offer = offers.get(taskId!);
        if (offer && offer.to === agent) {
          arrows.push({
            from: offer.from,
            to: agent,
            at: offer.at,
            until: ts(r),
            label: `task ${taskId} handed from #${offer.from} to #${agent}`,
            taskId: BigInt(taskId!),
          });
          offers.delete(taskId!);
        }
        break;
      }
      case "TaskSubmitted":
      case "TaskReclaimed":
      case "TaskEscalated": {
        const s = work.get(taskId!);
        close(s, ts(r));
        const agent = BigInt(arg(r, "agentId") ?? s?.agent ?? 0n);
        marks.push({
          agent,
          at: ts(r),
          kind: r.event,
          label: `${r.event.replace("Task", "").toLowerCase()} task ${taskId}`,
          taskId: BigInt(taskId!),
        });
        break;
      }
      case "TaskAccepted":
      case "TaskRejected": {
        const agent = BigInt(arg(r, "agentId") ?? 0);
        if (agent !== 0n)
          marks.push({
            agent,
            at: ts(r),
            kind: r.event,
            label: `task ${taskId} ${r.event === "TaskAccepted" ? "accepted" : "rejected"}`,
            taskId: BigInt(taskId!),
          });
        break;
      }
      case "EscalationResolved":
        break;
      case "TaskHandedOff": {
        const from = BigInt(arg(r, "fromAgentId")!);
        const to = BigInt(arg(r, "toAgentId")!);
        offers.set(taskId!, { from, to, at: ts(r) });
        marks.push({
          agent: from,
          at: ts(r),
          kind: r.event,
          label: `offered task ${taskId} to #${to}`,
          taskId: BigInt(taskId!),
        });
        break;
      }
      case "ChannelMessage":
        marks.push({
          agent: BigInt(arg(r, "from")!),
          at: ts(r),
          kind: r.event,
          label: `message #${arg(r, "seq")} on ${channel(arg(r, "channel") as Hex)}`,
        });
        break;
      case "DirectMessage":
        marks.push({ agent: BigInt(arg(r, "from")!), at: ts(r), kind: r.event, label: `message to #${arg(r, "to")}` });
        break;
      case "LockAcquired": {
        const key = arg(r, "key")!;
        close(locks.get(key), ts(r));
        const expires = Number(arg(r, "expiresAt") ?? now);
        const s: Span = {
          agent: BigInt(arg(r, "agentId")!),
          from: ts(r),
          to: Math.min(expires, now),
          open: expires > now,
          label: `lock ${nameOf(key as Hex)} (token ${arg(r, "fencingToken")})`,
          kind: "lock",
        };
        spans.push(s);
        locks.set(key, s);
        break;
      }
      case "LockReleased":
        close(locks.get(arg(r, "key")!), ts(r));
        break;
      case "LeaderElected": {
        const group = arg(r, "groupId")!;
        close(leads.get(group), ts(r));
        const s: Span = {
          agent: BigInt(arg(r, "agentId")!),
          from: ts(r),
          to: now,
          open: true,
          label: `leader of group ${group}, term ${arg(r, "term")}`,
          kind: "lead",
        };
        spans.push(s);
        leads.set(group, s);
        break;
      }
      case "LeaderFailedOver": {
        const group = arg(r, "groupId")!;
        close(leads.get(group), ts(r));
        marks.push({
          agent: BigInt(arg(r, "agentId")!),
          at: ts(r),
          kind: r.event,
          label: `failed over in group ${group} (term ${arg(r, "term")})`,
        });
        break;
      }
    }
  }
  return { spans, marks, arrows };
}

const LANE = 30;
const LABEL = 150;

export function Lanes() {
  const { state, snapshot, now, href } = useLive();
  const [rows, setRows] = useState<ActivityRow[] | undefined>();
  const [total, setTotal] = useState(0);
  const [windowS, setWindowS] = useState<number>(300);
  const [width, setWidth] = useState(900);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    readActivity(state, { events: EVENTS }, 1000).then(
      (r) => {
        if (!live) return;
        setRows(r.rows.slice().reverse());
        setTotal(r.total);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [state.revision, state.base]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(320, el.clientWidth));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [rows === undefined]);
  const laid = useMemo(
    () => (rows ? layout(rows, now, (id) => channelName(snapshot, id)) : undefined),
    [rows, Math.floor(now / 5)],
  );
  if (!rows || !laid) return <Empty>Reading the log…</Empty>;
  if (rows.length === 0) return <Empty>No claims, messages, locks or elections yet.</Empty>;
  const first = Number(rows[0]!.timestamp);
  const start = windowS === 0 ? first : Math.max(first, now - windowS);
  const end = Math.max(now, start + 1);
  const agents = [...new Set([...laid.spans.map((s) => s.agent), ...laid.marks.map((m) => m.agent)])]
    .filter((a) => a !== 0n)
    .sort((a, b) => Number(a - b));
  const lane = new Map(agents.map((a, i) => [a, i]));
  const plotW = width - LABEL - 12;
  const x = (t: number) => LABEL + ((Math.min(Math.max(t, start), end) - start) / (end - start)) * plotW;
  const y = (a: bigint) => 24 + (lane.get(a) ?? 0) * LANE;
  const height = 24 + agents.length * LANE + 8;
  const ticks = Array.from({ length: 6 }, (_, i) => start + ((end - start) * i) / 5);
  const visible = <T extends { at: number }>(m: T) => m.at >= start;
  const handoffs = laid.arrows.filter((a) => a.until >= start);
  return (
    <>
      <Panel
        title="Swimlanes"
        note={
          <label>
            Window{" "}
            <select value={String(windowS)} onChange={(e) => setWindowS(Number((e.target as HTMLSelectElement).value))}>
              {WINDOWS.map(([s, l]) => (
                <option key={s} value={String(s)}>
                  {l}
                </option>
              ))}
            </select>
          </label>
        }
      >
        <div class="lanes" ref={box}>
          <svg
            width={width}
            height={height}
            role="img"
            aria-label={
              `Swimlanes of ${agents.length} agents over the last ${duration(end - start)}; ` +
              "the lists below say the same in words"
            }
            data-testid="lanes"
          >
            <defs>
              <marker
                id="arrow"
                viewBox="0 0 10 10"
                refX="9"
                refY="5"
                markerWidth="7"
                markerHeight="7"
                orient="auto-start-reverse"
              >
                <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
              </marker>
            </defs>
            {ticks.map((t, i) => (
              <g key={t}>
                <line x1={x(t)} x2={x(t)} y1={16} y2={height} class="tick" />
                <text
                  x={x(t)}
                  y={12}
                  class="ticktext"
                  text-anchor={i === 0 ? "start" : i === ticks.length - 1 ? "end" : "middle"}
                >
                  {clock(Math.round(t))}
                </text>
              </g>
            ))}
            {agents.map((a) => (
              <g key={a.toString()}>
                <rect
                  x={0}
                  y={y(a) - LANE / 2 + 2}
                  width={width}
                  height={LANE - 4}
                  class={Number(lane.get(a)) % 2 ? "lane odd" : "lane"}
                />
                <a href={href(`agents/${a}`)}>
                  <text x={6} y={y(a) + 4} class="lanelabel">
                    {agentName(snapshot, a).slice(0, 14)} #{a.toString()}
                  </text>
                </a>
              </g>
            ))}
            {laid.spans
              .filter((s) => s.to >= start && lane.has(s.agent))
              .map((s, i) => {
                const h = s.kind === "work" ? 10 : 4;
                const dy = s.kind === "work" ? -5 : s.kind === "lock" ? 7 : -12;
                return (
                  <rect
                    key={`s${i}`}
                    x={x(s.from)}
                    y={y(s.agent) + dy}
                    width={Math.max(2, x(s.to) - x(s.from))}
                    height={h}
                    class={`span ${s.kind}${s.open ? " open" : ""}`}
                    rx={2}
                  >
                    <title>
                      {s.label}: {clock(s.from)}–{s.open ? "now" : clock(s.to)}
                    </title>
                  </rect>
                );
              })}
            {laid.marks
              .filter((m) => visible(m) && lane.has(m.agent))
              .map((m, i) => (
                <g key={`m${i}`} class={`mark ${m.kind}`} transform={`translate(${x(m.at)},${y(m.agent)})`}>
                  <title>
                    {clock(m.at)} {m.label}
                  </title>
                  {m.kind === "ChannelMessage" || m.kind === "DirectMessage" ? (
                    <circle r={3} cy={9} />
                  ) : m.kind === "TaskEscalated" ? (
                    <path d="M -5 5 L 0 -6 L 5 5 z" />
                  ) : m.kind === "LeaderFailedOver" ? (
                    <path d="M -6 -6 L 6 6 M 6 -6 L -6 6" />
                  ) : (
                    <rect x={-4} y={-4} width={8} height={8} transform="rotate(45)" />
                  )}
                </g>
              ))}
            {handoffs
              .filter((h) => lane.has(h.from) && lane.has(h.to))
              .map((h, i) => {
                const x1 = x(h.at);
                const x2 = x(h.until);
                const y1 = y(h.from);
                const y2 = y(h.to);
                return (
                  <path
                    key={`a${i}`}
                    d={`M ${x1} ${y1} C ${x1 + 30} ${y1}, ${x2 - 30} ${y2}, ${x2} ${y2}`}
                    class="handoff"
                    marker-end="url(#arrow)"
                  >
                    <title>{h.label}</title>
                  </path>
                );
              })}
          </svg>
        </div>
        <ul class="legend">
          <li>
            <span class="key work" /> holding a claimed task
          </li>
          <li>
            <span class="key lead" /> leader
          </li>
          <li>
            <span class="key lock" /> holding a lock
          </li>
          <li>◆ submitted / accepted / rejected / reclaimed</li>
          <li>▲ escalated</li>
          <li>✕ failed over</li>
          <li>• message</li>
          <li>
            <span class="key arrowkey" /> handoff
          </li>
        </ul>
        {rows.length < total ? (
          <p class="muted small">
            Drawn from the newest {rows.length} of {total} such events.
          </p>
        ) : null}
      </Panel>
      <Panel title="Handoffs" note={`${handoffs.length} in the window`}>
        {handoffs.length ? (
          <ul data-testid="handoffs">
            {handoffs.map((h, i) => (
              <li key={i}>
                {clock(h.at)} <TaskLink id={h.taskId} />: <AgentLink id={h.from} /> → <AgentLink id={h.to} /> (taken
                over after {duration(h.until - h.at)})
              </li>
            ))}
          </ul>
        ) : (
          <Empty>No handoff in this window.</Empty>
        )}
      </Panel>
    </>
  );
}
