/** What `stigmergy devnet` and `stigmergy deploy` do (a local chain, a deployment), loaded when one runs. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseDeployment } from "@stigmergy/contracts";
import { createPublicClient, http, isHex } from "viem";
import { NodeUnreachableError } from "../../errors/connection.js";
import { InvalidInputError } from "../../errors/input.js";
import { findCheckout, runDeploy, runScript } from "../checkout.js";
import type { CommandInput } from "../command.js";
import { ExitedWith } from "../errors.js";
import type { CommandResult } from "../output.js";

export async function devnet({ flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const checkout = findCheckout();
  const args = [
    ...(["chain-type", "port", "indexer-port", "deployments"] as const).flatMap((name) => {
      const value = flags.string(name);
      // The script runs in the checkout: a directory is passed as the caller meant it.
      return value === undefined ? [] : [`--${name}`, name === "deployments" ? resolve(value) : value];
    }),
    ...(flags.flag("indexer") ? ["--indexer"] : []),
    ...(session.json ? ["--json"] : []),
    ...(flags.flag("quiet") ? ["--quiet"] : []),
  ];
  const code = await runScript(checkout, "scripts/devnet.ts", args);
  if (code !== 0) throw new ExitedWith(code);
  return undefined;
}

export async function deploy({ flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const checkout = findCheckout();
  const rpcUrl = flags.string("rpc") ?? process.env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8545";
  const key = flags.string("key") ?? process.env.STIGMERGY_DEPLOYER_KEY;
  if (key !== undefined && (!isHex(key) || key.length !== 66))
    throw new InvalidInputError("key", "expected a private key: 0x followed by 64 hex digits");
  const deploymentsDir = flags.string("deployments") ?? process.env.STIGMERGY_DEPLOYMENTS_DIR;
  const chainId = await createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) })
    .getChainId()
    .catch((cause: unknown) => Promise.reject(new NodeUnreachableError(rpcUrl, cause)));
  const path = await session.progress.run(`compiling and deploying to chain ${chainId} at ${rpcUrl}`, () =>
    runDeploy(checkout, { rpcUrl, ...(deploymentsDir ? { deploymentsDir } : {}), ...(key ? { key } : {}) }),
  );
  const deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
  return { data: { deployment: path, ...deployment }, text: path };
}
