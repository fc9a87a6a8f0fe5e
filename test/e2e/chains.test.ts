/**
 * Several chains in one indexer, the parts that need no node: the chain list (STIGMERGY_CHAINS),
 * the schema's rule that every row carries its chain and every key starts with it, the REST
 * `?chain=` parameter, and the webhook filter's `chains`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { getTableConfig, type PgTable } from "drizzle-orm/pg-core";
import * as schema from "../../indexer/ponder.schema.ts";
import { chainFilter, chainOf } from "../../indexer/src/api/params.ts";
import { chainsFromEnv, parseChains } from "../../indexer/src/lib/chains.ts";
import { matches, parseFilter } from "../../indexer/src/webhooks/filter.ts";

const isTable = (v: unknown) => typeof v === "object" && v !== null && Symbol.for("ponder:onchain") in v;
const tables = Object.entries(schema).filter(([, v]) => isTable(v)) as [string, PgTable][];
const L1 = { name: "l1", id: 31337, rpc: "http://127.0.0.1:8545" };
const OP = { name: "op", id: 31338, rpc: "http://127.0.0.1:8546" };

describe("several chains in one indexer", () => {
  describe("the schema", () => {
    it("every table has a non-null integer chainId column", () => {
      expect(tables.length).to.be.greaterThan(20);
      for (const [name, table] of tables) {
        const column = getTableConfig(table).columns.find((c) => c.name === "chain_id");
        expect(column, name).to.not.equal(undefined);
        expect([column!.notNull, column!.getSQLType()], name).to.deep.equal([true, "integer"]);
      }
    });

    it("every primary key starts with chainId: the same id on two chains is two rows", () => {
      for (const [name, table] of tables) {
        const config = getTableConfig(table);
        const oneColumnKeys = config.columns.filter((c) => c.primary).map((c) => c.name);
        expect(oneColumnKeys, `${name}: a one-column key`).to.deep.equal([]);
        expect(config.primaryKeys.length, name).to.equal(1);
        expect(config.primaryKeys[0]!.columns[0]!.name, name).to.equal("chain_id");
      }
    });
  });

  describe("STIGMERGY_CHAINS", () => {
    it("without it, one chain named stigmergy from STIGMERGY_CHAIN_ID and STIGMERGY_RPC_URL (as before)", () => {
      const local = { name: "stigmergy", id: 31337, rpc: "http://127.0.0.1:8545" };
      expect(chainsFromEnv({})).to.deep.equal([{ ...local, ws: "ws://127.0.0.1:8545/" }]);
      expect(chainsFromEnv({ STIGMERGY_WS_URL: "off" })).to.deep.equal([local]);
      const env = { STIGMERGY_CHAIN_ID: "10", STIGMERGY_RPC_URL: "https://mainnet.optimism.io" };
      expect(chainsFromEnv(env)).to.deep.equal([{ name: "stigmergy", id: 10, rpc: "https://mainnet.optimism.io" }]);
      const ws = "wss://mainnet.optimism.io/ws";
      expect(chainsFromEnv({ ...env, STIGMERGY_WS_URL: ws })).to.deep.equal([
        { name: "stigmergy", id: 10, rpc: "https://mainnet.optimism.io", ws },
      ]);
    });

    it("takes a JSON list, or the path of a file holding one; a local chain without ws gets its RPC's", () => {
      const list = [L1, { ...OP, ws: "ws://127.0.0.1:8546" }];
      const withWs = [{ ...L1, ws: "ws://127.0.0.1:8545/" }, list[1]];
      expect(chainsFromEnv({ STIGMERGY_CHAINS: JSON.stringify(list) })).to.deep.equal(withWs);
      expect(chainsFromEnv({ STIGMERGY_CHAINS: JSON.stringify(list), STIGMERGY_WS_URL: "off" })).to.deep.equal([
        L1,
        OP,
      ]);
      const dir = mkdtempSync(join(tmpdir(), "stigmergy-chains-"));
      try {
        writeFileSync(join(dir, "stigmergy.chains.json"), JSON.stringify(list));
        expect(chainsFromEnv({ STIGMERGY_CHAINS: join(dir, "stigmergy.chains.json") })).to.deep.equal(withWs);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("refuses an empty list, a bad entry, and two chains with one name or one id, naming the entry", () => {
      expect(() => parseChains([])).to.throw("STIGMERGY_CHAINS: must be a non-empty JSON list");
      expect(() => parseChains([{ ...L1, name: "l-1" }])).to.throw(
        'STIGMERGY_CHAINS[0].name: must be letters, digits and _ starting with a letter, got "l-1"',
      );
      expect(() => parseChains([L1, { ...OP, id: 0 }])).to.throw(
        "STIGMERGY_CHAINS[1].id: must be a positive integer chain id, got 0",
      );
      const noScheme = [{ ...L1, rpc: "127.0.0.1:8545" }];
      expect(() => parseChains(noScheme)).to.throw("STIGMERGY_CHAINS[0].rpc: must be an http(s) URL");
      expect(() => parseChains([{ ...L1, ws: "http://x" }])).to.throw("STIGMERGY_CHAINS[0].ws: must be a ws(s) URL");
      expect(() => parseChains([L1, { ...OP, name: "l1" }])).to.throw("STIGMERGY_CHAINS: two chains have the name l1");
      expect(() => parseChains([L1, { ...OP, id: 31337 }])).to.throw("STIGMERGY_CHAINS: two chains have the id 31337");
    });
  });

  describe("?chain=", () => {
    it("a list's filter is an indexed chain, or none (every chain); another chain is a 400 naming them", () => {
      expect(chainFilter(undefined, [L1, OP])).to.equal(undefined);
      expect(chainFilter("31338", [L1, OP])).to.equal(OP);
      expect(() => chainFilter("1", [L1, OP])).to.throw("chain: this indexer follows 31337 (l1), 31338 (op), not 1");
      expect(() => chainFilter("l1", [L1, OP])).to.throw('chain: must be a non-negative integer, got "l1"');
    });

    it("an id route may leave it out while one chain is indexed; with several it must name one", () => {
      expect(chainOf(undefined, [L1])).to.equal(L1);
      expect(chainOf("31338", [L1, OP])).to.equal(OP);
      expect(() => chainOf(undefined, [L1, OP])).to.throw(
        "chain: is required: this indexer follows several chains, 31337 (l1), 31338 (op)",
      );
    });
  });

  describe("the webhook filter's chains", () => {
    const event = (chainId: number) => ({
      chainId,
      contract: "TaskBoard",
      event: "TaskPosted",
      agentId: null,
      taskId: 1n,
      args: {},
    });

    it("wakes a subscriber only for events of the chains it names (and for every chain without it)", () => {
      const filter = parseFilter({ chains: [31338], events: ["TaskPosted"] });
      expect([matches(filter, event(31338)), matches(filter, event(31337))]).to.deep.equal([true, false]);
      expect(matches(parseFilter({}), event(31337))).to.equal(true);
    });

    it("refuses anything but a non-empty list of chain ids", () => {
      for (const chains of [[], "31337", [0], ["31337"], [1.5]]) {
        const message = "filter.chains: must be a non-empty list of chain ids";
        expect(() => parseFilter({ chains }), JSON.stringify(chains)).to.throw(message);
      }
    });
  });
});
