/** The page: header (indexer, chain, health), navigation, and the view the address asks for. */
import { useEffect, useMemo, useState } from "preact/hooks";
import { chooseIndexer, connect, indexerUrl, type LiveState } from "./data/indexer.ts";
import { duration } from "./format.ts";
import { LiveContext } from "./ui.tsx";
import { Activity } from "./views/activity.tsx";
import { AgentDetail, Agents } from "./views/agents.tsx";
import { Coordination } from "./views/coordination.tsx";
import { Escrow } from "./views/escrow.tsx";
import { Groups } from "./views/groups.tsx";
import { Lanes } from "./views/lanes.tsx";
import { Messages } from "./views/messages.tsx";
import { Overview } from "./views/overview.tsx";
import { TaskBoard, TaskDetail } from "./views/tasks.tsx";

const VIEWS = [
  ["", "Overview"],
  ["agents", "Agents"],
  ["groups", "Groups"],
  ["tasks", "Tasks"],
  ["lanes", "Swimlanes"],
  ["coordination", "Locks & votes"],
  ["messages", "Messages"],
  ["escrow", "Escrow"],
  ["activity", "Activity"],
] as const;

type Route = { view: string; id?: string; params: URLSearchParams };

function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#\/?/, "").split("?");
  const [view = "", id] = path.split("/");
  return { view, ...(id ? { id: decodeURIComponent(id) } : {}), params: new URLSearchParams(query) };
}

function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return useMemo(() => parseRoute(hash), [hash]);
}

/** The connection's state as one line: ready, not ready (and why), unreachable. */
function HealthPill({ state }: { state: LiveState }) {
  const h = state.health;
  const [level, text] =
    h.state === "connecting"
      ? ["warn", "connecting…"]
      : h.state === "unreachable"
        ? ["danger", "indexer unreachable"]
        : h.state === "not-ready"
          ? ["warn", "not ready"]
          : state.streaming
            ? ["ok", "live"]
            : ["warn", "reconnecting…"];
  return (
    <span class={`pill p-${level}`} role="status" data-testid="health" data-state={h.state} data-streaming={String(state.streaming)}>
      <span aria-hidden="true">{level === "ok" ? "●" : level === "warn" ? "◆" : "▲"}</span> {text}
    </span>
  );
}

function Banner({ state }: { state: LiveState }) {
  const h = state.health;
  if (h.state === "unreachable") {
    return (
      <div class="banner b-danger" role="alert" data-testid="banner">
        <strong>The indexer at {state.base} does not answer.</strong> Is it running? (`npm start` or `npm run indexer` starts one; choose another URL
        above.) {state.snapshot ? "What you see is the last state received." : ""} Retrying by itself.
      </div>
    );
  }
  if (h.state === "not-ready") {
    return (
      <div class="banner b-warn" role="alert" data-testid="banner">
        <strong>The indexer is not ready:</strong> {h.reason}
        {h.probe.behind !== null && h.probe.behind !== undefined ? ` (indexed block ${h.probe.indexedBlock ?? "—"}, chain head ${h.probe.chainHead ?? "—"})` : ""}. What you see may be
        behind the chain.
      </div>
    );
  }
  if (state.error) {
    return (
      <div class="banner b-warn" role="alert" data-testid="banner">
        <strong>The last read failed:</strong> {state.error}
      </div>
    );
  }
  return null;
}

function IndexerSetting({ base }: { base: string }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(base);
  if (!editing) {
    return (
      <button type="button" class="linkish" onClick={() => setEditing(true)} title="Choose another indexer">
        {base.replace(/^https?:\/\//, "")}
      </button>
    );
  }
  return (
    <form
      class="setting"
      onSubmit={(e) => {
        e.preventDefault();
        chooseIndexer(value);
      }}
    >
      <label>
        Indexer URL{" "}
        <input type="url" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} placeholder={location.origin} required={false} autoFocus />
      </label>
      <button type="submit">Use</button>
      <button type="button" onClick={() => chooseIndexer("")} title="Back to the indexer that served this page">
        Reset
      </button>
      <button type="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
    </form>
  );
}

function View({ route }: { route: Route }) {
  switch (route.view) {
    case "agents":
      return route.id ? <AgentDetail id={BigInt(route.id)} /> : <Agents />;
    case "groups":
      return <Groups {...(route.id ? { focus: BigInt(route.id) } : {})} />;
    case "tasks":
      return route.id ? <TaskDetail id={BigInt(route.id)} /> : <TaskBoard />;
    case "lanes":
      return <Lanes />;
    case "coordination":
      return <Coordination />;
    case "messages":
      return <Messages params={route.params} />;
    case "escrow":
      return <Escrow />;
    case "activity":
      return <Activity params={route.params} />;
    default:
      return <Overview />;
  }
}

export function App() {
  const live = useMemo(() => connect(indexerUrl()), []);
  const [state, setState] = useState(live.state());
  const [now, setNow] = useState(live.chainNow());
  const route = useRoute();
  useEffect(() => live.subscribe(setState), [live]);
  // Countdowns move with the clock; data moves only when the indexer pushes a change.
  useEffect(() => {
    const t = setInterval(() => setNow(live.chainNow()), 1000);
    return () => clearInterval(t);
  }, [live]);
  useEffect(() => {
    (window as unknown as { __stigmergy: unknown }).__stigmergy = { signals: state.signals, lastLoadMs: state.lastLoadMs, revision: state.revision };
    setNow(live.chainNow());
  }, [state, live]);
  useEffect(() => {
    const title = VIEWS.find(([v]) => v === route.view)?.[1] ?? "Overview";
    document.title = `${title} · Stigmergy`;
    document.getElementById("main")?.focus({ preventScroll: true });
  }, [route.view, route.id]);
  const snapshot = state.snapshot;
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById("main")?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <h1>
          <a href="#/">Stigmergy</a>
        </h1>
        <HealthPill state={state} />
        <span class="meta">
          {snapshot ? (
            <>
              chain <b data-testid="chain-id">{snapshot.chainId}</b> · block <b data-testid="block">{snapshot.block.number.toString()}</b>
            </>
          ) : null}
          {state.lastLoadMs !== undefined ? <span title="from the change signal to the new state on screen"> · updated in {Math.round(state.lastLoadMs)} ms</span> : null}
          {snapshot ? <span> · chain time {new Date(now * 1000).toLocaleTimeString("en-GB", { hour12: false })}</span> : null}
        </span>
        <span class="where">
          <IndexerSetting base={state.base} />
        </span>
      </header>
      <nav class="tabs" aria-label="Views">
        {VIEWS.map(([v, label]) => (
          <a key={v} href={`#/${v}`} aria-current={route.view === v ? "page" : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <Banner state={state} />
      <main id="main" tabIndex={-1}>
        {snapshot ? (
          <LiveContext.Provider value={{ live, state, snapshot, now }}>
            <View route={route} />
          </LiveContext.Provider>
        ) : state.health.state === "unreachable" ? (
          <p class="empty">Nothing to show until the indexer answers.</p>
        ) : (
          <p class="empty">Reading the swarm from {state.base}…</p>
        )}
      </main>
      <footer class="foot">
        Pushed by the indexer's live query ({state.signals} changes so far); read over GraphQL and REST. Times are the chain's clock
        {Number.isFinite(state.clockOffset) && Math.abs(state.clockOffset) > 2 ? ` (${duration(Math.abs(state.clockOffset))} ${state.clockOffset > 0 ? "ahead of" : "behind"} this computer)` : ""}.
      </footer>
    </>
  );
}
