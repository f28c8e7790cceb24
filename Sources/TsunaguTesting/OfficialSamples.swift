public import Foundation

/// LINE's official sample webhook bodies and signature vectors, from `../shared/line/samples` beside the
/// repository (CI lays `shared/` beside its clone the same way).
public enum OfficialSamples {
    public static var directory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()  // repo root
            .deletingLastPathComponent().appendingPathComponent("shared/line/samples")
    }

    /// Every sample webhook body: the top-level JSON files other than the signature vectors, and the Java
    /// SDK's one-event callbacks.
    public static func bodyFiles() throws -> [URL] {
        let manager = FileManager.default
        let top = try manager.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" && $0.lastPathComponent != "signature-vectors.json" }
        let java = try manager.contentsOfDirectory(
            at: directory.appendingPathComponent("java-callback"), includingPropertiesForKeys: nil
        )
        .filter { $0.pathExtension == "json" }
        return (top + java).sorted { $0.path < $1.path }
    }

    /// One signature vector of `signature-vectors.json`.
    public struct SignatureVector: Decodable, Sendable, CustomStringConvertible {
        public var id: String
        public var channelSecret: String
        public var bodyBase64: String
        public var expectedSignature: String
        public var mustRejectSignatures: [String]?
        public var body: Data { Data(base64Encoded: bodyBase64)! }
        public var description: String { id }
    }

    public static func signatureVectors() throws -> [SignatureVector] {
        struct File: Decodable { var vectors: [SignatureVector] }
        let data = try Data(contentsOf: directory.appendingPathComponent("signature-vectors.json"))
        return try JSONDecoder().decode(File.self, from: data).vectors
    }
}
