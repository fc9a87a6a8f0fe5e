/**
 * `deployStigmergy`: the whole system on any chain a viem wallet client can reach, from the bytecode
 * this package ships — in a Hardhat project's tests (`deployStigmergy(await network.connect().viem
 * …)`), in `npm run deploy`, or from a script. Contracts are deployed in dependency order (libraries
 * they link to first), then the roles are wired: LeaderElection and TaskBoard may slash,
 * LeaderElection hears every stake change.
 */
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
  zeroAddress,
} from "viem";
import type { Deployment } from "./deployment.js";
import { abis, type ContractName } from "./generated/abis.js";
import { bytecodes } from "./generated/bytecode.js";

/**
 * What the deployment needs: a client to read receipts and a wallet client that signs
 * (its account deploys and administers).
 */
export type DeployClients = {
  publicClient: PublicClient<Transport, Chain | undefined>;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
};

/** Deployment settings; every field has a local-chain default. */
export type DeployOptions = {
  /** Existing ERC-20 to stake with; without it a StakeToken (with an open faucet: local chains only) is deployed. */
  stakeToken?: Address | undefined;
  /** Seconds unstaked tokens stay slashable (default 1 day). */
  unbondingPeriod?: bigint | undefined;
  /** Stake per unit of election weight (default 1e9: 18-decimal tokens, 18 billion per group). */
  weightUnit?: bigint | undefined;
  /** Receiver of failover and abandonment slashes (default: the deployer). */
  treasury?: Address | undefined;
  /** An IRandomnessSource for draws (default: none, the request block's hash). */
  randomness?: Address | undefined;
  /** One line per step (default: silent). */
  log?: ((line: string) => void) | undefined;
  /**
   * Deploys one contract and resolves with its address and receipt, instead of this package's
   * bytecode: for a Hardhat project whose own build must be used (coverage instruments it).
   */
  deployContract?:
    | ((name: string, args: readonly unknown[]) => Promise<{ address: Address; blockNumber: bigint; gasUsed: bigint }>)
    | undefined;
};

/**
 * Deploys every Stigmergy contract and wires their roles; resolves with the deployment record
 * (`{ chainId, startBlock, contracts }`, what `deployments/<chainId>.json` holds).
 *
 * @example
 * const deployment = await deployStigmergy({ publicClient, walletClient });
 * const taskBoard = deployment.contracts.TaskBoard;
 */
export async function deployStigmergy(clients: DeployClients, options: DeployOptions = {}): Promise<Deployment> {
  const { publicClient, walletClient } = clients;
  const log = options.log ?? (() => {});
  const chainId = await publicClient.getChainId();
  const admin = walletClient.account.address;
  const contracts: Partial<Record<ContractName, Address>> = {};
  const libraries = new Map<string, Address>();
  let startBlock: number | undefined;

  const send = async (hash: Promise<Hex>) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
    if (receipt.status !== "success")
      throw new Error(`deployStigmergy: transaction ${receipt.transactionHash} reverted`);
    return receipt;
  };

  /** Creation bytecode of `name` with every library it links to deployed and its address filled in. */
  const linked = async (name: string): Promise<Hex> => {
    const entry = bytecodes[name];
    if (!entry) throw new Error(`deployStigmergy: no bytecode for ${name}`);
    let code = entry.bytecode;
    for (const link of entry.links) {
      const address = libraries.get(link.library) ?? (await deployRaw(link.library, []));
      libraries.set(link.library, address);
      for (const offset of link.offsets) {
        const at = 2 + offset * 2; // 0x prefix, two hex digits per byte
        code = `${code.slice(0, at)}${address.slice(2).toLowerCase()}${code.slice(at + 40)}` as Hex;
      }
    }
    return code;
  };

  async function deployRaw(name: string, args: readonly unknown[]): Promise<Address> {
    log(`deploying ${name}…`);
    const { address, blockNumber, gasUsed } = options.deployContract
      ? await options.deployContract(name, args)
      : await fromBytecode(name, args);
    startBlock ??= Number(blockNumber);
    log(`  ${name.padEnd(20)} ${address}  (block ${blockNumber}, ${gasUsed} gas)`);
    return address;
  }

  async function fromBytecode(name: string, args: readonly unknown[]) {
    const abi = (abis as Record<string, Abi>)[name] ?? [];
    const bytecode = await linked(name);
    const receipt = await send(
      walletClient.deployContract({
        abi,
        bytecode,
        args,
        account: walletClient.account,
        chain: walletClient.chain ?? null,
      } as never),
    );
    if (!receipt.contractAddress) throw new Error(`deployStigmergy: ${name} has no address after deployment`);
    return { address: receipt.contractAddress, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed };
  }

  const deploy = async (name: ContractName, args: readonly unknown[] = []) =>
    (contracts[name] = await deployRaw(name, args));

  const identity = await deploy("IdentityRegistry");
  const reputation = await deploy("ReputationRegistry", [identity]);
  await deploy("ValidationRegistry", [identity]);
  const token = options.stakeToken ?? (await deploy("StakeToken"));
  if (options.stakeToken) contracts.StakeToken = options.stakeToken;
  const stakeManager = await deploy("StakeManager", [identity, token, options.unbondingPeriod ?? 86_400n, admin]);
  const treasury = options.treasury ?? admin;
  const election = await deploy("LeaderElection", [
    identity,
    stakeManager,
    options.randomness ?? zeroAddress,
    treasury,
    options.weightUnit ?? 1_000_000_000n,
  ]);
  await deploy("Governance", [identity, election]);
  await deploy("LockManager", [identity]);
  const taskBoard = await deploy("TaskBoard", [identity, stakeManager, reputation, treasury]);
  await deploy("MessageBus", [identity, election]);

  log("wiring roles…");
  const slasher = await publicClient.readContract({
    address: stakeManager,
    abi: abis.StakeManager,
    functionName: "SLASHER_ROLE",
  });
  const write = (functionName: "grantRole" | "setStakeListener", args: readonly unknown[]) =>
    send(
      walletClient.writeContract({
        address: stakeManager,
        abi: abis.StakeManager,
        functionName,
        args,
        account: walletClient.account,
        chain: walletClient.chain ?? null,
      } as never),
    );
  await write("grantRole", [slasher, election]);
  await write("setStakeListener", [election]);
  await write("grantRole", [slasher, taskBoard]);
  log("  StakeManager: LeaderElection and TaskBoard are slashers; LeaderElection is the stake listener");

  return { chainId, startBlock: startBlock ?? 0, contracts };
}
