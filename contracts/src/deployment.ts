/** The deployment file: `deployments/<chainId>.json`, its schema and parser, and address lookups. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Address, isAddress } from "viem";
import { StigmergyError } from "./errors.js";
import type { ContractName } from "./generated/abis.js";

/** The file a deployment writes: `deployments/<chainId>.json`. */
export type Deployment = {
  chainId: number;
  /** First block holding a Stigmergy contract: where indexers start. */
  startBlock: number;
  contracts: Partial<Record<ContractName, Address>>;
};

/** Thrown when a deployment file is missing or malformed. */
export class InvalidDeploymentError extends StigmergyError {
  override name = "InvalidDeploymentError";
  constructor(source: string, problem: string, cause?: unknown) {
    super(`The deployment at ${source} cannot be used: ${problem}.`, {
      code: "INVALID_DEPLOYMENT",
      metaMessages: ["Deploy first (`npm run deploy -- --network <name>`) or pass the addresses explicitly."],
      cause,
    });
  }
}

/** Checks the shape of a parsed deployment file and returns it typed. */
export function parseDeployment(value: unknown, source = "deployment"): Deployment {
  const fail = (problem: string): never => {
    throw new InvalidDeploymentError(source, problem);
  };
  if (typeof value !== "object" || value === null) return fail("it is not a JSON object");
  const { chainId, startBlock, contracts } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(chainId) || (chainId as number) <= 0) fail("`chainId` is not a positive integer");
  if (!Number.isSafeInteger(startBlock) || (startBlock as number) < 0) fail("`startBlock` is not a block number");
  if (typeof contracts !== "object" || contracts === null) return fail("`contracts` is not an object");
  for (const [name, address] of Object.entries(contracts)) {
    if (typeof address !== "string" || !isAddress(address)) fail(`contracts.${name} is not an address`);
  }
  return value as Deployment;
}

/** Reads `<dir>/<chainId>.json` (by default `deployments/` under the working directory). */
export async function loadDeployment(chainId: number, dir = "deployments"): Promise<Deployment> {
  const path = join(dir, `${chainId}.json`);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new InvalidDeploymentError(path, "the file does not exist", cause);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InvalidDeploymentError(path, "it is not valid JSON", cause);
  }
  const deployment = parseDeployment(json, path);
  if (deployment.chainId !== chainId) {
    throw new InvalidDeploymentError(path, `it is for chain ${deployment.chainId}, not ${chainId}`);
  }
  return deployment;
}

/** The address of `name` in a deployment, or a clear error naming what is missing. */
export function contractAddress(deployment: Deployment, name: ContractName): Address {
  const address = deployment.contracts[name];
  if (!address) {
    throw new InvalidDeploymentError(
      `chain ${deployment.chainId}`,
      `it has no ${name} (deployed: ${Object.keys(deployment.contracts).join(", ") || "none"})`,
    );
  }
  return address;
}
