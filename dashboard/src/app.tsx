/**
 * The page: header (indexer, chain, health), navigation, and the view the address asks for. An
 * indexer that follows several chains gets a chain switcher: one chain's views (`?chain=<id>` in
 * the address, kept by every link), or "all chains", every view once per chain, side by side.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import {
  type ChainInfo,
  chooseIndexer,
  connect,
  indexerUrl,
  type Live,
  type LiveState,
  readChains,
} from "./data/indexer.ts";
import { duration } from "./format.ts";
import { href, LiveContext } from "./ui.tsx";
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
  // A `#fragment` after the route (`#/groups#group-1`) names a place on the page, not the route.
  const [route = ""] = hash.replace(/^#\/?/, "").split("#");
  const [path = "", query = ""] = route.split("?");
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
    <span
      class={`pill p-${level}`}
      role="status"
      data-testid="health"
      data-state={h.state}
      data-streaming={String(state.streaming)}
    >
      <span aria-hidden="true">{level === "ok" ? "●" : level === "warn" ? "◆" : "▲"}</span> {text}
    </span>
  );
}

function Banner({ state }: { state: LiveState }) {
  const h = state.health;
  if (h.state === "unreachable") {
    return (
      <div class="banner b-danger" role="alert" data-testid="banner">
        <strong>The indexer at {state.base} does not answer.</strong> Is it running? (`npm start` or `npm run indexer`
        starts one; choose another URL above.) {state.snapshot ? "What you see is the last state received." : ""}{" "}
        Retrying by itself.
      </div>
    );
  }
  if (h.state === "not-ready") {
    return (
      <div class="banner b-warn" role="alert" data-testid="banner">
        <strong>The indexer is not ready:</strong> {h.reason}
        {h.probe.behind !== null && h.probe.behind !== undefined
          ? ` (indexed block ${h.probe.indexedBlock ?? "—"}, chain head ${h.probe.chainHead ?? "—"})`
          : ""}
        . What you see may be behind the chain.
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
        <input
          type="url"
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
          placeholder={location.origin}
          required={false}
          /* biome-ignore lint/a11y/noAutofocus: the user asked to edit; the button they pressed is gone,
             focus moves here */
          autoFocus
        />
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

/** One connection to the indexer: about one of its chains when it follows several. */
type Connection = { chain?: ChainInfo; live: Live };

/**
 * The connections the page keeps: one per chain when the indexer follows several (`GET /chains`),
 * else one. While the indexer cannot be reached, one connection shows that, and the page asks again.
 */
function useConnections(base: string): Connection[] | undefined {
  const [connections, setConnections] = useState<Connection[]>();
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    let current: Connection[] | undefined;
    const use = (next: Connection[]) => {
      for (const c of current ?? []) c.live.stop();
      current = next;
      setConnections(next);
    };
    const ask = () =>
      readChains(base).then(
        (chains) => {
          if (stopped) return;
          if (chains && chains.length > 1) use(chains.map((chain) => ({ chain, live: connect(base, chain) })));
          else if (!current) use([{ live: connect(base) }]);
        },
        () => {
          if (stopped) return;
          if (!current) use([{ live: connect(base) }]);
          timer = window.setTimeout(ask, 3_000);
        },
      );
    void ask();
    return () => {
      stopped = true;
      clearTimeout(timer);
      for (const c of current ?? []) c.live.stop();
    };
  }, [base]);
  return connections;
}

/** Each connection's state, re-rendered on every change. */
function useStates(connections: Connection[] | undefined): LiveState[] {
  const [states, setStates] = useState<LiveState[]>([]);
  useEffect(() => {
    if (!connections) return;
    const read = () => setStates(connections.map((c) => c.live.state()));
    read();
    const offs = connections.map((c) => c.live.subscribe(read));
    return () => {
      for (const off of offs) off();
    };
  }, [connections]);
  return states;
}

const chainLabel = (chain: ChainInfo) => `${chain.name} · chain ${chain.id}`;

/** The whole page's health from each chain's: the worst one. */
function combined(states: LiveState[]): LiveState {
  const rank = (s: LiveState) =>
    ({ unreachable: 3, "not-ready": 2, connecting: 1, ready: 0 })[s.health.state] + (s.streaming ? 0 : 0.5);
  return states.reduce((worst, s) => (rank(s) > rank(worst) ? s : worst), states[0]!);
}

/** The chain switcher: every chain (with its readiness), and all of them side by side. */
function ChainNav({
  connections,
  states,
  selected,
  route,
}: {
  connections: Connection[];
  states: LiveState[];
  selected: ChainInfo | undefined;
  route: Route;
}) {
  const path = (chain?: ChainInfo) => {
    const params = new URLSearchParams(route.params);
    params.delete("chain");
    const base = `${route.view}${route.id ? `/${route.id}` : ""}${params.size ? `?${params}` : ""}`;
    return href(base, chain);
  };
  return (
    <nav class="chains" aria-label="Chains" data-testid="chain-switcher">
      <a href={path()} aria-current={selected ? undefined : "page"} data-chain-link="all">
        All chains
      </a>
      {connections.map((c, i) => {
        const ready = states[i]?.health.state === "ready";
        return (
          <a
            key={c.chain!.id}
            href={path(c.chain)}
            aria-current={selected?.id === c.chain!.id ? "page" : undefined}
            data-chain-link={String(c.chain!.id)}
          >
            <span aria-hidden="true" class={ready ? "mark-ok" : "mark-warn"}>
              {ready ? "●" : "◆"}
            </span>{" "}
            {chainLabel(c.chain!)}
            {ready ? "" : " (not ready)"}
          </a>
        );
      })}
    </nav>
  );
}

/** One chain's column in the "all chains" view: its name, block and readiness, then the view. */
function ChainColumn({
  connection,
  state,
  now,
  route,
}: {
  connection: Connection;
  state: LiveState;
  now: number;
  route: Route;
}) {
  const chain = connection.chain!;
  const snapshot = state.snapshot;
  return (
    <section class="chain-col" data-chain={String(chain.id)} aria-label={chainLabel(chain)}>
      <h2 class="chain-title">
        <a href={href(`${route.view}${route.id ? `/${route.id}` : ""}`, chain)}>{chain.name}</a>{" "}
        <span class="muted">chain {chain.id}</span>{" "}
        {snapshot ? (
          <span class="muted small">
            · block <b data-testid="block">{snapshot.block.number.toString()}</b>
          </span>
        ) : null}{" "}
        <HealthPill state={state} />
      </h2>
      <Banner state={state} />
      {snapshot ? (
        <LiveContext.Provider value={{ live: connection.live, state, snapshot, now, href: (p) => href(p, chain) }}>
          <View route={route} />
        </LiveContext.Provider>
      ) : (
        <p class="empty">
          Reading {chain.name} from {state.base}…
        </p>
      )}
    </section>
  );
}

export function App() {
  const base = useMemo(() => indexerUrl(), []);
  const connections = useConnections(base);
  const states = useStates(connections);
  const [, setTick] = useState(0);
  const route = useRoute();
  // Countdowns move with the clock; data moves only when the indexer pushes a change.
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    if (!states.length) return;
    const sum = (pick: (s: LiveState) => number) => states.reduce((n, s) => n + pick(s), 0);
    const loads = states.map((s) => s.lastLoadMs).filter((ms): ms is number => ms !== undefined);
    (window as unknown as { __stigmergy: unknown }).__stigmergy = {
      signals: sum((s) => s.signals),
      lastLoadMs: loads.length ? Math.max(...loads) : undefined,
      revision: sum((s) => s.revision),
    };
  }, [states]);
  useEffect(() => {
    const title = VIEWS.find(([v]) => v === route.view)?.[1] ?? "Overview";
    document.title = `${title} · Stigmergy`;
    document.getElementById("main")?.focus({ preventScroll: true });
  }, [route.view, route.id]);
  if (!connections || states.length !== connections.length) return null;
  const several = connections.length > 1;
  const selectedIndex = several ? connections.findIndex((c) => String(c.chain!.id) === route.params.get("chain")) : 0;
  const one =
    selectedIndex >= 0 ? { connection: connections[selectedIndex]!, state: states[selectedIndex]! } : undefined;
  const state = one ? one.state : combined(states);
  const snapshot = one?.state.snapshot;
  const now = one ? one.connection.live.chainNow() : 0;
  const chain = one?.connection.chain;
  const link = (path: string) => href(path, chain);
  return (
    <>
      {/* A button, not a link: "#main" would be a route of this hash-routed page. */}
      <button type="button" class="skip" onClick={() => document.getElementById("main")?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <h1>
          <a href={link("")}>Stigmergy</a>
        </h1>
        <HealthPill state={state} />
        <span class="meta">
          {snapshot ? (
            <>
              {chain ? `${chain.name} · ` : ""}chain <b data-testid="chain-id">{snapshot.chainId}</b> · block{" "}
              <b data-testid="block">{snapshot.block.number.toString()}</b>
            </>
          ) : several && !one ? (
            <>{connections.length} chains</>
          ) : null}
          {state.lastLoadMs !== undefined ? (
            <span title="from the change signal to the new state on screen">
              {" "}
              · updated in {Math.round(state.lastLoadMs)} ms
            </span>
          ) : null}
          {snapshot ? (
            <span> · chain time {new Date(now * 1000).toLocaleTimeString("en-GB", { hour12: false })}</span>
          ) : null}
        </span>
        <span class="where">
          <IndexerSetting base={state.base} />
        </span>
      </header>
      {several ? <ChainNav connections={connections} states={states} selected={chain} route={route} /> : null}
      <nav class="tabs" aria-label="Views">
        {VIEWS.map(([v, label]) => (
          <a key={v} href={link(v)} aria-current={route.view === v ? "page" : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {one ? <Banner state={state} /> : null}
      <main id="main" tabIndex={-1}>
        {!one ? (
          <div class="chains-side">
            {connections.map((c, i) => (
              <ChainColumn key={c.chain!.id} connection={c} state={states[i]!} now={c.live.chainNow()} route={route} />
            ))}
          </div>
        ) : snapshot ? (
          <LiveContext.Provider value={{ live: one.connection.live, state, snapshot, now, href: link }}>
            {chain ? (
              <div data-chain={String(chain.id)}>
                <View route={route} />
              </div>
            ) : (
              <View route={route} />
            )}
          </LiveContext.Provider>
        ) : state.health.state === "unreachable" ? (
          <p class="empty">Nothing to show until the indexer answers.</p>
        ) : (
          <p class="empty">Reading the swarm from {state.base}…</p>
        )}
      </main>
      <footer class="foot">
        Pushed by the indexer's live query ({states.reduce((n, s) => n + s.signals, 0)} changes so far); read over
        GraphQL and REST. Times are the chain's clock
        {Number.isFinite(state.clockOffset) && Math.abs(state.clockOffset) > 2
          ? ` (${duration(Math.abs(state.clockOffset))} ${state.clockOffset > 0 ? "ahead of" : "behind"} this computer)`
          : ""}
        .
        {several
          ? ` This indexer follows ${connections.length} chains: ` +
            `${connections.map((c) => chainLabel(c.chain!)).join(", ")}.`
          : ""}
      </footer>
    </>
  );
}
