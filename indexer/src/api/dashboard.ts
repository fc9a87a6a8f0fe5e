/**
 * The dashboard's routes: the built web app (dashboard/dist) under /dashboard/ (and / sends you
 * there), plus the two small REST answers it needs that no table holds:
 *
 *   GET /chains            the chains this indexer follows: id, name and deployment of each
 *   GET /deployment?chain= the chain id, start block and contract addresses this indexer follows
 *                          (the deployment file it was started with)
 *   GET /escrow?chain=     the TaskBoard's books per token, read from the chain at the indexed block:
 *                          balance held, totalEscrowed and totalCredits (balance = escrowed + credits)
 * (`chain` required when several chains are indexed)
 *
 * The app is static files built by `npm run build` (scripts/lib/build.ts, step "dashboard"); when
 * they are missing, /dashboard/ says how to build them.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { db, publicClients } from "ponder:api";
import { credit, task } from "ponder:schema";
import { abis, contractAddress, type Deployment, parseDeployment } from "@stigmergy/contracts";
import { Hono } from "hono";
import { eq } from "ponder";
import { type Address, erc20Abi, zeroAddress } from "viem";
import { indexedBlock } from "../lib/ponder.js";
import { chainOf, type IndexedChain } from "./params.js";
import { chains } from "./runtime.js";

const INDEXER_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DIST = join(INDEXER_DIR, "..", "dashboard", "dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

/** The deployment files the indexer follows (as ponder.config.ts finds them), each read once. */
const deployments = new Map<number, Deployment>();
function followedDeployment(chainId: number): Deployment {
  const known = deployments.get(chainId);
  if (known) return known;
  const dir = process.env.STIGMERGY_DEPLOYMENTS_DIR ?? join(INDEXER_DIR, "..", "deployments");
  const path = join(dir, `${chainId}.json`);
  const deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
  deployments.set(chainId, deployment);
  return deployment;
}
const deploymentBody = (d: Deployment) => ({ chainId: d.chainId, startBlock: d.startBlock, contracts: d.contracts });

type Books = {
  block: string;
  taskBoard: Address;
  tokens: { token: Address; balance: string; escrowed: string; credits: string }[];
};

export function dashboard(): Hono {
  const app = new Hono();

  app.get("/", (c) => c.redirect("/dashboard/", 302));
  app.get("/dashboard", (c) => c.redirect("/dashboard/", 301));
  app.get("/dashboard/*", (c) => {
    const rel = decodeURIComponent(new URL(c.req.url).pathname.slice("/dashboard/".length)) || "index.html";
    const file = normalize(join(DIST, rel));
    if (!file.startsWith(DIST + sep))
      return c.json({ error: "bad_request", field: "path", reason: "must stay inside the dashboard" }, 400);
    if (!existsSync(join(DIST, "index.html"))) {
      return c.text(
        "The dashboard is not built. Run `npm run build` in the repository (npm install does it too), then reload.\n",
        503,
      );
    }
    if (!existsSync(file) || !statSync(file).isFile())
      return c.json({ error: "not_found", reason: `dashboard file ${rel} does not exist` }, 404);
    // Vite names every asset by its content hash: cache them forever; index.html never.
    const cache = rel.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    return c.body(readFileSync(file), 200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": cache,
    });
  });

  app.get("/chains", (c) =>
    c.json({ chains: chains.map((chain) => ({ ...deploymentBody(followedDeployment(chain.id)), name: chain.name })) }),
  );

  app.get("/deployment", (c) => c.json(deploymentBody(followedDeployment(chainOf(c.req.query("chain"), chains).id))));

  // One chain read per indexed block and chain, however many dashboards ask.
  const cached = new Map<number, { block: number; books: Promise<Books> }>();
  app.get("/escrow", async (c) => {
    const chain = chainOf(c.req.query("chain"), chains);
    const block = await indexedBlock(chain.name);
    if (block === undefined) return c.json({ error: "not_ready", reason: "nothing is indexed yet" }, 503);
    let entry = cached.get(chain.id);
    if (entry?.block !== block) {
      const books = readBooks(chain, BigInt(block));
      entry = { block, books };
      cached.set(chain.id, entry);
      books.catch(() => cached.delete(chain.id));
    }
    return c.json(await entry.books);
  });
  return app;
}

/** Balance, totalEscrowed and totalCredits of every token the TaskBoard has held, at `block`. */
async function readBooks(chain: IndexedChain, blockNumber: bigint): Promise<Books> {
  const client = (publicClients as Record<string, (typeof publicClients)[keyof typeof publicClients]>)[chain.name]!;
  const taskBoard = contractAddress(followedDeployment(chain.id), "TaskBoard");
  const seen = new Set<string>([zeroAddress]);
  const tokens = db.selectDistinct({ token: task.rewardToken }).from(task).where(eq(task.chainId, chain.id));
  for (const r of await tokens) seen.add(r.token.toLowerCase());
  const credited = db.selectDistinct({ token: credit.token }).from(credit).where(eq(credit.chainId, chain.id));
  for (const r of await credited) seen.add(r.token.toLowerCase());
  const books = await Promise.all(
    [...seen].sort().map(async (token) => {
      const address = token as Address;
      const [balance, escrowed, credits] = await Promise.all([
        address === zeroAddress
          ? client.getBalance({ address: taskBoard, blockNumber })
          : client.readContract({ address, abi: erc20Abi, functionName: "balanceOf", args: [taskBoard], blockNumber }),
        client.readContract({
          address: taskBoard,
          abi: abis.TaskBoard,
          functionName: "totalEscrowed",
          args: [address],
          blockNumber,
        }),
        client.readContract({
          address: taskBoard,
          abi: abis.TaskBoard,
          functionName: "totalCredits",
          args: [address],
          blockNumber,
        }),
      ]);
      return {
        token: address,
        balance: balance.toString(),
        escrowed: escrowed.toString(),
        credits: credits.toString(),
      };
    }),
  );
  return { block: blockNumber.toString(), taskBoard, tokens: books };
}
