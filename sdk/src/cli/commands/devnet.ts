/**
 * `stigmergy devnet` and `stigmergy deploy`: a local chain with Stigmergy deployed (and
 * optionally an indexer), or a deployment to any node, from a Stigmergy checkout.
 */
import { type Command, lazy } from "../command.js";

const load = () => import("../run/devnet.js");

const devnet: Command = {
  path: ["devnet"],
  summary: "Start a local Hardhat node with Stigmergy deployed (and an indexer), until Ctrl-C",
  connection: false,
  options: {
    "chain-type": {
      type: "string",
      value: "l1|op",
      description: "l1 (default, chain 31337) or op: an OP-stack chain (chain 31338, receipts with the L1 data fee)",
    },
    port: {
      type: "string",
      value: "PORT",
      description: "node port on 127.0.0.1 (default 8545, op 8546; refused if taken)",
    },
    indexer: { type: "boolean", description: "also start the indexer (Ponder, PGlite in a temporary directory)" },
    "indexer-port": { type: "string", value: "PORT", description: "indexer port (default 42069, op 42070)" },
    deployments: {
      type: "string",
      value: "DIR",
      description: "where to write <chainId>.json (default <checkout>/deployments)",
    },
  },
  details: [
    "Run inside a Stigmergy checkout (after `npm install`). Accounts: the Hardhat development mnemonic;",
    "sign with --account N in other commands. Ctrl-C stops the node and the indexer.",
  ],
  examples: [
    "stigmergy devnet --indexer",
    "stigmergy devnet --chain-type op --indexer",
    "stigmergy devnet --port 8547 --json",
  ],
  run: lazy(load, "devnet"),
};

const deploy: Command = {
  path: ["deploy"],
  summary: "Deploy the Stigmergy contracts to a node, from a checkout",
  connection: false,
  options: {
    rpc: {
      type: "string",
      value: "URL",
      description: "node JSON-RPC URL (STIGMERGY_RPC_URL; default http://127.0.0.1:8545)",
    },
    key: {
      type: "string",
      value: "0x…",
      description:
        "deployer private key (STIGMERGY_DEPLOYER_KEY); without it the node's first account deploys (local nodes)",
    },
    deployments: {
      type: "string",
      value: "DIR",
      description: "where to write <chainId>.json (STIGMERGY_DEPLOYMENTS_DIR; default <checkout>/deployments)",
    },
  },
  details: [
    "Runs the checkout's `scripts/deploy.ts` with Hardhat (network localhost, or custom with a key) " +
      "and prints the deployment file.",
  ],
  examples: [
    "stigmergy deploy --rpc http://127.0.0.1:8545",
    "stigmergy deploy --rpc https://sepolia.example --key 0x…",
  ],
  run: lazy(load, "deploy"),
};

export const devnetCommands: Command[] = [devnet, deploy];
