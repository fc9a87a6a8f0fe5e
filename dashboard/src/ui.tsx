/** Small shared pieces: the live context, links between views, countdowns, badges. */
import { type ComponentChildren, createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import type { ChainInfo, Live, LiveState, Snapshot, TaskStatus } from "./data/indexer.ts";
import { duration } from "./format.ts";
import { agentName } from "./model.ts";

export type Ctx = {
  live: Live;
  state: LiveState;
  snapshot: Snapshot;
  now: number;
  /** A link to another view of the same chain (`#/<path>`, with `chain=<id>` when the indexer follows several). */
  href: (path: string) => string;
};
export const LiveContext = createContext<Ctx | undefined>(undefined);

/** The live state, the snapshot, the chain clock (seconds) and links, re-rendered every second. */
export function useLive(): Ctx {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error("useLive outside the live context");
  return ctx;
}

/**
 * What `read()` resolves to, or why it failed, read again whenever `deps` change (an answer that comes
 * after a change is dropped; the last good data stays while the next read is under way).
 */
export function useRead<T>(
  read: () => Promise<T>,
  deps: unknown[],
): { data: T | undefined; error: string | undefined } {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    read().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
      },
      (e: Error) => {
        if (live) setError(e.message);
      },
    );
    return () => {
      live = false;
    };
  }, deps);
  return { data, error };
}

/**
 * The address of a view: `#/<path>`; about one chain of several, with `chain=<id>` in its query (before
 * a `#fragment` the path may end with).
 */
export function href(path: string, chain?: ChainInfo): string {
  if (!chain) return `#/${path}`;
  const [route = "", fragment] = path.split("#");
  return `#/${route}${route.includes("?") ? "&" : "?"}chain=${chain.id}${fragment === undefined ? "" : `#${fragment}`}`;
}

export function AgentLink({ id, plain }: { id: bigint; plain?: boolean }) {
  const { snapshot, href } = useLive();
  if (id === 0n) return <span class="muted">none</span>;
  return (
    <a href={href(`agents/${id}`)} class="id" data-agent={id.toString()}>
      {plain ? `#${id}` : `${agentName(snapshot, id)} #${id}`}
    </a>
  );
}

export function TaskLink({ id }: { id: bigint }) {
  const { href } = useLive();
  return (
    <a href={href(`tasks/${id}`)} class="id">
      task {id.toString()}
    </a>
  );
}

export function GroupLink({ id }: { id: bigint }) {
  const { href } = useLive();
  return (
    <a href={href(`groups#group-${id}`)} class="id">
      group {id.toString()}
    </a>
  );
}

const STATUS_MARK: Record<TaskStatus, string> = {
  open: "○",
  claimed: "◐",
  submitted: "◑",
  escalated: "⚑",
  accepted: "✓",
  cancelled: "✕",
  expired: "◷",
};

/** A task status: its colour, a shape that says the same without colour, and the word. */
export const Status = ({ status }: { status: TaskStatus }) => (
  <span class={`status s-${status}`}>
    <span aria-hidden="true">{STATUS_MARK[status]}</span> {status}
  </span>
);

/**
 * Seconds left until a deadline as text and a bar: "ok" while more than half is left, "warn" past
 * half, "danger" in the last quarter and past it (so it turns red before the deadline).
 */
export function Countdown({
  left,
  total,
  label,
  testid,
}: {
  left: number;
  total: number;
  label: string;
  testid?: string;
}) {
  const share = total > 0 ? Math.max(0, Math.min(1, left / total)) : 0;
  const level = left <= 0 ? "over" : share < 0.25 ? "danger" : share < 0.5 ? "warn" : "ok";
  const text = left <= 0 ? `overdue by ${duration(-left)}` : `${duration(left)} left`;
  return (
    <span class={`countdown c-${level}`} data-testid={testid} data-level={level}>
      {/* biome-ignore lint/a11y/useSemanticElements: a <meter> cannot take the countdown level's fill colour in
          every browser */}
      <span
        class="bar"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={Math.round(total)}
        aria-valuenow={Math.max(0, Math.round(left))}
        aria-valuetext={text}
      >
        <span class="fill" style={{ width: `${share * 100}%` }} />
      </span>
      <span class="text">
        {level === "danger" || level === "over" ? "⚠ " : ""}
        {text}
      </span>
    </span>
  );
}

export const Empty = ({ children }: { children: ComponentChildren }) => <p class="empty">{children}</p>;

/** A section with a heading and an optional note on its right. */
export const Panel = ({
  title,
  note,
  children,
  id,
}: {
  title: string;
  note?: ComponentChildren;
  children: ComponentChildren;
  id?: string;
}) => (
  <section class="panel" id={id} aria-labelledby={id ? `${id}-h` : undefined}>
    <header>
      <h2 id={id ? `${id}-h` : undefined}>{title}</h2>
      {note ? <span class="note">{note}</span> : null}
    </header>
    {children}
  </section>
);
