public import Crypto
import Foundation

/// Encrypts each case's transcript with the case's own random key, kept only wrapped by the master key.
///
/// Deleting a case's wrapped key destroys its content for good (crypto-shredding). Rotating the master key
/// rewraps these small keys and leaves the transcripts untouched.
public struct CaseCipher: Sendable {
    private let dataKey: DataKey

    public init(dataKey: DataKey) { self.dataKey = dataKey }

    /// A fresh content key for `caseID`, its wrapped form, and the fingerprint of the master key that wraps it.
    public func newKey(for caseID: String) throws -> (key: SymmetricKey, wrapped: [UInt8], fingerprint: String) {
        let key = SymmetricKey(size: .bits256)
        return (key, try Self.wrap(key, for: caseID, with: dataKey.wrappingKey), dataKey.fingerprint)
    }

    /// - Parameter fingerprint: the master key that wrapped it; `nil` means the current one.
    public func unwrap(_ wrapped: [UInt8], for caseID: String, fingerprint: String? = nil) throws -> SymmetricKey {
        guard let wrapping = dataKey.wrappingKeys[fingerprint ?? dataKey.fingerprint] else { throw CaseCipherError.unknownMasterKey }
        return SymmetricKey(data: try AES.GCM.open(AES.GCM.SealedBox(combined: wrapped), using: wrapping, authenticating: Data(caseID.utf8)))
    }

    static func wrap(_ key: SymmetricKey, for caseID: String, with wrapping: SymmetricKey) throws -> [UInt8] {
        try key.withUnsafeBytes { bytes in
            Array(try AES.GCM.seal(Data(bytes), using: wrapping, authenticating: Data(caseID.utf8)).combined!)
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

/// A case key is wrapped by a master key this process was not given.
public enum CaseCipherError: Error, Sendable {
    case unknownMasterKey
}
