import { expect } from "chai";
import { HDNodeWallet, JsonRpcProvider, Mnemonic } from "ethers";
import { MNEMONIC } from "../../scripts/lib/tasks.ts";
import { createAgent, ethersSignerToAccount } from "../../sdk/src/index.ts";
import { agentFor, sdkStack } from "./helpers/stack.ts";

describe("sdk: ethers v6 signers", () => {
  it("an ethers Wallet signs the agent's transactions and typed data", async () => {
    const stack = await sdkStack();
    const provider = new JsonRpcProvider(stack.node.url, undefined, { staticNetwork: true });
    const wallet = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(MNEMONIC), "m/44'/60'/0'/0/19").connect(provider);
    const agent = createAgent({
      rpcUrl: stack.node.url,
      account: await ethersSignerToAccount(wallet),
      deployment: stack.deployment,
      indexerUrl: stack.indexerUrl,
    });
    expect(agent.address).to.equal(wallet.address);
    const { agentId } = await agent.identity.register({ uri: "ipfs://ethers-agent", capabilities: ["summarize"] });
    expect(agentId > 0n).to.equal(true);
    // Another account posts: nobody claims its own task.
    const { taskId } = await (await agentFor(3)).tasks.post({ specURI: "ipfs://ethers-task", maxReward: 5n });
    const claim = await agent.tasks.claim(taskId);
    await agent.tasks.submit(taskId, claim.attempt, "ipfs://ethers-result");
    // EIP-712 through ethers: bind a second ethers wallet as the agent wallet.
    const hot = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(MNEMONIC), "m/44'/60'/0'/0/18");
    await agent.identity.setAgentWallet(await ethersSignerToAccount(hot));
    expect(
      (await createAgent({ rpcUrl: stack.node.url, deployment: stack.deployment }).identity.get(agentId))?.wallet,
    ).to.equal(hot.address);
    provider.destroy();
  });
});
