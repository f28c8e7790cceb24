import Configuration
import Foundation
import Testing
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

@Suite("Configuration")
struct ConfigurationTests {
    static let valid = ["LINE_CHANNEL_SECRET": TestSecrets.channelSecret, "TSUNAGU_DATA_KEY": TestSecrets.dataKeyBase64]

    func configuration(_ environment: [String: String], file: String? = nil) async throws -> TsunaguConfiguration {
        try TsunaguConfiguration(reader: try ConfigReader.tsunagu(configFile: file, environment: environment))
    }

    func startupError(_ environment: [String: String], file: String? = nil) async -> StartupError? {
        do {
            _ = try await configuration(environment, file: file)
            return nil
        } catch let error as StartupError {
            return error
        } catch {
            return nil
        }
    }

    @Test("the documented defaults apply when only the secrets are set")
    func defaults() async throws {
        let configuration = try await configuration(Self.valid)
        #expect(configuration.webhookHost == "0.0.0.0" && configuration.webhookPort == 8080)
        #expect(configuration.staffHost == "127.0.0.1" && configuration.staffPort == 8081)
        #expect(configuration.webhookMaxBodyBytes == 1_048_576)
        #expect(configuration.database.description == "data/tsunagu.sqlite")
        #expect(configuration.databasePoolSize == 10)
        #expect(configuration.durability == .full)
        #expect(configuration.apiBaseURL == "https://api.line.me")
        #expect(configuration.dataAPIBaseURL == "https://api-data.line.me")
    }

    @Test("the repository's config/tsunagu.yaml loads and matches the built-in defaults")
    func shippedFile() async throws {
        let repoFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/tsunagu.yaml").path
        let fromFile = try await configuration(Self.valid, file: repoFile)
        let builtIn = try await configuration(Self.valid)
        #expect(fromFile.webhookPort == builtIn.webhookPort && fromFile.staffPort == builtIn.staffPort)
        #expect(fromFile.database.description == builtIn.database.description && fromFile.durability == builtIn.durability)
        #expect(fromFile.webhookMaxBodyBytes == builtIn.webhookMaxBodyBytes)
    }

    @Test("environment variables win over the config file, and --config values are read")
    func environmentWins() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("tsunagu.yaml")
        try """
        tsunagu:
          webhook:
            port: 9000
            maxBodyBytes: 2048
          staff:
            port: 9001
          durability: normal
        """.write(toFile: file, atomically: true, encoding: .utf8)
        var environment = Self.valid
        environment["TSUNAGU_WEBHOOK_PORT"] = "9100"
        let configuration = try await configuration(environment, file: file)
        #expect(configuration.webhookPort == 9100)
        #expect(configuration.staffPort == 9001)
        #expect(configuration.webhookMaxBodyBytes == 2048)
        #expect(configuration.durability == .normal)
    }

    @Test("TSUNAGU_CONFIG names the file when --config is absent")
    func configFromEnvironment() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("t.yaml")
        try "tsunagu:\n  staff:\n    port: 9555\n".write(toFile: file, atomically: true, encoding: .utf8)
        var environment = Self.valid
        environment["TSUNAGU_CONFIG"] = file
        #expect(try await configuration(environment).staffPort == 9555)
    }

    @Test("the data key can come from a file")
    func dataKeyFile() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("data.key")
        try (TestSecrets.dataKeyBase64 + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        _ = try await configuration(["LINE_CHANNEL_SECRET": "s", "TSUNAGU_DATA_KEY_FILE": file])
    }

    @Test("the channel secret and access token can come from files, as systemd hands credentials over; a value set inline wins")
    func channelSecretsFromFiles() async throws {
        let directory = try TemporaryDirectory()
        let secretFile = directory.path("line-channel-secret")
        let tokenFile = directory.path("line-channel-access-token")
        try "secret-from-a-file\n".write(toFile: secretFile, atomically: true, encoding: .utf8)
        try "token-from-a-file".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let files = [
            "TSUNAGU_DATA_KEY": TestSecrets.dataKeyBase64, "LINE_CHANNEL_SECRET_FILE": secretFile, "LINE_CHANNEL_ACCESS_TOKEN_FILE": tokenFile,
        ]
        let fromFiles = try await configuration(files)
        #expect(fromFiles.channelSecret == "secret-from-a-file" && fromFiles.channelAccessToken == "token-from-a-file")
        let inline = try await configuration(files.merging(["LINE_CHANNEL_SECRET": "inline-secret"]) { $1 })
        #expect(inline.channelSecret == "inline-secret" && inline.channelSecretFile == nil)
    }

    @Test(
        "start-up refuses in one sentence that names the variable",
        arguments: [
            ([:], "LINE_CHANNEL_SECRET"),
            (["LINE_CHANNEL_SECRET": "  "], "LINE_CHANNEL_SECRET"),
            (["LINE_CHANNEL_SECRET": "s"], "TSUNAGU_DATA_KEY"),
            (["LINE_CHANNEL_SECRET": "s", "TSUNAGU_DATA_KEY": "c2hvcnQ="], "TSUNAGU_DATA_KEY"),
            (["LINE_CHANNEL_SECRET": "s", "TSUNAGU_DATA_KEY": "not base64!!"], "TSUNAGU_DATA_KEY"),
            (["LINE_CHANNEL_SECRET": "s", "TSUNAGU_DATA_KEY_FILE": "/nonexistent/key"], "TSUNAGU_DATA_KEY_FILE"),
            (["LINE_CHANNEL_SECRET_FILE": "/nonexistent/secret", "TSUNAGU_DATA_KEY": TestSecrets.dataKeyBase64], "LINE_CHANNEL_SECRET_FILE"),
            (valid.merging(["LINE_CHANNEL_ACCESS_TOKEN_FILE": "/dev/null"]) { $1 }, "LINE_CHANNEL_ACCESS_TOKEN_FILE"),
            (valid.merging(["TSUNAGU_WEBHOOK_PORT": "eighty"]) { $1 }, "TSUNAGU_WEBHOOK_PORT"),
            (valid.merging(["TSUNAGU_STAFF_PORT": "70000"]) { $1 }, "TSUNAGU_STAFF_PORT"),
            (valid.merging(["TSUNAGU_DURABILITY": "fast"]) { $1 }, "TSUNAGU_DURABILITY"),
            (valid.merging(["TSUNAGU_WEBHOOK_MAX_BODY_BYTES": "-1"]) { $1 }, "TSUNAGU_WEBHOOK_MAX_BODY_BYTES"),
            (valid.merging(["TSUNAGU_DATABASE": "postgres://u:pw@db/tsunagu?sslmode=sometimes"]) { $1 }, "TSUNAGU_DATABASE"),
            (valid.merging(["TSUNAGU_DATABASE_POOL_SIZE": "0"]) { $1 }, "TSUNAGU_DATABASE_POOL_SIZE"),
            (valid.merging(["TSUNAGU_OUTBOX_LEASE_SECONDS": "1"]) { $1 }, "TSUNAGU_OUTBOX_LEASE_SECONDS"),
        ])
    func refusals(_ environment: [String: String], variable: String) async throws {
        let error = try #require(await startupError(environment))
        #expect(error.message.contains(variable))
        #expect(error.message.hasSuffix("."))
        #expect(error.message.split(separator: ". ").count == 1, "more than one sentence: \(error.message)")
    }

    @Test("a malformed key is refused without quoting it")
    func secretNotQuoted() async throws {
        let badKey = "c2VjcmV0LWJ1dC10b28tc2hvcnQ="
        let error = try #require(await startupError(["LINE_CHANNEL_SECRET": "s", "TSUNAGU_DATA_KEY": badKey]))
        #expect(!error.message.contains(badKey))
    }

    @Test("a missing config file is refused by name")
    func missingFile() async throws {
        let error = try #require(await startupError(Self.valid, file: "/nonexistent/tsunagu.yaml"))
        #expect(error.message.contains("/nonexistent/tsunagu.yaml"))
    }
}
