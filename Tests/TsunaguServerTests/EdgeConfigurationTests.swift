import Configuration
import Foundation
import Testing
import TsunaguServer
import TsunaguTesting

/// Settings that refuse a configuration trap at start-up, in one sentence.
@Suite("Configuration traps")
struct EdgeConfigurationTests {
    static let valid = ["LINE_CHANNEL_SECRET": TestSecrets.channelSecret, "TSUNAGU_DATA_KEY": TestSecrets.dataKeyBase64]

    func startupError(_ environment: [String: String]) async throws -> String? {
        do {
            _ = try TsunaguConfiguration(reader: try await ConfigReader.tsunagu(configFile: nil, environment: Self.valid.merging(environment) { $1 }))
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
}
