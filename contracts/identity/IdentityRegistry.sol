// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {PackedBytes} from "../libraries/PackedBytes.sol";

/**
 * @title IdentityRegistry
 * @notice ERC-8004 agent identities: an ERC-721 whose token id is the `agentId`, with a URI,
 * on-chain metadata, a verified `agentWallet`, and capability tags.
 *
 * Gas notes. A registration writes the owner, the balance, the id counter and the URI, nothing
 * else: the agentWallet starts as "the owner" without being stored (see {AgentRecord}), and the
 * URI is stored with its length packed beside its first 28 bytes ({PackedBytes}), so a 60-byte
 * URI takes two fresh slots instead of three.
 */
contract IdentityRegistry is ERC721, EIP712, IIdentityRegistry, IERC4906 {
    using PackedBytes for PackedBytes.Bytes;

    /// @notice Where an agent's wallet comes from.
    enum WalletMode {
        /// The owner is the wallet (the state after registration; costs no storage).
        Owner,
        /// A wallet proved control with {setAgentWallet}; it is in {AgentRecord.wallet}.
        Verified,
        /// No wallet: after {unsetAgentWallet}, a transfer, or the wallet moving to another agent.
        None
    }

    /// @dev Per-agent state beside the ERC-721 owner, in one slot: `| 88 unused | 8 walletMode | 160 wallet |`.
    struct AgentRecord {
        address wallet;
        WalletMode walletMode;
    }

    /// @notice EIP-712 type of the agentWallet proof, as in the canonical ERC-8004 deployment.
    bytes32 public constant AGENT_WALLET_SET_TYPEHASH =
        keccak256("AgentWalletSet(uint256 agentId,address newWallet,address owner,uint256 deadline)");

    /// @notice Longest an agentWallet signature may stay valid, counted from the block it lands in.
    uint256 public constant MAX_DEADLINE_DELAY = 5 minutes;

    string private constant AGENT_WALLET_KEY = "agentWallet";
    bytes32 private constant AGENT_WALLET_KEY_HASH = keccak256(bytes(AGENT_WALLET_KEY));

    uint256 private _lastAgentId;
    mapping(uint256 agentId => AgentRecord) private _agents;
    mapping(uint256 agentId => PackedBytes.Bytes) private _agentURIs;
    mapping(uint256 agentId => mapping(bytes32 keyHash => PackedBytes.Bytes)) private _metadata;
    mapping(address wallet => uint256 agentId) private _agentOfWallet;
    /// @dev Declared capabilities as a set: a flag per tag (one read for a check, the hot path of every
    /// claim) plus the list, so that {setCapabilities} can clear the previous set.
    mapping(uint256 agentId => mapping(bytes32 capability => bool)) private _hasCapability;
    mapping(uint256 agentId => bytes32[]) private _capabilities;

    constructor() ERC721("Stigmergy Agent Identity", "AGENT") EIP712("ERC8004IdentityRegistry", "1") {}

    // ---------------------------------------------------------------- registration

    /// @inheritdoc IIdentityRegistry
    function register() external returns (uint256 agentId) {
        // An empty calldata slice stands for the empty URI (a literal "" cannot be calldata).
        agentId = _register(string(msg.data[0:0]));
        _checkReceiver(agentId);
    }

    /// @inheritdoc IIdentityRegistry
    function register(string calldata agentURI) external returns (uint256 agentId) {
        agentId = _register(agentURI);
        _checkReceiver(agentId);
    }

    /// @inheritdoc IIdentityRegistry
    function register(string calldata agentURI, MetadataEntry[] calldata metadata)
        external
        returns (uint256 agentId)
    {
        agentId = _register(agentURI);
        for (uint256 i; i < metadata.length; ++i) {
            _setMetadata(agentId, metadata[i].metadataKey, metadata[i].metadataValue);
        }
        _checkReceiver(agentId);
    }

    // ---------------------------------------------------------------- URI and metadata

    /// @inheritdoc IIdentityRegistry
    function setAgentURI(uint256 agentId, string calldata newURI) external {
        _checkOwnerOrOperator(agentId);
        _agentURIs[agentId].store(bytes(newURI));
        emit URIUpdated(agentId, newURI, msg.sender);
        emit MetadataUpdate(agentId);
    }

    /// @inheritdoc IERC721Metadata
    function tokenURI(uint256 agentId) public view override(ERC721, IERC721Metadata) returns (string memory) {
        _requireOwned(agentId);
        return string(_agentURIs[agentId].load());
    }

    /// @inheritdoc IIdentityRegistry
    function getMetadata(uint256 agentId, string calldata metadataKey) external view returns (bytes memory) {
        bytes32 keyHash = keccak256(bytes(metadataKey));
        if (keyHash == AGENT_WALLET_KEY_HASH) return _encodeWallet(_walletOf(agentId));
        return _metadata[agentId][keyHash].load();
    }

    /// @inheritdoc IIdentityRegistry
    function setMetadata(uint256 agentId, string calldata metadataKey, bytes calldata metadataValue) external {
        _checkOwnerOrOperator(agentId);
        _setMetadata(agentId, metadataKey, metadataValue);
    }

    // ---------------------------------------------------------------- agentWallet

    /// @inheritdoc IIdentityRegistry
    function setAgentWallet(uint256 agentId, address newWallet, uint256 deadline, bytes calldata signature)
        external
    {
        address owner = _checkOwnerOrOperator(agentId);
        if (newWallet == address(0)) revert ZeroAgentWallet();
        if (deadline < block.timestamp) revert AgentWalletSignatureExpired(deadline, block.timestamp);
        if (deadline > block.timestamp + MAX_DEADLINE_DELAY) {
            revert AgentWalletDeadlineTooFar(deadline, block.timestamp + MAX_DEADLINE_DELAY);
        }
        bytes32 digest =
            _hashTypedDataV4(keccak256(abi.encode(AGENT_WALLET_SET_TYPEHASH, agentId, newWallet, owner, deadline)));
        if (!SignatureChecker.isValidSignatureNowCalldata(newWallet, digest, signature)) {
            revert InvalidAgentWalletSignature(agentId, newWallet);
        }

        // A wallet serves one agent at a time: release it from the agent it served before.
        uint256 previousAgent = _agentOfWallet[newWallet];
        if (previousAgent != 0 && previousAgent != agentId) _clearWallet(previousAgent);

        AgentRecord storage record = _agents[agentId];
        if (record.walletMode == WalletMode.Verified && record.wallet != newWallet) {
            delete _agentOfWallet[record.wallet];
        }
        record.wallet = newWallet;
        record.walletMode = WalletMode.Verified;
        _agentOfWallet[newWallet] = agentId;
        emit MetadataSet(agentId, AGENT_WALLET_KEY, AGENT_WALLET_KEY, abi.encodePacked(newWallet));
    }

    /// @inheritdoc IIdentityRegistry
    function unsetAgentWallet(uint256 agentId) external {
        _checkOwnerOrOperator(agentId);
        _clearWallet(agentId);
    }

    /// @inheritdoc IIdentityRegistry
    function getAgentWallet(uint256 agentId) external view returns (address wallet) {
        _requireOwned(agentId);
        return _walletOf(agentId);
    }

    /// @inheritdoc IIdentityRegistry
    function agentOfWallet(address wallet) external view returns (uint256 agentId) {
        return _agentOfWallet[wallet];
    }

    /// @inheritdoc IIdentityRegistry
    function isAuthorized(address account, uint256 agentId) public view returns (bool) {
        address owner = _ownerOf(agentId);
        if (owner == address(0)) return false;
        if (account == owner) return true;
        AgentRecord storage record = _agents[agentId];
        if (record.walletMode == WalletMode.Verified && record.wallet == account) return true;
        return isApprovedForAll(owner, account) || _getApproved(agentId) == account;
    }

    // ---------------------------------------------------------------- capabilities

    /// @inheritdoc IIdentityRegistry
    function setCapabilities(uint256 agentId, bytes32[] calldata caps) external {
        if (!isAuthorized(msg.sender, agentId)) {
            if (_ownerOf(agentId) == address(0)) revert AgentNotFound(agentId);
            revert NotAuthorizedForAgent(msg.sender, agentId);
        }
        mapping(bytes32 => bool) storage flags = _hasCapability[agentId];
        bytes32[] storage list = _capabilities[agentId];
        for (uint256 i = list.length; i != 0; --i) {
            delete flags[list[i - 1]];
            list.pop();
        }
        for (uint256 i; i < caps.length; ++i) {
            bytes32 capability = caps[i];
            if (capability == bytes32(0)) revert ZeroCapability(i);
            if (flags[capability]) continue; // listed once
            flags[capability] = true;
            list.push(capability);
        }
        emit CapabilitiesSet(agentId, caps);
    }

    /// @inheritdoc IIdentityRegistry
    function hasCapability(uint256 agentId, bytes32 capability) external view returns (bool) {
        return _hasCapability[agentId][capability];
    }

    /// @inheritdoc IIdentityRegistry
    function capabilitiesOf(uint256 agentId) external view returns (bytes32[] memory) {
        return _capabilities[agentId];
    }

    /// @inheritdoc IIdentityRegistry
    function isAuthorizedFor(address account, uint256 agentId, bytes32 capability) external view returns (bool) {
        return isAuthorized(account, agentId) && (capability == bytes32(0) || _hasCapability[agentId][capability]);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IIdentityRegistry
    function exists(uint256 agentId) external view returns (bool) {
        return _ownerOf(agentId) != address(0);
    }

    /// @inheritdoc IIdentityRegistry
    function lastAgentId() external view returns (uint256) {
        return _lastAgentId;
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view override(ERC721, IERC165) returns (bool) {
        return interfaceId == bytes4(0x49064906) // ERC-4906
            || interfaceId == type(IIdentityRegistry).interfaceId || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Mints the next id to the caller and records its URI. Events: Transfer, Registered,
    /// then MetadataSet for the implicit agentWallet (the owner).
    function _register(string calldata agentURI) private returns (uint256 agentId) {
        agentId = ++_lastAgentId;
        _mint(msg.sender, agentId);
        if (bytes(agentURI).length != 0) _agentURIs[agentId].store(bytes(agentURI));
        emit Registered(agentId, agentURI, msg.sender);
        emit MetadataSet(agentId, AGENT_WALLET_KEY, AGENT_WALLET_KEY, abi.encodePacked(msg.sender));
    }

    /// @dev The ERC-721 receiver check of `_safeMint`, run last (after every write and event) so a
    /// contract owner's callback sees a finished registration.
    function _checkReceiver(uint256 agentId) private {
        ERC721Utils.checkOnERC721Received(msg.sender, address(0), msg.sender, agentId, "");
    }

    function _setMetadata(uint256 agentId, string calldata metadataKey, bytes calldata metadataValue) private {
        bytes32 keyHash = keccak256(bytes(metadataKey));
        if (keyHash == AGENT_WALLET_KEY_HASH) revert ReservedMetadataKey(metadataKey);
        _metadata[agentId][keyHash].store(metadataValue);
        emit MetadataSet(agentId, metadataKey, metadataKey, metadataValue);
    }

    /// @dev Reverts unless the agent exists and the caller is its owner or an approved operator
    /// (the ERC's rule for identity changes). Returns the owner.
    function _checkOwnerOrOperator(uint256 agentId) private view returns (address owner) {
        owner = _ownerOf(agentId);
        if (owner == address(0)) revert AgentNotFound(agentId);
        if (!_isAuthorized(owner, msg.sender, agentId)) revert NotOwnerOrOperator(msg.sender, agentId);
    }

    function _walletOf(uint256 agentId) private view returns (address) {
        AgentRecord storage record = _agents[agentId];
        WalletMode mode = record.walletMode;
        if (mode == WalletMode.Owner) return _ownerOf(agentId);
        if (mode == WalletMode.Verified) return record.wallet;
        return address(0);
    }

    function _encodeWallet(address wallet) private pure returns (bytes memory) {
        return wallet == address(0) ? bytes("") : abi.encodePacked(wallet);
    }

    /// @dev The one place a wallet is removed: drops the reverse entry and records "no wallet".
    function _clearWallet(uint256 agentId) private {
        AgentRecord storage record = _agents[agentId];
        if (record.walletMode == WalletMode.Verified) delete _agentOfWallet[record.wallet];
        record.wallet = address(0);
        record.walletMode = WalletMode.None;
        emit MetadataSet(agentId, AGENT_WALLET_KEY, AGENT_WALLET_KEY, "");
    }

    /// @dev Every ERC-721 move passes here; a transfer (not a mint) clears the agentWallet, which
    /// the new owner must verify again.
    function _update(address to, uint256 agentId, address auth) internal override returns (address from) {
        from = super._update(to, agentId, auth);
        if (from != address(0) && to != address(0)) _clearWallet(agentId);
    }
}
