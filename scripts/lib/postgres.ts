/** A throwaway PostgreSQL 15 cluster on a free port, for tests and the Postgres mode. */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "./processes.ts";

const BIN = process.env.STIGMERGY_PG_BIN ?? "/usr/lib/postgresql/15/bin";

export type RunningPostgres = { url: string; port: number; dir: string; stop: () => void };

export function postgresAvailable(): boolean {
  return existsSync(join(BIN, "initdb")) && existsSync(join(BIN, "pg_ctl"));
}

/**
 * initdb + pg_ctl start in a temporary directory. PostgreSQL refuses to run as root, so as root
 * the cluster belongs to the `postgres` system user (run through runuser).
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const port = await freePort();
  const dir = mkdtempSync("/tmp/stigmergy-pg-");
  const asRoot = userInfo().uid === 0;
  const run = (bin: string, args: string[]) => {
    const [cmd, argv] = asRoot
      ? ["runuser", ["-u", "postgres", "--", join(BIN, bin), ...args]]
      : [join(BIN, bin), args];
    const result = spawnSync(cmd, argv, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${bin} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, "data");
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  run("pg_ctl", [
    "-D",
    data,
    "-l",
    join(dir, "log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    "start",
  ]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    stop: () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
