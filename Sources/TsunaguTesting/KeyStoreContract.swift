public import TsunaguCore

/// The behaviour every ``KeyStore`` backend must show, written once against a key store and the triage store of
/// the same database (which writes the case keys). Each check returns the promises it found broken.
public enum KeyStoreContract {
    public typealias MakeStores = @Sendable () async throws -> (keys: any KeyStore, inbox: any InboxStore, triage: any TriageStore)

    static func entry(_ fingerprint: String, _ name: String, _ byte: UInt8) -> KeyringEntry {
        KeyringEntry(fingerprint: fingerprint, name: name, wrapped: Array(repeating: byte, count: 8))
    }

    /// Entries come back in order; adding an entry that exists keeps the stored one.
    public static func keyringEntries(_ make: MakeStores) async throws -> [String] {
        let (keys, _, _) = try await make()
        var broken: [String] = []
        if try await !keys.keyring().isEmpty { broken.append("a new keyring is not empty") }
        try await keys.add([entry("f1", "sealing", 1), entry("f1", "pseudonym", 2)], bootstrapFingerprint: "f1")
        try await keys.add([entry("f1", "sealing", 9), entry("f2", "sealing", 3)])
        let stored = try await keys.keyring()
        let expected = [entry("f1", "pseudonym", 2), entry("f1", "sealing", 1), entry("f2", "sealing", 3)]
        if stored != expected { broken.append("keyring \(stored.map { "\($0.fingerprint)/\($0.name)/\($0.wrapped.first ?? 0)" })") }
        return broken
    }

    /// A rewrap sees every case key, replaces the keyring whole and saves the case keys it returns.
    public static func rewrapping(_ make: MakeStores) async throws -> [String] {
        let (keys, inbox, triage) = try await make()
        var broken: [String] = []
        try await keys.add([entry("f1", "sealing", 1), entry("f1", "pseudonym", 2)])
        // Two cases, their keys written by triage as a decision would.
        _ = try await inbox.append(
            TriageStoreContract.events("a", conversation: "A", count: 1) + TriageStoreContract.events("b", conversation: "B", count: 1))
        _ = try await triage.process(try await triage.pendingEvents(limit: 10)) { event, _ in
            let caseID = "case-\(event.eventID)"
            return TriageCommit(newCaseKey: (caseID: caseID, wrappedKey: [4, 4], fingerprint: "f1"))
        }
        let seen = Locked<[WrappedCaseKey]>([])
        let saved = try await keys.rewrap { _, caseKeys in
            seen.withLock { $0 = caseKeys }
            let rewrapped = caseKeys.map { WrappedCaseKey(caseID: $0.caseID, fingerprint: "f2", wrapped: [5, 5]) }
            return ([entry("f2", "sealing", 7), entry("f2", "pseudonym", 8)], rewrapped)
        }
        if saved != 2 { broken.append("saved \(saved) case keys") }
        if Set(seen.value.map(\.caseID)) != ["case-a-0", "case-b-0"] || seen.value.contains(where: { $0.fingerprint != "f1" }) {
            broken.append("the rewrap saw \(seen.value)")
        }
        let keyring = try await keys.keyring()
        if keyring != [entry("f2", "pseudonym", 8), entry("f2", "sealing", 7)] { broken.append("the old keyring was not replaced") }
        let after = Locked<[WrappedCaseKey]>([])
        _ = try await keys.rewrap { keyring, caseKeys in
            after.withLock { $0 = caseKeys }
            return (keyring, [])
        }
        if after.value.contains(where: { $0.fingerprint != "f2" || $0.wrapped != [5, 5] }) || after.value.count != 2 {
            broken.append("the rewrapped case keys were not saved: \(after.value)")
        }
        return broken
    }

    public static let all: [(name: String, check: @Sendable (MakeStores) async throws -> [String])] = [
        ("keyringEntries", keyringEntries), ("rewrapping", rewrapping),
    ]
}
