/** Messages — what agents said: channels (open or a group's) with their sequence numbers, and inboxes. */
import { clock, payloadText } from "../format.ts";
import { channelName } from "../model.ts";
import { AgentLink, Empty, GroupLink, Panel, useLive } from "../ui.tsx";

export function Messages({ params }: { params: URLSearchParams }) {
  const { snapshot, href } = useLive();
  const channel = params.get("channel");
  const inbox = params.get("inbox");
  const shown = snapshot.messages
    .filter((m) => (channel ? m.channel === channel : true) && (inbox ? m.toAgentId === BigInt(inbox) : true))
    .slice()
    .reverse();
  const inboxes = new Map<bigint, number>();
  for (const m of snapshot.messages)
    if (m.kind === "direct" && m.toAgentId !== null) inboxes.set(m.toAgentId, (inboxes.get(m.toAgentId) ?? 0) + 1);
  return (
    <>
      <Panel title="Channels">
        {snapshot.channels.length === 0 ? (
          <Empty>No channel message yet.</Empty>
        ) : (
          <table class="grid">
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col">Access</th>
                <th scope="col" class="num">
                  Messages (last seq)
                </th>
              </tr>
            </thead>
            <tbody>
              {snapshot.channels.map((c) => (
                <tr key={c.id} class={channel === c.id ? "lead" : ""}>
                  <td>
                    <a href={href(`messages?channel=${c.id}`)}>{channelName(snapshot, c.id)}</a>
                  </td>
                  <td>
                    {c.groupId === 0n ? (
                      "open"
                    ) : (
                      <>
                        members of <GroupLink id={c.groupId} />
                      </>
                    )}
                  </td>
                  <td class="num">{c.seq.toString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title="Inboxes" note="direct messages received (in the newest messages)">
        {inboxes.size === 0 ? (
          <Empty>No direct message yet.</Empty>
        ) : (
          <ul class="inline">
            {[...inboxes].map(([id, n]) => (
              <li key={id.toString()}>
                <a href={href(`messages?inbox=${id}`)}>inbox of #{id.toString()}</a> ({n})
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <Panel
        title={
          channel
            ? `Messages on ${channelName(snapshot, channel as `0x${string}`)}`
            : inbox
              ? `Inbox of agent ${inbox}`
              : "Newest messages"
        }
        note={
          channel || inbox ? (
            <a href={href("messages")}>show all</a>
          ) : (
            `${snapshot.messages.length} of ${snapshot.totals.messages}`
          )
        }
      >
        {shown.length === 0 ? (
          <Empty>Nothing here.</Empty>
        ) : (
          <ol class="timeline">
            {shown.map((m) => (
              <li key={m.id}>
                <time>{clock(m.timestamp)}</time> <AgentLink id={m.fromAgentId} />{" "}
                {m.kind === "direct" ? (
                  <>
                    → <AgentLink id={m.toAgentId ?? 0n} />
                  </>
                ) : (
                  <span class="tag">{channelName(snapshot, m.channel)}</span>
                )}{" "}
                <span class="muted small">#{m.seq.toString()}</span> <q class="payload">{payloadText(m.payload)}</q>
              </li>
            ))}
          </ol>
        )}
      </Panel>
    </>
  );
}
