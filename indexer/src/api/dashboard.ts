/**
 * The dashboard's routes: the built web app (dashboard/dist) under /dashboard/ (and / sends you
 * there), plus the two small REST answers it needs that no table holds:
 *
 *   GET /deployment  the chain id, start block and contract addresses this indexer follows
 *                    (the deployment file it was started with)
 *   GET /escrow      the TaskBoard's books per token, read from the chain at the indexed block:
 *                    balance held, totalEscrowed and totalCredits (balance = escrowed + credits)
 *
 * The app is static files built by `npm run build` (scripts/lib/build.ts, step "dashboard"); when
 * they are missing, /dashboard/ says how to build them.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { db, publicClients } from "ponder:api";
import { credit, task } from "ponder:schema";
import { Hono } from "hono";
import { abis, contractAddress, type Deployment, parseDeployment } from "@stigmergy/contracts";
import { type Address, erc20Abi, zeroAddress } from "viem";
import { indexedBlock } from "../lib/ponder.js";

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

/** The deployment file the indexer follows (as ponder.config.ts finds it), read once. */
let deployment: Deployment | undefined;
function followedDeployment(): Deployment {
  if (deployment) return deployment;
  const chainId = Number(process.env.STIGMERGY_CHAIN_ID ?? 31337);
  const dir = process.env.STIGMERGY_DEPLOYMENTS_DIR ?? join(INDEXER_DIR, "..", "deployments");
  const path = join(dir, `${chainId}.json`);
  deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
  return deployment;
}

type Books = { block: string; taskBoard: Address; tokens: { token: Address; balance: string; escrowed: string; credits: string }[] };

export function dashboard(): Hono {
  const app = new Hono();

  app.get("/", (c) => c.redirect("/dashboard/", 302));
  app.get("/dashboard", (c) => c.redirect("/dashboard/", 301));
  app.get("/dashboard/*", (c) => {
    const rel = decodeURIComponent(new URL(c.req.url).pathname.slice("/dashboard/".length)) || "index.html";
    const file = normalize(join(DIST, rel));
    if (!file.startsWith(DIST + sep)) return c.json({ error: "bad_request", field: "path", reason: "must stay inside the dashboard" }, 400);
    if (!existsSync(join(DIST, "index.html"))) {
      return c.text("The dashboard is not built. Run `npm run build` in the repository (npm install does it too), then reload.\n", 503);
    }
    if (!existsSync(file) || !statSync(file).isFile()) return c.json({ error: "not_found", reason: `dashboard file ${rel} does not exist` }, 404);
    // Vite names every asset by its content hash: cache them forever; index.html never.
    const cache = rel.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    return c.body(readFileSync(file), 200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": cache });
  });

  app.get("/deployment", (c) => {
    const d = followedDeployment();
    return c.json({ chainId: d.chainId, startBlock: d.startBlock, contracts: d.contracts });
  });

  // One chain read per indexed block, however many dashboards ask.
  let cached: { block: number; books: Promise<Books> } | undefined;
  app.get("/escrow", async (c) => {
    const block = await indexedBlock();
    if (block === undefined) return c.json({ error: "not_ready", reason: "nothing is indexed yet" }, 503);
    if (cached?.block !== block) {
      const books = readBooks(BigInt(block));
      cached = { block, books };
      books.catch(() => (cached = undefined));
    }
    return c.json(await cached.books);
  });
  return app;
}

/** Balance, totalEscrowed and totalCredits of every token the TaskBoard has held, at `block`. */
async function readBooks(blockNumber: bigint): Promise<Books> {
  const client = Object.values(publicClients)[0]!;
  const taskBoard = contractAddress(followedDeployment(), "TaskBoard");
  const seen = new Set<string>([zeroAddress]);
  for (const r of await db.selectDistinct({ token: task.rewardToken }).from(task)) seen.add(r.token.toLowerCase());
  for (const r of await db.selectDistinct({ token: credit.token }).from(credit)) seen.add(r.token.toLowerCase());
  const tokens = await Promise.all(
    [...seen].sort().map(async (token) => {
      const address = token as Address;
      const [balance, escrowed, credits] = await Promise.all([
        address === zeroAddress
          ? client.getBalance({ address: taskBoard, blockNumber })
          : client.readContract({ address, abi: erc20Abi, functionName: "balanceOf", args: [taskBoard], blockNumber }),
        client.readContract({ address: taskBoard, abi: abis.TaskBoard, functionName: "totalEscrowed", args: [address], blockNumber }),
        client.readContract({ address: taskBoard, abi: abis.TaskBoard, functionName: "totalCredits", args: [address], blockNumber }),
      ]);
      return { token: address, balance: balance.toString(), escrowed: escrowed.toString(), credits: credits.toString() };
    }),
  );
  return { block: blockNumber.toString(), taskBoard, tokens };
}
