/**
 * Writes to the webhook store without pause until killed, printing each write once the store has
 * acknowledged it: `sub <id>` (a subscription), `out <id>` (an outbox entry), `done <id>` (marked
 * delivered). The crash test for the store SIGKILLs it and checks every acknowledged write survived.
 * Usage: STIGMERGY_WEBHOOK_DIR=<dir> node --import tsx store-writer.ts <first id>
 */
import { WebhookStore } from "../../../indexer/src/webhooks/store.ts";

const store = await WebhookStore.open(() => {});
const outbox = store.forChain(31337);
const say = (line: string) => process.stdout.write(`${line}\n`);
for (let i = Number(process.argv[2] ?? 0); ; i++) {
  const sub = `sub-${i}`;
  await store.addSubscription({ id: sub, url: "http://127.0.0.1:9/hook", secret: "store-crash-secret", filter: {} });
  say(`sub ${sub}`);
  for (let j = 0; j < 5; j++) {
    const id = `out-${i}-${j}`;
    await outbox.enqueue({
      id,
      subscriptionId: sub,
      kind: "event",
      event: { eventId: `event-${i}-${j}`, blockHash: "0xhash" },
      payload: JSON.stringify({ i, j }),
      now: Date.now(),
    });
    say(`out ${id}`);
    await outbox.markSeen({ eventId: `event-${i}-${j}`, blockHash: "0xhash" }, BigInt(i));
  }
  await store.delivered(`out-${i}-0`, Date.now());
  say(`done out-${i}-0`);
  await outbox.setCursor("processed", BigInt(i));
}
