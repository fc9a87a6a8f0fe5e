import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import {
  type Abi,
  createPublicClient,
  createWalletClient,
  erc721Abi,
  getAddress,
  type Hex,
  http,
  parseEventLogs,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { GAS_PRICE_ORACLE_ABI, LOCAL_CHAIN_IDS, OP_L1_FEE_SCALARS, OP_PREDEPLOYS } from "../../scripts/lib/chains.ts";
import { freePort, ROOT, type RunningNode, runToEnd, startHardhatNode } from "../../scripts/lib/processes.ts";
import { MNEMONIC } from "../../scripts/lib/tasks.ts";
import { abis, type Deployment, identityRegistryAbi, parseDeployment } from "../../sdk/src/index.ts";

/** Hardhat's well-known test account #1 (never holds real funds). */
const ACCOUNT_1_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

describe("deployment against a real `hardhat node`", () => {
  let node: RunningNode;
  let dir: string;
  let deployment: Deployment;

  before(async () => {
    node = await startHardhatNode(await freePort());
    dir = mkdtempSync(join(tmpdir(), "stigmergy-deploy-"));
  });
  after(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("`npm run deploy -- --network localhost` writes deployments/<chainId>.json with live contracts", async () => {
    const { code, output } = await runToEnd("npm", ["run", "deploy", "--", "--network", "localhost"], {
      STIGMERGY_RPC_URL: node.url,
      STIGMERGY_DEPLOYMENTS_DIR: dir,
    });
    expect(code, output).to.equal(0);
    const path = join(dir, `${node.chainId}.json`);
    deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
    expect(deployment.chainId).to.equal(node.chainId);
    expect(deployment.startBlock).to.be.greaterThan(0);
    expect(Object.keys(deployment.contracts).sort()).to.deep.equal([
      "Governance",
      "IdentityRegistry",
      "LeaderElection",
      "LockManager",
      "MessageBus",
      "ReputationRegistry",
      "StakeManager",
      "StakeToken",
      "TaskBoard",
      "ValidationRegistry",
    ]);
    const client = createPublicClient({ transport: http(node.url) });
    for (const [name, address] of Object.entries(deployment.contracts)) {
      const code = await client.getCode({ address });
      expect(code && code.length > 2, `${name} has code`).to.equal(true);
    }
    expect(
      await client.readContract({
        address: deployment.contracts.ReputationRegistry!,
        abi: [
          {
            type: "function",
            name: "getIdentityRegistry",
            stateMutability: "view",
            inputs: [],
            outputs: [{ type: "address" }],
          },
        ] as const,
        functionName: "getIdentityRegistry",
      }),
    ).to.equal(getAddress(deployment.contracts.IdentityRegistry!));
  });

  it("an ethers v6 Contract built from the exported ABI registers an agent and reads it back", async () => {
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const signer = new Wallet(ACCOUNT_1_KEY, provider);
    const registry = new Contract(deployment.contracts.IdentityRegistry!, identityRegistryAbi, signer);
    const tx = await registry.getFunction("register(string)")("ipfs://ethers-agent");
    const receipt = await tx.wait();
    const registered = receipt.logs
      .map((log: { topics: string[]; data: string }) => registry.interface.parseLog(log))
      .find((parsed: { name: string } | null) => parsed?.name === "Registered");
    const agentId: bigint = registered.args.agentId;
    expect(registered.args.owner).to.equal(signer.address);
    const read = (name: string, ...args: unknown[]) => registry.getFunction(name).staticCall(...args);
    expect(await read("tokenURI", agentId)).to.equal("ipfs://ethers-agent");
    expect(await read("ownerOf", agentId)).to.equal(signer.address);
    expect(await read("getAgentWallet", agentId)).to.equal(signer.address);
    expect(await read("isAuthorized", signer.address, agentId)).to.equal(true);
    provider.destroy();
  });

  it("viem reads it as any ERC-721 tool would (standard ERC-721 ABI only)", async () => {
    const client = createPublicClient({ transport: http(node.url) });
    const address = deployment.contracts.IdentityRegistry!;
    const signer = new Wallet(ACCOUNT_1_KEY).address as `0x${string}`;
    const agentId = 1n;
    expect(await client.readContract({ address, abi: erc721Abi, functionName: "ownerOf", args: [agentId] })).to.equal(
      signer,
    );
    expect(await client.readContract({ address, abi: erc721Abi, functionName: "tokenURI", args: [agentId] })).to.equal(
      "ipfs://ethers-agent",
    );
    expect(await client.readContract({ address, abi: erc721Abi, functionName: "balanceOf", args: [signer] })).to.equal(
      1n,
    );
    expect(await client.readContract({ address, abi: erc721Abi, functionName: "symbol" })).to.equal("AGENT");
    const logs = await client.getLogs({ address, fromBlock: BigInt(deployment.startBlock) });
    const transfers = parseEventLogs({ abi: erc721Abi, logs, eventName: "Transfer" });
    expect(transfers.map((t) => [t.args.to, t.args.tokenId])).to.deep.equal([[signer, agentId]]);
  });

  it(
    "STIGMERGY_TREASURY and STIGMERGY_RANDOMNESS configure LeaderElection: " +
      "its slash recipient and its randomness source",
    async () => {
      const client = createPublicClient({ transport: http(node.url) });
      const wallet = createWalletClient({
        account: mnemonicToAccount(MNEMONIC, { addressIndex: 3 }),
        transport: http(node.url),
      });
      const artifact = JSON.parse(
        readFileSync(
          join(ROOT, "artifacts", "contracts", "election", "PrevrandaoRandomness.sol", "PrevrandaoRandomness.json"),
          "utf8",
        ),
      ) as { abi: Abi; bytecode: Hex };
      const hash = await wallet.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode, chain: null });
      const source = (await client.waitForTransactionReceipt({ hash })).contractAddress!;
      const treasury = mnemonicToAccount(MNEMONIC, { addressIndex: 4 }).address;
      const out = join(dir, "configured");
      const { code, output } = await runToEnd("npm", ["run", "deploy", "--", "--network", "localhost"], {
        STIGMERGY_RPC_URL: node.url,
        STIGMERGY_DEPLOYMENTS_DIR: out,
        STIGMERGY_TREASURY: treasury,
        STIGMERGY_RANDOMNESS: source,
      });
      expect(code, output).to.equal(0);
      const path = join(out, `${node.chainId}.json`);
      const configured = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
      const election = configured.contracts.LeaderElection!;
      expect(
        await client.readContract({ address: election, abi: abis.LeaderElection, functionName: "randomnessSource" }),
      ).to.equal(getAddress(source));
      const [event] = await client.getContractEvents({
        address: election,
        abi: abis.LeaderElection,
        eventName: "ElectionConfigured",
        fromBlock: BigInt(configured.startBlock),
      });
      expect(event?.args).to.deep.include({ slashRecipient: treasury, randomness: getAddress(source) });
    },
  );
});

describe("deployment against a real OP-stack `hardhat node` (--chain-type op)", () => {
  let node: RunningNode;
  let dir: string;

  before(async () => {
    node = await startHardhatNode(await freePort(), undefined, { chainType: "op" });
    dir = mkdtempSync(join(tmpdir(), "stigmergy-deploy-op-"));
  });
  after(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs as chain 31338 with OP Mainnet's L1 fee scalars in its GasPriceOracle", async () => {
    expect(node.chainId).to.equal(LOCAL_CHAIN_IDS.op);
    expect(node.chainType).to.equal("op");
    const client = createPublicClient({ transport: http(node.url) });
    const read = (functionName: "baseFeeScalar" | "blobBaseFeeScalar") =>
      client.readContract({ address: OP_PREDEPLOYS.GasPriceOracle, abi: GAS_PRICE_ORACLE_ABI, functionName });
    expect(BigInt(await read("baseFeeScalar"))).to.equal(OP_L1_FEE_SCALARS.baseFeeScalar);
    expect(BigInt(await read("blobBaseFeeScalar"))).to.equal(OP_L1_FEE_SCALARS.blobBaseFeeScalar);
  });

  it(
    "`npm run deploy -- --network localhostOp` writes deployments/31338.json; " +
      "its transactions paid an L1 data fee",
    async () => {
      const { code, output } = await runToEnd("npm", ["run", "deploy", "--", "--network", "localhostOp"], {
        STIGMERGY_RPC_URL: node.url,
        STIGMERGY_DEPLOYMENTS_DIR: dir,
      });
      expect(code, output).to.equal(0);
      const path = join(dir, `${LOCAL_CHAIN_IDS.op}.json`);
      const deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
      expect(deployment.chainId).to.equal(LOCAL_CHAIN_IDS.op);
      const client = createPublicClient({ transport: http(node.url) });
      const block = await client.getBlock({ blockNumber: BigInt(deployment.startBlock), includeTransactions: false });
      const receipt = (await client.request({
        method: "eth_getTransactionReceipt",
        params: [block.transactions[0]!],
      })) as { l1Fee?: Hex };
      expect(BigInt(receipt.l1Fee ?? "0x0") > 0n, `l1Fee ${receipt.l1Fee}`).to.equal(true);
      for (const [name, address] of Object.entries(deployment.contracts)) {
        expect(((await client.getCode({ address })) ?? "0x").length > 2, `${name} has code`).to.equal(true);
      }
    },
  );
});
