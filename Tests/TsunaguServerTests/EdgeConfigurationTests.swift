import Configuration
import Foundation
import Testing
import TsunaguCoreTesting
import TsunaguServer
import TsunaguTesting

/// Settings that refuse a configuration trap at start-up, in one sentence.
@Suite("Configuration traps")
struct EdgeConfigurationTests {
    static let valid = ["LINE_CHANNEL_SECRET": TestSecrets.channelSecret, "TSUNAGU_DATA_KEY": TestSecrets.dataKeyBase64]

    func startupError(_ environment: [String: String]) async throws -> String? {
        do {
            _ = try TsunaguConfiguration(reader: try ConfigReader.tsunagu(configFile: nil, environment: Self.valid.merging(environment) { $1 }))
            return nil
        } catch let error as StartupError {
            return error.message
        }
    }

    @Test("PostgreSQL on another machine without verify-full is refused unless TSUNAGU_DATABASE_ALLOW_UNVERIFIED allows it")
    func unverifiedPostgres() async throws {
        let weak = "postgres://tsunagu:pw@db.internal/tsunagu?sslmode=require"
        let message = try #require(try await startupError(["TSUNAGU_DATABASE": weak]))
        #expect(message.contains("TSUNAGU_DATABASE_ALLOW_UNVERIFIED") && !message.contains("pw") && message.hasSuffix("."))
        #expect(try await startupError(["TSUNAGU_DATABASE": weak, "TSUNAGU_DATABASE_ALLOW_UNVERIFIED": "true"]) == nil)
        #expect(try await startupError(["TSUNAGU_DATABASE": "postgres://tsunagu@db.internal/tsunagu"]) == nil)
        #expect(try await startupError(["TSUNAGU_DATABASE": "postgres://tsunagu@127.0.0.1/tsunagu?sslmode=disable"]) == nil)
    }

    @Test("a data key file its group or others can read is refused, naming the file and the fix", arguments: [0o640, 0o604, 0o644])
    func keyFileMode(_ mode: Int) async throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("data.key")
        try TestSecrets.dataKeyBase64.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        let environment = ["TSUNAGU_DATA_KEY": "", "TSUNAGU_DATA_KEY_FILE": file]
        let message = try #require(try await startupError(environment))
        #expect(message.contains("TSUNAGU_DATA_KEY_FILE") && message.contains("chmod 600") && !message.contains(TestSecrets.dataKeyBase64))
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: file)
        #expect(try await startupError(environment) == nil)
    }

    @Test("sandbox mode beside a real channel is refused in one sentence: an access token, or another LINE API base")
    func sandboxBesideRealChannel() async throws {
        let sandbox = Self.valid.merging(["TSUNAGU_SANDBOX_ENABLED": "true"]) { $1 }
        func refusal(_ extra: [String: String]) async throws -> String? {
            let configuration = try TsunaguConfiguration(
                reader: try ConfigReader.tsunagu(configFile: nil, environment: sandbox.merging(extra) { $1 }))
            do {
                try configuration.requireSandboxAlone()
                return nil
            } catch let error as StartupError {
                return error.message
            }
        }
        let token = try #require(try await refusal(["LINE_CHANNEL_ACCESS_TOKEN": "a-real-token"]))
        #expect(token.contains("LINE_CHANNEL_ACCESS_TOKEN") && token.contains("TSUNAGU_OUTBOX_PAUSED") && !token.contains("a-real-token"))
        let base = try #require(try await refusal(["LINE_API_BASE_URL": "https://api.line.me.example"]))
        #expect(base.contains("LINE_API_BASE_URL") && base.hasSuffix("."))
        #expect(try await refusal([:]) == nil)
        #expect(try await refusal(["TSUNAGU_SANDBOX_ENABLED": "false", "LINE_CHANNEL_ACCESS_TOKEN": "a-real-token"]) == nil)
    }
}
