/**
 * How concurrent agents pick different tasks without talking to each other (rendezvous hashing).
 *
 * Every open task has a "home" agent: the competitor with the highest score(agent, task). Scores
 * depend only on the two ids, so all agents agree on homes even when their views of the open set
 * differ by a block, and a task's home does not move when other tasks come and go. An agent first
 * takes its own home tasks (nobody else wants them first), then, once it has none, others' tasks in
 * an order of its own — so even stealing agents rarely pick the same task in the same block.
 */

/** A 32-bit mix of two ids (murmur3's finaliser over a simple combination); not cryptographic. */
export function score(agentId: bigint, taskId: bigint): number {
  let h =
    (Number(agentId & 0xffffffffn) * 0x9e3779b1) ^
    Number(taskId & 0xffffffffn) ^
    (Number((taskId >> 32n) & 0xffffffffn) * 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The order in which `me` should try `taskIds`: its home tasks first (by score), then the rest by
 * its own score. Without a competitor list every task is ranked by `me`'s score alone.
 */
export function claimOrder(me: bigint, taskIds: readonly bigint[], competitors: readonly bigint[] = []): bigint[] {
  const others = competitors.filter((a) => a !== me);
  const keyed = taskIds.map((t) => {
    const mine = score(me, t);
    const home = others.every((a) => score(a, t) < mine);
    return { t, home, mine };
  });
  keyed.sort((a, b) => (a.home === b.home ? b.mine - a.mine : a.home ? -1 : 1));
  return keyed.map((k) => k.t);
}
