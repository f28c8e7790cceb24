/// Where a database keeps its wrapped keys: the keyring (the sealing and pseudonym keys, each wrapped by a master
/// key) and every case's content key. It stores only wrapped bytes; wrapping and unwrapping happen in the server.
///
/// The contract every backend keeps (`KeyStoreContract`): adding a keyring entry that exists keeps the stored
/// one; ``rewrap(_:)`` replaces the keyring and saves the rewrapped case keys in one transaction, so a server
/// running meanwhile sees either all of the old or all of the new.
public protocol KeyStore: Sendable {
    func keyring() async throws -> [KeyringEntry]
    /// Adds keyring entries. When the keyring was empty, the case keys from before it existed are marked as
    /// wrapped by `bootstrapFingerprint`.
    func add(_ entries: [KeyringEntry], bootstrapFingerprint: String?) async throws
    /// Rewraps everything in one transaction: `transform` gets the keyring and every case key and returns the new
    /// keyring (which replaces the old one) and the case keys to save. Returns how many case keys were saved.
    func rewrap(
        _ transform: @escaping @Sendable ([KeyringEntry], [WrappedCaseKey]) throws -> (keyring: [KeyringEntry], caseKeys: [WrappedCaseKey])
    ) async throws -> Int
}

extension KeyStore {
    public func add(_ entries: [KeyringEntry]) async throws { try await add(entries, bootstrapFingerprint: nil) }
}

/// One keyring entry: a named key wrapped by the master key with `fingerprint`.
public struct KeyringEntry: Sendable, Hashable {
    public var fingerprint: String
    public var name: String
    public var wrapped: [UInt8]

    public init(fingerprint: String, name: String, wrapped: [UInt8]) {
        self.fingerprint = fingerprint
        self.name = name
        self.wrapped = wrapped
    }
}

/// One case's content key, wrapped by the master key with `fingerprint` (`nil`: the one before keyrings).
public struct WrappedCaseKey: Sendable, Hashable {
    public var caseID: String
    public var fingerprint: String?
    public var wrapped: [UInt8]

    public init(caseID: String, fingerprint: String?, wrapped: [UInt8]) {
        self.caseID = caseID
        self.fingerprint = fingerprint
        self.wrapped = wrapped
    }
}
