// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title StakeToken
 * @notice The ERC-20 that local deployments stake with. Anyone may mint with {faucet}: it exists
 * for local chains and tests only; a real deployment passes an existing token to StakeManager.
 */
contract StakeToken is ERC20 {
    /**
     * @notice Emitted when tokens are minted through the faucet.
     * @param to The recipient.
     * @param amount The amount minted.
     */
    event Faucet(address indexed to, uint256 amount);

    constructor() ERC20("Stigmergy Stake", "STAKE") {}

    /**
     * @notice Mints `amount` to `to`. Unrestricted: never deploy this token where it has value.
     * @param to The recipient.
     * @param amount The amount, in wei (18 decimals).
     */
    function faucet(address to, uint256 amount) external {
        _mint(to, amount);
        emit Faucet(to, amount);
    }
}
