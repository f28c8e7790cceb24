import Crypto
import Foundation
public import TsunaguCore

/// Opens a database's keyring with the master key, and rotates the master key.
///
/// The keyring holds the sealing and pseudonym keys, wrapped by a master key. The first start with a
/// keyring-less database stores the keys derived from the current master key, so nothing already sealed
/// changes. Rotation then rewraps only small keys: the keyring and each case's content key; pseudonyms and
/// everything sealed stay as they are.
///
/// Rotating without downtime:
/// 1. restart `tsunagud` with `TSUNAGU_DATA_KEY` set to the new key and `TSUNAGU_DATA_KEY_PREVIOUS` to the old
///    one: it opens the keyring with the old key, adds the new key's entries, and can read case keys wrapped
///    by either;
/// 2. run `tsunagud rotate-key` with the same settings while it serves: every case key and the keyring are
///    rewrapped under the new key in one transaction, and the old key's entries are dropped;
/// 3. remove `TSUNAGU_DATA_KEY_PREVIOUS` at the next restart, and destroy the old key.
public enum Keyring {
    static let names = ["sealing", "pseudonym"]

    /// The data keys to serve with: the keyring's, able to unwrap case keys of `current` and `previous`.
    ///
    /// - Parameter readOnly: for commands that only read (`audit --verify` beside a server): the keyring is not
    ///   written, and an empty one gives the keys its first start would store (those derived from `current`).
    public static func open(
        _ store: any KeyStore, current: DataKey, previous: DataKey? = nil, readOnly: Bool = false
    ) async throws -> DataKey {
        let rows = try await store.keyring()
        if rows.isEmpty {
            if !readOnly {
                try await store.add(
                    try entries(sealing: current.sealingKey, pseudonym: current.pseudonymKey, under: current),
                    bootstrapFingerprint: current.fingerprint)
            }
            return combined(sealing: current.sealingKey, pseudonym: current.pseudonymKey, current: current, previous: previous)
        }
        for candidate in [current, previous].compactMap({ $0 }) {
            guard let (sealing, pseudonym) = try unwrap(rows, with: candidate) else { continue }
            if candidate.fingerprint != current.fingerprint, !readOnly {
                try await store.add(try entries(sealing: sealing, pseudonym: pseudonym, under: current))
            }
            return combined(sealing: sealing, pseudonym: pseudonym, current: current, previous: previous)
        }
        throw StartupError(
            "TSUNAGU_DATA_KEY is not the key this database is protected with; set it back, or set TSUNAGU_DATA_KEY_PREVIOUS to the key in use so far to rotate to the new one."
        )
    }

    /// The audit chain of the database whose keyring `store` is, opened without writing anything
    /// (``open(_:current:previous:readOnly:)``).
    public static func auditChain(_ store: any KeyStore, current: DataKey, previous: DataKey? = nil) async throws -> AuditChain {
        try await open(store, current: current, previous: previous, readOnly: true).auditChain
    }

    /// Rewraps the keyring and every case key under `target`, opening them with the keys `opened` knows;
    /// drops every other master key's keyring entries. Returns how many case keys were rewrapped.
    public static func rotate(_ store: any KeyStore, opened: DataKey, to target: DataKey) async throws -> Int {
        try await store.rewrap { _, caseKeys in
            let keyring = try entries(sealing: opened.sealingKey, pseudonym: opened.pseudonymKey, under: target)
            let rewrapped = try caseKeys.map { row in
                let key = try CaseCipher(dataKey: opened).unwrap(row.wrapped, for: row.caseID, fingerprint: row.fingerprint)
                return WrappedCaseKey(
                    caseID: row.caseID, fingerprint: target.fingerprint, wrapped: try CaseCipher.wrap(key, for: row.caseID, with: target.wrappingKey))
            }
            return (keyring, rewrapped)
        }
    }

    private static func combined(sealing: SymmetricKey, pseudonym: SymmetricKey, current: DataKey, previous: DataKey?) -> DataKey {
        DataKey(
            sealingKey: sealing, pseudonymKey: pseudonym,
            wrappingKeys: current.wrappingKeys.merging(previous?.wrappingKeys ?? [:]) { mine, _ in mine },
            fingerprint: current.fingerprint)
    }

    private static func entries(sealing: SymmetricKey, pseudonym: SymmetricKey, under master: DataKey) throws -> [KeyringEntry] {
        try zip(names, [sealing, pseudonym]).map { name, key in
            KeyringEntry(
                fingerprint: master.fingerprint, name: name, wrapped: try CaseCipher.wrap(key, for: "keyring:" + name, with: master.wrappingKey))
        }
    }

    /// The sealing and pseudonym keys, if `master` has keyring entries; throws if they do not open (tampering).
    private static func unwrap(_ rows: [KeyringEntry], with master: DataKey) throws -> (SymmetricKey, SymmetricKey)? {
        let mine = Dictionary(rows.filter { $0.fingerprint == master.fingerprint }.map { ($0.name, $0.wrapped) }) { first, _ in first }
        guard let sealing = mine["sealing"], let pseudonym = mine["pseudonym"] else { return nil }
        let cipher = CaseCipher(dataKey: master)
        return (try cipher.unwrap(sealing, for: "keyring:sealing"), try cipher.unwrap(pseudonym, for: "keyring:pseudonym"))
    }
}
