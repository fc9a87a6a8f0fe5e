import { createRequire } from "node:module";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import hardhatViemAssertions from "@nomicfoundation/hardhat-viem-assertions";
import { configVariable, defineConfig } from "hardhat/config";
import { LOCAL_CHAIN_IDS } from "./scripts/lib/chains.ts";

/**
 * The compiler is the npm `solc` package at exactly this version, loaded from
 * node_modules: nothing is downloaded at build time.
 */
export const SOLC_VERSION = "0.8.30";
const solcPath = createRequire(import.meta.url).resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatViem, hardhatViemAssertions, hardhatNetworkHelpers, hardhatMocha],
  solidity: {
    compilers: [
      {
        version: SOLC_VERSION,
        path: solcPath,
        settings: { evmVersion: "prague", optimizer: { enabled: true, runs: 10_000 }, viaIR: true },
      },
    ],
    // TaskBoard (its parts inherited into one contract) is tuned for fewer runs to stay under the
    // 24,576-byte code limit (EIP-170); its hot paths are measured by the gas snapshot either way.
    overrides: {
      "contracts/tasks/TaskBoard.sol": {
        version: SOLC_VERSION,
        path: solcPath,
        settings: { evmVersion: "prague", optimizer: { enabled: true, runs: 2_000 }, viaIR: true },
      },
    },
  },
  paths: {
    sources: "./contracts",
    tests: { mocha: "./test/contracts", solidity: "./test" },
  },
  test: {
    mocha: { timeout: 120_000 },
    solidity: {
      profiles: {
        // Fixed seeds keep runs reproducible; CI runs more cases than a local run.
        default: {
          fuzz: { runs: 256, seed: "0x5713" },
          invariant: { runs: 64, depth: 64, failOnRevert: false },
        },
        ci: {
          fuzz: { runs: 2_000, seed: "0x5713" },
          invariant: { runs: 256, depth: 128, failOnRevert: false },
        },
      },
    },
  },
  coverage: {
    // Test doubles are not product code.
    skipFiles: ["contracts/mocks/**"],
  },
  networks: {
    // An in-process OP-stack chain (GasPriceOracle and L1Block predeploys, receipts with l1Fee):
    // the bench's and the tests' `network.create("op")`. `hardhat node --chain-type op --chain-id
    // 31338` serves the same chain over JSON-RPC (scripts/lib/processes.ts, scripts/devnet.ts).
    op: {
      type: "edr-simulated",
      chainType: "op",
      chainId: LOCAL_CHAIN_IDS.op,
    },
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8545",
    },
    // A local OP-stack node (`tsx scripts/devnet.ts --chain-type op`, default port 8546).
    localhostOp: {
      type: "http",
      chainType: "op",
      url: process.env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8546",
    },
    // Any EVM chain: STIGMERGY_RPC_URL and STIGMERGY_DEPLOYER_KEY (read only when used).
    custom: {
      type: "http",
      chainType: "generic",
      url: configVariable("STIGMERGY_RPC_URL"),
      accounts: [configVariable("STIGMERGY_DEPLOYER_KEY")],
    },
  },
});
