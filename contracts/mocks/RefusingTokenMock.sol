// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test double: a poster's ERC-20 that, once armed, refuses everyone else's `approve`, or
/// every `transferFrom` (with a custom error no Stigmergy contract declares) — a task paying in it
/// posts fine and then cannot be claimed.
contract RefusingTokenMock is ERC20 {
    error Refused();

    bool public refuseApprovals;
    bool public refuseTransfers;

    constructor() ERC20("Refusing Token", "NOPE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(bool approvals, bool transfers) external {
        refuseApprovals = approvals;
        refuseTransfers = transfers;
    }

    function approve(address spender, uint256 value) public override returns (bool) {
        if (refuseApprovals) revert Refused();
        return super.approve(spender, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (refuseTransfers) revert Refused();
        return super.transferFrom(from, to, value);
    }
}
