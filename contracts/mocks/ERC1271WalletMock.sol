// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice Test double: a contract wallet that approves digests signed by its `signer` (ERC-1271),
/// or refuses everything when built with `refuseAll`.
contract ERC1271WalletMock is IERC1271 {
    address public immutable signer;
    bool public immutable refuseAll;

    constructor(address signer_, bool refuseAll_) {
        signer = signer_;
        refuseAll = refuseAll_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (refuseAll) return 0xffffffff;
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(hash, signature);
        return err == ECDSA.RecoverError.NoError && recovered == signer ? IERC1271.isValidSignature.selector : bytes4(0);
    }
}
