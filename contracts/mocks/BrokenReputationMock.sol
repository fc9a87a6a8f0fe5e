// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Test double: a reputation registry whose `giveFeedback` works (mode 0), reverts (mode 1),
/// burns all the gas it is given (mode 2), or works but needs 200,000 gas (mode 3), to show that
/// settlements do not depend on it and that a caller cannot make them skip it.
contract BrokenReputationMock {
    error Refused();

    uint8 public mode;
    uint256 public written;

    function setMode(uint8 mode_) external {
        mode = mode_;
    }

    function giveFeedback(uint256, int128, uint8, string calldata, string calldata, string calldata, string calldata, bytes32)
        external
    {
        if (mode == 1) revert Refused();
        if (mode == 2) {
            // Spin until the stipend is gone.
            for (uint256 i;; ++i) {
                written = i;
            }
        }
        if (mode == 3) {
            // With less than 200,000 gas this runs out of gas, as a real heavy write would.
            uint256 left = gasleft();
            uint256 until = left > 200_000 ? left - 200_000 : 0;
            while (gasleft() > until) {}
        }
        ++written;
    }
}
