import { onchainTable } from "ponder";

/** Registered agents, current state (grows into the full schema with the indexer issue). */
export const agent = onchainTable("agent", (t) => ({
  id: t.bigint().primaryKey(),
  owner: t.hex().notNull(),
  uri: t.text().notNull(),
  /** The agent's wallet: its owner until one is verified; null when cleared. */
  wallet: t.hex(),
  registeredAt: t.bigint().notNull(),
}));
