/**
 * `stigmergy mcp` end to end: the MCP SDK's own client spawns the server over stdio (as an LLM
 * host would), against the shared node and indexer, acting as development account 2. Another
 * agent (account 12) plays the rest of the world through the SDK.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "chai";
import { parseEther } from "viem";
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { startTcpProxy, type TcpProxy } from "../../scripts/lib/proxy.ts";
import { type Agent, abis, contractAddress, payloadText } from "../../sdk/src/index.ts";
import { account, advance, agentFor, eventually, type SdkStack, sdkStack } from "./helpers/stack.ts";

const TOOLS = [
  "whoami",
  "register_agent",
  "stake",
  "list_tasks",
  "get_task",
  "claim_task",
  "submit_task",
  "escalate_task",
  "post_task",
  "send_message",
  "post_message",
  "read_messages",
  "current_leader",
  "acquire_lock",
  "release_lock",
];

const CLI = "sdk/bin/stigmergy.js";

/** `stigmergy mcp` with `flags`, as an MCP host runs it (node + the built CLI). */
const serverArgs = (flags: string[]): string[] => [CLI, "mcp", ...flags];

type Json = Record<string, unknown>;

const textOf = (r: CallToolResult): string => {
  const [first] = r.content;
  return first?.type === "text" ? first.text : "";
};

describe("sdk: mcp server", () => {
  let stack: SdkStack;
  let flags: string[];
  let client: Client;
  let transport: StdioClientTransport;
  let stderr = "";
  let poster: Agent;
  let me: bigint; // the MCP server's agent id, once registered
  let mcpAccount: PrivateKeyAccount;

  const call = async (name: string, args: Json = {}): Promise<CallToolResult> =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  /** Calls a tool that must succeed and returns its JSON result. */
  const ok = async (name: string, args: Json = {}): Promise<Json> => {
    const result = await call(name, args);
    expect(result.isError, `${name} failed: ${textOf(result)}`).to.not.equal(true);
    const json = JSON.parse(textOf(result)) as Json;
    expect(result.structuredContent).to.deep.equal(json);
    return json;
  };
  /** Calls a tool that must fail and returns its error text. */
  const fails = async (name: string, args: Json = {}): Promise<string> => {
    const result = await call(name, args);
    expect(result.isError, `${name} unexpectedly succeeded: ${textOf(result)}`).to.equal(true);
    return textOf(result);
  };

  before(async function () {
    this.timeout(300_000);
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the SDK first (npm run build -w @stigmergy/sdk)`);
    stack = await sdkStack();
    // A fresh key (no agent yet, whatever ran before), funded by development account 0.
    const key = generatePrivateKey();
    mcpAccount = privateKeyToAccount(key);
    const funder = await agentFor(0);
    const hash = await funder.walletClient!.sendTransaction({
      to: mcpAccount.address,
      value: parseEther("10"),
      account: funder.walletClient!.account,
      chain: funder.walletClient!.chain,
    });
    await funder.publicClient.waitForTransactionReceipt({ hash });
    flags = [
      "--rpc",
      stack.node.url,
      "--indexer",
      stack.indexerUrl,
      "--deployment",
      join(stack.dir, `${stack.node.chainId}.json`),
      "--key",
      key,
    ];
    poster = await agentFor(12);
    await poster.identity.register({ uri: "ipfs://mcp-test-poster" });
    transport = new StdioClientTransport({
      command: process.execPath,
      args: serverArgs(flags),
      cwd: process.cwd(),
      env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: "stigmergy-mcp-test", version: "0.0.0" });
    await client.connect(transport);
  });

  after(async () => {
    await client?.close();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.error(`server stderr:\n${stderr}`);
  });

  it("lists every tool with a title, a description and an input schema describing each field", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).to.have.members(TOOLS);
    for (const tool of tools) {
      expect(tool.title, tool.name).to.be.a("string").and.not.equal("");
      expect(tool.description, tool.name).to.be.a("string").and.not.equal("");
      expect(tool.inputSchema.type, tool.name).to.equal("object");
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`)
          .to.be.a("string")
          .and.not.equal("");
      }
    }
    const post = tools.find((t) => t.name === "post_task")!;
    expect(post.inputSchema.required).to.have.members(["spec_uri", "reward"]);
  });

  it("whoami shows the account, no agent yet, and the chain", async () => {
    const who = await ok("whoami");
    expect(who.address).to.equal(mcpAccount.address);
    expect(who.agentId).to.equal(null);
    expect(who.chainId).to.equal(stack.node.chainId);
    expect(BigInt(who.chainTime as string) > 0n).to.equal(true);
  });

  it("register_agent registers an agent from a name and description; stake with faucet stakes behind it", async () => {
    const registered = await ok("register_agent", {
      name: "mcp-worker",
      description: "Does tasks for the MCP test.",
      capabilities: ["mcp-test"],
    });
    me = BigInt(registered.agentId as string);
    expect(await poster.identity.hasCapability("mcp-test", me)).to.equal(true);
    const uri = registered.uri as string;
    expect(uri.startsWith("data:application/json;base64,")).to.equal(true);
    expect(JSON.parse(Buffer.from(uri.split(",")[1]!, "base64").toString()).name).to.equal("mcp-worker");
    expect((await ok("whoami")).agentId).to.equal(me.toString());

    const staked = await ok("stake", { amount: "10", faucet: true });
    expect(staked.staked).to.equal("10");
    expect(await poster.staking.stakeOf(me)).to.equal(parseEther("10"));
    expect((await ok("whoami")).stake).to.equal("10");
  });

  it("lists a task another agent posted, claims it for the MCP agent, and submits a result", async () => {
    const { taskId } = await poster.tasks.post({
      specURI: "ipfs://mcp-task-1",
      maxReward: parseEther("0.001"),
      capability: "mcp-test",
    });
    const listed = await eventually(async () => {
      const { tasks } = await ok("list_tasks", { poster: poster.address!, capability: "mcp-test" });
      return (tasks as Json[]).find((t) => t.id === taskId.toString());
    }, "list_tasks to show the posted task");
    expect(listed).to.include({ status: "open", specURI: "ipfs://mcp-task-1", rewardEth: "0.001", claimant: "0" });

    const claim = await ok("claim_task", { task_id: taskId.toString() });
    expect(claim).to.include({ claimed: true, taskId: taskId.toString(), agentId: me.toString(), attempt: 1 });
    const onChain = await agentFor(12, { indexer: false });
    expect((await onChain.tasks.get(taskId))?.claimant).to.equal(me);

    const submitted = await ok("submit_task", {
      task_id: Number(taskId),
      attempt: 1,
      result_uri: "data:text/plain,done",
    });
    expect(submitted.status).to.equal("submitted");
    expect((await onChain.tasks.get(taskId))?.status).to.equal("submitted");
    const shown = await eventually(async () => {
      const { task } = await ok("get_task", { task_id: taskId.toString() });
      return (task as Json).status === "submitted" ? (task as Json) : undefined;
    }, "get_task to show the submission");
    expect(shown.resultURI).to.equal("data:text/plain,done");
  });

  it("escalate_task asks the approver and stops the lease clock; the approver's resume returns the claim", async () => {
    const { taskId } = await poster.tasks.post({
      specURI: "ipfs://mcp-escalate",
      maxReward: parseEther("0.001"),
      capability: "mcp-test",
    });
    const claim = await ok("claim_task", { task_id: taskId.toString() });
    const escalated = await ok("escalate_task", {
      task_id: taskId.toString(),
      attempt: claim.attempt,
      question_uri: "data:text/plain,which source counts?",
    });
    const onChain = await agentFor(12, { indexer: false });
    const board = { address: contractAddress(onChain.deployment, "TaskBoard"), abi: abis.TaskBoard } as const;
    // The model's inline text with spaces is percent-encoded into a URI (what a reader decodes).
    const asked = (
      await onChain.publicClient.getContractEvents({
        ...board,
        eventName: "TaskEscalated",
        args: { taskId },
        fromBlock: 0n,
      })
    )[0]!;
    expect(decodeURI(asked.args.questionURI!)).to.equal("data:text/plain,which source counts?");
    const answerBy = await onChain.publicClient.readContract({
      ...board,
      functionName: "escalationDeadline",
      args: [taskId],
    });
    expect(escalated).to.include({
      status: "escalated",
      taskId: taskId.toString(),
      attempt: claim.attempt,
      answerBy: answerBy.toString(),
    });
    expect(Number(escalated.leaseRemainingSeconds)).to.be.greaterThan(0);
    expect((await onChain.tasks.get(taskId))?.status).to.equal("escalated");

    // Through the SDK a URI with a space is refused before anything is sent, saying how to write it.
    const refused = await poster.tasks
      .resolveEscalation(taskId, "data:text/plain,the first", true)
      .catch((e: Error) => e);
    expect((refused as Error).message).to.include(
      "Invalid answerURI: a URI cannot hold spaces or line breaks: percent-encode them (a space is %20)",
    );
    await poster.tasks.resolveEscalation(taskId, "data:text/plain,the%20first", true);
    const resumed = await onChain.tasks.get(taskId);
    expect(resumed).to.include({ status: "claimed", claimant: me, attempt: claim.attempt });
    // Wrong attempt: a typed error with its plain message, nothing sent.
    const error = await fails("escalate_task", {
      task_id: taskId.toString(),
      attempt: 99,
      question_uri: "data:text/plain,again",
    });
    expect(error).to.match(/^STALE_ATTEMPT: attempt 99 on task \d+ is stale/);
  });

  it(
    "claim_task without a task id picks an open task; " +
      "claiming it again returns TASK_NOT_OPEN with the plain message",
    async () => {
      const { taskId } = await poster.tasks.post({
        specURI: "ipfs://mcp-task-2",
        maxReward: parseEther("0.001"),
        capability: "mcp-test",
      });
      await eventually(
        async () => ((await poster.tasks.get(taskId))?.status === "open" ? true : undefined),
        "the indexer to show the task open",
      );
      const claim = await ok("claim_task", { poster: poster.address!, capability: "mcp-test" });
      expect(claim).to.include({ claimed: true, taskId: taskId.toString(), agentId: me.toString() });

      const error = await fails("claim_task", { task_id: taskId.toString() });
      expect(error).to.equal(`TASK_NOT_OPEN: task ${taskId} was already claimed by agent ${me} (attempt 1)`);
      // The server keeps answering.
      expect((await ok("whoami")).agentId).to.equal(me.toString());
      expect(await ok("claim_task", { poster: poster.address!, capability: "mcp-test" })).to.include({
        claimed: false,
      });
    },
  );

  it("an invalid input comes back as INVALID_INPUT naming the field, and nothing is sent", async () => {
    const nonce = () => poster.publicClient.getTransactionCount({ address: mcpAccount.address });
    const before = await nonce();
    expect(await fails("post_task", { spec_uri: "ipfs://bad", reward: "-1" })).to.match(
      /^INVALID_INPUT: Invalid reward: /,
    );
    expect(await fails("post_task", { spec_uri: "ipfs://bad", reward: "0.01", lease_seconds: "soon" })).to.match(
      /^INVALID_INPUT: Invalid lease_seconds: /,
    );
    expect(await fails("get_task", {})).to.equal("INVALID_INPUT: Invalid task_id: is required.");
    expect(await fails("get_task", { taskId: 1 })).to.equal(
      "INVALID_INPUT: Invalid taskId: is not an input of this tool; use task_id.",
    );
    expect(await fails("get_task", { task_id: "999999" })).to.match(/^NOT_FOUND: /);
    expect(await nonce()).to.equal(before, "no transaction was sent");
    // And the server still works: post_task with valid inputs posts.
    const posted = await ok("post_task", {
      spec_uri: "ipfs://mcp-posted",
      reward: "0.002",
      capability: "nobody-has-this",
      lease_seconds: 120,
      deadline_seconds: "3600",
    });
    const task = await (await agentFor(12, { indexer: false })).tasks.get(BigInt(posted.taskId as string));
    expect(task?.maxReward).to.equal(parseEther("0.002"));
    expect(task?.leaseDuration).to.equal(120n);
  });

  it("send_message and post_message write as the MCP agent; read_messages reads the inbox and channels", async () => {
    const sent = await ok("send_message", { to: poster.agentId!.toString(), text: "hello from mcp" });
    expect(sent.from).to.equal(me.toString());
    const inPosterInbox = await eventually(
      async () => (await poster.messages.inbox()).find((m) => m.seq === BigInt(sent.seq as string)),
      "the message in the poster's inbox",
    );
    expect(inPosterInbox.fromAgentId).to.equal(me);
    expect(payloadText(inPosterInbox.payload)).to.equal("hello from mcp");

    await poster.messages.send(me, "reply from the poster");
    const inbox = await eventually(async () => {
      const read = await ok("read_messages");
      return (read.messages as Json[]).length > 0 ? read : undefined;
    }, "read_messages to show the reply");
    expect((inbox.messages as Json[]).map((m) => [m.from, m.text])).to.deep.equal([
      [poster.agentId!.toString(), "reply from the poster"],
    ]);
    expect((await ok("read_messages", { after: inbox.lastSeq as string })).messages).to.deep.equal([]);

    const channel = `mcp-news-${Date.now()}`;
    await ok("post_message", { channel, text: "first" });
    await poster.messages.post(channel, "second");
    const onChannel = await eventually(async () => {
      const read = await ok("read_messages", { channel });
      return (read.messages as Json[]).length === 2 ? (read.messages as Json[]) : undefined;
    }, "read_messages to show both channel posts");
    expect(onChannel.map((m) => [m.from, m.text])).to.deep.equal([
      [me.toString(), "first"],
      [poster.agentId!.toString(), "second"],
    ]);
  });

  it("current_leader shows the leader of a group elected through the SDK", async () => {
    const { groupId } = await poster.election.createGroup({
      name: `mcp-group-${Date.now()}`,
      epochDuration: 3_600,
      heartbeatTimeout: 600,
    });
    await poster.staking.faucet(parseEther("5"));
    await poster.staking.stake(parseEther("5"));
    await poster.election.join(groupId);
    await advance(1);
    const { leader, term } = await poster.election.elect(groupId);
    expect(leader).to.equal(poster.agentId);
    const shown = await eventually(async () => {
      const l = await ok("current_leader", { group_id: groupId.toString() });
      return l.leader === leader.toString() ? l : undefined;
    }, "current_leader to show the elected leader");
    expect(shown).to.include({ hasLeader: true, isMe: false, term: term.toString() });
  });

  it(
    "acquire_lock takes a lock for the MCP agent; " +
      "release_lock frees it; a lock someone else holds returns LOCK_HELD",
    async () => {
      const key = `mcp-lock-${Date.now()}`;
      const lease = await ok("acquire_lock", { key, ttl_seconds: 60 });
      expect(lease.holder).to.equal(me.toString());
      expect((await poster.locks.holder(key)).agentId).to.equal(me);
      expect(await ok("release_lock", { key, fencing_token: lease.fencingToken as string })).to.include({
        released: true,
      });
      expect((await poster.locks.holder(key)).agentId).to.equal(0n);

      const theirs = await poster.locks.acquire(key, { ttl: 60 });
      const held = await fails("acquire_lock", { key });
      expect(held).to.match(new RegExp(`^LOCK_HELD: lock 0x[0-9a-f]{64} is held by agent ${poster.agentId} `));
      await poster.locks.release(key, theirs.fencingToken);
    },
  );

  it("stops when the client closes the connection", async () => {
    const pid = transport.pid;
    expect(pid).to.be.a("number");
    await client.close();
    await eventually(
      () => (stderr.includes("the client closed the connection; stopped") ? true : undefined),
      "the server to report the closed connection",
    );
    await eventually(() => {
      try {
        process.kill(pid!, 0);
        return undefined;
      } catch {
        return true; // no such process: it exited
      }
    }, "the server process to exit");
  });

  it("exits with code 0 by itself when stdin ends", async () => {
    const child = spawn(process.execPath, serverArgs(flags), { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    await eventually(() => (err.includes("serving") ? true : undefined), "the server to start", 120_000);
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, err).to.equal(0);
    expect(out).to.equal("", "nothing but JSON-RPC on stdout (and no request was sent)");
  });
});

describe("sdk: mcp server before the chain runs", () => {
  let stack: SdkStack;
  let proxy: TcpProxy;
  let client: Client | undefined;
  let stderr = "";

  before(async function () {
    this.timeout(300_000);
    stack = await sdkStack();
    // The server's --rpc points at a relay that refuses connections until `up()`: as a node that starts later.
    proxy = await startTcpProxy({ port: stack.node.port });
    await proxy.down();
  });
  after(async () => {
    await client?.close();
    await proxy?.close();
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") console.error(`server stderr:\n${stderr}`);
  });

  it(
    "starts with no node, lists its tools, answers a chain call with the reason and the remedy, " +
      "and picks the node up once it answers",
    async () => {
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: serverArgs(["--rpc", proxy.url, "--deployments", stack.dir, "--account", "7"]),
        cwd: process.cwd(),
        env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
        stderr: "pipe",
      });
      transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      client = new Client({ name: "stigmergy-mcp-offline-test", version: "0.0.0" });
      await client.connect(transport);
      expect(stderr).to.include(`no node answers at ${proxy.url} yet`);

      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).to.have.members(TOOLS);

      const offline = (await client.callTool({ name: "list_tasks", arguments: {} })) as CallToolResult;
      expect(offline.isError).to.equal(true);
      expect(textOf(offline)).to.equal(
        `NODE_UNREACHABLE: No node answers at ${proxy.url}. ` +
          "Start one with `npx stigmergy devnet --indexer` (or `npm start` in a Stigmergy checkout), " +
          "or pass --rpc (or set STIGMERGY_RPC_URL) to a node that runs.",
      );
      expect((offline.structuredContent as { error: { code: string; remedy: string } }).error).to.include({
        code: "NODE_UNREACHABLE",
      });

      await proxy.up();
      const online = (await client.callTool({ name: "whoami", arguments: {} })) as CallToolResult;
      expect(online.isError, textOf(online)).to.not.equal(true);
      expect(JSON.parse(textOf(online))).to.include({ address: account(7).address, chainId: stack.node.chainId });
      const listed = (await client.callTool({ name: "list_tasks", arguments: {} })) as CallToolResult;
      expect(listed.isError, textOf(listed)).to.not.equal(true);
    },
  );
});
