// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IdentityRegistry} from "../../../contracts/identity/IdentityRegistry.sol";
import {IIdentityRegistry} from "../../../contracts/interfaces/IIdentityRegistry.sol";
import {Test} from "../../utils/Test.sol";

/// @notice Fuzz: what goes into the registry's packed storage comes back byte for byte.
contract IdentityRegistryFuzzTest is Test {
    IdentityRegistry internal registry;
    address internal constant OWNER = address(0xA11CE);

    function setUp() public {
        registry = new IdentityRegistry();
    }

    function testFuzz_metadata_roundTrip(string calldata key, bytes calldata first, bytes calldata second) public {
        vm.assume(keccak256(bytes(key)) != keccak256("agentWallet"));
        vm.startPrank(OWNER);
        uint256 agentId = registry.register("ipfs://agent");
        registry.setMetadata(agentId, key, first);
        assertEq(registry.getMetadata(agentId, key), first, "first value");
        // Overwrite (shorter or longer): no byte of the old value may leak into the new one.
        registry.setMetadata(agentId, key, second);
        assertEq(registry.getMetadata(agentId, key), second, "second value");
        vm.stopPrank();
    }

    function testFuzz_register_metadataEntriesRoundTrip(bytes calldata a, bytes calldata b) public {
        IIdentityRegistry.MetadataEntry[] memory entries = new IIdentityRegistry.MetadataEntry[](2);
        entries[0] = IIdentityRegistry.MetadataEntry("a", a);
        entries[1] = IIdentityRegistry.MetadataEntry("b", b);
        vm.prank(OWNER);
        uint256 agentId = registry.register("", entries);
        assertEq(registry.getMetadata(agentId, "a"), a, "entry a");
        assertEq(registry.getMetadata(agentId, "b"), b, "entry b");
    }

    function testFuzz_agentURI_roundTrip(string calldata first, string calldata second) public {
        vm.startPrank(OWNER);
        uint256 agentId = registry.register(first);
        assertEq(bytes(registry.tokenURI(agentId)), bytes(first), "registered URI");
        registry.setAgentURI(agentId, second);
        assertEq(bytes(registry.tokenURI(agentId)), bytes(second), "updated URI");
        vm.stopPrank();
    }

    function testFuzz_register_idsAreSequentialFromOne(uint8 count) public {
        for (uint256 i = 1; i <= count; ++i) {
            vm.prank(address(uint160(0x1000 + i)));
            assertEq(registry.register(), i, "agent id");
        }
        assertEq(registry.lastAgentId(), count, "last id");
    }
}
