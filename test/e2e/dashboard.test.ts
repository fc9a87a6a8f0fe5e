/**
 * The dashboard in a real browser: Debian's Chromium (headless, driven by playwright-core; no
 * browser download) against a node, the deployment and the indexer, with a seeded workload. What
 * the page shows is checked against the chain and REST; a new task must appear without a reload
 * (the delay is measured and printed, never asserted); a failover must show the new term; the page
 * must log no console error. `.ci/run` installs Chromium when it is missing.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { createPublicClient, createWalletClient, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { postgresAvailable, startPostgres } from "../../scripts/lib/postgres.ts";
import { freePort, ROOT } from "../../scripts/lib/processes.ts";
import { runWorkload } from "../../scripts/lib/workload.ts";
import { abis } from "../../sdk/src/index.ts";
import { waitForIndexer } from "../../scripts/lib/oracle.ts";
import { type Stack, type StackIndexer, startStack } from "../../scripts/lib/stack.ts";
import { MNEMONIC, rpc, taskPoster } from "../../scripts/lib/tasks.ts";

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
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 800 },
  });
  return { context, dir };
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
  const read = <T>(contract: "TaskBoard" | "LeaderElection" | "StakeManager", functionName: string, args: unknown[] = []) =>
    chain().readContract({ address: stack.deployment.contracts[contract]!, abi: abis[contract] as never, functionName: functionName as never, args: args as never }) as Promise<T>;
  const text = (testid: string) => page.locator(`[data-testid="${testid}"]`).first();
  const value = async (testid: string) => (await text(testid).getAttribute("data-value")) ?? "";
  /** Waits until the page shows at least the node's current block (everything before it is indexed and drawn). */
  const caughtUp = async () => {
    await waitForIndexer(indexer.url, stack.node.url);
    const head = Number(await chain().getBlockNumber());
    await page.waitForFunction((h) => Number(document.querySelector('[data-testid="block"]')?.textContent ?? -1) >= h, head, { timeout: 60_000 });
  };

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium), as .ci/run does`);
    stack = await startStack();
    indexer = await stack.indexer();
    await runWorkload({ rpcUrl: stack.node.url, deployment: stack.deployment, seed: 18, rounds: 90 });
    ({ context, dir: profile } = await launch());
    page = await context.newPage();
    page.on("console", (m) => void (m.type() === "error" && problems.push(`console: ${m.text()}`)));
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("response", (r) => void (r.status() >= 400 && problems.push(`HTTP ${r.status()} ${r.url().slice(0, 120)}`)));
    await page.goto(`${indexer.url}/`); // the indexer sends / to /dashboard/
    expect(page.url()).to.equal(`${indexer.url}/dashboard/`);
    // The indexer is still catching up with the workload: until /readyz says 200 the page shows a
    // "not ready" banner, and the browser logs each 503 it got. From here on nothing may fail.
    await page.waitForSelector('[data-testid="health"][data-state="ready"][data-streaming="true"]', { timeout: 120_000 });
    problems.length = 0;
  });
  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await stack?.stop();
  });

  it("is served by the indexer with the two answers it needs: /deployment and /escrow", async () => {
    const deployment = (await (await fetch(`${indexer.url}/deployment`)).json()) as { chainId: number; contracts: Record<string, string> };
    expect(deployment.chainId).to.equal(stack.node.chainId);
    expect(deployment.contracts).to.deep.equal(stack.deployment.contracts);
    const books = (await (await fetch(`${indexer.url}/escrow`)).json()) as { block: string; tokens: { token: string; balance: string; escrowed: string; credits: string }[] };
    const eth = books.tokens.find((t) => /^0x0{40}$/.test(t.token))!;
    const block = BigInt(books.block);
    const taskBoard = stack.deployment.contracts.TaskBoard!;
    expect(BigInt(eth.balance)).to.equal(await chain().getBalance({ address: taskBoard, blockNumber: block }));
    expect(BigInt(eth.balance)).to.equal(BigInt(eth.escrowed) + BigInt(eth.credits));
    const missing = await fetch(`${indexer.url}/dashboard/assets/nothing-here.js`);
    expect([missing.status, ((await missing.json()) as { reason: string }).reason]).to.deep.equal([404, "dashboard file assets/nothing-here.js does not exist"]);
    const html = await fetch(`${indexer.url}/dashboard/`);
    expect([html.status, html.headers.get("content-type")]).to.deep.equal([200, "text/html; charset=utf-8"]);
  });

  it("shows task counts by status equal to the chain's and REST's", async () => {
    await caughtUp();
    const count = Number(await read<bigint>("TaskBoard", "taskCount"));
    const onChain = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<string, number>;
    for (let id = 1; id <= count; id++) onChain[CHAIN_STATUS[(await read<{ status: number }>("TaskBoard", "getTask", [BigInt(id)])).status]!]!++;
    const shown: Record<string, number> = {};
    const rest: Record<string, number> = {};
    for (const s of STATUSES) {
      shown[s] = Number(await text(`count-${s}`).textContent());
      rest[s] = ((await (await fetch(`${indexer.url}/tasks?status=${s}&limit=500`)).json()) as { tasks: unknown[] }).tasks.length;
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
      await page.evaluate(`(() => {
        window.shownAt = undefined;
        const seen = () => document.querySelector('[data-testid="task-${next}"]') && (window.shownAt ??= performance.timeOrigin + performance.now());
        new MutationObserver((_, o) => seen() && o.disconnect()).observe(document.body, { childList: true, subtree: true });
      })()`);
      await post({ specURI: `ipfs://dashboard-live-${i}` });
      const mined = Date.now();
      await page.waitForSelector(`[data-testid="task-${next}"]`, { timeout: 60_000 });
      const shownAt = await page.evaluate(() => (window as unknown as { shownAt: number }).shownAt);
      delays.push(Math.max(0, shownAt - mined));
    }
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).to.equal(true);
    console.log(`      receipt → task on screen, 5 tasks: median ${Math.round(median(delays))} ms, max ${Math.round(Math.max(...delays))} ms (${delays.map(Math.round).join(", ")})`);
  });

  it("shows the new term once the leader is failed over", async () => {
    await page.goto(`${indexer.url}/dashboard/#/`);
    const caller = createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: 16 }), transport: http(stack.node.url) });
    const election = { address: stack.deployment.contracts.LeaderElection!, abi: abis.LeaderElection, chain: null } as const;
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
    await page.waitForFunction((t) => document.querySelector('[data-testid="group-1-term"]')?.getAttribute("data-value") === t, after.toString(), { timeout: 60_000 });
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
    for (const view of ["agents/1", "groups", "tasks/1", "lanes", "coordination", "messages", "escrow", "activity?agent=1", "agents"]) {
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
      await page.waitForSelector('[data-testid="health"][data-state="ready"][data-streaming="true"]', { timeout: 60_000 });
      // Until then a fresh indexer may answer 503 (not ready): those failed loads are expected.
      problems.length = 0;
      const host = onPostgres.url.replace(/^https?:\/\//, "");
      expect(await page.locator(".where").textContent()).to.include(host);
      const head = Number(await chain().getBlockNumber());
      await page.waitForFunction((h) => Number(document.querySelector('[data-testid="block"]')?.textContent ?? -1) >= h, head, { timeout: 60_000 });
      for (const s of STATUSES) {
        const rest = ((await (await fetch(`${onPostgres.url}/tasks?status=${s}&limit=500`)).json()) as { tasks: unknown[] }).tasks.length;
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
