/**
 * The dashboard in a real browser: Debian's Chromium (headless, driven by playwright-core; no
 * browser download) against a node, the deployment and the indexer, with a seeded workload. What
 * the page shows is checked against the chain and REST; a new task must appear without a reload
 * (the delay is measured and printed, never asserted); a failover must show the new term; the page
 * must log no console error. `.ci/run` installs Chromium when it is missing. With an indexer that
 * follows two chains, every chain is shown side by side, or one chosen, and reads only its own rows.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { createPublicClient, createWalletClient, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { LOCAL_CHAIN_IDS } from "../../scripts/lib/chains.ts";
import { waitForIndexer } from "../../scripts/lib/oracle.ts";
import { postgresAvailable, startPostgres } from "../../scripts/lib/postgres.ts";
import {
  freePort,
  HARDHAT_BIN,
  ROOT,
  type RunningIndexer,
  type RunningNode,
  runToEnd,
  startHardhatNode,
  startIndexer,
} from "../../scripts/lib/processes.ts";
import { startTcpProxy, type TcpProxy } from "../../scripts/lib/proxy.ts";
import { type Stack, type StackIndexer, startStack } from "../../scripts/lib/stack.ts";
import { MNEMONIC, rpc, taskPoster } from "../../scripts/lib/tasks.ts";
import { runWorkload } from "../../scripts/lib/workload.ts";
import { abis, type Deployment, parseDeployment } from "../../sdk/src/index.ts";

/** Page-side globals for the callbacks that run in the browser (the root tsconfig has no DOM library). */
declare const document: {
  querySelector(selector: string): { textContent: string | null; getAttribute(name: string): string | null } | null;
  activeElement: { textContent: string | null } | null;
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number };
declare const location: { hash: string };

const CHROMIUM = "/usr/bin/chromium";
const STATUSES = ["open", "claimed", "submitted", "escalated", "accepted", "cancelled", "expired"] as const;
const CHAIN_STATUS = ["none", ...STATUSES];
/** Where the test leaves its screenshots (not committed; the README's comes from a real `npm start`). */
const SHOTS = join(ROOT, ".stigmergy", "screenshots");

async function launch(): Promise<{ context: BrowserContext; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "stigmergy-chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 800 },
  });
  return { context, dir };
}

/** A health verdict: a 503 from it is an answer the page shows, not a failed request. */
const isProbe = (url: string) => /^\/(readyz|healthz)$/.test(new URL(url).pathname);

/** Collects the page's console errors, uncaught errors and failed requests into `problems`. */
function watchProblems(page: Page, problems: string[]) {
  page.on("console", (m) => {
    const probe503 = isProbe(m.location().url || "http://x/") && /status of 503/.test(m.text());
    if (m.type() === "error" && !probe503) problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => {
    const probe503 = r.status() === 503 && isProbe(r.url());
    if (r.status() >= 400 && !probe503) problems.push(`HTTP ${r.status()} ${r.url().slice(0, 120)}`);
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe("the dashboard, in headless Chromium against a live indexer", function () {
  this.timeout(600_000);
  let stack: Stack;
  let indexer: StackIndexer;
  let context: BrowserContext;
  let profile: string;
  let page: Page;
  const problems: string[] = [];
  const chain = () => createPublicClient({ transport: http(stack.node.url) });
  const read = <T>(
    contract: "TaskBoard" | "LeaderElection" | "StakeManager",
    functionName: string,
    args: unknown[] = [],
  ) =>
    chain().readContract({
      address: stack.deployment.contracts[contract]!,
      abi: abis[contract] as never,
      functionName: functionName as never,
      args: args as never,
    }) as Promise<T>;
  const text = (testid: string) => page.locator(`[data-testid="${testid}"]`).first();
  const value = async (testid: string) => (await text(testid).getAttribute("data-value")) ?? "";
  /** Waits until the page shows at least the node's current block (everything before it is indexed and drawn). */
  const caughtUp = async () => {
    await waitForIndexer(indexer.url, stack.node.url);
    const head = Number(await chain().getBlockNumber());
    await page.waitForFunction(
      (h) => Number(document.querySelector('[data-testid="block"]')?.textContent ?? -1) >= h,
      head,
      { timeout: 60_000 },
    );
  };

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium), as .ci/run does`,
      );
    stack = await startStack();
    indexer = await stack.indexer();
    await runWorkload({ rpcUrl: stack.node.url, deployment: stack.deployment, seed: 18, rounds: 90 });
    ({ context, dir: profile } = await launch());
    page = await context.newPage();
    watchProblems(page, problems);
    await page.goto(`${indexer.url}/`); // the indexer sends / to /dashboard/
    expect(page.url()).to.equal(`${indexer.url}/dashboard/`);
    // The indexer is still catching up with the workload: until /readyz says 200 the page shows a
    // "not ready" banner, and the browser logs each 503 it got. From here on nothing may fail.
    await page.waitForSelector('[data-testid="health"][data-state="ready"][data-streaming="true"]', {
      timeout: 120_000,
    });
    problems.length = 0;
  });
  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await stack?.stop();
  });

  it("is served by the indexer with the two answers it needs: /deployment and /escrow", async () => {
    const deployment = (await (await fetch(`${indexer.url}/deployment`)).json()) as {
      chainId: number;
      contracts: Record<string, string>;
    };
    expect(deployment.chainId).to.equal(stack.node.chainId);
    expect(deployment.contracts).to.deep.equal(stack.deployment.contracts);
    const books = (await (await fetch(`${indexer.url}/escrow`)).json()) as {
      block: string;
      tokens: { token: string; balance: string; escrowed: string; credits: string }[];
    };
    const eth = books.tokens.find((t) => /^0x0{40}$/.test(t.token))!;
    const block = BigInt(books.block);
    const taskBoard = stack.deployment.contracts.TaskBoard!;
    expect(BigInt(eth.balance)).to.equal(await chain().getBalance({ address: taskBoard, blockNumber: block }));
    expect(BigInt(eth.balance)).to.equal(BigInt(eth.escrowed) + BigInt(eth.credits));
    const missing = await fetch(`${indexer.url}/dashboard/assets/nothing-here.js`);
    expect([missing.status, ((await missing.json()) as { reason: string }).reason]).to.deep.equal([
      404,
      "dashboard file assets/nothing-here.js does not exist",
    ]);
    const html = await fetch(`${indexer.url}/dashboard/`);
    expect([html.status, html.headers.get("content-type")]).to.deep.equal([200, "text/html; charset=utf-8"]);
  });

  it("shows task counts by status equal to the chain's and REST's", async () => {
    await caughtUp();
    expect(await page.locator('[data-testid="chain-switcher"]').count(), "one chain: no chain switcher").to.equal(0);
    const count = Number(await read<bigint>("TaskBoard", "taskCount"));
    const onChain = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<string, number>;
    for (let id = 1; id <= count; id++)
      onChain[CHAIN_STATUS[(await read<{ status: number }>("TaskBoard", "getTask", [BigInt(id)])).status]!]!++;
    const shown: Record<string, number> = {};
    const rest: Record<string, number> = {};
    for (const s of STATUSES) {
      shown[s] = Number(await text(`count-${s}`).textContent());
      rest[s] = (
        (await (await fetch(`${indexer.url}/tasks?status=${s}&limit=500`)).json()) as { tasks: unknown[] }
      ).tasks.length;
    }
    expect(count).to.be.greaterThan(3);
    expect(shown, "page vs chain").to.deep.equal(onChain);
    expect(shown, "page vs REST").to.deep.equal(rest);
  });

  it("shows the current leader and term of the group, as the chain and REST say", async () => {
    const [leader, term] = await read<[bigint, bigint, bigint, bigint]>("LeaderElection", "currentLeader", [1n]);
    const rest = (await (await fetch(`${indexer.url}/groups/1/leader`)).json()) as { leader: string; term: string };
    expect(await value("group-1-leader")).to.equal(leader.toString());
    expect(await value("group-1-term")).to.equal(term.toString());
    expect([rest.leader, rest.term]).to.deep.equal([leader.toString(), term.toString()]);
  });

  it("shows each agent's stake, as the chain and REST say", async () => {
    await page.goto(`${indexer.url}/dashboard/#/agents`);
    await page.waitForSelector('[data-testid="stake-1"]');
    for (const id of [1n, 2n, 3n]) {
      const onChain = await read<bigint>("StakeManager", "stakeOf", [id]);
      const rest = (await (await fetch(`${indexer.url}/agents/${id}`)).json()) as { stake: { active: string } };
      expect(await value(`stake-${id}`), `agent ${id}`).to.equal(onChain.toString());
      expect(rest.stake.active).to.equal(onChain.toString());
      expect(await text(`stake-${id}`).textContent()).to.match(/ STK$/);
    }
  });

  it("shows a newly posted task without a reload (the delay is measured, not asserted)", async () => {
    await page.goto(`${indexer.url}/dashboard/#/tasks`);
    await page.waitForSelector('[data-testid="count-open"]');
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const post = taskPoster(stack.node.url, stack.deployment.contracts.TaskBoard!, 15);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const next = (await read<bigint>("TaskBoard", "taskCount")) + 1n;
      // The page notes when the card appears (its own clock: the same machine's).
      // (A string: tsx would wrap a function's inner names in a helper the page does not have.)
      await page.evaluate(
        `(() => {
        window.shownAt = undefined;
        const seen = () => document.querySelector('[data-testid="task-${next}"]') && ` +
          `(window.shownAt ??= performance.timeOrigin + performance.now());
        new MutationObserver((_, o) => seen() && o.disconnect()).observe(document.body, ` +
          `{ childList: true, subtree: true });
      })()`,
      );
      await post({ specURI: `ipfs://dashboard-live-${i}` });
      const mined = Date.now();
      await page.waitForSelector(`[data-testid="task-${next}"]`, { timeout: 60_000 });
      const shownAt = await page.evaluate(() => (window as unknown as { shownAt: number }).shownAt);
      delays.push(Math.max(0, shownAt - mined));
    }
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).to.equal(true);
    console.log(
      `      receipt → task on screen, 5 tasks: median ${Math.round(median(delays))} ms, ` +
        `max ${Math.round(Math.max(...delays))} ms (${delays.map(Math.round).join(", ")})`,
    );
  });

  it("shows the new term once the leader is failed over", async () => {
    await page.goto(`${indexer.url}/dashboard/#/`);
    const caller = createWalletClient({
      account: mnemonicToAccount(MNEMONIC, { addressIndex: 16 }),
      transport: http(stack.node.url),
    });
    const election = {
      address: stack.deployment.contracts.LeaderElection!,
      abi: abis.LeaderElection,
      chain: null,
    } as const;
    const settle = async (fn: "elect" | "failover") => {
      const hash = await caller.writeContract({ ...election, functionName: fn, args: [1n], gas: 3_000_000n });
      await chain().waitForTransactionReceipt({ hash });
    };
    let [leader, before] = await read<[bigint, bigint, bigint, bigint]>("LeaderElection", "currentLeader", [1n]);
    if (leader === 0n) {
      // No seat to fail over: a new epoch's draw first (requested, then settled in a later block).
      await rpc(stack.node.url, "evm_increaseTime", [601]);
      await settle("elect");
      await settle("elect");
      [leader, before] = await read<[bigint, bigint, bigint, bigint]>("LeaderElection", "currentLeader", [1n]);
    }
    expect(leader, "a leader to fail over").to.not.equal(0n);
    await caughtUp();
    expect(await value("group-1-term")).to.equal(before.toString());
    // The leader stays silent past the heartbeat timeout (120 s in the workload's group).
    await rpc(stack.node.url, "evm_increaseTime", [121]);
    await rpc(stack.node.url, "evm_mine");
    await page.waitForSelector('[data-testid="group-1-heartbeat"][data-level="over"]', { timeout: 30_000 });
    await settle("failover");
    await page.waitForSelector('[data-testid="group-1-draw"]', { timeout: 60_000 }); // the pending draw
    await settle("elect"); // settles the failover's draw in a later block
    const [newLeader, after] = await read<[bigint, bigint, bigint, bigint]>("LeaderElection", "currentLeader", [1n]);
    expect(after > before).to.equal(true);
    await page.waitForFunction(
      (t) => document.querySelector('[data-testid="group-1-term"]')?.getAttribute("data-value") === t,
      after.toString(),
      { timeout: 60_000 },
    );
    expect(await value("group-1-leader")).to.equal(newLeader.toString());
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, "dashboard-e2e.png") });
  });

  it("opens every view with keyboard navigation, fits a phone's width, and logs no console error", async () => {
    await page.goto(`${indexer.url}/dashboard/#/`);
    await page.waitForSelector('[data-testid="count-open"]');
    // Tab from the top of the page (a click on the header's empty part) to the "Tasks" tab, open it with Enter.
    await page.mouse.click(900, 20);
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = (await page.evaluate(() => document.activeElement?.textContent?.trim())) === "Tasks";
    }
    expect(reached, "the Tasks tab is reachable with Tab").to.equal(true);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => location.hash === "#/tasks");
    for (const view of [
      "agents/1",
      "groups",
      "tasks/1",
      "lanes",
      "coordination",
      "messages",
      "escrow",
      "activity?agent=1",
      "agents",
    ]) {
      await page.goto(`${indexer.url}/dashboard/#/${view}`);
      await page.waitForSelector("main .panel, main .board, main .empty");
    }
    // The escrow reconciles: the chain's balance equals escrowed plus owed, for ETH.
    await page.goto(`${indexer.url}/dashboard/#/escrow`);
    await page.waitForSelector('[data-testid="books-ETH"]', { timeout: 30_000 });
    expect(await page.getAttribute('[data-testid="books-ETH"]', "data-ok")).to.equal("true");
    await page.setViewportSize({ width: 390, height: 844 });
    for (const view of ["", "tasks", "agents", "groups"]) {
      await page.goto(`${indexer.url}/dashboard/#/${view}`);
      await page.waitForSelector("main .panel, main .board");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `#/${view} is wider than a phone`).to.be.at.most(1);
    }
    await page.screenshot({ path: join(SHOTS, "dashboard-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(problems, problems.slice(0, 5).join("\n")).to.deep.equal([]);
  });

  it("degrades clearly when the indexer it is pointed at does not answer", async () => {
    const other = await context.newPage();
    try {
      await other.goto(`${indexer.url}/dashboard/?indexer=http://127.0.0.1:${await freePort()}`);
      await other.waitForSelector('[data-testid="health"][data-state="unreachable"]', { timeout: 30_000 });
      expect(await other.locator('[data-testid="banner"]').textContent()).to.match(/does not answer/);
    } finally {
      await other.close();
    }
  });

  it("reads any indexer given as ?indexer= — here one on PostgreSQL — with the same counts", async function () {
    if (!postgresAvailable()) this.skip();
    const pg = await startPostgres();
    let onPostgres: StackIndexer | undefined;
    try {
      onPostgres = await stack.indexer({ databaseUrl: pg.url, dbSchema: "dashboard" });
      await waitForIndexer(onPostgres.url, stack.node.url);
      await page.goto(`${indexer.url}/dashboard/?indexer=${encodeURIComponent(onPostgres.url)}#/tasks`);
      await page.waitForSelector('[data-testid="health"][data-state="ready"][data-streaming="true"]', {
        timeout: 60_000,
      });
      // Until then a fresh indexer may answer 503 (not ready): those failed loads are expected.
      problems.length = 0;
      const host = onPostgres.url.replace(/^https?:\/\//, "");
      expect(await page.locator(".where").textContent()).to.include(host);
      const head = Number(await chain().getBlockNumber());
      await page.waitForFunction(
        (h) => Number(document.querySelector('[data-testid="block"]')?.textContent ?? -1) >= h,
        head,
        { timeout: 60_000 },
      );
      for (const s of STATUSES) {
        const rest = (
          (await (await fetch(`${onPostgres.url}/tasks?status=${s}&limit=500`)).json()) as { tasks: unknown[] }
        ).tasks.length;
        expect(Number(await text(`count-${s}`).textContent()), s).to.equal(rest);
      }
      expect(problems, problems.slice(0, 5).join("\n")).to.deep.equal([]);
    } finally {
      await page.goto(`${indexer.url}/dashboard/`).catch(() => {});
      await onPostgres?.stop();
      pg.stop();
    }
  });
});

describe("the dashboard, with one indexer following two chains (l1 31337 and op 31338)", function () {
  this.timeout(600_000);
  let dir: string;
  let l1: RunningNode;
  let op: RunningNode;
  /** The indexer reaches the op node only through this proxy (cut to take the chain away). */
  let opProxy: TcpProxy;
  let indexer: RunningIndexer;
  let context: BrowserContext;
  let profile: string;
  let page: Page;
  const deployments: Record<number, Deployment> = {};
  const problems: string[] = [];
  const L1 = LOCAL_CHAIN_IDS.l1;
  const OP = LOCAL_CHAIN_IDS.op;
  const nodeOf = (chainId: number) => (chainId === L1 ? l1 : op);
  const rest = async <T>(path: string) => (await (await fetch(`${indexer.url}${path}`)).json()) as T;
  /** The element with `testid` in chain `chainId`'s part of the page. */
  const inChain = (chainId: number, testid: string) =>
    page.locator(`[data-chain="${chainId}"] [data-testid="${testid}"]`).first();
  /** Waits until chain `chainId`'s part of the page shows at least that node's current block. */
  const caughtUp = async (chainId: number) => {
    await waitForIndexer(indexer.url, nodeOf(chainId).url);
    const head = Number(await createPublicClient({ transport: http(nodeOf(chainId).url) }).getBlockNumber());
    await page.waitForFunction(
      ([id, h]) => Number(document.querySelector(`[data-chain="${id}"] [data-testid="block"]`)?.textContent ?? -1) >= h,
      [chainId, head] as const,
      { timeout: 60_000 },
    );
  };
  const countsShown = async (chainId: number): Promise<Record<string, number>> =>
    Object.fromEntries(
      await Promise.all(STATUSES.map(async (s) => [s, Number(await inChain(chainId, `count-${s}`).textContent())])),
    );
  const countsByRest = async (chainId: number) =>
    Object.fromEntries(
      await Promise.all(
        STATUSES.map(async (s) => [
          s,
          (await rest<{ tasks: unknown[] }>(`/tasks?chain=${chainId}&status=${s}&limit=500`)).tasks.length,
        ]),
      ),
    );

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium), as .ci/run does`,
      );
    dir = mkdtempSync(join(tmpdir(), "stigmergy-dashboard-chains-"));
    [l1, op] = await Promise.all([
      startHardhatNode(await freePort()),
      startHardhatNode(await freePort(), () => {}, { chainType: "op" }),
    ]);
    for (const [node, network] of [
      [l1, "localhost"],
      [op, "localhostOp"],
    ] as const) {
      const deployed = await runToEnd(
        process.execPath,
        [HARDHAT_BIN, "run", "scripts/deploy.ts", "--network", network],
        { STIGMERGY_RPC_URL: node.url, STIGMERGY_DEPLOYMENTS_DIR: dir },
      );
      if (deployed.code !== 0) throw new Error(`deploy to ${network} failed:\n${deployed.output}`);
      const path = join(dir, `${node.chainId}.json`);
      deployments[node.chainId] = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
    }
    // Different work on each chain: task 1, agent 1 and group 1 are different things on each.
    await Promise.all([
      runWorkload({ rpcUrl: l1.url, deployment: deployments[L1]!, seed: 18, rounds: 40 }),
      runWorkload({ rpcUrl: op.url, deployment: deployments[OP]!, seed: 81, rounds: 60 }),
    ]);
    opProxy = await startTcpProxy({ port: op.port });
    indexer = await startIndexer({
      rpcUrl: l1.url,
      deploymentsDir: dir,
      port: await freePort(),
      pgliteDir: join(dir, "pglite", "ponder"),
      env: {
        STIGMERGY_CHAINS: JSON.stringify([
          { name: "l1", id: L1, rpc: l1.url },
          { name: "op", id: OP, rpc: opProxy.url },
        ]),
        STIGMERGY_WEBHOOK_DIR: join(dir, "pglite", "webhooks"),
      },
    });
    ({ context, dir: profile } = await launch());
    page = await context.newPage();
    watchProblems(page, problems);
    await page.goto(`${indexer.url}/dashboard/`);
    for (const id of [L1, OP]) {
      await page.waitForSelector(
        `[data-chain="${id}"] [data-testid="health"][data-state="ready"][data-streaming="true"]`,
        { timeout: 120_000 },
      );
    }
    problems.length = 0;
  });
  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await indexer?.stop();
    await opProxy?.close();
    await l1?.stop();
    await op?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("opens on every chain side by side, each labelled, with its task counts, as its chain and REST say", async () => {
    const switcher = page.locator('[data-testid="chain-switcher"]');
    expect((await switcher.textContent())?.replace(/\s+/g, " ")).to.match(
      /All chains.*l1 · chain 31337.*op · chain 31338/,
    );
    for (const id of [L1, OP]) {
      await caughtUp(id);
      expect(await page.locator(`section[data-chain="${id}"] .chain-title`).textContent()).to.include(`chain ${id}`);
      const count = Number(
        await createPublicClient({ transport: http(nodeOf(id).url) }).readContract({
          address: deployments[id]!.contracts.TaskBoard!,
          abi: abis.TaskBoard,
          functionName: "taskCount",
        }),
      );
      const shown = await countsShown(id);
      expect(
        Object.values(shown).reduce((a, b) => a + b, 0),
        `chain ${id}: every task once`,
      ).to.equal(count);
      expect(shown, `chain ${id}: page vs REST`).to.deep.equal(await countsByRest(id));
    }
    expect(await countsShown(L1)).to.not.deep.equal(await countsShown(OP));
  });

  it("shows one chain's views when chosen, and every link stays on that chain", async () => {
    await page.click(`[data-chain-link="${OP}"]`);
    await page.waitForFunction((id) => location.hash === `#/?chain=${id}`, OP);
    expect(await page.locator(".meta").textContent()).to.match(/^op · chain 31338 · block/);
    expect(await page.locator("section.chain-col").count(), "no other chain's column").to.equal(0);
    expect(await countsShown(OP)).to.deep.equal(await countsByRest(OP));
    // The tabs, and the links inside a view, keep the chain.
    await page.click('nav.tabs a:has-text("Tasks")');
    await page.waitForFunction((id) => location.hash === `#/tasks?chain=${id}`, OP);
    const [first] = (await rest<{ tasks: { id: string }[] }>(`/tasks?chain=${OP}&limit=1`)).tasks;
    await page.goto(`${indexer.url}/dashboard/#/tasks/${first!.id}?chain=${OP}`);
    const task = (await rest<{ task: { poster: string; specURI: string } }>(`/tasks/${first!.id}?chain=${OP}`)).task;
    await page.waitForSelector(`[data-chain="${OP}"] main .panel, [data-chain="${OP}"] .panel`);
    expect(await page.locator(`[data-chain="${OP}"]`).textContent()).to.include(task.specURI);
    const anchors = await page.locator(`[data-chain="${OP}"] a[href^="#/"]`).all();
    const links = (await Promise.all(anchors.map((a) => a.getAttribute("href")))).map(String);
    expect(links.length).to.be.greaterThan(0);
    expect(
      links.filter((h) => !h.includes(`chain=${OP}`)),
      "links that leave the chain",
    ).to.deep.equal([]);
    // The agents view reads the op chain's stakes.
    await page.goto(`${indexer.url}/dashboard/#/agents?chain=${OP}`);
    await page.waitForSelector(`[data-chain="${OP}"] [data-testid="stake-1"]`);
    const stake = await createPublicClient({ transport: http(op.url) }).readContract({
      address: deployments[OP]!.contracts.StakeManager!,
      abi: abis.StakeManager,
      functionName: "stakeOf",
      args: [1n],
    });
    expect(await inChain(OP, "stake-1").getAttribute("data-value")).to.equal(stake.toString());
  });

  it("shows a task posted on op in op's column, live, and not in l1's", async () => {
    await page.goto(`${indexer.url}/dashboard/#/tasks`);
    await page.waitForSelector(`section[data-chain="${OP}"] [data-testid="count-open"]`);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const board = deployments[OP]!.contracts.TaskBoard!;
    const opCount = await createPublicClient({ transport: http(op.url) }).readContract({
      address: board,
      abi: abis.TaskBoard,
      functionName: "taskCount",
    });
    const l1Count = await createPublicClient({ transport: http(l1.url) }).readContract({
      address: deployments[L1]!.contracts.TaskBoard!,
      abi: abis.TaskBoard,
      functionName: "taskCount",
    });
    const next = opCount + 1n;
    await taskPoster(op.url, board, 15)({ specURI: "ipfs://only-on-op" });
    await page.waitForSelector(`section[data-chain="${OP}"] [data-testid="task-${next}"]`, { timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).to.equal(true);
    if (next > l1Count)
      expect(await page.locator(`section[data-chain="${L1}"] [data-testid="task-${next}"]`).count()).to.equal(0);
    await caughtUp(L1);
    expect(await countsShown(L1)).to.deep.equal(await countsByRest(L1));
  });

  it("fits a phone's width with both chains, and logs no console error", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const view of ["", "tasks", "agents", "groups"]) {
      await page.goto(`${indexer.url}/dashboard/#/${view}`);
      await page.waitForSelector(`section[data-chain="${OP}"] .panel, section[data-chain="${OP}"] .board`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `#/${view} is wider than a phone`).to.be.at.most(1);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${indexer.url}/dashboard/#/`);
    await page.waitForSelector(`section[data-chain="${OP}"] [data-testid="count-open"]`);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, "dashboard-two-chains.png") });
    expect(problems, problems.slice(0, 5).join("\n")).to.deep.equal([]);
  });

  it(
    "marks a chain whose node is gone not ready, " +
      "in its own column and in the switcher, while the other stays live",
    async () => {
      await page.goto(`${indexer.url}/dashboard/#/`);
      await page.waitForSelector(`section[data-chain="${OP}"] [data-testid="health"][data-state="ready"]`);
      await opProxy.down();
      try {
        // The page asks each chain's /readyz?chain= with every change and every 15 s.
        await page.waitForSelector(`section[data-chain="${OP}"] [data-testid="health"][data-state="not-ready"]`, {
          timeout: 60_000,
        });
        const banner = await page.locator(`section[data-chain="${OP}"] [data-testid="banner"]`).textContent();
        expect(banner).to.match(/chain 31338 \(op\): the chain's JSON-RPC does not answer/);
        expect(await page.locator(`[data-chain-link="${OP}"]`).textContent()).to.include("(not ready)");
        expect(await page.getAttribute('header [data-testid="health"]', "data-state"), "the page as a whole").to.equal(
          "not-ready",
        );
        expect(await page.getAttribute(`section[data-chain="${L1}"] [data-testid="health"]`, "data-state")).to.equal(
          "ready",
        );
        expect(await page.locator(`section[data-chain="${L1}"] [data-testid="banner"]`).count()).to.equal(0);
      } finally {
        await opProxy.up();
      }
      await page.waitForSelector(`section[data-chain="${OP}"] [data-testid="health"][data-state="ready"]`, {
        timeout: 90_000,
      });
      expect(await page.locator(`[data-chain-link="${OP}"]`).textContent()).to.not.include("not ready");
    },
  );
});
