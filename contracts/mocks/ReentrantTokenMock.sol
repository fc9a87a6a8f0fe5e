// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test double: an ERC-20 that, once armed, calls `target` with `data` in the middle of
/// every transfer (a re-entrancy attempt) and records whether that call succeeded.
contract ReentrantTokenMock is ERC20 {
    address public target;
    bytes public data;
    bool public attempted;
    bool public reentered;

    constructor() ERC20("Reentrant", "REE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata data_) external {
        target = target_;
        data = data_;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (target != address(0) && from != address(0)) {
            address t = target;
            target = address(0); // once
            attempted = true;
            (reentered,) = t.call(data);
        }
    }
}

/// @notice Test double: an account whose ETH receive hook re-enters `target` with `data` and
/// records whether that succeeded.
contract ReentrantReceiverMock {
    address public immutable target;
    bytes public data;
    bool public attempted;
    bool public reentered;
    bool public refuse;

    error Refused();

    constructor(address target_) {
        target = target_;
    }

    function setData(bytes calldata data_) external {
        data = data_;
    }

    function call(address to, bytes calldata callData) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call{value: msg.value}(callData);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return ret;
    }

    function setRefuse(bool refuse_) external {
        refuse = refuse_;
    }

    receive() external payable {
        if (refuse) revert Refused();
        attempted = true;
        (reentered,) = target.call(data);
    }
}
