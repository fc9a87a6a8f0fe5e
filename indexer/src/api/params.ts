/** Query and path parameter parsing for the REST API: every bad value becomes a 400 with a reason. */

export class BadRequest extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const UINT = /^\d{1,78}$/;

/** A non-negative integer id (agent, task, group, sequence number). */
export function uint(field: string, value: string | undefined, fallback?: bigint): bigint {
  if (value === undefined || value === "") {
    if (fallback !== undefined) return fallback;
    throw new BadRequest(field, "is required");
  }
  if (!UINT.test(value)) throw new BadRequest(field, `must be a non-negative integer, got "${value}"`);
  return BigInt(value);
}

/** A bytes32 value such as a capability tag or a channel id. */
export function bytes32(field: string, value: string | undefined): `0x${string}` | undefined {
  if (value === undefined || value === "") return undefined;
  if (!HEX32.test(value)) throw new BadRequest(field, `must be 0x followed by 64 hex digits, got "${value}"`);
  return value.toLowerCase() as `0x${string}`;
}

/** One bytes32 value or a comma-separated list of at most `max`. */
export function bytes32List(field: string, value: string | undefined, max: number): `0x${string}`[] | undefined {
  if (value === undefined || value === "") return undefined;
  const parts = value.split(",");
  if (parts.length > max) throw new BadRequest(field, `takes at most ${max} comma-separated values`);
  return parts.map((part) => bytes32(field, part.trim())!);
}

export function address(field: string, value: string | undefined): `0x${string}` | undefined {
  if (value === undefined || value === "") return undefined;
  if (!ADDRESS.test(value)) throw new BadRequest(field, `must be an address (0x and 40 hex digits), got "${value}"`);
  return value.toLowerCase() as `0x${string}`;
}

export function oneOf<T extends string>(
  field: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined || value === "") return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new BadRequest(field, `must be one of ${allowed.join(", ")}, got "${value}"`);
  }
  return value as T;
}

/** Page size: 1 to 500, default 50. */
export function limit(value: string | undefined): number {
  const n = Number(uint("limit", value, 50n));
  if (n < 1 || n > 500) throw new BadRequest("limit", "must be between 1 and 500");
  return n;
}

/** An indexed chain, as a route names it. */
export type IndexedChain = { id: number; name: string };

const chainList = (chains: readonly IndexedChain[]) => chains.map((c) => `${c.id} (${c.name})`).join(", ");

/**
 * A list's `?chain=` filter: an indexed chain's id, or undefined (every chain). A chain this indexer
 * does not follow is a 400 naming the ones it does.
 */
export function chainFilter(value: string | undefined, chains: readonly IndexedChain[]): IndexedChain | undefined {
  if (value === undefined || value === "") return undefined;
  const id = Number(uint("chain", value));
  const chain = chains.find((c) => c.id === id);
  if (!chain) throw new BadRequest("chain", `this indexer follows ${chainList(chains)}, not ${value}`);
  return chain;
}

/**
 * The chain an id route (`/tasks/:id`, …) reads: `?chain=`, which may be left out while the indexer
 * follows one chain. With several, an id names nothing until its chain is given: a 400 naming them.
 */
export function chainOf(value: string | undefined, chains: readonly IndexedChain[]): IndexedChain {
  const chain = chainFilter(value, chains);
  if (chain) return chain;
  if (chains.length === 1) return chains[0]!;
  throw new BadRequest("chain", `is required: this indexer follows several chains, ${chainList(chains)}`);
}
