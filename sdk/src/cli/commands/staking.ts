/** `stigmergy stake add | unstake | withdraw | show`: stake behind an agent (the `staking` primitive). */
import { type Command, lazy } from "../command.js";

const load = () => import("../run/staking.js");

const add: Command = {
  path: ["stake", "add"],
  summary: "Stake AMOUNT tokens behind the agent (approving the StakeManager as needed)",
  args: ["AMOUNT"],
  options: {
    faucet: {
      type: "boolean",
      description: "mint AMOUNT test tokens first (the development token's faucet; local chains)",
    },
  },
  examples: ["stigmergy stake add 10 --faucet --account 1", "stigmergy stake add 0.5 --agent 3 --key 0x…"],
  run: lazy(load, "add"),
};

const unstake: Command = {
  path: ["stake", "unstake"],
  summary: "Start unbonding AMOUNT tokens (they stop counting at once; withdraw after the unbonding period)",
  args: ["AMOUNT"],
  run: lazy(load, "unstake"),
};

const withdraw: Command = {
  path: ["stake", "withdraw"],
  summary: "Withdraw unbonded stake to the agent's owner",
  run: lazy(load, "withdraw"),
};

const show: Command = {
  path: ["stake", "show"],
  summary: "Show an agent's active, locked and unbonding stake",
  args: ["ID?"],
  run: lazy(load, "show"),
};

export const stakingCommands: Command[] = [add, unstake, withdraw, show];
