import { expect } from "chai";
import { stringToHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  abis,
  agentCard,
  capabilityId,
  InvalidInputError,
  REGISTRATION_TYPE,
  registrationFile,
  toDataURI,
} from "../../sdk/src/index.ts";
import { agentFor, eventually, sdkStack } from "./helpers/stack.ts";

describe("sdk: identity", () => {
  it("registers with a registration file, metadata and capabilities, and reads the agent back", async () => {
    const { deployment } = await sdkStack();
    const agent = await agentFor(1);
    const file = registrationFile({
      name: "summarizer-1",
      description: "Summarizes documents",
      services: [{ name: "A2A", endpoint: "https://agent.example/.well-known/agent-card.json", version: "0.3.0" }],
      capabilities: ["summarize"],
    });
    expect(file.type).to.equal(REGISTRATION_TYPE);
    const { agentId } = await agent.identity.register({
      uri: toDataURI(file),
      metadata: { role: "worker" },
      capabilities: ["summarize", "code/review"],
    });
    expect(agent.agentId).to.equal(agentId);
    expect(await agent.identity.hasCapability("code/review")).to.equal(true);
    expect(await agent.identity.capabilitiesOf()).to.deep.equal([
      capabilityId("capability", "summarize"),
      capabilityId("capability", "code/review"),
    ]);
    const record = await eventually(async () => {
      const r = await agent.identity.get();
      return r?.capabilities.length === 2 ? r : undefined;
    }, "the indexer to hold the agent");
    expect(record.owner).to.equal(agent.address!.toLowerCase());
    expect(JSON.parse(Buffer.from(record.uri.split(",")[1]!, "base64").toString()).name).to.equal("summarizer-1");
    const listed = await agent.identity.list({ capability: "code/review" });
    expect(listed.map((a) => a.id)).to.include(agentId);
    // The same reads without an indexer.
    const direct = await agentFor(1, { indexer: false });
    const fromChain = await direct.identity.get(agentId);
    expect(fromChain?.owner).to.equal(agent.address);
    expect(fromChain?.capabilities).to.have.length(2);
    expect(
      registrationFile({
        name: "x",
        description: "y",
        registration: { agentId, chainId: deployment.chainId, registry: deployment.contracts.IdentityRegistry! },
      }).registrations[0]!.agentRegistry,
    ).to.equal(`eip155:${deployment.chainId}:${deployment.contracts.IdentityRegistry}`);
  });

  it("binds a verified agent wallet with an EIP-712 signature and unbinds it", async () => {
    const agent = await agentFor(2);
    await agent.identity.register({ uri: "ipfs://wallet-owner" });
    const hot = privateKeyToAccount(generatePrivateKey());
    await agent.identity.setAgentWallet(hot);
    const direct = await agentFor(2, { indexer: false });
    direct.agentId = agent.agentId;
    expect((await direct.identity.get())?.wallet).to.equal(hot.address);
    await agent.identity.unsetAgentWallet();
    await agent.identity.setMetadata("status", "busy");
    await agent.identity.setAgentURI("ipfs://moved");
    expect((await direct.identity.get())?.uri).to.equal("ipfs://moved");
    const metadata = await direct.publicClient.readContract({
      address: direct.deployment.contracts.IdentityRegistry!,
      abi: abis.IdentityRegistry,
      functionName: "getMetadata",
      args: [agent.agentId!, "status"],
    });
    expect(metadata).to.equal(stringToHex("busy"));
  });

  it("validates capabilities, URIs and deadlines before sending", async () => {
    const agent = await agentFor(2);
    agent.agentId = 1n;
    const field = (p: Promise<unknown>) =>
      p.then(
        () => "no error",
        (e: unknown) => (e instanceof InvalidInputError ? e.field : String(e)),
      );
    expect(await field(agent.identity.register({ uri: "no scheme" }))).to.equal("uri");
    expect(await field(agent.identity.register({ uri: "ipfs://ok", capabilities: ["ok", "Bad Cap"] }))).to.equal(
      "capabilities[1]",
    );
    expect(
      await field(
        agent.identity.setAgentWallet(privateKeyToAccount(generatePrivateKey()), { deadlineSeconds: 3_600n }),
      ),
    ).to.equal("deadlineSeconds");
    expect(() => agentCard({ name: "a", description: "b", url: "ftp://x", skills: [] })).to.throw(InvalidInputError);
    const card = agentCard({
      name: "a",
      description: "b",
      url: "https://a.example",
      skills: [{ id: "sum", name: "Summarize", description: "Summaries" }],
    });
    expect(card.protocolVersion).to.equal("0.3.0");
    expect(card.skills[0]!.tags).to.deep.equal([]);
  });
});
