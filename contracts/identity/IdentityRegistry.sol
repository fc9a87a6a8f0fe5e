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
 * URI takes two fresh slots instead of three. A claim's eligibility check ({isEligible}) reads two
 * slots: the declared capability's slot, which holds the agent's owner (rewritten on transfer), and
 * the client's {AccountRecord}, which says whether it can be any agent's key at all.
 *
 * Protocol contracts (TaskBoard) register themselves ({registerProtocolContract}) and are then
 * never an agent's key: approvals to them and transfers to them are refused, and approvals they
 * received before registering are ignored.
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

    /**
     * @dev Per-address summary of the keys it holds, in one slot:
     * `| 120 unused | 8 protocol | 32 approvedFor | 32 operatorOf | 64 walletOf |`. The counts are
     * exact; they let {_isOtherKey} skip the approval mappings for the many addresses that hold none.
     */
    struct AccountRecord {
        /// The agent whose verified wallet this address is (0: none).
        uint64 walletOf;
        /// How many owners approved this address for all their agents.
        uint32 operatorOf;
        /// How many agents are approved to this address individually.
        uint32 approvedFor;
        /// A registered protocol contract: never an agent's key.
        bool protocol;
    }

    /// @notice EIP-712 type of the agentWallet proof, as in the canonical ERC-8004 deployment.
    bytes32 public constant AGENT_WALLET_SET_TYPEHASH =
        // solhint: the EIP-712 type string, hashed at compile time
        // solhint-disable-next-line gas-small-strings
        keccak256("AgentWalletSet(uint256 agentId,address newWallet,address owner,uint256 deadline)");

    /// @notice Longest an agentWallet signature may stay valid, counted from the block it lands in.
    uint256 public constant MAX_DEADLINE_DELAY = 5 minutes;

    string private constant AGENT_WALLET_KEY = "agentWallet";
    bytes32 private constant AGENT_WALLET_KEY_HASH = keccak256(bytes(AGENT_WALLET_KEY));

    uint256 private _lastAgentId;
    mapping(uint256 agentId => AgentRecord) private _agents;
    mapping(uint256 agentId => PackedBytes.Bytes) private _agentURIs;
    mapping(uint256 agentId => mapping(bytes32 keyHash => PackedBytes.Bytes)) private _metadata;
    /// @dev Non-zero 32-byte metadata values (hashes, ids, amounts: the common case) in one slot; the
    /// value is here only while its {_metadata} entry is empty. See {_setMetadata}.
    mapping(uint256 agentId => mapping(bytes32 keyHash => bytes32 word)) private _metadataWords;
    mapping(address account => AccountRecord) private _accounts;
    /// @dev Declared capabilities as a set: per tag, the agent's owner (zero: not declared), so that a
    /// claim learns the owner and the capability in one read; plus the list, so that
    /// {setCapabilities} can clear the previous set and a transfer can rewrite the owners.
    mapping(uint256 agentId => mapping(bytes32 capability => address owner)) private _capabilityOwners;
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
        PackedBytes.Bytes storage packed = _metadata[agentId][keyHash];
        if (!packed.isEmpty()) return packed.load();
        bytes32 word = _metadataWords[agentId][keyHash];
        return word == bytes32(0) ? bytes("") : abi.encodePacked(word);
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

        AccountRecord storage account = _accounts[newWallet];
        if (account.protocol) revert ProtocolContractNotAllowed(newWallet);
        // A wallet serves one agent at a time: release it from the agent it served before.
        uint256 previousAgent = account.walletOf;
        if (previousAgent != 0 && previousAgent != agentId) _clearWallet(previousAgent);

        AgentRecord storage record = _agents[agentId];
        if (record.walletMode == WalletMode.Verified && record.wallet != newWallet) {
            _accounts[record.wallet].walletOf = 0;
        }
        record.wallet = newWallet;
        record.walletMode = WalletMode.Verified;
        // Agent ids are sequential from 1: they fit 64 bits.
        account.walletOf = uint64(agentId);
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
        return _accounts[wallet].walletOf;
    }

    /// @inheritdoc IIdentityRegistry
    function isAuthorized(address account, uint256 agentId) public view returns (bool) {
        address owner = _ownerOf(agentId);
        if (owner == address(0)) return false;
        return account == owner || _isOtherKey(account, agentId, owner);
    }

    /// @inheritdoc IIdentityRegistry
    function isEligible(address account, uint256 agentId, bytes32 capability, address client) external view returns (bool) {
        // With a capability, its slot holds the owner: one read answers "exists" and "declared".
        address owner = capability == bytes32(0) ? _ownerOf(agentId) : _capabilityOwners[agentId][capability];
        if (owner == address(0)) return false;
        if (account != owner && !_isOtherKey(account, agentId, owner)) return false;
        return client != owner && !_isOtherKey(client, agentId, owner);
    }

    // ---------------------------------------------------------------- protocol contracts

    /// @inheritdoc IIdentityRegistry
    function registerProtocolContract() external {
        _accounts[msg.sender].protocol = true;
        emit ProtocolContractRegistered(msg.sender);
    }

    /// @inheritdoc IIdentityRegistry
    function isProtocolContract(address account) external view returns (bool) {
        return _accounts[account].protocol;
    }

    // ---------------------------------------------------------------- capabilities

    /// @inheritdoc IIdentityRegistry
    function setCapabilities(uint256 agentId, bytes32[] calldata caps) external {
        if (!isAuthorized(msg.sender, agentId)) {
            if (_ownerOf(agentId) == address(0)) revert AgentNotFound(agentId);
            revert NotAuthorizedForAgent(msg.sender, agentId);
        }
        mapping(bytes32 => address) storage owners = _capabilityOwners[agentId];
        bytes32[] storage list = _capabilities[agentId];
        for (uint256 i = list.length; i != 0; --i) {
            delete owners[list[i - 1]];
            list.pop();
        }
        address owner = _ownerOf(agentId);
        for (uint256 i; i < caps.length; ++i) {
            bytes32 capability = caps[i];
            if (capability == bytes32(0)) revert ZeroCapability(i);
            if (owners[capability] != address(0)) continue; // listed once
            owners[capability] = owner;
            list.push(capability);
        }
        emit CapabilitiesSet(agentId, caps);
    }

    /// @inheritdoc IIdentityRegistry
    function hasCapability(uint256 agentId, bytes32 capability) external view returns (bool) {
        return _capabilityOwners[agentId][capability] != address(0);
    }

    /// @inheritdoc IIdentityRegistry
    function capabilitiesOf(uint256 agentId) external view returns (bytes32[] memory) {
        return _capabilities[agentId];
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
        // A non-zero 32-byte value takes one slot; any other value is stored packed (an empty one
        // clears both). The packed entry wins while it is not empty, so each write keeps the other
        // place empty when it must.
        PackedBytes.Bytes storage packed = _metadata[agentId][keyHash];
        if (metadataValue.length == 32 && bytes32(metadataValue) != bytes32(0)) {
            if (!packed.isEmpty()) packed.clear();
            _metadataWords[agentId][keyHash] = bytes32(metadataValue);
        } else {
            packed.store(metadataValue);
            if (metadataValue.length == 0 && _metadataWords[agentId][keyHash] != bytes32(0)) {
                delete _metadataWords[agentId][keyHash];
            }
        }
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

    /**
     * @dev Whether `account`, not the owner of `agentId` (`owner`, not zero), is another of its keys:
     * its verified wallet, or an approved operator that is not a protocol contract. The account's
     * record is read once; the approval mappings only when it holds approvals at all.
     */
    function _isOtherKey(address account, uint256 agentId, address owner) private view returns (bool) {
        AccountRecord memory record = _accounts[account];
        if (record.protocol) return false;
        if (record.walletOf == agentId) return true; // walletOf is only set for verified wallets
        if (record.operatorOf != 0 && isApprovedForAll(owner, account)) return true;
        return record.approvedFor != 0 && _getApproved(agentId) == account;
    }

    /// @dev The one place a wallet is removed: drops the reverse entry and records "no wallet".
    function _clearWallet(uint256 agentId) private {
        AgentRecord storage record = _agents[agentId];
        if (record.walletMode == WalletMode.Verified) _accounts[record.wallet].walletOf = 0;
        record.wallet = address(0);
        record.walletMode = WalletMode.None;
        emit MetadataSet(agentId, AGENT_WALLET_KEY, AGENT_WALLET_KEY, "");
    }

    /**
     * @dev Every ERC-721 move passes here. A transfer (not a mint) clears the agentWallet, which the
     * new owner must verify again, and rewrites the owner cached in each declared capability's slot.
     * Nothing is transferred to a protocol contract.
     */
    function _update(address to, uint256 agentId, address auth) internal override returns (address from) {
        from = super._update(to, agentId, auth);
        if (from != address(0) && to != address(0)) {
            if (_accounts[to].protocol) revert ProtocolContractNotAllowed(to);
            _clearWallet(agentId);
            bytes32[] storage list = _capabilities[agentId];
            mapping(bytes32 => address) storage owners = _capabilityOwners[agentId];
            for (uint256 i; i < list.length; ++i) {
                owners[list[i]] = to;
            }
        }
    }

    /// @dev Every single-agent approval passes here (ERC-721 `approve`, and its clearing on
    /// transfer); keeps {AccountRecord.approvedFor} exact and refuses protocol contracts.
    function _approve(address to, uint256 agentId, address auth, bool emitEvent) internal override {
        if (to != address(0) && _accounts[to].protocol) revert ProtocolContractNotAllowed(to);
        address previous = _getApproved(agentId);
        super._approve(to, agentId, auth, emitEvent);
        if (previous != to) {
            if (previous != address(0)) --_accounts[previous].approvedFor;
            if (to != address(0)) ++_accounts[to].approvedFor;
        }
    }

    /// @dev Every operator approval passes here; keeps {AccountRecord.operatorOf} exact and refuses
    /// to approve protocol contracts (revoking an earlier approval stays possible).
    function _setApprovalForAll(address owner, address operator, bool approved) internal override {
        if (approved && _accounts[operator].protocol) revert ProtocolContractNotAllowed(operator);
        bool was = isApprovedForAll(owner, operator);
        super._setApprovalForAll(owner, operator, approved);
        if (approved != was) {
            if (approved) ++_accounts[operator].operatorOf;
            else --_accounts[operator].operatorOf;
        }
    }
}
