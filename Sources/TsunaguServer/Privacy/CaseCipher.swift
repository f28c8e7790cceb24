public import Crypto
import Foundation

/// Encrypts each case's transcript with the case's own random key, kept only wrapped by the master key.
///
/// Deleting a case's wrapped key destroys its content for good, even in backups and free pages the
/// database has not yet overwritten (crypto-shredding). Rotating the master key rewraps the small keys and
/// leaves the transcripts untouched.
public struct CaseCipher: Sendable {
    private let wrappingKey: SymmetricKey

    public init(dataKey: DataKey) { self.wrappingKey = dataKey.wrappingKey }

    /// A fresh content key for `caseID`, and its wrapped form to store.
    public func newKey(for caseID: String) throws -> (key: SymmetricKey, wrapped: [UInt8]) {
        let key = SymmetricKey(size: .bits256)
        let wrapped = try key.withUnsafeBytes { bytes in
            try AES.GCM.seal(Data(bytes), using: wrappingKey, authenticating: Data(caseID.utf8)).combined!
        }
        return (key, Array(wrapped))
    }

    public func unwrap(_ wrapped: [UInt8], for caseID: String) throws -> SymmetricKey {
        SymmetricKey(data: try AES.GCM.open(AES.GCM.SealedBox(combined: wrapped), using: wrappingKey, authenticating: Data(caseID.utf8)))
    }

    /// Wraps `wrapped` (made under `old`) under this cipher's master key instead: key rotation.
    public func rewrap(_ wrapped: [UInt8], for caseID: String, from old: CaseCipher) throws -> [UInt8] {
        let key = try old.unwrap(wrapped, for: caseID)
        return try key.withUnsafeBytes { bytes in
            Array(try AES.GCM.seal(Data(bytes), using: wrappingKey, authenticating: Data(caseID.utf8)).combined!)
        }
    }

    public static func seal(_ text: String, with key: SymmetricKey, caseID: String) throws -> [UInt8] {
        Array(try AES.GCM.seal(Data(text.utf8), using: key, authenticating: Data(caseID.utf8)).combined!)
    }

    public static func open(_ sealed: [UInt8], with key: SymmetricKey, caseID: String) throws -> String {
        let data = try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Data(caseID.utf8))
        return String(decoding: data, as: UTF8.self)
    }
}
