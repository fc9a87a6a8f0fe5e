/**
 * The indexer's layout, held to its rules: every event of every indexed contract is registered
 * through `handle` (src/lib/activity.ts), which writes its one activity row, and nothing else
 * registers handlers or writes the audit log; the API's index only composes its routes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { abis } from "@stigmergy/contracts";
import { expect } from "chai";
import { ROOT } from "../../scripts/lib/processes.ts";

const SRC = join(ROOT, "indexer", "src");
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
const source = (path: string) => readFileSync(path, "utf8");

describe("the indexer's layout", () => {
  it("every event of every contract in ponder.config.ts has one handle() registration, so one activity row", () => {
    const config = source(join(ROOT, "indexer", "ponder.config.ts"));
    const names = [...config.matchAll(/^\s+(\w+): contract\("(\w+)"\),$/gm)].map((m) => m[2]!);
    const contracts = names as (keyof typeof abis)[];
    expect(contracts).to.include.members(["TaskBoard", "IdentityRegistry", "MessageBus"]);
    type Entry = { type: string; name?: string };
    const events = (c: keyof typeof abis) => (abis[c] as readonly Entry[]).filter((e) => e.type === "event");
    const expected = contracts.flatMap((c) => events(c).map((e) => `${c}:${e.name}`));
    const registered = files(SRC).flatMap((f) => [...source(f).matchAll(/\bhandle\("(\w+:\w+)"/g)].map((m) => m[1]!));
    expect([...registered].sort()).to.deep.equal([...new Set(expected)].sort());
  });

  it("only src/lib/activity.ts calls ponder.on or writes the activity table", () => {
    const offenders = files(SRC)
      .filter((f) => !f.endsWith(join("lib", "activity.ts")))
      .filter((f) => /\bponder\.on\(|insert\(activity\)/.test(source(f)));
    expect(offenders).to.deep.equal([]);
  });

  it("src/api/index.ts only composes the routes: it starts no dispatcher and defines no route itself", () => {
    const code = source(join(SRC, "api", "index.ts")).replace(/\/\*[\s\S]*?\*\//g, "");
    const imports = [...code.matchAll(/^import .* from "(.+)";$/gm)].map((m) => m[1]);
    expect(imports.filter((i) => /webhook-service|webhooks\/|dispatcher/.test(i!))).to.deep.equal([]);
    expect(code).not.to.match(/startDispatcher|WebhookStore|\.(get|post|delete|put|use)\(/);
  });
});
