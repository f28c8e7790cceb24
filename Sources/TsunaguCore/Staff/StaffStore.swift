/// Staff members and the SHA-256 of their tokens (a token itself is shown once and never stored).
///
/// The contract every backend keeps (`StaffStoreContract`): names are unique, also among revoked members; a
/// member is found by their token's hash until revoked; every change is written to the ``AuditLog`` in the same
/// transaction, so a change and its record commit together.
public protocol StaffStore: Sendable {
    /// - Throws: ``StaffNameTaken`` when the name is taken (also by a revoked member).
    func add(name: String, role: StaffRole, tokenHash: [UInt8], by actor: String) async throws -> StaffMember
    /// Every member, revoked ones included, by name.
    func list() async throws -> [StaffMember]
    /// Revokes a member's token; `false` when no active member has that name.
    func revoke(name: String, by actor: String) async throws -> Bool
    /// The active member whose token has this SHA-256, if any: how the staff API authenticates.
    func member(withTokenHash tokenHash: [UInt8]) async throws -> StaffMember?
}

/// The audit log: who did what, when, to which case, hash-chained (``AuditChain``). Entries are written by the
/// stores, in the transaction of the action they record, chained with the same ``chain``; this reads them.
public protocol AuditLog: Sendable {
    /// Every entry, in sequence order.
    func entries() async throws -> [AuditEntry]
    /// The chain, with its key, that the stores over this database append with.
    var chain: AuditChain { get }
}

extension AuditLog {
    /// Recomputes the chain from the first entry.
    public func verify() async throws -> AuditVerification { chain.verify(try await entries()) }
}

/// A staff name that is taken, in the sentence the operator reads.
public struct StaffNameTaken: Error, Sendable, CustomStringConvertible {
    public let name: String
    public init(name: String) { self.name = name }
    public var description: String { "A member of staff named \(name) exists already; choose another name." }
}
