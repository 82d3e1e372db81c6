// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title RealDID registry: the ledger's append-only log on an EVM chain.
/// @notice Entries are RFC 8785 canonical JSON (see docs/ledger.md). The log's
/// RFC 9162 Merkle root is kept incrementally in O(log n) storage: branch[h]
/// holds the root of the perfect subtree of 2^h leaves for each set bit h of
/// `size`, so the same light client that checks the SQL stores checks roots
/// read from here. Entries live in events; off-chain mirrors serve proofs.
///
/// Admission is enforced on chain: an account writes only after the authority
/// admitted it for a DID and a role, only as that DID (every canonical entry
/// begins with {"author":"<did>",) and only entry types its role may write
/// (every canonical entry ends with "type":"<type>","v":1}). Signatures by
/// the DID's Ed25519 key are checked by every reader.
///
/// Each append names the index it expects (its size at the state the writer
/// checked the entry against): a compare-and-swap, so that an entry lands
/// only where it was validated, however many writers race.
contract RealDIDRegistry {
    uint8 public constant ROLE_AUTHORITY = 1;
    uint8 public constant ROLE_ISSUER = 2;
    uint8 public constant ROLE_SERVICE = 3;
    uint8 public constant ROLE_TRUSTEE = 4;
    uint8 public constant ROLE_COURT = 5;

    struct Member {
        uint8 role;
        bool retired;
        string did;
    }

    address public immutable authority;
    mapping(address => Member) public members;
    uint64 public size;
    bytes32[64] private branch;
    string[12] private typeNames;

    event Admitted(address indexed account, string did, uint8 role);
    event Retired(address indexed account);
    event EntryAppended(uint64 indexed index, bytes entry);
    event RootCommitted(uint64 size, bytes32 root);

    error NotAdmitted();
    error WrongAuthor();
    error TypeNotAllowed(uint8 entryType);
    error NotAuthority();
    error StaleIndex(uint64 size);

    constructor(string memory authorityDid) {
        authority = msg.sender;
        members[msg.sender] = Member(ROLE_AUTHORITY, false, authorityDid);
        typeNames = [
            "authority.genesis", "authority.admit", "did.update", "schema", "issuer.key",
            "service.registration", "trustees", "epoch", "retire", "opening.request",
            "opening.share", "opening.blinding"
        ];
        emit Admitted(msg.sender, authorityDid, ROLE_AUTHORITY);
    }

    /// @notice The authority binds an account to an admitted institution's DID and role.
    function admit(address account, string calldata did, uint8 role) external {
        if (msg.sender != authority) revert NotAuthority();
        require(role >= ROLE_ISSUER && role <= ROLE_COURT, "role");
        require(members[account].role == 0, "already admitted");
        members[account] = Member(role, false, did);
        emit Admitted(account, did, role);
    }

    /// @notice The authority, or an account of the same DID, revokes an account's right
    /// to write (a retired institution loses every account bound to its DID).
    function retire(address account) external {
        Member storage target = members[account];
        if (target.role == 0 || account == authority) revert NotAdmitted();
        if (msg.sender != authority
            && keccak256(bytes(members[msg.sender].did)) != keccak256(bytes(target.did))) {
            revert NotAuthority();
        }
        target.retired = true;
        emit Retired(account);
    }

    /// @dev Which entry types (bit i = typeNames[i]) each role may write.
    function allowedTypes(uint8 role) public pure returns (uint16) {
        if (role == ROLE_AUTHORITY) return 0x01FF | (1 << 11); // genesis .. retire, blinding
        if (role == ROLE_ISSUER) return (1 << 2) | (1 << 4) | (1 << 8);
        if (role == ROLE_SERVICE) return (1 << 2) | (1 << 8);
        if (role == ROLE_TRUSTEE) return (1 << 2) | (1 << 8) | (1 << 10);
        if (role == ROLE_COURT) return (1 << 2) | (1 << 8) | (1 << 9);
        return 0;
    }

    /// @notice Append one entry at `expectedIndex`; returns it. The leaf is SHA-256(0x00 || entry).
    function append(uint8 entryType, bytes calldata entry, uint64 expectedIndex)
        external
        returns (uint64 index)
    {
        if (expectedIndex != size) revert StaleIndex(size);
        Member storage m = members[msg.sender];
        if (m.role == 0 || m.retired) revert NotAdmitted();
        if (entryType >= 12 || (allowedTypes(m.role) >> entryType) & 1 == 0) {
            revert TypeNotAllowed(entryType);
        }
        bytes memory head = abi.encodePacked('{"author":"', m.did, '",');
        bytes memory tail = abi.encodePacked('"type":"', typeNames[entryType], '","v":1}');
        if (entry.length < head.length + tail.length
            || keccak256(entry[:head.length]) != keccak256(head)) revert WrongAuthor();
        if (keccak256(entry[entry.length - tail.length:]) != keccak256(tail)) {
            revert TypeNotAllowed(entryType);
        }
        bytes32 node = sha256(abi.encodePacked(bytes1(0x00), entry));
        index = size;
        uint64 n = index;
        uint256 h = 0;
        while (n & 1 == 1) {
            node = sha256(abi.encodePacked(bytes1(0x01), branch[h], node));
            n >>= 1;
            h += 1;
        }
        branch[h] = node;
        size = index + 1;
        emit EntryAppended(index, entry);
    }

    /// @notice The RFC 9162 root of the whole log (free to call).
    function root() public view returns (bytes32 r) {
        uint64 n = size;
        if (n == 0) return sha256("");
        uint256 h = 0;
        while ((n >> h) & 1 == 0) h += 1;
        r = branch[h];
        n >>= h + 1;
        h += 1;
        while (n > 0) {
            if (n & 1 == 1) r = sha256(abi.encodePacked(bytes1(0x01), branch[h], r));
            n >>= 1;
            h += 1;
        }
    }

    /// @notice Record (size, root) in a transaction, e.g. with each checkpoint.
    function commitRoot() external returns (bytes32 r) {
        r = root();
        emit RootCommitted(size, r);
    }
}
